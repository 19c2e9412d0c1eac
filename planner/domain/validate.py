"""An independent validator: checks a set of units against a qualification's rules of combination
and a user's conditions in plain Python. It never uses the solver, so the tests can hold every
answer of the CP-SAT model to it."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions
from planner.domain.naming import Names, own_words
from planner.domain.rules import (
    AllowedUnits,
    Barred,
    CreditBounds,
    GroupCredits,
    Mandatory,
    Qualification,
    Rule,
    Superseded,
    UnitCount,
    short,
)


@dataclass(frozen=True)
class RuleCheck:
    """How one rule of combination fares on a set of units."""

    rule: Rule
    ok: bool
    value: int | None
    limit: int | None
    text: str
    units: tuple[str, ...] = ()  # the units at fault, if any

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule.describe(), "kind": self.rule.kind, "ok": self.ok,
                "value": self.value, "limit": self.limit, "text": self.text,
                "units": list(self.units)}


@dataclass(frozen=True)
class _Selection:
    catalogue: Catalogue
    qual: Qualification
    refs: frozenset[str]
    achieved: frozenset[str]
    registered: dt.date

    def credits(self, refs=None) -> int:
        return sum(self.catalogue.facts[r].credits for r in (self.refs if refs is None else refs))


@dataclass(frozen=True)
class QualificationUnits(Rule):
    """Not a rule of combination but what they all take for granted: only units of the
    qualification count, i.e. units of its unit table in a group it takes units from
    (``Qualification.allowed_rule_for`` is None for any other unit)."""

    qualification: str
    kind = "allowed"

    def describe(self) -> str:
        return f"units of the {self.qualification} only"


def not_of_qualification(qual: Qualification, ref: str) -> str:
    """Why ``ref`` is no unit of ``qual`` at all, in words."""
    group = qual.groups.get(ref)
    where = (f"the qualification takes no units from group {group} of its unit table"
             if group is not None else "it is not in the qualification's unit table")
    return f"{ref} is not a unit of the {qual.name} ({where})"


def check_rules(catalogue: Catalogue, qual: Qualification, refs, achieved=(),
                registered: dt.date | None = None) -> list[RuleCheck]:
    """One ``RuleCheck`` per rule of the qualification, in the order of its file; first, when the
    set holds units that are not the qualification's at all, a line naming them."""
    sel = _Selection(catalogue, qual, frozenset(refs), frozenset(achieved) & frozenset(refs),
                     registered or dt.date.today())
    outside = tuple(sorted(r for r in sel.refs if qual.allowed_rule_for(r) is None))
    head = []
    if outside:
        are = "is not a unit" if len(outside) == 1 else "are not units"
        head.append(RuleCheck(QualificationUnits(qual.name), False, len(outside), 0,
                              f"{', '.join(outside)} {are} of the {qual.name}", outside))
    return head + [_check(rule, sel) for rule in qual.rules]


def is_valid(catalogue: Catalogue, qual: Qualification, refs, achieved=(),
             registered: dt.date | None = None) -> bool:
    return all(c.ok for c in check_rules(catalogue, qual, refs, achieved, registered))


def unit_problems(catalogue: Catalogue, qual: Qualification, refs, achieved=(),
                  registered: dt.date | None = None) -> dict[str, str]:
    """ref -> why the qualification does not accept that unit in this set (units it accepts are
    left out). Counting rules (credits, caps) are not unit problems."""
    out: dict[str, list[str]] = {}
    for c in check_rules(catalogue, qual, refs, achieved, registered):
        if isinstance(c.rule, (QualificationUnits, AllowedUnits, Superseded, Barred)):
            for ref in c.units:
                out.setdefault(ref, []).append(_unit_reason(c, ref, catalogue, qual,
                                                            registered or dt.date.today()))
    return {ref: "; ".join(v) for ref, v in sorted(out.items())}


def _unit_reason(c: RuleCheck, ref: str, catalogue: Catalogue, qual: Qualification,
                 registered: dt.date) -> str:
    rule = c.rule
    if isinstance(rule, QualificationUnits):
        return not_of_qualification(qual, ref)
    if isinstance(rule, AllowedUnits):
        return (f"not in this qualification's list (group {qual.groups[ref]}: "
                f"{_allowed_spec(qual, qual.groups[ref])})")
    if isinstance(rule, Superseded):
        new = rule.replacement(ref)
        pair = next(p for p in rule.pairs if ref in p)
        other = pair[1] if ref == pair[0] else pair[0]
        if new is not None and rule.applies_to(registered) and other not in c.units:
            return (f"superseded for a learner registered on {registered.isoformat()} "
                    f"(from {rule.cutoff.isoformat()}): take {new} instead")
        return f"covers the same content as {other}: never both"
    mandatory = _mandatory(qual)
    others = [short(r) + (" (mandatory)" if r in mandatory else "")
              for r in rule.refs if r != ref]  # type: ignore[attr-defined]
    return f"barred with {', '.join(others)}"


