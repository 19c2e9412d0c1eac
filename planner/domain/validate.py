"""An independent validator: checks a set of units against a qualification's rules of combination
and a user's conditions in plain Python. It never uses the solver, so the tests can hold every
answer of the CP-SAT model to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions
from planner.domain.kinds import RuleCheck, Selection, kind_of
from planner.domain.naming import Names, own_words
from planner.domain.rules import Qualification, Rule

__all__ = ["RuleCheck", "check_conditions", "check_rules", "is_valid", "not_of_qualification",
           "unit_problems"]


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
    sel = Selection(catalogue, qual, frozenset(refs), frozenset(achieved) & frozenset(refs),
                    registered or dt.date.today())
    outside = tuple(sorted(r for r in sel.refs if qual.allowed_rule_for(r) is None))
    head = []
    if outside:
        are = "is not a unit" if len(outside) == 1 else "are not units"
        head.append(RuleCheck(QualificationUnits(qual.name), False, len(outside), 0,
                              f"{', '.join(outside)} {are} of the {qual.name}", outside))
    return head + [kind_of(rule).check(rule, sel) for rule in qual.rules]


def is_valid(catalogue: Catalogue, qual: Qualification, refs, achieved=(),
             registered: dt.date | None = None) -> bool:
    return all(c.ok for c in check_rules(catalogue, qual, refs, achieved, registered))


def unit_problems(catalogue: Catalogue, qual: Qualification, refs, achieved=(),
                  registered: dt.date | None = None) -> dict[str, str]:
    """ref -> why the qualification does not accept that unit in this set (units it accepts are
    left out), in the words of each rule's kind. Counting rules (credits, caps) are not unit
    problems: their kinds refuse no single unit."""
    date = registered or dt.date.today()
    sel = Selection(catalogue, qual, frozenset(refs), frozenset(achieved) & frozenset(refs), date)
    out: dict[str, list[str]] = {}
    for c in check_rules(catalogue, qual, refs, achieved, date):
        for ref in c.units:
            why = (not_of_qualification(qual, ref) if isinstance(c.rule, QualificationUnits)
                   else kind_of(c.rule).reject(c.rule, c, ref, sel))
            if why is not None:
                out.setdefault(ref, []).append(why)
    return {ref: "; ".join(v) for ref, v in sorted(out.items())}


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
