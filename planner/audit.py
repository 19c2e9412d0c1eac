"""Audit a proposed set of units: is it a valid pathway, which units does the qualification refuse
and why, and what is the cheapest way forward.

The rule-by-rule check is ``planner.validate`` (plain Python, no solver); the way forward is
computed by CP-SAT in ``planner.completion``, imported only when needed, so this module and its
result classes stay free of ortools (``planner --help`` must not load the solver).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .catalogue import Catalogue
from .conditions import Objective, SolverConfig
from .errors import InputError
from .results import Pathway, PathwayUnit, Status
from .rules import Qualification, short
from .validate import RuleCheck, check_rules, unit_problems


@dataclass(frozen=True)
class RejectedUnit:
    """A unit of the set that the qualification does not accept in it, and why."""

    unit: str
    reason: str
    instead: str | None = None  # the unit to take instead, for a superseded unit

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "reason": self.reason, "instead": self.instead}


@dataclass(frozen=True)
class DroppedUnit:
    """A unit of the set that the way forward leaves out, and the rule that keeps it out."""

    unit: str
    reason: str
    glh: int
    tqt: int
    achieved: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "reason": self.reason, "glh": self.glh, "tqt": self.tqt,
                "achieved": self.achieved}


@dataclass(frozen=True)
class Completion:
    """The cheapest way from an invalid set to a valid pathway.

    Found in one exact lexicographic optimisation (``planner.completion``): first lose the fewest
    hours of the set's achieved units (GLH or TQT, whichever is minimised), then of its planned
    units, then the fewest new hours (``new_glh``: every unit of the pathway not achieved, as
    ``plan`` counts it), then the other measure, then fewer new units, then lower unit numbers.
    So every unit of the set that can be kept is kept, achieved ones first; a unit is dropped
    only when the rules leave no room for it (it is refused, or a cap such as group 2 credits,
    total credits or a unit count would break), and then the drop set is the one that loses the
    fewest hours. ``add`` is the units outside the set.
    """

    objective: Objective
    status: Status
    pathway: Pathway | None
    add: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    drop: tuple[DroppedUnit, ...] = ()

    @property
    def found(self) -> bool:
        return self.pathway is not None

    @property
    def new_glh(self) -> int:
        """GLH still to be taken: every unit of the pathway not achieved (added or kept)."""
        return self.pathway.new_glh if self.pathway is not None else 0

    @property
    def new_tqt(self) -> int:
        return self.pathway.new_tqt if self.pathway is not None else 0

    @property
    def lost_glh(self) -> int:
        return sum(d.glh for d in self.drop)

    @property
    def lost_tqt(self) -> int:
        return sum(d.tqt for d in self.drop)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "objective": self.objective.value,
            "units": list(self.add),
            "new_glh": self.new_glh if self.found else None,
            "new_tqt": self.new_tqt if self.found else None,
            "drop": [d.to_dict() for d in self.drop],
            "lost_glh": self.lost_glh,
            "lost_tqt": self.lost_tqt,
            "keep": list(self.keep),
            "pathway": list(self.pathway.refs) if self.pathway else [],
            "credits": self.pathway.credits if self.pathway else None,
        }


@dataclass(frozen=True)
class CheckResult:
    """The audit of one set of units against one qualification."""

    qualification: Qualification
    units: tuple[str, ...]
    achieved: tuple[str, ...]
    registered: dt.date
    rules: tuple[RuleCheck, ...]
    rejected: tuple[RejectedUnit, ...]
    completion: Completion | None = None
    notes: tuple[str, ...] = field(default=())
    details: tuple[PathwayUnit, ...] = ()  # the set's units with their facts, in set order

    @property
    def valid(self) -> bool:
        return all(c.ok for c in self.rules)

    def to_dict(self) -> dict[str, Any]:
        q = self.qualification
        return {
            "qualification": q.slug,
            "name": q.name,
            "accreditation": q.accreditation,
            "valid": self.valid,
            "units": list(self.units),
            "achieved": list(self.achieved),
            "registered": self.registered.isoformat(),
            "rules": [c.to_dict() for c in self.rules],
            "rejected_units": [r.to_dict() for r in self.rejected],
            "completion": self.completion.to_dict() if self.completion else None,
            "notes": list(self.notes),
            "unit_details": [u.to_dict() for u in self.details],
        }


def resolve_set(catalogue: Catalogue, items, option: str = "UNITS") -> tuple[str, ...]:
    """The user's units, in the order given. Unlike option lists, a unit given twice (as '404'
    and '8605-404' too) is an error here: a set that names a unit twice is not a pathway."""
    out: list[str] = []
    for item in items or ():
        for part in re.split(r"[,\s]+", str(item).strip()):
            if not part:
                continue
            ref = catalogue.resolve_unit(part, option)
            if ref in out:
                raise InputError(f"unit {ref} is listed twice", option=option)
            out.append(ref)
    return tuple(out)


def check(catalogue: Catalogue, qual: Qualification | str, units, *, achieved=(),
          registered: dt.date | None = None, objective: Objective | str = Objective.GLH,
          config: SolverConfig | None = None, complete: bool = True) -> CheckResult:
    """Audit ``units`` (refs, already resolved) against ``qual``.

    ``achieved`` units are part of the set and already done: a superseded unit already achieved
    may still be claimed. With ``complete``, an invalid set gets its cheapest way forward."""
    qual = catalogue.qualification(qual) if isinstance(qual, str) else qual
    refs = tuple(dict.fromkeys([*units, *achieved]))
    if not refs:
        raise InputError("give at least one unit", option="UNITS")
    date = registered or dt.date.today()
    rules = tuple(check_rules(catalogue, qual, refs, achieved, date))
    problems = unit_problems(catalogue, qual, refs, achieved, date)
    rejected = tuple(RejectedUnit(ref, why, _instead(qual, ref, why)) for ref, why in
                     sorted(problems.items(), key=lambda kv: refs.index(kv[0])))
    notes = []
    added = [r for r in achieved if r not in units]
    if added:
        notes.append(f"--achieved {', '.join(added)} {'is' if len(added) == 1 else 'are'} not "
                     f"among the units given: added to the set as achieved")
    if registered is None and any(qual.superseded_by(r) for r in refs):
        notes.append(f"registration date taken as today ({date.isoformat()}); give --registered "
                     "for a learner registered earlier")
    by_ref = {u.ref: u for u in Pathway.build(catalogue, qual, refs, achieved).units}
    details = tuple(by_ref[r] for r in refs)
    completion = None
    if complete and not all(c.ok for c in rules):
        from .completion import complete as find_completion

        completion = find_completion(catalogue, qual, refs, achieved=achieved, registered=date,
                                     objective=Objective(objective), config=config)
    return CheckResult(qual, refs, tuple(achieved), date, rules, rejected, completion,
                       tuple(notes), details)


def _instead(qual: Qualification, ref: str, why: str) -> str | None:
    hit = qual.superseded_by(ref)
    return hit[1] if hit and "superseded" in why else None


def drop_reason(catalogue: Catalogue, qual: Qualification, ref: str, kept, achieved,
                registered: dt.date, rejected: dict[str, str]) -> str:
    """Why the way forward leaves ``ref`` out: the qualification refuses it, or putting it back
    into the completed pathway would break these rules (checked by the validator)."""
    if ref in rejected:
        return rejected[ref]
    broken = [c.text for c in check_rules(catalogue, qual, (*kept, ref), achieved, registered)
              if not c.ok]
    if not broken:  # pragma: no cover - an optimal completion never leaves out a unit it can keep
        return "left out"
    return f"no room for it: with it, {'; '.join(broken)}"


def describe_units(refs) -> str:
    return ", ".join(short(r) for r in refs) or "none"