def _allowed_spec(qual: Qualification, group: int) -> str:
    specs = [r.spec for r in qual.rules_of(AllowedUnits) if r.group == group]
    return "; ".join(specs) if specs else "none"


@functools.singledispatch
def _check(rule: Rule, sel: _Selection) -> RuleCheck:  # pragma: no cover - new kinds must register
    raise TypeError(f"no validator for rule kind {rule.kind}")


@_check.register
def _(rule: AllowedUnits, sel: _Selection) -> RuleCheck:
    bad = tuple(sorted(r for r in sel.refs
                       if sel.qual.allowed_rule_for(r) is rule and r not in rule.refs))
    text = (f"group {rule.group}: {len(bad)} unit(s) outside {rule.spec}: "
            + ", ".join(short(r) for r in bad)) if bad else f"group {rule.group}: all units allowed"
    return RuleCheck(rule, not bad, len(bad), 0, text, bad)


def _bounded(rule: Rule, value: int, lo: int | None, hi: int | None, what: str) -> RuleCheck:
    if lo is not None and value < lo:
        return RuleCheck(rule, False, value, lo, f"{what} {value}, at least {lo}")
    if hi is not None and value > hi:
        return RuleCheck(rule, False, value, hi, f"{what} {value}, at most {hi}")
    limit = lo if lo is not None else hi
    bounds = " to ".join(str(b) for b in (lo, hi) if b is not None)
    return RuleCheck(rule, True, value, limit, f"{what} {value} ({rule.describe()})"
                     if bounds else f"{what} {value}")


@_check.register
def _(rule: CreditBounds, sel: _Selection) -> RuleCheck:
    return _bounded(rule, sel.credits(), rule.min, rule.max, "credits")


@_check.register
def _(rule: UnitCount, sel: _Selection) -> RuleCheck:
    return _bounded(rule, len(sel.refs), rule.min, rule.max, "units")


@_check.register
def _(rule: GroupCredits, sel: _Selection) -> RuleCheck:
    refs = [r for r in sel.refs if sel.qual.group_of(r) == rule.group]
    return _bounded(rule, sel.credits(refs), rule.min, rule.max, f"group {rule.group} credits")


@_check.register
def _(rule: Mandatory, sel: _Selection) -> RuleCheck:
    missing = tuple(r for r in rule.refs if r not in sel.refs)
    text = ("mandatory " + ", ".join(short(r) for r in missing) + " missing") if missing else \
        "all mandatory units present"
    return RuleCheck(rule, not missing, len(rule.refs) - len(missing), len(rule.refs), text,
                     missing)


@_check.register
def _(rule: Superseded, sel: _Selection) -> RuleCheck:
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


@_check.register
def _(rule: Barred, sel: _Selection) -> RuleCheck:
    hit = tuple(r for r in rule.refs if r in sel.refs)
    ok = len(hit) <= 1
    text = "never together: " + " and ".join(short(r) for r in hit) if not ok else \
        f"not both of {', '.join(short(r) for r in rule.refs)}"
    # a mandatory unit is never the one at fault: the others of the set must go
    mandatory = _mandatory(sel.qual)
    at_fault = tuple(r for r in hit if r not in mandatory) if set(hit) & mandatory else hit
    return RuleCheck(rule, ok, len(hit), 1, text, () if ok else at_fault)


def _mandatory(qual: Qualification) -> set[str]:
    return {r for rule in qual.rules_of(Mandatory) for r in rule.refs}


def check_conditions(catalogue: Catalogue, refs, conditions: Conditions,
                     names: Names = own_words) -> list[str]:
    """What a set of units breaks of the user's own conditions, in words, the fields named by
    ``names`` (empty: none)."""
    chosen = set(refs)
    new = chosen - set(conditions.achieved)
    problems = [f"{names('include')} {r} missing" for r in conditions.include if r not in chosen]
    problems += [f"{names('exclude')} {r} chosen" for r in conditions.exclude if r in chosen]
    glh = sum(catalogue.facts[r].glh for r in new)
    if conditions.glh_max is not None and glh > conditions.glh_max:
        problems.append(f"new GLH {glh} above {names('glh_max')} {conditions.glh_max}")
    if conditions.max_units is not None and len(chosen) > conditions.max_units:
        problems.append(f"{len(chosen)} units above {names('max_units')} {conditions.max_units}")
    for area, credits in conditions.cover:
        in_area = [r for r in chosen if area in catalogue.facts[r].areas]
        got = sum(catalogue.facts[r].credits for r in in_area)
        if (credits and got < credits) or (not credits and not in_area):
            problems.append(f"{names('cover')} {area}{'=' + str(credits) if credits else ''} "
                            "not met")
    return problems
