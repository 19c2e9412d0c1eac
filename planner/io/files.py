"""The user's files, read and written safely: one CSV row reader for every CSV the planner reads
(batch requests, cohort learners), and one way to write an output file.

Reading refuses what is not a regular file (a device such as /dev/zero, a FIFO, a folder) and
caps the size of a file and the length of a line, so a wrong path fails at once in one line
instead of reading without end. Writing follows a symlink to its target, refuses what is not a
regular file and any of the command's own inputs, and replaces the file in one step from a
temporary file whose name cannot collide with the user's and which is always removed.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from planner.domain.errors import InputError, NotUtf8, short, utf8_text
from planner.results.cohort import RowError

MAX_BYTES = 64 * 1024 * 1024  # a CSV of requests or learners larger than this is refused
MAX_LINE = 100_000  # characters on one line of such a CSV


# -- reading --------------------------------------------------------------------------------------

def read_bytes(path: str | Path, field: str, *, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file. Raises ``InputError`` naming ``field`` when the file cannot
    be read, is not a regular file or is larger than ``max_bytes`` (``MAX_BYTES``)."""
    name = str(path)
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    try:
        with open(path, "rb", opener=_regular_file_opener) as f:
            data = f.read(max_bytes + 1)
    except _NotRegular:
        raise InputError(f"'{name}' is not a regular file (a folder, device or pipe)",
                         field=field) from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})", field=field) from None
    if len(data) > max_bytes:
        size = f"{max_bytes // 2 ** 20} MiB" if max_bytes >= 2 ** 20 else f"{max_bytes} bytes"
        raise InputError(f"{name}: larger than the limit of {size}", field=field)
    return data


def decode(data: bytes, name: str, field: str, *, max_line: int | None = None) -> str:
    """UTF-8 text (a byte-order mark dropped). Raises ``InputError`` naming ``field`` when it is
    not UTF-8 or has a line longer than ``max_line`` (``MAX_LINE``) characters."""
    max_line = MAX_LINE if max_line is None else max_line
    try:
        text = utf8_text(data)
    except NotUtf8 as exc:
        raise InputError(f"{name}: {exc}", field=field) from None
    for n, line in enumerate(text.splitlines(), start=1):
        if len(line) > max_line:
            raise InputError(f"{name}, line {n}: longer than the limit of {max_line} "
                             "characters", field=field)
    return text


class _NotRegular(OSError):
    pass


