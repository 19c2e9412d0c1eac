"""``planner batch``: plan a CSV of requests on every core (or a Dask cluster).

Imported by ``planner.cli`` at start-up, so it imports neither the solver nor pandas: the work
is done by ``planner.io.batch``, imported when the command runs.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import (
    CatalogueOpt,
    Commands,
    RawCsvOpt,
    TimeLimitOpt,
    interrupted_code,
    one_line,
    say,
)
from planner.render.core import count_of


class BatchFormat(str, enum.Enum):
    CSV = "csv"
    JSONL = "jsonl"


class Engine(str, enum.Enum):
    LOCAL = "local"
    DASK = "dask"

commands = Commands()


@commands("batch")
def batch(
    requests: Annotated[Path, typer.Argument(
        metavar="REQUESTS.CSV", show_default=False,
        help="CSV with a header: id and qualification (required), and any of objective, "
             "achieved, include, exclude, glh_max, registered, max_units, cover, gaps: plan's "
             "conditions, with the same meaning; units separated by spaces or commas.")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", show_default=False, metavar="FILE",
        help="Where to write one result row per request (.csv or .jsonl).")],
    fmt: Annotated[BatchFormat | None, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="Output format (default: from the --out suffix).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", min=1, help="Worker processes (default: every core).")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Keep the complete rows of an earlier, interrupted run in --out and "
                         "plan only the rest.")] = False,
    engine: Annotated[Engine, typer.Option(
        "--engine", case_sensitive=False, help="local: a pool of processes on this machine; "
        "dask: a Dask cluster (pip install 'ilm-planner[dask]').")] = Engine.LOCAL,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", metavar="ADDRESS", help="Dask scheduler to use, e.g. "
        "tcp://10.0.0.5:8786 (default with --engine dask: a local cluster).")] = None,
    time_limit: TimeLimitOpt = 10.0,
    raw_csv: RawCsvOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Plan many learners at once: one request per CSV row, one result row per request, in the
    same order, using every core.

    Result columns: id, qualification, status, units, credits, group2_credits, glh, tqt, new_glh,
    new_tqt, error. A bad row becomes a row with status 'error' and its reason; the others are
    planned all the same. Exit code 0 when every row has a pathway, 1 when some request has none,
    2 when some row is bad (the output file is complete in every case).

    Example: planner batch requests.csv --out plans.csv --workers 4
    """
    from planner.io.batch import named_format, run_batch

    if fmt is not None and named_format(out) not in (None, fmt.value):
        typer.echo(f"planner: warning: writing {fmt.value} to {out} as --format says, though "
                   f"its name says {named_format(out)}", err=True)
    bar = _progress if sys.stderr.isatty() else None
    try:
        summary = run_batch(requests, out, fmt=fmt.value if fmt else None, workers=workers,
                            resume=resume, engine=engine.value, scheduler=scheduler,
                            time_limit=time_limit, catalogue_root=catalogue, progress=bar,
                            raw_csv=raw_csv)
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM or SIGHUP
        say(f"planner: interrupted: the complete rows are in {out}; run the same command with "
            "--resume to plan the rest")
        raise typer.Exit(interrupted_code(exc)) from None
    for line in summary.bad_rows[:10]:
        typer.echo(one_line(f"planner: error: {requests}, {line}"), err=True)
    if len(summary.bad_rows) > 10:
        more = count_of(len(summary.bad_rows) - 10, "more bad row")
        typer.echo(f"planner: error: ... and {more} (see the error column of {out})", err=True)
    rate = summary.planned / summary.seconds if summary.seconds else 0.0
    kept = f", {summary.reused} kept from the earlier run" if summary.reused else ""
    distinct = (f" ({count_of(summary.solved, 'distinct question')})"
                if summary.solved != summary.planned else "")
    typer.echo(f"planner: {count_of(summary.total, 'request')} -> {out}: {summary.found} with "
               f"a pathway, {summary.no_pathway} without, {summary.errors} bad{kept}; planned "
               f"{summary.planned}{distinct} in {summary.seconds:.1f} s ({rate:.0f}/s, "
               f"{count_of(summary.workers, summary.engine + ' worker')})", err=True)
    raise typer.Exit(summary.exit_code)


def _progress(total: int):
    """A progress bar on stderr (only when stderr is a terminal)."""
    from tqdm import tqdm

    bar = tqdm(total=total, unit="plan", file=sys.stderr, leave=False, dynamic_ncols=True)

    def tick(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return tick
