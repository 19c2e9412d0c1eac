"""A cohort of learners trained together: reading the learners CSV, and the result objects.

This module must not import ortools (``planner --help`` imports render.py, which imports these
result classes); the CP-SAT model lives in ``planner.cohort_model``.

The learners CSV has a header; only ``id`` is required, the other columns are optional:
``id, achieved, registered, include, exclude``. Units are separated by spaces or commas and
written as ``404`` or ``8605-404``; ``registered`` is a date YYYY-MM-DD. A bad row is reported
with the line it starts on and skipped, so the good rows are not lost; ``strict=True`` makes the
first bad row fatal.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalogue import Catalogue
from .conditions import Conditions, Objective, parse_date
from .errors import InputError, PlannerError
from .results import Pathway, Status
from .rules import Qualification

COLUMNS = ("id", "achieved", "registered", "include", "exclude")


@dataclass(frozen=True)
class Learner:
    """One learner of the cohort, with unit refs resolved; ``line`` is their CSV line."""

    id: str
    achieved: tuple[str, ...] = ()
    registered: dt.date | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    line: int = 0

    def conditions(self, cover: tuple[tuple[str, int], ...] = ()) -> Conditions:
        return Conditions(include=self.include, exclude=self.exclude, achieved=self.achieved,
                          registered=self.registered, cover=cover)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "achieved": list(self.achieved),
                "registered": self.registered.isoformat() if self.registered else None,
                "include": list(self.include), "exclude": list(self.exclude), "line": self.line}


@dataclass(frozen=True)
class RowError:
    """A bad row of the learners CSV: where it is and what was wrong."""

    file: str
    line: int
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" + (f", field '{self.field}'" if self.field else "")
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field,
                "message": self.message}


def read_learners(path: str | Path, catalogue: Catalogue,
                  strict: bool = False) -> tuple[list[Learner], list[RowError]]:
    """Read and validate a learners CSV. Returns the good learners and the bad rows.

    Parsed by ``csv.reader(strict=True)``: a quoted cell may span lines, and every row is named
    by the line it starts on. A bad row (a malformed cell, more cells than the header has
    columns, a bad value) is reported and skipped. Raises ``InputError`` when the file cannot be
    read, has no ``id`` column, an unknown or repeated column, or a quote that is never closed
    (everything after it would be one cell), and, with ``strict``, at the first bad row."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror})", option="LEARNERS") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start + 1})",
                         option="LEARNERS") from None
    rows = _rows(name, text)
    first = next(rows, None)
    if first is None or not first[1]:
        raise InputError(f"{name}: the file is empty (a header 'id,...' is needed)",
                         option="LEARNERS")
    if isinstance(first[1], str):  # the header itself could not be parsed
        raise InputError(f"{name}, line {first[0]}: {first[1]}", option="LEARNERS")
    cols = _header(name, first[1])
    learners: list[Learner] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for line, cells in rows:
        try:
            if isinstance(cells, str):
                raise _BadRow(None, cells)
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(cols):
                raise _BadRow(None, f"{len(cells)} cells, but the header has {len(cols)} "
                              "columns")
            row = dict(zip(cols, (c.strip() for c in cells), strict=False))
            learner = _learner(row, line, catalogue, seen, name)
        except _BadRow as bad:
            error = RowError(name, line, bad.field, bad.message)
            if strict:
                raise InputError(str(error), option="--strict") from None
            errors.append(error)
            continue
        seen.add(learner.id)
        learners.append(learner)
    return learners, errors