def _regular_file_opener(path: str, flags: int) -> int:
    """Open without blocking (a FIFO with no writer would wait for ever), then refuse what is
    not a regular file before reading a byte of it."""
    fd = os.open(path, flags | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _NotRegular(path)
    os.set_blocking(fd, True)
    return fd


@dataclass(frozen=True)
class CsvTable:
    """A CSV read by ``read_csv``: the header (lower case), then each record in file order as
    (the line it starts on, its cells by column) or a ``RowError`` for a malformed record."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]] | RowError, ...] = field(default=())


def read_csv(path: str | Path, columns: tuple[str, ...], required: tuple[str, ...],
             field: str) -> CsvTable:
    """``parse_csv`` of a file (``read_bytes``)."""
    return parse_csv(read_bytes(path, field), str(path), columns, required, field)


def parse_csv(data: bytes, name: str, columns: tuple[str, ...], required: tuple[str, ...],
              field: str) -> CsvTable:
    """Read a CSV with a header naming some of ``columns`` (all of ``required``). Parsed by
    ``csv.reader(strict=True)``: a quoted cell may span lines, and every record is named by the
    line it starts on. Blank records are left out; cells are stripped.

    ``name`` names the file in messages. A fault of the file (see ``read_bytes`` and ``decode``;
    empty; a header column without a name,
    unknown, named twice, or a required one missing; a quote never closed, which would make the
    rest of the file one cell) raises ``InputError`` naming ``field``. A fault of one record (not
    valid CSV, or more cells than the header has columns) is that record's ``RowError``, with
    the record's cells so far."""
    text = decode(data, name, field)
    records = csv_records(text, name, field)
    first = next(records, None)
    if first is None or isinstance(first[1], str) or not any(c.strip() for c in first[1]):
        raise InputError(f"{name}: the file is empty (a header "
                         f"'{','.join(required)},...' is needed)", field=field)
    header = _header(name, first[1], columns, required, field)
    rows: list[tuple[int, dict[str, str]] | RowError] = []
    for line, cells in records:
        if isinstance(cells, str):
            rows.append(RowError(name, line, None, cells))
            continue
        if not any(c.strip() for c in cells):
            continue
        row = {col: cell.strip() for col, cell in zip(header, cells, strict=False)}
        if len(cells) > len(header):
            rows.append(RowError(name, line, None, f"{len(cells)} cells but the header names "
                                 f"{len(header)} columns", cells=row))
            continue
        rows.append((line, row))
    return CsvTable(name, header, tuple(rows))


def csv_records(text: str, name: str, field: str) -> Iterator[tuple[int, list[str] | str]]:
    """(the line a record starts on, its cells), or the parser's complaint instead of the cells
    for a malformed record (the parser resumes on the next line). A quote never closed is fatal.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last = 0  # the line the previous record ended on
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "end of data" in str(exc) or "EOF" in str(exc):
                raise InputError(f"{name}, line {last + 1}: a quote opened in this "
                                 "record is never closed", field=field) from None
            yield last + 1, f"not a valid CSV row ({exc})"
            last = reader.line_num
            continue
        yield last + 1, cells
        last = reader.line_num


def _header(name: str, cells: list[str], columns: tuple[str, ...], required: tuple[str, ...],
            field: str) -> tuple[str, ...]:
    header = [h.strip().lower() for h in cells]
    where = f"{name}, line 1"
    for i, col in enumerate(header):
        if not col:
            raise InputError(f"{where}: column {i + 1} has no name", field=field)
        if col not in columns:
            raise InputError(f"{where}: unknown column '{short(col)}' (columns: "
                             f"{', '.join(columns)})", field=field)
        if col in header[:i]:
            raise InputError(f"{where}: column '{col}' is named twice", field=field)
    for col in required:
        if col not in header:
            raise InputError(f"{where}: no '{col}' column (required: {', '.join(required)})",
                             field=field)
    return tuple(header)


# -- writing --------------------------------------------------------------------------------------

def output_path(out: str | Path, inputs: tuple[str | Path | None, ...] = (),
                field: str = "out") -> Path:
    """Where writing ``out`` really goes: a symlink's target. Raises ``InputError`` when that is
    not a regular file (a folder, a device, a FIFO), its folder does not exist, the name cannot
    be used, or it is one of ``inputs`` (the command would overwrite what it reads)."""
    name = str(out)
    target = Path(os.path.realpath(out))
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise InputError(f"cannot write '{name}' ({exc.strerror or exc})", field=field) from None
    if mode is not None and not stat.S_ISREG(mode):
        raise InputError(f"cannot write '{name}': not a regular file (a folder, device or "
                         "pipe)", field=field)
    if mode is None and not target.parent.is_dir():
        raise InputError(f"cannot write '{name}': folder '{target.parent}' does "
                         "not exist", field=field)
    for src in inputs:
        if src is not None and mode is not None and _same(target, src):
            raise InputError(f"'{name}' is also the input '{src}': writing would "
                             "overwrite it", field=field)
    return target


def _same(a: Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@contextmanager
def replacing(target: Path, field: str = "out") -> Iterator[IO[str]]:
    """A text file that replaces ``target`` (from ``output_path``) in one step when the block
    ends without an error. Written next to it under a fresh name (which no file of the user's
    can have); removed if anything goes wrong, Ctrl-C included. The new file gets the mode a new
    file would get (or the old file's)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".planner-", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise InputError(f"cannot write '{target}' ({exc.strerror or exc})",
                         field=field) from None
    try:
        os.fchmod(fd, _mode_for(target))
        with open(fd, "w", encoding="utf-8", newline="") as f:
            yield f
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text(target: Path, text: str, field: str = "out") -> None:
    """Replace ``target`` with ``text`` in one step (see ``replacing``)."""
    try:
        with replacing(target, field) as f:
            f.write(text)
    except OSError as exc:
        raise InputError(f"cannot write '{target}' ({exc.strerror or exc})",
                         field=field) from None
