"""The cells of one row of a requests or learners CSV, read into the question's own fields.

Batch requests and cohort learners take the same condition columns with the meaning of
``planner plan``'s options of the same name, parsed by the functions the CLI uses; a cell the
library refuses is that row's error (``BadCell``), naming its column.
"""

from __future__ import annotations

from typing import Any

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import parse_ceiling, parse_cover, parse_date, parse_gaps
from planner.domain.errors import PlannerError

UNIT_COLUMNS = ("achieved", "include", "exclude")


class BadCell(Exception):
    """One row's cell that cannot be read: its column (None for the row as a whole) and why."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def message(exc: PlannerError) -> str:
    """The error's own words, without the field prefix (the row error names the column)."""
    return getattr(exc, "detail", None) or str(exc)


def row_id(row: dict[str, str], seen: set[str]) -> str:
    """The row's id: present, and not taken by an earlier row."""
    ident = row.get("id", "")
    if not ident:
        raise BadCell("id", "missing id")
    if ident in seen:
        raise BadCell("id", f"duplicate id '{ident}'")
    return ident


def condition_cells(row: dict[str, str], catalogue: Catalogue) -> dict[str, Any]:
    """The row's conditions as keyword arguments of ``Conditions`` (and ``Learner``): units
    resolved, ceilings and dates parsed, areas checked. An empty cell is no condition."""
    parsers = {"registered": parse_date, "glh_max": parse_ceiling, "max_units": parse_ceiling,
               "cover": lambda text, _: parse_cover(catalogue, [text]),
               "gaps": lambda text, _: parse_gaps(catalogue, [text])}
    cells: dict[str, Any] = {}
    for col in UNIT_COLUMNS:
        try:
            cells[col] = catalogue.resolve_units([row.get(col, "")], col)
        except PlannerError as exc:
            raise BadCell(col, message(exc)) from None
    for col, parse in parsers.items():
        try:
            cells[col] = parse(row.get(col, ""), col)
        except PlannerError as exc:
            raise BadCell(col, message(exc)) from None
    both = sorted(set(cells["include"]) & set(cells["exclude"]))
    if both:
        raise BadCell("exclude", f"unit {both[0]} is both included and excluded")
    return cells
