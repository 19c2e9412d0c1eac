"""Reading the learners CSV of a cohort.

The learner and row-error objects are ``planner.results.cohort``'s; the CP-SAT model is
``planner.questions.cohort``.

The learners CSV has a header; only ``id`` is required, the other columns are optional:
``id, achieved, registered, include, exclude, glh_max, max_units, cover, gaps``: each learner's
own conditions, with the meaning of ``planner plan``'s options of the same name. Units are
separated by spaces or commas and written as ``404`` or ``8605-404``; ``registered`` is a date
YYYY-MM-DD; ``glh_max`` and ``max_units`` whole numbers; ``cover`` ``AREA`` or ``AREA=N`` and
``gaps`` ``AREA=W``, separated by commas. A bad row is reported
with the line it starts on and skipped, so the good rows are not lost; ``strict=True`` makes the
first bad row fatal. The file is read by ``planner.io.files.read_csv``, as batch requests are.
"""

from __future__ import annotations

from pathlib import Path

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import parse_ceiling, parse_cover, parse_date, parse_gaps
from planner.domain.errors import InputError, PlannerError
from planner.io.files import parse_csv, read_bytes
from planner.results.cohort import Learner, RowError

COLUMNS = ("id", "achieved", "registered", "include", "exclude", "glh_max", "max_units", "cover",
           "gaps")


def read_learners(path: str | Path, catalogue: Catalogue,
                  strict: bool = False) -> tuple[list[Learner], list[RowError]]:
    """Read and validate a learners CSV. Returns the good learners and the bad rows.

    Read by ``planner.io.files.read_csv``: a bad row (a malformed record, more cells than the
    header has columns, a bad value) is reported and skipped. Raises ``InputError`` when the file
    itself is unusable (see ``read_csv``), and, with ``strict``, at the first bad row."""
    return parse_learners(read_bytes(path, "learners"), str(path), catalogue, strict)


def parse_learners(data: bytes, name: str, catalogue: Catalogue,
                   strict: bool = False) -> tuple[list[Learner], list[RowError]]:
    """``read_learners`` on the bytes of a file already read (an upload); ``name`` names it in
    messages."""
    table = parse_csv(data, name, COLUMNS, ("id",), "learners")
    learners: list[Learner] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for item in table.rows:
        if isinstance(item, RowError):
            error = item
        else:
            line, row = item
            try:
                learner = _learner(row, line, catalogue, seen)
            except _BadRow as bad:
                error = RowError(table.name, line, bad.field, bad.message, cells=row)
            else:
                seen.add(learner.id)
                learners.append(learner)
                continue
        if strict:
            raise InputError(str(error), field="strict") from None
        errors.append(error)
    return learners, errors


class _BadRow(Exception):
    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _learner(row: dict[str, str], line: int, catalogue: Catalogue, seen: set[str]) -> Learner:
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
    parsers = {"registered": parse_date, "glh_max": parse_ceiling, "max_units": parse_ceiling,
               "cover": lambda text, _: parse_cover(catalogue, [text]),
               "gaps": lambda text, _: parse_gaps(catalogue, [text])}
    own = {}
    for col, parse in parsers.items():
        try:
            own[col] = parse(row.get(col, ""), col)
        except PlannerError as exc:
            raise _BadRow(col, _message(exc)) from None
    both = sorted(set(units["include"]) & set(units["exclude"]))
    if both:
        raise _BadRow("exclude", f"unit {both[0]} is both included and excluded")
    return Learner(ident, units["achieved"], include=units["include"], exclude=units["exclude"],
                   line=line, **own)


def _message(exc: PlannerError) -> str:
    """The error's own words, without the field prefix (the row error names the field)."""
    return getattr(exc, "detail", None) or str(exc)
