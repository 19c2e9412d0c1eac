"""Benchmark: one programme for 30 Diploma learners, to proven optimality or a reported gap.

Run standalone: /tmp/venv/bin/python benchmarks/cohort.py [TIME_LIMIT_SECONDS [RUNS]]
(median of RUNS, default 3; with and without the cover conditions, and once with a 2 s limit;
the machine and its load average are printed with the figures).

The cohort is fixed (seeded): each learner has 0-3 achieved units drawn from the Diploma's units,
a third of them with one unit they must include and a third with one they refuse, and the whole
group must cover 'people' and at least 4 credits of 'results'.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

from planner.domain.catalogue import load_catalogue
from planner.domain.conditions import SolverConfig
from planner.questions.cohort import plan_cohort
from planner.results.cohort import Learner

TIME_LIMIT = 60.0
LEARNERS = 30
COVER = ("people", "results=4")


def diploma_cohort(cat, n: int = LEARNERS, seed: int = 2026) -> list[Learner]:
    rng = random.Random(seed)
    pool = sorted(cat.qualification("diploma").allowed)
    # units superseded for today's registrations cannot be required of a new learner
    superseded = {"8605-339", "8605-340", "8605-530"}
    out = []
    for i in range(n):
        achieved = tuple(sorted(rng.sample(pool, rng.randint(0, 3))))
        rest = [r for r in pool if r not in achieved and r not in superseded]
        include = (rng.choice(rest),) if i % 3 == 0 else ()
        exclude = tuple(r for r in (rng.choice(rest),) if r not in include) if i % 3 == 1 else ()
        out.append(Learner(f"learner{i + 1:02d}", achieved, None, include, exclude))
    return out


def bench_cohort(time_limit: float = TIME_LIMIT, runs: int = 1, cover=COVER) -> dict:
    """Solve the 30-learner Diploma cohort ``runs`` times; report status, the median seconds,
    objective and gap, and the baseline measured in the same process: planning each learner on
    their own (30 ``planner plan`` questions, no shared deliveries), as a ratio."""
    cat = load_catalogue()
    learners = diploma_cohort(cat)
    times, base = [], []
    for _ in range(runs):
        result = plan_cohort(cat, "diploma", learners, cover=list(cover),
                             config=SolverConfig(time_limit=time_limit))
        times.append(result.seconds)
        base.append(_single_plans(cat, learners, cover))
    seconds, baseline = statistics.median(times), statistics.median(base)
    return {"name": "cohort", "learners": len(learners), "qualification": "diploma",
            "cover": list(cover), "time_limit_s": time_limit, "runs": runs,
            "status": result.status.value, "seconds": round(seconds, 2),
            "seconds_each": [round(t, 2) for t in times],
            "baseline_single_plans_s": round(baseline, 2),
            "ratio_to_baseline": round(seconds / baseline, 1) if baseline else None,
            "delivery_glh": result.delivery_glh, "delivery_glh_bound": result.bound,
            "gap_glh": result.gap, "learners_new_glh": result.learners_new_glh,
            "deliveries": len(result.deliveries), "notes": list(result.notes[:1])}


def _single_plans(cat, learners: list[Learner], cover) -> float:
    """Seconds to plan every learner alone, with the same conditions."""
    from planner.domain.conditions import parse_cover
    from planner.questions.plan import plan

    wanted = parse_cover(cat, list(cover))
    start = time.perf_counter()
    for learner in learners:
        plan(cat, "diploma", learner.conditions(wanted), explain=False)
    return time.perf_counter() - start


def cpu_name() -> str:
    """The processor as /proc/cpuinfo names it (or as platform does, elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    return f"{cpu_name()}, {os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else TIME_LIMIT
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    out = {"machine": machine(), "load_average": os.getloadavg(),
           "with_cover": bench_cohort(limit, runs),
           "without_cover": bench_cohort(limit, runs, cover=()),
           "limit_2s": bench_cohort(2.0, 1)}
    print(json.dumps(out, indent=2))
