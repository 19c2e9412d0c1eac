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
from planner.domain.errors import InputError
from planner.io.files import parse_csv, read_bytes
from planner.io.rows import BadCell, condition_cells, row_id
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
            except BadCell as bad:
                error = RowError(table.name, line, bad.field, bad.message, cells=row)
            else:
                seen.add(learner.id)
                learners.append(learner)
                continue
        if strict:
            raise InputError(str(error), field="strict") from None
        errors.append(error)
    return learners, errors


def _learner(row: dict[str, str], line: int, catalogue: Catalogue, seen: set[str]) -> Learner:
    ident = row_id(row, seen)
    return Learner(ident, line=line, **condition_cells(row, catalogue))
