"""``barred``: at most one of these units may be counted."""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.kinds.base import Kind, Rule, RuleCheck, RuleInput, Selection, register, short
from planner.domain.kinds.mandatory import Mandatory


@dataclass(frozen=True)
class Barred(Rule):
    """At most one of these units may be counted."""

    refs: tuple[str, ...]
    kind = "barred"

    def describe(self) -> str:
        return "never together: " + " and ".join(short(r) for r in self.refs)


def parse(r: RuleInput) -> Barred:
    barred = r.unit_list("units")
    if len(barred) < 2:
        raise r.error("name at least two units", "units")
    return Barred(refs=barred, **r.common)


def check(rule: Barred, sel: Selection) -> RuleCheck:
    hit = tuple(r for r in rule.refs if r in sel.refs)
    ok = len(hit) <= 1
    text = "never together: " + " and ".join(short(r) for r in hit) if not ok else \
        f"not both of {', '.join(short(r) for r in rule.refs)}"
    # a mandatory unit is never the one at fault: the others of the set must go
    mandatory = _mandatory(sel)
    at_fault = tuple(r for r in hit if r not in mandatory) if set(hit) & mandatory else hit
    return RuleCheck(rule, ok, len(hit), 1, text, () if ok else at_fault)


def reject(rule: Barred, c: RuleCheck, ref: str, sel: Selection) -> str:
    mandatory = _mandatory(sel)
    others = [short(r) + (" (mandatory)" if r in mandatory else "")
              for r in rule.refs if r != ref]
    return f"barred with {', '.join(others)}"


def _mandatory(sel: Selection) -> set[str]:
    """The units the qualification's mandatory rules ask for: never the ones at fault."""
    return {r for rule in sel.qual.rules_of(Mandatory) for r in rule.refs}


register(Kind("barred", Barred, parse, check, reject))
