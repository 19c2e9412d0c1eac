"""Result objects: what the library answers, before any rendering."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Objective
from planner.domain.rules import Qualification


class Status(str, enum.Enum):
    OPTIMAL = "optimal"          # proven best
    FEASIBLE = "feasible"        # valid, but the time limit stopped the proof of optimality
    INFEASIBLE = "infeasible"    # proven: no pathway satisfies the rules and the conditions
    UNKNOWN = "unknown"          # the time limit came before any pathway or proof

    @property
    def found(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class PathwayUnit:
    ref: str
    title: str
    level: int
    credits: int
    glh: int
    group: int | None
    achieved: bool
    areas: tuple[str, ...] = ()

    @property
    def tqt(self) -> int:
        return self.credits * 10

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "title": self.title, "level": self.level,
                "credits": self.credits, "glh": self.glh, "tqt": self.tqt, "group": self.group,
                "achieved": self.achieved, "areas": list(self.areas)}


@dataclass(frozen=True)
class Pathway:
    """A set of units counted toward one qualification, with its totals. Units are in ref order."""

    qualification: Qualification
    units: tuple[PathwayUnit, ...]

    @classmethod
    def build(cls, catalogue: Catalogue, qual: Qualification, refs, achieved=()) -> Pathway:
        done = set(achieved)
        table_titles = _titles(catalogue.tables[qual.table])
        units = []
        for ref in sorted(set(refs)):
            f = catalogue.facts[ref]
            units.append(PathwayUnit(ref, table_titles.get(ref, f.title), f.level, f.credits,
                                     f.glh, qual.group_of(ref), ref in done, f.areas))
        return cls(qual, tuple(units))

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(u.ref for u in self.units)

    @property
    def achieved_refs(self) -> tuple[str, ...]:
        return tuple(u.ref for u in self.units if u.achieved)

    @property
    def new_refs(self) -> tuple[str, ...]:
        return tuple(u.ref for u in self.units if not u.achieved)

    @property
    def credits(self) -> int:
        return sum(u.credits for u in self.units)

    def group_credits(self, group: int | None) -> int:
        return sum(u.credits for u in self.units if u.group == group)

    @property
    def summary_credits(self) -> int:
        """Credits of the qualification's ``summary_group`` (the capped group)."""
        return self.group_credits(self.qualification.summary_group)

    @property
    def summary_label(self) -> str:
        """'group 2 credits': the words for ``summary_credits``, from the qualification's data."""
        q = self.qualification
        return f"{q.group_label(q.summary_group)} credits"

    @property
    def glh(self) -> int:
        return sum(u.glh for u in self.units)

    @property
    def tqt(self) -> int:
        return sum(u.tqt for u in self.units)

    @property
    def new_glh(self) -> int:
        return sum(u.glh for u in self.units if not u.achieved)

    @property
    def new_tqt(self) -> int:
        return sum(u.tqt for u in self.units if not u.achieved)

    def cost(self, objective: Objective) -> int:
        return self.new_glh if objective is Objective.GLH else self.new_tqt

    def areas(self) -> dict[str, int]:
        """Area id -> credits of the pathway's units tagged with it."""
        out: dict[str, int] = {}
        for u in self.units:
            for a in u.areas:
                out[a] = out.get(a, 0) + u.credits
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "units": list(self.refs),
            "achieved": list(self.achieved_refs),
            "credits": self.credits,
            # the documented key: the credits of the capped group (group 2 of the ILM tables)
            "group2_credits": self.summary_credits,
            "group_credits": {str(g): self.group_credits(g)
                              for g in self.qualification.group_numbers()},
            "glh": self.glh,
            "tqt": self.tqt,
            "new_glh": self.new_glh,
            "new_tqt": self.new_tqt,
            "unit_count": len(self.units),
            "new_units": list(self.new_refs),
            "unit_details": [u.to_dict() for u in self.units],
        }


_TITLES: dict[int, tuple[Any, dict[str, str]]] = {}  # id(table) -> (table, ref -> title)


def _titles(table) -> dict[str, str]:
    """ref -> title of a qualification's unit table, read from pandas once per table (it cost
    a fifth of a plan). Keyed by the table's identity, which the entry keeps alive."""
    hit = _TITLES.get(id(table))
    if hit is None or hit[0] is not table:
        if len(_TITLES) > 64:  # catalogues loaded and dropped (the tests): stay small
            _TITLES.clear()
        hit = _TITLES[id(table)] = (table, dict(zip(table["ref"], table["title"], strict=True)))
    return hit[1]


@dataclass(frozen=True)
class Reason:
    """One explanation of infeasibility: conditions and rules that cannot all hold together."""

    text: str
    conditions: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "conditions": list(self.conditions), "rules": list(self.rules)}


@dataclass(frozen=True)
class PlanResult:
    """The answer to one plan question."""

    qualification: Qualification
    objective: Objective
    status: Status
    pathway: Pathway | None
    registered: dt.date
    notes: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.pathway is not None

    def to_dict(self) -> dict[str, Any]:
        q = self.qualification
        out: dict[str, Any] = {
            "qualification": q.slug,
            "name": q.name,
            "accreditation": q.accreditation,
            "status": self.status.value,
            "objective": self.objective.value,
        }
        if self.pathway is not None:
            out.update(self.pathway.to_dict())
        else:
            out.update({"units": [], "achieved": [], "credits": None, "group2_credits": None,
                        "glh": None, "tqt": None, "new_glh": None, "new_tqt": None})
        out["registered"] = self.registered.isoformat()
        out["notes"] = list(self.notes)
        out["reasons"] = [r.to_dict() for r in self.reasons]
        out.update(self.extra)
        return out
