"""Batch planning: one request per CSV row, one result row per request, on every core.

The requests CSV has a header naming its columns among ``id, qualification, objective, achieved,
include, exclude, glh_max, registered, max_units, cover, gaps`` (only ``id`` and ``qualification``
are required): every condition of ``planner plan``, with the same meaning. Units are separated by
spaces or commas and written as ``404`` or ``8605-404``; ``objective`` is ``glh`` (the default) or
``tqt``; ``glh_max`` and ``max_units`` whole numbers; ``registered`` a date YYYY-MM-DD; ``cover``
``AREA`` or ``AREA=N`` and ``gaps`` ``AREA=W``, separated by commas.

The whole file is read and checked first. A fault of the file itself (it cannot be read, is empty,
lacks a required column, names a column twice or an unknown one, has a quote that is never closed)
is an ``InputError`` and nothing is planned. A fault of one row (unknown qualification, unit or
objective, a bad number or date, a missing or duplicate id, more cells than the header) becomes
that row's result with status ``error`` and the reason with its line number; the other rows are
planned all the same.

Each distinct question among the good rows is one ``planner.questions.plan.plan`` call, exactly as
``planner plan`` would make it (rows asking the same question share its answer), run by a pool of
worker processes (``local`` engine) or on a Dask cluster (``dask`` engine). Every worker holds the
catalogue once. Results come back in input order and are written (and flushed) as they arrive, so
an interrupted run leaves a file of complete rows that ``resume=True`` picks up.

This module does not import the solver (ortools) or Dask at import time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.domain.conditions import (
    Conditions,
    SolverConfig,
)
from planner.domain.errors import InputError, PlannerError, short
from planner.domain.objective import Objective
from planner.domain.spreadsheet import neutralise, restore
from planner.io.files import csv_records, output_path, read_csv, replacing
from planner.io.rows import BadCell, condition_cells, message, row_id
from planner.results.cohort import RowError, with_id

if TYPE_CHECKING:  # pragma: no cover
    from planner.domain.catalogue import Catalogue
    from planner.results.plan import PlanResult

COLUMNS = ("id", "qualification", "objective", "achieved", "include", "exclude", "glh_max",
           "registered", "max_units", "cover", "gaps")
REQUIRED = ("id", "qualification")
RESULT_COLUMNS = ("id", "qualification", "status", "units", "credits", "group2_credits", "glh",
                  "tqt", "new_glh", "new_tqt", "error")
_NUMBERS = ("credits", "group2_credits", "glh", "tqt", "new_glh", "new_tqt")
FORMATS = ("csv", "jsonl")
ENGINES = ("local", "dask")
DASK_HINT = "pip install 'ilm-planner[dask]'"
DASK_CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler


# -- requests -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    """One good row: a ``plan`` question. ``line`` is where its record starts in the file."""

    id: str
    line: int
    qualification: str  # the qualification's slug
    objective: Objective
    conditions: Conditions


BadRow = RowError  # a bad row of the requests (its cells say its id): its result is an error row

Item = Request | RowError


def read_requests(path: str | Path, catalogue: Catalogue) -> list[Item]:
    """Read and check a requests CSV: one ``Request`` or ``RowError`` per record, in file order.

    Read by ``planner.io.files.read_csv`` (as cohort learners are); raises ``InputError`` (field
    ``requests``) when the file itself is unusable."""
    table = read_csv(path, COLUMNS, REQUIRED, "requests")
    items: list[Item] = []
    seen: set[str] = set()
    for entry in table.rows:
        if isinstance(entry, RowError):
            item: Item = entry
        else:
            line, row = entry
            try:
                item = _request(row, line, catalogue, seen)
            except BadCell as bad:
                item = RowError(table.name, line, bad.field, bad.message, cells=row)
        ident = item.id
        if ident:
            seen.add(ident)  # a bad row's id is taken too: a later row may not reuse it
        items.append(item)
    return items


def _request(row: dict[str, str], line: int, catalogue: Catalogue, seen: set[str]) -> Request:
    ident = row_id(row, seen)
    if not row.get("qualification", ""):
        raise BadCell("qualification", "missing qualification")
    try:
        qual = catalogue.qualification(row["qualification"])
    except PlannerError as exc:
        raise BadCell("qualification", message(exc)) from None
    objective_text = row.get("objective", "").lower() or Objective.GLH.value
    try:
        objective = Objective(objective_text)
    except ValueError:
        raise BadCell("objective", f"unknown objective '{row['objective']}' (glh or tqt)") \
            from None
    try:
        conditions = Conditions(**condition_cells(row, catalogue))
    except PlannerError as exc:  # whatever else the library refuses is this row's fault too
        raise BadCell(getattr(exc, "field", None), message(exc)) from None
    return Request(ident, line, qual.slug, objective, conditions)


# -- result rows --------------------------------------------------------------------------------

def result_row(request: Request, result: PlanResult) -> dict[str, Any]:
    """The batch row of one answer: ``plan``'s JSON keys, plus ``error``. For a request without
    a pathway, ``error`` says why (the reasons ``planner plan`` gives, or the time-limit note);
    with one it is None (null in JSON Lines, an empty cell in CSV)."""
    d = result.to_dict()
    row: dict[str, Any] = {"id": request.id, "qualification": request.qualification,
                           "status": d["status"], "units": list(d["units"])}
    for key in _NUMBERS:
        row[key] = d[key]
    error = None
    if result.pathway is None:
        why = [r["text"] for r in d["reasons"]] or list(d["notes"])
        error = "; ".join(why)
    row["error"] = error
    return row


def error_row(bad: RowError) -> dict[str, Any]:
    row: dict[str, Any] = {"id": bad.id,
                           "qualification": bad.cells.get("qualification", ""),
                           "status": "error", "units": []}
    row.update(dict.fromkeys(_NUMBERS))
    row["error"] = bad.at_line()
    return row


def _crash_row(request: Request, exc: BaseException) -> dict[str, Any]:
    """An unexpected failure of one plan stays in its own row (status ``error``)."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    bad = RowError("", request.line, None, f"internal error ({type(exc).__name__}: {text})",
                   cells={"id": request.id, "qualification": request.qualification})
    return error_row(bad)


