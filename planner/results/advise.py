"""Result objects of the advisers' questions (no solver here; ``planner.questions.advise``
finds them).

Every JSON form is a list of pathway objects in the shape of ``plan``'s JSON (``PlanResult``),
each with a few keys of its own: ``rank`` and ``vs_best`` for alternatives, ``route`` and
``stage`` for progressions, and ``x``/``y`` around the pathway for frontier points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planner.domain.objective import Objective
from planner.domain.rules import Qualification
from planner.results.plan import PlanResult, Status


@dataclass(frozen=True)
class Alternative:
    """The ``rank``-th best pathway, and how it differs from the best."""

    rank: int
    result: PlanResult
    added: tuple[str, ...]     # units in this pathway that the best has not
    removed: tuple[str, ...]   # units of the best that this pathway has not
    extra_glh: int             # new GLH above the best's
    extra_tqt: int

    def to_dict(self) -> dict[str, Any]:
        out = self.result.to_dict()
        out["rank"] = self.rank
        out["vs_best"] = {"in": list(self.added), "out": list(self.removed),
                          "extra_new_glh": self.extra_glh, "extra_new_tqt": self.extra_tqt}
        return out


@dataclass(frozen=True)
class Alternatives:
    """The k best distinct pathways in the order of the objective. When there is none,
    ``items`` is empty and ``none`` is the plan's answer with its reasons."""

    qualification: Qualification
    objective: Objective
    k: int
    differ_by: int
    items: tuple[Alternative, ...]
    status: Status
    none: PlanResult | None = None
    notes: tuple[str, ...] = ()
    gaps: bool = False   # the order starts with the --gaps coverage

    @property
    def found(self) -> bool:
        return bool(self.items)

    def to_dict(self) -> list[dict[str, Any]]:
        if not self.items:
            return [self.none.to_dict()] if self.none is not None else []
        return _with_notes([a.to_dict() for a in self.items], self.notes)


@dataclass(frozen=True)
class Comparison:
    """The best route to each qualification, side by side."""

    objective: Objective
    results: tuple[PlanResult, ...]

    @property
    def found(self) -> bool:
        return any(r.found for r in self.results)

    @property
    def status(self) -> Status:
        return Status.OPTIMAL if all(r.status is Status.OPTIMAL for r in self.results) else (
            Status.FEASIBLE if self.found else Status.INFEASIBLE)

    def to_dict(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.results]


@dataclass(frozen=True)
class Stage:
    """One step of a route: the pathway counted toward ``result.qualification``, with the units
    taken at earlier steps as already achieved, and the hours this step adds."""

    route: str            # "top-up", "staged" or "direct"
    step: int             # 1, 2, ... within the route
    result: PlanResult
    added_glh: int
    added_tqt: int
    total_glh: int        # hours of every unit taken so far on this route
    total_tqt: int

    def to_dict(self) -> dict[str, Any]:
        out = self.result.to_dict()
        out.update({"route": self.route, "stage": self.step, "added_glh": self.added_glh,
                    "added_tqt": self.added_tqt, "route_glh": self.total_glh,
                    "route_tqt": self.total_tqt})
        return out


@dataclass(frozen=True)
class Progression:
    """Routes from a smaller qualification to a larger one.

    With achieved units: the cheapest ``top-up`` to the larger one. Without: the best ``staged``
    route through every qualification in between (each stage a valid pathway, each counting what
    the earlier stages took), against the ``direct`` route; ``staging_cost`` is what stopping at
    each qualification on the way costs in the objective's hours."""

    source: Qualification
    target: Qualification
    objective: Objective
    stages: tuple[Stage, ...]
    status: Status
    notes: tuple[str, ...] = ()
    none: PlanResult | None = None   # the plan's answer (with reasons) when a route has no pathway

    @property
    def found(self) -> bool:
        return bool(self.stages)

    def route(self, name: str) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.route == name)

    @property
    def staging_cost(self) -> int | None:
        staged, direct = self.route("staged"), self.route("direct")
        if not staged or not direct:
            return None
        attr = "total_glh" if self.objective is Objective.GLH else "total_tqt"
        return getattr(staged[-1], attr) - getattr(direct[-1], attr)

    def to_dict(self) -> list[dict[str, Any]]:
        if not self.stages:
            return [self.none.to_dict()] if self.none is not None else []
        return _with_notes([s.to_dict() for s in self.stages], self.notes)


def _with_notes(items: list[dict[str, Any]], notes: tuple[str, ...]) -> list[dict[str, Any]]:
    """The answer's notes (time limit, ignored achieved units, registration date) belong to
    every pathway of the list, as in ``plan``'s JSON."""
    for d in items:
        d["notes"] = list(notes) + d["notes"]
    return items


AXES = {"units": "new units", "areas": "skill areas covered", "tqt": "new TQT",
        "glh": "new GLH"}


@dataclass(frozen=True)
class FrontierPoint:
    x: int
    y: int
    result: PlanResult

    def to_dict(self) -> dict[str, Any]:
        return {"x": self.x, "y": self.y, "pathway": self.result.to_dict()}


@dataclass(frozen=True)
class Frontier:
    """The Pareto frontier of ``y`` (always minimised) against ``x`` (minimised, or for ``areas``
    maximised): every point an exact optimum, dominated points left out, in ascending ``x``."""

    qualification: Qualification
    x: str
    y: str
    points: tuple[FrontierPoint, ...]
    status: Status
    areas: tuple[str, ...] = ()     # for x = areas: the areas counted
    notes: tuple[str, ...] = ()
    none: PlanResult | None = None

    @property
    def found(self) -> bool:
        return bool(self.points)

    @property
    def x_label(self) -> str:
        return AXES[self.x]

    @property
    def y_label(self) -> str:
        return AXES[self.y]

    def to_dict(self) -> list[dict[str, Any]]:
        if not self.points:
            return [self.none.to_dict()] if self.none is not None else []
        out = [p.to_dict() for p in self.points]
        for d in out:
            d["pathway"]["notes"] = list(self.notes) + d["pathway"]["notes"]
        return out
