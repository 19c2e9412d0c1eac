"""The benchmarks of the planner, each figure beside its target, on this machine.

    python benchmarks/run.py [--quick] [--json FILE] [--markdown]

Prints a table (figure, value, baseline, ratio, target, ok) and writes the figures with the
machine they came from to JSON (default ``benchmarks/results.json``). Every time is a median of
repeated runs; every baseline runs in the same process (or from the same interpreter) as the
figure it is set against:

- one ``plan`` per qualification, in process, on random questions of the hard corner
  (``tests/hard_questions.py``), median, p99 and max, beside the exact dynamic programme of
  ``tests/exact.py`` on the same questions (``benchmarks/baseline.py``); ratio = DP time / plan
  time, every answer checked against the DP's, and the unproven answers counted; then 10,000
  such questions, plan only, for the count of unproven answers;
- the CLI's wall time for ``planner plan diploma --format json`` against importing the libraries
  it needs (``LIBRARIES``); ratio = CLI / libraries;
- ``planner --help``, ``quals`` and ``units award``: wall time, and whether ortools was imported;
- batch throughput for 1,000 random requests (half of them of the hard corner) on every core,
  with the rows checked one by one against single ``plan`` calls;
- peak memory (RSS summed over the parent and its worker processes, sampled) of a 10,000-row
  ``planner batch`` run from the command line;
- ``alternatives -k 10`` and ``frontier`` (``benchmarks/advise.py``) and the 30-learner cohort
  (``benchmarks/cohort.py``).

``--quick`` runs fewer repetitions and a 2,000-row memory run, to check that everything works.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.baseline import baseline_plan  # noqa: E402
from planner.domain.catalogue import load_catalogue  # noqa: E402
from planner.domain.validate import check_conditions, is_valid  # noqa: E402
from planner.io.batch import (  # noqa: E402
    Request,
    random_requests,
    read_requests,
    result_row,
    run_batch,
    usable_cores,
    write_requests,
)
from planner.questions.plan import plan  # noqa: E402
from planner.results.plan import Status  # noqa: E402
from tests.hard_questions import hard_questions  # noqa: E402

PLAN_MS = 3.0        # one plan in process, median, every qualification (issue 13)
PLAN_MAX_MS = 200.0  # one plan in process, the slowest of the questions
CLI_RATIO = 1.1      # CLI wall time for one plan / importing the libraries it needs (LIBRARIES)
BATCH_RATE = 500.0   # plans per second, 1,000 random requests, both cores free
MEMORY_MB = 500.0    # peak memory of a 10,000-row batch
SEED = 2026
LIBRARIES = "import pandas, tabulate, typer, typer.main; from ortools.sat.python import cp_model"


def row(figure: str, value: Any, unit: str = "", target: str = "", ok: bool | None = None,
        baseline: Any = None, ratio: float | None = None, **extra: Any) -> dict[str, Any]:
    return {"figure": figure, "value": value, "unit": unit, "target": target, "ok": ok,
            "baseline": baseline, "ratio": ratio, **extra}


# -- one plan in process, against the exact DP --------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of ``values`` by the nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def bench_plan(per_qual: int) -> list[dict[str, Any]]:
    """Per qualification: median, p99 and max of one ``plan`` over ``per_qual`` random questions
    of the hard corner (``tests/hard_questions.py``), beside the exact DP on the same questions
    (timed in a pass of its own after the plans); every answer checked against the DP's, and the
    unproven answers counted."""
    cat = load_catalogue()
    plan(cat, "award")  # warm up: imports and caches
    rows = []
    for slug in sorted(cat.qualifications):
        qual = cat.qualifications[slug]
        questions = hard_questions(cat, per_qual, seed=SEED, quals=(slug,))
        plan_s, dp_s, agree, infeasible, unproven = [], [], 0, 0, 0
        results = []
        for _, cond, objective in questions:  # the plans in one pass, the DP in the next:
            t = time.perf_counter()  # a plan timed right after seconds of the DP's pure Python
            results.append(plan(cat, qual, cond, objective, explain=False))  # runs with cold
            plan_s.append(time.perf_counter() - t)  # caches, which no user's plan does
        for (_, cond, objective), result in zip(questions, results, strict=True):
            t = time.perf_counter()
            best = baseline_plan(cat, qual, cond, objective)
            dp_s.append(time.perf_counter() - t)
            got = None if result.pathway is None else frozenset(result.pathway.refs)
            agree += got == best
            infeasible += best is None
            unproven += result.status not in (Status.OPTIMAL, Status.INFEASIBLE)
        p_ms, d_ms = statistics.median(plan_s) * 1000, statistics.median(dp_s) * 1000
        worst = max(plan_s) * 1000
        rows.append(row(f"plan {slug} in process (median of {len(questions)} hard-corner "
                        f"questions, {infeasible} without a pathway, {unproven} unproven)",
                        round(p_ms, 2), "ms", f"<= {PLAN_MS:g} ms", p_ms <= PLAN_MS,
                        baseline=round(d_ms, 2), ratio=round(d_ms / p_ms, 1),
                        agree=f"{agree}/{len(questions)}", ratio_means="DP time / plan time",
                        unproven=unproven))
        rows.append(row(f"  p99 and max of the same (DP: p99 "
                        f"{percentile(dp_s, 0.99) * 1000:.1f}, max {max(dp_s) * 1000:.1f} ms)",
                        f"{percentile(plan_s, 0.99) * 1000:.1f} / {worst:.1f}", "ms",
                        f"max <= {PLAN_MAX_MS:g} ms", worst <= PLAN_MAX_MS,
                        p99_ms=round(percentile(plan_s, 0.99) * 1000, 2),
                        max_ms=round(worst, 2)))
    return rows


def bench_unproven(n: int) -> list[dict[str, Any]]:
    """``n`` hard-corner questions over every qualification, plan only: how many answers are not
    proven (optimal or infeasible) under the default time limit, and the slowest."""
    cat = load_catalogue()
    plan(cat, "award")
    times, unproven = [], 0
    for slug, cond, objective in hard_questions(cat, n, seed=SEED + 3):
        t = time.perf_counter()
        result = plan(cat, slug, cond, objective, explain=False)
        times.append(time.perf_counter() - t)
        unproven += result.status not in (Status.OPTIMAL, Status.INFEASIBLE)
    return [row(f"unproven answers in {n} hard-corner questions (default limit; median "
                f"{statistics.median(times) * 1000:.2f}, p99 {percentile(times, 0.99) * 1000:.1f}"
                f", max {max(times) * 1000:.1f} ms)", unproven, "", "0", unproven == 0,
                median_ms=round(statistics.median(times) * 1000, 2),
                p99_ms=round(percentile(times, 0.99) * 1000, 2),
                max_ms=round(max(times) * 1000, 2))]


def corner_requests(cat, n: int, seed: int) -> list[dict[str, str]]:
    """``n`` hard-corner questions as batch CSV cells (no unit-count ceiling: batch has none)."""
    out = []
    for i, (slug, cond, objective) in enumerate(hard_questions(cat, n, seed=seed)):
        out.append({"id": f"c{i + 1:05d}", "qualification": slug, "objective": objective.value,
                    "achieved": " ".join(cond.achieved), "include": " ".join(cond.include),
                    "exclude": " ".join(cond.exclude),
                    "glh_max": "" if cond.glh_max is None else str(cond.glh_max),
                    "registered": cond.registered.isoformat() if cond.registered else ""})
    return out


# -- the command line ---------------------------------------------------------------------------

def planner_command() -> list[str]:
    script = Path(sys.executable).with_name("planner")
    return [str(script)] if script.exists() else [sys.executable, "-m", "planner"]


def wall(cmd: list[str], repeats: int) -> float:
    return walls([cmd], repeats)[0]


def walls(cmds: list[list[str]], repeats: int) -> list[float]:
    """Median wall time of each command; the commands take turns, so a change in the machine's
    load during the measurement falls on all of them alike."""
    times: list[list[float]] = [[] for _ in cmds]
    for n in range(repeats + 1):
        for cmd, ts in zip(cmds, times, strict=True):
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            if n:  # the first round warms the file cache
                ts.append(time.perf_counter() - t)
    return [statistics.median(ts) for ts in times]


def imports_ortools(args: list[str]) -> bool:
    code = ("import sys\nfrom planner.cli.app import app\ntry:\n"
            f"    app({args!r}, prog_name='planner')\n"
            "except SystemExit:\n    pass\nprint('ortools' in sys.modules, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    return out.stderr.strip().splitlines()[-1] == "True"


def compile_planner() -> None:
    """Write the planner's bytecode, as ``pip install`` does for an installed package (and did
    for the libraries it is timed against): under PYTHONDONTWRITEBYTECODE an editable checkout
    would otherwise compile every module from source on every run, about 50 ms."""
    import compileall

    compileall.compile_dir(ROOT / "planner", quiet=1)


def bench_cli(repeats: int) -> list[dict[str, Any]]:
    compile_planner()
    planner = planner_command()
    bare, cli, libs = walls([[sys.executable, "-c", "import ortools, pandas"],
                             planner + ["plan", "diploma", "--format", "json"],
                             [sys.executable, "-c", LIBRARIES]], repeats)
    rows = [row("CLI: planner plan diploma --format json (wall, median of "
                f"{repeats})", round(cli, 3), "s", f"<= {CLI_RATIO:g}x the libraries",
                cli / libs <= CLI_RATIO, baseline=round(libs, 3), ratio=round(cli / libs, 2),
                ratio_means=f'CLI / python -c "{LIBRARIES}"')]
    rows.append(row('  python -c "import ortools, pandas" (wall)', round(bare, 3), "s", "", None,
                    baseline=round(libs, 3), ratio=round(bare / libs, 2),
                    ratio_means="bare import / libraries", cli_over_bare=round(cli / bare, 2)))
    commands = (["--help"], ["quals"], ["units", "award"])
    times = walls([planner + args for args in commands], repeats)
    for args, t in zip(commands, times, strict=True):
        loaded = imports_ortools(args)
        rows.append(row(f"CLI: planner {' '.join(args)} (wall; imports ortools: "
                        f"{'yes' if loaded else 'no'})", round(t, 3), "s",
                        "no ortools", not loaded, baseline=round(bare, 3),
                        ratio=round(t / bare, 2), ratio_means="CLI / bare import"))
    return rows


# -- batch --------------------------------------------------------------------------------------

def bench_batch(n: int) -> list[dict[str, Any]]:
    cat = load_catalogue()
    cores = usable_cores()
    with tempfile.TemporaryDirectory() as tmp:
        req, out = Path(tmp) / "requests.csv", Path(tmp) / "plans.jsonl"
        write_requests(req, random_requests(cat, n - n // 2, seed=SEED + 1)
                       + corner_requests(cat, n // 2, seed=SEED + 4))
        cpu0 = _cpu()
        t = time.perf_counter()
        summary = run_batch(req, out, workers=cores)
        seconds = time.perf_counter() - t
        cpu = _cpu() - cpu0
        got = [json.loads(line) for line in out.read_text().splitlines()]
        items = read_requests(req, cat)
    agree = valid = 0
    for item, r in zip(items, got, strict=True):
        if isinstance(item, Request):
            agree += result_row(item, plan(cat, item.qualification, item.conditions,
                                           item.objective)) == r
            if r["units"]:  # every pathway held to the validator, which uses no solver
                q, c = cat.qualifications[item.qualification], item.conditions
                achieved = [u for u in c.achieved if u in r["units"]]
                valid += (is_valid(cat, q, r["units"], achieved, c.registration_date)
                          and not check_conditions(cat, r["units"], c))
    rate = summary.planned / seconds
    return [row(f"batch: {n} random requests, half of the hard corner, {cores} cores (plans/s; "
                f"{summary.no_pathway} without a pathway; {agree}/{summary.planned} rows as "
                f"single plan calls give them, {valid}/{summary.found} pathways valid)",
                round(rate, 1), "plans/s",
                f">= {BATCH_RATE:g}/s", rate >= BATCH_RATE, seconds=round(seconds, 2),
                cores=cores, agree=f"{agree}/{summary.planned}",
                valid=f"{valid}/{summary.found}", cpu_seconds=round(cpu, 2),
                plans_per_cpu_second=round(summary.planned / cpu, 1)),
            row(f"  the same in CPU time: plans per CPU-second x {cores} cores (what the "
                "machine gives when no other process competes for its cores)",
                round(summary.planned / cpu * cores, 1), "plans/s", "", None,
                cpu_seconds=round(cpu, 2), load_average_1m=round(os.getloadavg()[0], 2))]


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the pool's workers)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) bytes of ``pid`` and all its descendants (Linux /proc). RSS counts the pages
    the workers share with the parent (forked) once per process; PSS splits them."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith(("Rss:", "Pss:")):
                        kb = int(line.split()[1]) * 1024
                        if line.startswith("Rss:"):
                            rss += kb
                        else:
                            pss += kb
        except OSError:
            continue
    return rss, pss


def bench_memory(n: int) -> list[dict[str, Any]]:
    cat = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        req, out = Path(tmp) / "requests.csv", Path(tmp) / "plans.csv"
        write_requests(req, random_requests(cat, n, seed=SEED + 2))
        t = time.perf_counter()
        proc = subprocess.Popen(planner_command() + ["batch", str(req), "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peak = peak_pss = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak, peak_pss
            while not done.is_set():
                if os.path.isdir("/proc"):
                    rss, pss = _tree_memory(proc.pid)
                    peak, peak_pss = max(peak, rss), max(peak_pss, pss)
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, err = proc.communicate()
        done.set()
        sampler.join()
        seconds = time.perf_counter() - t
        lines = sum(1 for _ in out.open()) - 1 if out.exists() else 0
    mb, pss_mb = peak / 2**20, peak_pss / 2**20
    return [row(f"peak memory, {n}-row batch from the CLI (RSS summed over parent + workers, "
                f"sampled; PSS {pss_mb:.0f} MB; {lines} rows written, exit {proc.returncode})",
                round(mb, 1), "MB", f"< {MEMORY_MB:g} MB", mb < MEMORY_MB and lines == n,
                pss_mb=round(pss_mb, 1), seconds=round(seconds, 2), rate=round(n / seconds, 1),
                stderr_last=err.strip().splitlines()[-1] if err.strip() else "")]


# -- the other modules' benchmarks --------------------------------------------------------------

def bench_others(quick: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    try:
        from benchmarks.advise import bench_advise
    except ImportError as exc:
        rows.append(row(f"alternatives -k 10 / frontier: not available ({exc})", None))
    else:
        try:
            for r in bench_advise(quick=quick):
                rows.append(row(**{"value": None, **r}))
        except Exception as exc:  # noqa: BLE001 - another module's benchmark; report, go on
            rows.append(row(f"alternatives -k 10 / frontier: failed ({type(exc).__name__}: "
                            f"{exc})", None))
    try:
        from benchmarks.cohort import bench_cohort
    except ImportError as exc:
        rows.append(row(f"cohort: not available ({exc})", None))
    else:
        import inspect

        extra = {"runs": 1 if quick else 3} \
            if "runs" in inspect.signature(bench_cohort).parameters else {}
        c = bench_cohort(20.0 if quick else 60.0, **extra)
        rows.append(row(f"cohort: {c['learners']} {c['qualification']} learners, one "
                        f"programme ({c['status']}, gap {c['gap_glh']} GLH, limit "
                        f"{c['time_limit_s']:g} s; baseline: each learner planned alone)",
                        c["seconds"], "s", "", None,
                        baseline=c.get("baseline_single_plans_s"),
                        ratio=c.get("ratio_to_baseline"),
                        **{k: v for k, v in c.items() if k not in ("name", "seconds")}))
    return rows


# -- the machine --------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    import ortools
    import pandas

    from benchmarks.cohort import cpu_name

    cpu = cpu_name()
    return {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "nproc": os.cpu_count(), "usable_cores": usable_cores(), "cpu": cpu,
            "python": platform.python_version(), "ortools": ortools.__version__,
            "pandas": pandas.__version__, "platform": platform.platform(),
            "load_average_1m_at_end": round(os.getloadavg()[0], 2)}


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "NO"
    return str(v)


def table(rows: list[dict[str, Any]], fmt: str = "simple") -> str:
    from tabulate import tabulate

    body = [[r["figure"], f"{_cell(r['value'])} {r.get('unit') or ''}".strip(),
             _cell(r.get("baseline")), _cell(r.get("ratio")), _cell(r.get("target")),
             _cell(r.get("ok"))] for r in rows]
    return tabulate(body, headers=["figure", "value", "baseline", "ratio", "target", "ok"],
                    tablefmt=fmt, disable_numparse=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, smaller runs")
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "results.json"),
                    help="where to write the figures (default: benchmarks/results.json)")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = ap.parse_args(argv)
    q = args.quick
    steps: list[tuple[str, Callable[[], list[dict[str, Any]]]]] = [
        ("plan", lambda: bench_plan(50 if q else 1000)),
        ("unproven", lambda: bench_unproven(1000 if q else 10_000)),
        ("cli", lambda: bench_cli(5 if q else 10)),
        ("batch", lambda: bench_batch(1000)),
        ("memory", lambda: bench_memory(2000 if q else 10_000)),
        ("others", lambda: bench_others(q)),
    ]
    rows: list[dict[str, Any]] = []
    load_start = round(os.getloadavg()[0], 2)
    for name, step in steps:
        t = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            rows += step()
        except Exception as exc:  # noqa: BLE001 - one broken step must not hide the others
            rows.append(row(f"{name}: failed ({type(exc).__name__}: {exc})", None, ok=False))
        print(f"  {name}: {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    info = machine()
    info["load_average_1m_at_start"] = load_start
    print(f"machine: {info['cpu']}, {info['nproc']} CPUs ({info['usable_cores']} usable), "
          f"Python {info['python']}, ortools {info['ortools']}, {info['date']}, load average "
          f"{load_start} at start, {info['load_average_1m_at_end']} at end"
          + (" (quick)" if q else ""))
    print(table(rows, "github" if args.markdown else "simple"))
    Path(args.json).write_text(json.dumps({"machine": info, "quick": q, "figures": rows},
                                          indent=2) + "\n")
    print(f"wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