# -- planning in a worker -----------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(catalogue: Catalogue, time_limit: float, parent: int) -> None:
    """Process-pool initializer: the catalogue and solver settings, once per worker process.
    Ctrl-C and a hang-up are left to the parent, which stops the workers and keeps what is
    written; a worker ends with its parent, however that ends (even by SIGKILL)."""
    import signal

    import planner.questions.plan  # noqa: F401  -- import the solver before the first request

    _die_with_parent(parent)
    for name, action in (("SIGINT", signal.SIG_IGN), ("SIGHUP", signal.SIG_IGN),
                         ("SIGTERM", signal.SIG_DFL)):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), action)
    from planner.solver.interrupt import forget

    forget()  # the parent's stop-search pipe is not this worker's to write to
    _WORKER["catalogue"] = catalogue
    _WORKER["config"] = SolverConfig(time_limit=time_limit)


def _die_with_parent(parent: int) -> None:
    """On Linux, the kernel kills this process when its parent ends (a parent-death signal);
    a parent already gone by now means the same."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def plan_request(catalogue: Catalogue, request: Request, config: SolverConfig) -> dict[str, Any]:
    """One request, planned as ``planner plan`` would: the result row."""
    from planner.questions.plan import plan

    try:
        result = plan(catalogue, catalogue.qualifications[request.qualification],
                      request.conditions, request.objective, config)
    except Exception as exc:  # noqa: BLE001 - one failing request must not stop the others
        return _crash_row(request, exc)
    return result_row(request, result)


def _plan_in_worker(request: Request) -> dict[str, Any]:
    return plan_request(_WORKER["catalogue"], request, _WORKER["config"])


def plan_chunk(catalogue: Catalogue, requests: Sequence[Request],
               time_limit: float) -> list[dict[str, Any]]:
    """A chunk of requests in one task (the Dask engine's unit of work)."""
    config = SolverConfig(time_limit=time_limit)
    return [plan_request(catalogue, r, config) for r in requests]


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _chunksize(n: int, workers: int) -> int:
    """Chunks small enough to balance the load and show progress, big enough to amortise the
    round trip to a worker."""
    return max(1, min(32, n // (workers * 8) or 1))


def run_local(catalogue: Catalogue, requests: Sequence[Request], workers: int,
              time_limit: float) -> Iterator[dict[str, Any]]:
    """Result rows in request order, from a pool of ``workers`` processes (in-process for 1)."""
    if not requests:
        return
    workers = max(1, min(workers, len(requests)))
    if workers == 1:
        config = SolverConfig(time_limit=time_limit)
        for r in requests:
            yield plan_request(catalogue, r, config)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    import planner.questions.plan  # noqa: F401  -- imported once here, inherited by forked workers

    # fork on Linux: the workers start with the solver imported and the catalogue loaded; the
    # platform's default elsewhere (the initializer then receives the catalogue pickled)
    linux = sys.platform.startswith("linux")
    ctx = multiprocessing.get_context("fork" if linux else None)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(catalogue, time_limit, os.getpid()))
    finished = False
    try:
        yield from pool.map(_plan_in_worker, requests,
                            chunksize=_chunksize(len(requests), workers))
        finished = True
    except BrokenProcessPool as exc:
        raise PlannerError(f"a worker process died ({exc}); the rows written so far are kept: "
                           "run again with --resume") from None
    finally:
        if not finished:  # Ctrl-C, a stop signal or an error: do not wait for running solves
            _stop_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _stop_workers(pool: Any) -> None:
    """Terminate the pool's processes (``ProcessPoolExecutor.terminate_workers`` from Python
    3.14; its private table of processes before)."""
    if hasattr(pool, "terminate_workers"):  # pragma: no cover - Python 3.14
        pool.terminate_workers()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


class DaskConnection:
    """A client of a Dask cluster: the one at ``scheduler``, or a local cluster of ``workers``
    single-threaded worker processes. Made before the output is touched, so a scheduler that
    cannot be reached leaves an earlier output as it was."""

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError(f"the dask engine is not installed: {DASK_HINT}",
                             field="engine") from None
        self.workers, self.cluster = workers, None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout=f"{DASK_CONNECT_TIMEOUT}s")
            else:
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                            processes=True, dashboard_address=None)
                self.client = Client(self.cluster)
        except Exception as exc:  # noqa: BLE001 - whatever answered is not a usable scheduler
            if self.cluster is not None:
                self.cluster.close()
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"cannot reach the Dask scheduler '{short(str(scheduler))}' "
                             f"({type(exc).__name__}: {short(first, 120)})",
                             field="scheduler" if scheduler else "engine") from None

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def run_dask(conn: DaskConnection, catalogue: Catalogue, requests: Sequence[Request],
             time_limit: float) -> Iterator[dict[str, Any]]:
    """Result rows in request order, from the Dask cluster of ``conn``."""
    if not requests:
        return
    client = conn.client
    n_workers = max(1, len(client.scheduler_info().get("workers", {})) or conn.workers)
    size = _chunksize(len(requests), n_workers)
    chunks = [list(requests[i:i + size]) for i in range(0, len(requests), size)]
    cat = client.scatter(catalogue, broadcast=True)
    futures = client.map(plan_chunk, [cat] * len(chunks), chunks,
                         [time_limit] * len(chunks), pure=False)
    for future in futures:
        try:
            chunk = future.result()
        except PlannerError:
            raise
        except Exception as exc:  # noqa: BLE001 - a worker-side failure, in one line
            text = str(exc).splitlines()[0] if str(exc) else ""
            raise PlannerError(f"a Dask task failed ({type(exc).__name__}: {short(text)}); is "
                               "ilm-planner installed on every worker? The rows written "
                               "so far are kept: run again with --resume") from None
        yield from chunk


