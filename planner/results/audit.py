"""The audit of a proposed set of units: rule by rule, the units refused, and the way forward."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from planner.domain.objective import Objective
from planner.domain.rules import Qualification
from planner.domain.validate import RuleCheck
from planner.results.plan import Pathway, PathwayUnit, Status


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

    Found in one exact lexicographic optimisation (``planner.questions.completion``): first lose
    the fewest hours of the set's achieved units (GLH or TQT, whichever is minimised), then of its
    planned units, then the fewest new hours (``new_glh``: every unit of the pathway not achieved,
    as ``plan`` counts it), then the other measure, then fewer new units, then lower unit numbers.
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
    add_reasons: tuple[str, ...] = ()  # why each unit of ``add`` is added, in its order

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
