"""Benchmark: the advisers' answers. ``alternatives -k 10`` and the units/GLH ``frontier`` for
every qualification, in process, medians of repeated runs, each beside the exact
dynamic programme of tests/exact.py answering the same question in the same process (the k best
by keeping the k best per state; the frontier by one DP per unit count), as a ratio.

Run standalone: python benchmarks/advise.py [--quick]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from exact import exact_plan  # noqa: E402

from planner.domain.catalogue import load_catalogue  # noqa: E402
from planner.domain.conditions import Conditions, Objective  # noqa: E402
from planner.questions.advise import alternatives, frontier  # noqa: E402

TARGET_S = 0.1  # issue 13: alternatives -k 10 and the full frontier, every qualification
QUALS = ["award", "certificate", "diploma", "extended-diploma"]


def _median(fn, repeats: int) -> tuple[float, object]:
    fn()  # warm up (imports, caches)
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _dp_k_best(cat, q, k):
    forbidden: list = []
    for _ in range(k):
        forbidden.append(exact_plan(cat, q, Conditions(), Objective.GLH,
                                    forbidden_sets=forbidden).units)
    return forbidden


def _dp_frontier(cat, q):
    ys = {}
    for n in range(1, 13):
        e = exact_plan(cat, q, Conditions(max_units=n))
        if e.cost is not None:
            ys[n] = e.cost[0]
    return ys


def bench_advise(quick: bool = False) -> list[dict]:
    """Rows: figure, value (seconds), unit, target, ok, baseline (seconds), ratio."""
    cat = load_catalogue()
    repeats = 3 if quick else 7
    rows = []
    k = 10
    for slug in QUALS:
        q = cat.qualification(slug)
        t, res = _median(lambda q=q: alternatives(cat, q, Conditions(), Objective.GLH, k),
                         repeats)
        base = None
        if not quick and slug == "diploma":  # the DP keeps k pathways per state: about 10 s
            start = time.perf_counter()
            dp = _dp_k_best(cat, q, k)
            base = time.perf_counter() - start
            assert [tuple(sorted(s)) for s in dp] == [a.result.pathway.refs for a in res.items]
        rows.append(_row(f"alternatives -k {k} {slug}", t, base))
    for slug in QUALS:
        q = cat.qualification(slug)
        t, fr = _median(lambda q=q: frontier(cat, q), repeats)
        start = time.perf_counter()
        ys = _dp_frontier(cat, q)
        base = time.perf_counter() - start
        want = [(n, y) for n, y in sorted(ys.items()) if all(ys[m] > y for m in ys if m < n)]
        assert [(p.x, p.y) for p in fr.points] == want, (slug, want)
        rows.append(_row(f"frontier {slug} ({len(fr.points)} points)", t, base))
    return rows


def _row(figure: str, seconds: float, baseline: float | None) -> dict:
    return {"figure": figure, "value": round(seconds, 4), "unit": "s", "target": f"<= {TARGET_S} s",
            "ok": seconds <= TARGET_S,
            "baseline": None if baseline is None else round(baseline, 4),
            "ratio": None if baseline is None else round(baseline / seconds, 1)}


if __name__ == "__main__":
    from tabulate import tabulate

    result = bench_advise(quick="--quick" in sys.argv)
    print(tabulate([[r["figure"], r["value"], r["target"], "yes" if r["ok"] else "NO",
                     r["baseline"], r["ratio"]] for r in result],
                   headers=["figure", "median s", "target", "ok", "exact DP s",
                            "DP / CP-SAT"]))