# -- output -------------------------------------------------------------------------------------

def named_format(out: Path) -> str | None:
    """The format the name of ``out`` says (.csv, .jsonl, .ndjson), if any."""
    try:
        return format_for(out, None)
    except InputError:
        return None


def format_for(out: Path, fmt: str | None) -> str:
    if fmt:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise InputError(f"unknown format '{fmt}' (csv or jsonl)", field="format")
        return fmt
    suffix = out.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise InputError(f"cannot tell the format of '{out}' from its name: end it in .csv or "
                     ".jsonl, or give {format}", field="out", mentions=("format",))


def _csv_cells(row: dict[str, Any], raw: bool) -> list[str]:
    out = []
    for col in RESULT_COLUMNS:
        v = row[col]
        cell = " ".join(v) if col == "units" else "" if v is None else str(v)
        out.append(cell if raw else neutralise(cell))
    return out


def encode(row: dict[str, Any], fmt: str, raw_csv: bool = False) -> str:
    """One result row as text, with its line end. In CSV, a cell a spreadsheet would run as a
    formula is neutralised (``planner.domain.spreadsheet``) unless ``raw_csv``."""
    if fmt == "jsonl":
        return json.dumps({c: row[c] for c in RESULT_COLUMNS}, ensure_ascii=False) + "\n"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(_csv_cells(row, raw_csv))
    return buf.getvalue()


