"""A cohort of learners trained together: the learners, the rows refused, the shared programme,
and the skill areas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from planner.domain.conditions import Conditions, Objective
from planner.domain.errors import brief, short
from planner.domain.rules import Qualification
from planner.results.plan import Pathway, Status


@dataclass(frozen=True)
class Learner:
    """One learner of the cohort, with unit refs resolved; ``line`` is their CSV line. Their own
    conditions are those of ``planner plan`` (``Conditions``' fields)."""

    id: str
    achieved: tuple[str, ...] = ()
    registered: dt.date | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    line: int = 0
    glh_max: int | None = None
    max_units: int | None = None
    cover: tuple[tuple[str, int], ...] = ()
    gaps: tuple[tuple[str, int], ...] = ()

    def conditions(self, shared: Conditions | tuple[tuple[str, int], ...] = ()) -> Conditions:
        """The learner's own conditions together with the cohort's (``Conditions.together``);
        a tuple is the cohort's areas to cover alone."""
        if not isinstance(shared, Conditions):
            shared = Conditions(cover=tuple(shared))
        own = Conditions(include=self.include, exclude=self.exclude, achieved=self.achieved,
                         glh_max=self.glh_max, max_units=self.max_units,
                         registered=self.registered, cover=self.cover, gaps=self.gaps)
        return own.together(shared)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "achieved": list(self.achieved),
                "registered": self.registered.isoformat() if self.registered else None,
                "include": list(self.include), "exclude": list(self.exclude),
                "glh_max": self.glh_max, "max_units": self.max_units,
                "cover": dict(self.cover), "gaps": dict(self.gaps), "line": self.line}


@dataclass(frozen=True)
class RowError:
    """A bad row of the learners CSV: where it is and what was wrong."""

    file: str
    line: int
    field: str | None
    message: str
    cells: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def id(self) -> str:
        """The row's id, as given (empty when it has none)."""
        return self.cells.get("id", "")

    def at_line(self) -> str:
        """Where and what, without the file: ``line 3, column 'achieved': ...``."""
        return row_error_text(self.line, self.field, self.message)

    def __str__(self) -> str:
        """``learners.csv, line 3, column 'achieved': ... (id 'd')``."""
        where = row_error_text(self.line, self.field, self.message, self.id)
        return brief(f"{short(self.file)}, {where}")

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field, "id": self.id or None,
                "message": brief(self.message)}


def row_error_text(line: int, column: str | None, message: str, id: str | None = None) -> str:
    """The one wording of a bad row of a batch or cohort CSV: ``line 3, column 'achieved':
    unknown unit '999' (id 'd')``; the column and the id when there are."""
    where = f"line {line}" + (f", column '{column}'" if column else "")
    return brief(with_id(f"{where}: {message}", id))


def with_id(text: str, id: str | None) -> str:
    """A bad row's message with the row's id, when it has one: ``... (id 'd')``."""
    return text + (f" (id '{short(id)}')" if id else "")


@dataclass(frozen=True)
class Delivery:
    """One unit delivered once to the group, and who attends it."""

    ref: str
    title: str
    glh: int
    learners: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "title": self.title, "glh": self.glh,
                "learners": list(self.learners)}


@dataclass(frozen=True)
class LearnerPlan:
    learner: Learner
    pathway: Pathway

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.learner.id, "pathway": self.pathway.to_dict()}


@dataclass(frozen=True)
class CohortResult:
    """One programme for a group: shared deliveries and every learner's pathway.

    ``delivery_glh`` counts each delivered unit's GLH once for the group; ``learners_new_glh`` sums
    each learner's own new GLH. ``bound`` is CP-SAT's proven lower bound on the delivery GLH (equal
    to it when optimal), so ``gap`` says how far from proven optimal a time-limited answer may be.
    ``seconds`` (solve time) is kept out of ``to_dict`` so the same cohort gives the same output.
    """

    qualification: Qualification
    objective: Objective
    status: Status
    learners: tuple[Learner, ...]
    deliveries: tuple[Delivery, ...] = ()
    plans: tuple[LearnerPlan, ...] = ()
    delivery_glh: int | None = None
    learners_new_glh: int | None = None
    bound: int | None = None
    seconds: float = 0.0
    errors: tuple[RowError, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def found(self) -> bool:
        return self.status.found

    @property
    def gap(self) -> int | None:
        if self.delivery_glh is None or self.bound is None:
            return None
        return self.delivery_glh - self.bound

    def to_dict(self) -> dict[str, Any]:
        return {
            "qualification": self.qualification.slug,
            "status": self.status.value,
            "objective": self.objective.value,
            "learner_count": len(self.learners),
            "delivery_glh": self.delivery_glh,
            "learners_new_glh": self.learners_new_glh,
            "delivery_glh_bound": self.bound,
            "gap_glh": self.gap,
            "deliveries": [d.to_dict() for d in self.deliveries],
            "learners": [p.to_dict() for p in self.plans],
            "errors": [e.to_dict() for e in self.errors],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class AreaSummary:
    """One skill area with its units in a qualification (the project's own tagging)."""

    id: str
    name: str
    units: tuple[tuple[str, str, int, int], ...]  # ref, title, credits, glh

    @property
    def credits(self) -> int:
        return sum(u[2] for u in self.units)

    @property
    def glh(self) -> int:
        return sum(u[3] for u in self.units)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "unit_count": len(self.units),
                "credits": self.credits, "glh": self.glh,
                "units": [{"ref": r, "title": t, "credits": c, "glh": g}
                          for r, t, c, g in self.units]}


TAGGING_NOTE = ("skill areas are this project's own judgement from unit titles, "
                "not the awarding body's")


@dataclass(frozen=True)
class AreaList:
    qualification: Qualification | None
    areas: tuple[AreaSummary, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"qualification": self.qualification.slug if self.qualification else None,
                "note": TAGGING_NOTE, "areas": [a.to_dict() for a in self.areas]}
