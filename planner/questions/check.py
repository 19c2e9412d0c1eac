"""Audit a proposed set of units: is it a valid pathway, which units does the qualification refuse
and why, and what is the cheapest way forward.

The rule-by-rule check is ``planner.domain.validate`` (plain Python, no solver); the way forward
is computed by CP-SAT in ``planner.questions.completion``, imported only when needed.
"""

from __future__ import annotations

import datetime as dt
import re

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Objective, SolverConfig
from planner.domain.errors import InputError
from planner.domain.naming import Names, own_words
from planner.domain.rules import Qualification
from planner.domain.validate import check_rules, unit_problems
from planner.results.audit import CheckResult, RejectedUnit
from planner.results.plan import Pathway


def resolve_set(catalogue: Catalogue, items, field: str = "units") -> tuple[str, ...]:
    """The user's units, in the order given. Unlike option lists, a unit given twice (as '404'
    and '8605-404' too) is an error here: a set that names a unit twice is not a pathway."""
    out: list[str] = []
    for item in items or ():
        for part in re.split(r"[,\s]+", str(item).strip()):
            if not part:
                continue
            ref = catalogue.resolve_unit(part, field)
            if ref in out:
                raise InputError(f"unit {ref} is listed twice", field=field)
            out.append(ref)
    return tuple(out)


def check(catalogue: Catalogue, qual: Qualification | str, units, *, achieved=(),
          registered: dt.date | None = None, objective: Objective | str = Objective.GLH,
          config: SolverConfig | None = None, complete: bool = True,
          names: Names = own_words) -> CheckResult:
    """Audit ``units`` (refs, already resolved) against ``qual``.

    ``achieved`` units are part of the set and already done: a superseded unit already achieved
    may still be claimed. With ``complete``, an invalid set gets its cheapest way forward. Notes
    name fields through ``names`` (``planner.domain.naming``)."""
    qual = catalogue.qualification(qual) if isinstance(qual, str) else qual
    refs = tuple(dict.fromkeys([*units, *achieved]))
    if not refs:
        raise InputError("give at least one unit", field="units")
    date = registered or dt.date.today()
    rules = tuple(check_rules(catalogue, qual, refs, achieved, date))
    problems = unit_problems(catalogue, qual, refs, achieved, date)
    rejected = tuple(RejectedUnit(ref, why, _instead(qual, ref, why)) for ref, why in
                     sorted(problems.items(), key=lambda kv: refs.index(kv[0])))
    notes = []
    added = [r for r in achieved if r not in units]
    if added:
        verb = "is" if len(added) == 1 else "are"
        notes.append(f"{names('achieved')} {', '.join(added)} {verb} not among the units given: "
                     "added to the set as achieved")
    if registered is None and any(qual.superseded_by(r) for r in refs):
        notes.append(f"registration date taken as today ({date.isoformat()}); give "
                     f"{names('registered')} for a learner registered earlier")
    by_ref = {u.ref: u for u in Pathway.build(catalogue, qual, refs, achieved).units}
    details = tuple(by_ref[r] for r in refs)
    completion = None
    if complete and not all(c.ok for c in rules):
        from planner.questions.completion import complete as find_completion

        completion = find_completion(catalogue, qual, refs, achieved=achieved, registered=date,
                                     objective=Objective(objective), config=config)
    return CheckResult(qual, refs, tuple(achieved), date, rules, rejected, completion,
                       tuple(notes), details)


def _instead(qual: Qualification, ref: str, why: str) -> str | None:
    hit = qual.superseded_by(ref)
    return hit[1] if hit and "superseded" in why else None