def header(fmt: str) -> str:
    if fmt == "jsonl":
        return ""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(RESULT_COLUMNS)
    return buf.getvalue()


def read_results(path: Path, fmt: str, raw_csv: bool = False) -> list[dict[str, Any]]:
    """The complete rows of an earlier (possibly interrupted) output, in file order, with CSV
    cells as they were before ``encode`` neutralised them (unless ``raw_csv``). A last line
    without its line end was cut off mid-write and is dropped. Raises ``InputError`` when the
    file is not a batch output of this format."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})", field="resume") \
            from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a batch output (not UTF-8 text)", field="resume") \
            from None
    if not text.endswith("\n"):
        text = text[:text.rfind("\n") + 1]
    rows: list[dict[str, Any]] = []
    if fmt == "jsonl":
        for n, jline in enumerate(text.splitlines(), start=1):
            try:
                obj = json.loads(jline)
            except json.JSONDecodeError:
                obj = None
            if not isinstance(obj, dict) or tuple(obj) != RESULT_COLUMNS:
                raise InputError(f"{path}, line {n}: not a batch result row in JSON Lines "
                                 f"(keys: {', '.join(RESULT_COLUMNS)})", field="resume")
            rows.append(obj)
        return rows
    if not text:
        return rows
    try:
        records = list(csv_records(text, str(path), "resume"))
    except InputError:
        raise InputError(f"{path}: not a batch output in CSV (unbalanced quotes)",
                         field="resume") from None
    if any(isinstance(cells, str) for _, cells in records):
        raise InputError(f"{path}: not a batch output in CSV (a malformed record)",
                         field="resume")
    if tuple(records[0][1]) != RESULT_COLUMNS:
        raise InputError(f"{path}, line 1: not a batch output in CSV (header: "
                         f"{','.join(RESULT_COLUMNS)})", field="resume")
    for line, cells in records[1:]:
        if len(cells) != len(RESULT_COLUMNS):
            raise InputError(f"{path}, line {line}: {len(cells)} cells, a result row has "
                             f"{len(RESULT_COLUMNS)}", field="resume")
        if not raw_csv:
            cells = [restore(c) for c in cells]
        row: dict[str, Any] = dict(zip(RESULT_COLUMNS, cells, strict=True))
        row["units"] = cells[RESULT_COLUMNS.index("units")].split()
        for key in _NUMBERS:
            text_value = str(row[key])
            row[key] = int(text_value) if text_value.lstrip("-").isdigit() else None
        rows.append(row)
    return rows


def _reusable(items: Sequence[Item], done: list[dict[str, Any]], path: Path) -> dict[int, dict]:
    """Position -> earlier row kept by ``--resume``: the earlier output must be a prefix of this
    run's (same ids in the same order); its error rows are redone (the file may have been
    fixed), and so are rows whose qualification is not the request's any more."""
    if len(done) > len(items):
        raise InputError(f"{path} has {len(done)} rows but the requests only {len(items)}: it "
                         "was made from other requests (remove it or leave out {resume})",
                         field="resume", mentions=("resume",))
    keep: dict[int, dict] = {}
    for i, (item, row) in enumerate(zip(items, done, strict=False)):
        if str(row["id"]) != item.id:
            raise InputError(f"{path}: result {i + 1} is for id '{row['id']}' but request "
                             f"{i + 1} (line {item.line}) is '{item.id}': it was made from other "
                             "requests (remove it or leave out {resume})", field="resume",
                             mentions=("resume",))
        # a row whose qualification changed is planned again (the other columns of a request
        # are not in its result, so a change to them under the same id cannot be seen)
        if row["status"] != "error" and isinstance(item, Request) and \
                str(row.get("qualification")) == item.qualification:
            keep[i] = row
    return keep