def _rows(name: str, text: str) -> Iterator[tuple[int, list[str] | str]]:
    """(the line the row starts on, its cells), or the parser's complaint instead of the cells
    for a malformed row (the parser resumes on the next line). A quote never closed is fatal."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last = 0  # the line the previous row ended on
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "end of data" in str(exc):
                raise InputError(f"{name}, line {last + 1}: a quote opened in this row is never "
                                 "closed", option="LEARNERS") from None
            yield last + 1, f"not a valid CSV row ({exc})"
            last = reader.line_num
            continue
        yield last + 1, cells
        last = reader.line_num


def _header(name: str, header: list[str]) -> list[str]:
    cols = [h.strip().lower() for h in header]
    unknown = [c for c in cols if c not in COLUMNS]
    twice = sorted({c for c in cols if cols.count(c) > 1})
    if unknown or twice or "id" not in cols:
        what = (f"unknown column '{unknown[0]}'" if unknown else
                f"column '{twice[0]}' appears twice" if twice else "no 'id' column")
        raise InputError(f"{name}, line 1: {what} (columns: {', '.join(COLUMNS)})",
                         option="LEARNERS")
    return cols


class _BadRow(Exception):
    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _learner(row: dict[str, str], line: int, catalogue: Catalogue, seen: set[str],
             name: str) -> Learner:
    ident = row.get("id", "")
    if not ident:
        raise _BadRow("id", "missing id")
    if ident in seen:
        raise _BadRow("id", f"duplicate id '{ident}'")
    units: dict[str, tuple[str, ...]] = {}
    for col in ("achieved", "include", "exclude"):
        try:
            units[col] = catalogue.resolve_units([row.get(col, "")], col)
        except PlannerError as exc:
            raise _BadRow(col, _message(exc)) from None
    try:
        registered = parse_date(row.get("registered") or None, "registered")
    except PlannerError as exc:
        raise _BadRow("registered", _message(exc)) from None
    both = sorted(set(units["include"]) & set(units["exclude"]))
    if both:
        raise _BadRow("exclude", f"unit {both[0]} is both included and excluded")
    return Learner(ident, units["achieved"], registered, units["include"], units["exclude"],
                   line)


def _message(exc: PlannerError) -> str:
    """The error's own words, without the option prefix (the row error names the field)."""
    return getattr(exc, "detail", None) or str(exc)


# -- results ----------------------------------------------------------------------------------

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


def area_list(catalogue: Catalogue, qual: Qualification | None = None) -> AreaList:
    """The skill areas with their units (those the qualification allows, or all units)."""
    facts = catalogue.facts
    refs = sorted(qual.allowed) if qual is not None else sorted(facts)
    out = []
    for aid, name in zip(catalogue.areas["id"], catalogue.areas["name"], strict=True):
        units = tuple((r, facts[r].title, facts[r].credits, facts[r].glh)
                      for r in refs if aid in facts[r].areas)
        out.append(AreaSummary(aid, name, units))
    return AreaList(qual, tuple(out))


def gaps_closed(catalogue: Catalogue, pathway: Pathway,
                gaps: tuple[tuple[str, int], ...]) -> tuple[list[dict[str, Any]], str]:
    """Which ``--gaps`` areas the pathway covers (a unit tagged with the area, achieved units
    included): one entry per gap for JSON, and one note in words."""
    names = dict(zip(catalogue.areas["id"], catalogue.areas["name"], strict=True))
    out, words = [], []
    for area, weight in gaps:
        units = [u.ref for u in pathway.units if area in u.areas]
        out.append({"area": area, "name": names.get(area, area), "weight": weight,
                    "covered": bool(units), "units": units})
        words.append(f"{area} (weight {weight}) " + (f"closed by {', '.join(units)}" if units
                                                      else "left open"))
    closed = sum(w for a, w in gaps if any(a in u.areas for u in pathway.units))
    note = (f"skills gaps: {'; '.join(words)}; weight closed {closed} of "
            f"{sum(w for _, w in gaps)}")
    return out, note


def plan_cohort(cat: Catalogue, qual: Qualification | str, learners, cover=(),
                objective: Objective | str = "glh", config=None, errors=(), *,
                source: str = "", strict: bool = False) -> CohortResult:
    """One programme for the whole group (see ``planner.cohort_model.plan_cohort``); CP-SAT is
    imported only here, when a cohort is solved, so this module stays cheap to import."""
    from .cohort_model import plan_cohort as _plan_cohort

    return _plan_cohort(cat, qual, learners, cover, objective, config, errors, source=source,
                        strict=strict)
