"""``superseded``: learners registered on or after a cutoff take the new unit of each pair."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.domain.kinds.base import Kind, Rule, RuleCheck, RuleInput, Selection, register, short


@dataclass(frozen=True)
class Superseded(Rule):
    """Learners registered on or after ``cutoff`` must take the new unit of each (old, new) pair,
    unless they have already achieved the old one. A pathway never counts both units of a pair."""

    cutoff: dt.date
    pairs: tuple[tuple[str, str], ...]
    kind = "superseded"

    def describe(self) -> str:
        pairs = ", ".join(f"{short(new)} not {short(old)}" for old, new in self.pairs)
        return (f"registered from {self.cutoff.isoformat()}: {pairs} (unless the old unit is "
                "already achieved); never both units of a pair")

    def replacement(self, old: str) -> str | None:
        return next((new for o, new in self.pairs if o == old), None)

    def supersession(self, ref: str) -> tuple[str, dt.date] | None:
        new = self.replacement(ref)
        return (new, self.cutoff) if new is not None else None

    def applies_to(self, registered: dt.date) -> bool:
        return registered >= self.cutoff


def parse(r: RuleInput) -> Superseded:
    try:
        cutoff = dt.date.fromisoformat(str(r.raw.get("cutoff")))
    except ValueError:
        raise r.error("must be a date YYYY-MM-DD", "cutoff") from None
    pairs = r.raw.get("pairs")
    if not isinstance(pairs, list) or not pairs or not all(
            isinstance(p, list) and len(p) == 2 for p in pairs):
        raise r.error("must be a list of [old, new] unit pairs", "pairs")
    return Superseded(cutoff=cutoff,
                      pairs=tuple((r.unit(o, "pairs"), r.unit(n, "pairs")) for o, n in pairs),
                      **r.common)


def check(rule: Superseded, sel: Selection) -> RuleCheck:
    bad: list[str] = []
    for old, new in rule.pairs:
        if old in sel.refs and rule.applies_to(sel.registered) and old not in sel.achieved:
            bad.append(old)  # the old unit is out whatever else is chosen; the new one is fine
        elif old in sel.refs and new in sel.refs:
            bad += [old, new]
    bad_t = tuple(sorted(set(bad)))
    text = ("not allowed: " + ", ".join(short(r) for r in bad_t)) if bad_t else \
        "no superseded unit claimed"
    return RuleCheck(rule, not bad_t, len(bad_t), 0, text, bad_t)


def reject(rule: Superseded, c: RuleCheck, ref: str, sel: Selection) -> str:
    new = rule.replacement(ref)
    pair = next(p for p in rule.pairs if ref in p)
    other = pair[1] if ref == pair[0] else pair[0]
    if new is not None and rule.applies_to(sel.registered) and other not in c.units:
        return (f"superseded for a learner registered on {sel.registered.isoformat()} "
                f"(from {rule.cutoff.isoformat()}): take {new} instead")
    return f"covers the same content as {other}: never both"


register(Kind("superseded", Superseded, parse, check, reject))