# -- the batch run ------------------------------------------------------------------------------

@dataclass
class BatchSummary:
    """What a batch run did. ``exit_code``: 0 every row planned, 1 some request has no valid
    pathway (or none was found in time), 2 some row was bad."""

    total: int = 0
    found: int = 0
    no_pathway: int = 0
    errors: int = 0
    reused: int = 0
    planned: int = 0  # rows answered in this run
    solved: int = 0  # distinct questions among them (each solved once)
    workers: int = 1
    engine: str = "local"
    seconds: float = 0.0
    bad_rows: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.no_pathway else 0

    def count(self, row: dict[str, Any]) -> None:
        self.total += 1
        if row["status"] == "error":
            self.errors += 1
            self.bad_rows.append(with_id(row["error"], row["id"]))
        elif row["status"] in ("optimal", "feasible"):
            self.found += 1
        else:
            self.no_pathway += 1


Progress = Callable[[int], None]


def run_batch(requests_path: str | Path, out: str | Path, *, fmt: str | None = None,
              workers: int | None = None, resume: bool = False, engine: str = "local",
              scheduler: str | None = None, time_limit: float = 10.0,
              catalogue_root: str | Path | None = None,
              progress: Callable[[int], Progress] | None = None,
              raw_csv: bool = False) -> BatchSummary:
    """Plan every request of ``requests_path`` and write the results to ``out`` in input order.
    CSV cells that a spreadsheet would run as formulas are neutralised unless ``raw_csv``.

    ``progress(total)`` may return a callable told how many more requests are done."""
    from planner.domain.catalogue import load_catalogue

    started = time.perf_counter()
    out = Path(out)
    fmt = format_for(out, fmt)
    engine = engine.lower()
    if engine not in ENGINES:
        raise InputError(f"unknown engine '{engine}' (local or dask)", field="engine")
    if scheduler and engine != "dask":
        raise InputError("a scheduler address needs {engine} dask", field="scheduler",
                         mentions=("engine",))
    if workers is not None and workers < 1:
        raise InputError(f"must be at least 1, got {workers}", field="workers")
    workers = workers or usable_cores()
    if engine == "dask":
        _check_dask()
    SolverConfig(time_limit=time_limit)  # a bad limit is refused before anything is done
    target = output_path(out, (requests_path,))
    catalogue = load_catalogue(catalogue_root)
    items = read_requests(requests_path, catalogue)
    done: dict[int, dict] = {}
    if resume and target.exists():
        done = _reusable(items, read_results(target, fmt, raw_csv), out)
    todo = [it for i, it in enumerate(items) if isinstance(it, Request) and i not in done]
    # the same question asked twice (say, new learners with no prior units) is solved once:
    # ``plan`` is deterministic, so every copy gets the answer a separate call would give
    distinct: dict[tuple, Request] = {}
    for r in todo:
        distinct.setdefault(question(r), r)
    to_solve = list(distinct.values())
    summary = BatchSummary(workers=workers, engine=engine, reused=len(done),
                           solved=len(to_solve))
    conn = None
    if engine == "dask" and to_solve:
        conn = DaskConnection(max(1, min(workers, len(to_solve))), scheduler)
        rows = run_dask(conn, catalogue, to_solve, time_limit)
    else:
        rows = run_local(catalogue, to_solve, workers, time_limit)
    try:
        lead, rest, keep = _answers(items, done, to_solve, distinct, rows, summary, progress)
        _write(target, fmt, lead, rest, summary, keep_until_planned=keep, raw_csv=raw_csv)
    finally:
        if conn is not None:
            conn.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _answers(items: list[Item], done: dict[int, dict], to_solve: list[Request],
             distinct: dict[tuple, Request], rows: Iterator[dict[str, Any]],
             summary: BatchSummary, progress: Callable[[int], Progress] | None,
             ) -> tuple[list[dict[str, Any]], Iterator[dict[str, Any]], bool]:
    """Every item's row in input order (bad rows, kept rows, and answers as they come): the rows
    ready at once, the rest as they come, and whether kept rows go beyond the first to plan."""
    todo = sum(1 for i, it in enumerate(items) if isinstance(it, Request) and i not in done)
    solved_order = iter(to_solve)
    answers: dict[tuple, dict[str, Any]] = {}
    tick = progress(todo) if progress is not None and todo else None

    def answer(r: Request) -> dict[str, Any]:
        key = question(r)
        while key not in answers:  # answers come in the order of first occurrence
            answers[question(next(solved_order))] = next(rows)
        first = distinct[key]
        row = answers[key]
        if first is not r:
            row = {**row, "id": r.id}
            if row["status"] == "error":
                row["error"] = row["error"].replace(f"line {first.line}:", f"line {r.line}:", 1)
        return row

    def row_of(i: int, item: Item) -> dict[str, Any]:
        if isinstance(item, RowError):
            return error_row(item)
        if i in done:
            return done[i]
        row = answer(item)
        summary.planned += 1
        if tick is not None:
            tick(1)
        return row

    ready = next((i for i, it in enumerate(items)
                  if isinstance(it, Request) and i not in done), len(items))
    lead = [row_of(i, it) for i, it in enumerate(items[:ready])]
    rest = (row_of(i, it) for i, it in enumerate(items) if i >= ready)
    return lead, rest, any(i >= ready for i in done)


