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
first bad row fatal.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import parse_ceiling, parse_cover, parse_date, parse_gaps
from planner.domain.errors import InputError, PlannerError
from planner.results.cohort import Learner, RowError

COLUMNS = ("id", "achieved", "registered", "include", "exclude", "glh_max", "max_units", "cover",
           "gaps")


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
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror})", field="learners") from None
    return parse_learners(data, name, catalogue, strict)


def parse_learners(data: bytes, name: str, catalogue: Catalogue,
                   strict: bool = False) -> tuple[list[Learner], list[RowError]]:
    """``read_learners`` on the bytes of a file already read (an upload); ``name`` names it in
    messages."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start + 1})",
                         field="learners") from None
    rows = _rows(name, text)
    first = next(rows, None)
    if first is None or not first[1]:
        raise InputError(f"{name}: the file is empty (a header 'id,...' is needed)",
                         field="learners")
    if isinstance(first[1], str):  # the header itself could not be parsed
        raise InputError(f"{name}, line {first[0]}: {first[1]}", field="learners")
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
                raise InputError(str(error), field="strict") from None
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
                                 "closed", field="learners") from None
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
                         field="learners")
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