def question(r: Request) -> tuple:
    """What makes two requests the same question (everything but the id and the line)."""
    return (r.qualification, r.objective, r.conditions)


def _check_dask() -> None:
    import importlib.util

    if importlib.util.find_spec("distributed") is None:
        raise InputError(f"the dask engine is not installed: {DASK_HINT}", field="engine")


def _write(target: Path, fmt: str, lead: list[dict[str, Any]], rest: Iterable[dict[str, Any]],
           summary: BatchSummary, *, keep_until_planned: bool = False,
           raw_csv: bool = False) -> None:
    """Write the rows in order to ``target`` (from ``output_path``). ``lead`` (the rows ready at
    once: kept and bad ones up to the first to plan) replaces the file in one step; with
    ``keep_until_planned`` (a resume whose kept rows go beyond the first row to plan) only
    together with the first planned row, so a run that fails before it plans anything (Ctrl-C
    while workers start) leaves the earlier file as it was. The other rows are appended and
    flushed one by one as they come, so the file always holds complete rows in input order."""
    rows = iter(rest)
    try:
        with replacing(target) as f:
            f.write(header(fmt))
            for row in lead:
                f.write(encode(row, fmt, raw_csv))
            first = next(rows, None) if keep_until_planned else None
            if first is not None:
                f.write(encode(first, fmt, raw_csv))
        for row in lead + ([first] if first is not None else []):
            summary.count(row)
        with open(target, "a", encoding="utf-8", newline="") as f:
            for row in rows:
                summary.count(row)
                f.write(encode(row, fmt, raw_csv))
                f.flush()
    except OSError as exc:
        raise InputError(f"cannot write '{short(str(target))}' ({exc.strerror or exc})",
                         field="out") from None


# -- sample requests (for the tests, the benchmark and trying the command) ---------------------

def random_requests(catalogue: Catalogue, n: int, seed: int = 0) -> list[dict[str, str]]:
    """``n`` plausible requests as CSV cells: every qualification, some achieved units, includes,
    excludes, hour ceilings, TQT objectives and early registrations; a few have no pathway."""
    rng = random.Random(seed)
    quals = sorted(catalogue.qualifications.values(), key=lambda q: q.slug)
    out = []
    for i in range(n):
        q = rng.choice(quals)
        pool = sorted(q.allowed)
        achieved = rng.sample(pool, rng.choice((0, 0, 1, 2, 3)))
        rest = [r for r in pool if r not in achieved]
        include = rng.sample(rest, rng.choice((0, 0, 0, 1)))
        rest = [r for r in rest if r not in include]
        exclude = rng.sample(rest, rng.choice((0, 0, 1, 2)))
        out.append({
            "id": f"r{i + 1:05d}",
            "qualification": q.slug,
            "objective": rng.choice(("", "", "glh", "tqt")),
            "achieved": " ".join(r.split("-")[-1] for r in achieved),
            "include": ",".join(include),
            "exclude": " ".join(exclude),
            "glh_max": str(rng.randint(5, 80)) if rng.random() < 0.15 else "",
            "registered": (dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
                           ).isoformat() if rng.random() < 0.3 else "",
        })
    return out


def write_requests(path: str | Path, rows: Sequence[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
