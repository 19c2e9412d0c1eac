"""Benchmark: one programme for 30 Diploma learners, to proven optimality or a reported gap.

Run standalone: /tmp/venv/bin/python benchmarks/cohort.py [TIME_LIMIT_SECONDS]

The cohort is fixed (seeded): each learner has 0-3 achieved units drawn from the Diploma's units,
a third of them with one unit they must include and a third with one they refuse, and the whole
group must cover 'people' and at least 4 credits of 'results'.
"""

from __future__ import annotations

import json
import random
import sys

from planner.catalogue import load_catalogue
from planner.cohort import Learner
from planner.cohort_model import plan_cohort
from planner.conditions import SolverConfig

TIME_LIMIT = 60.0
LEARNERS = 30


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


def bench_cohort(time_limit: float = TIME_LIMIT) -> dict:
    """Solve the 30-learner Diploma cohort once; report status, seconds, objective and gap."""
    cat = load_catalogue()
    learners = diploma_cohort(cat)
    result = plan_cohort(cat, "diploma", learners, cover=["people", "results=4"],
                         config=SolverConfig(time_limit=time_limit))
    return {"name": "cohort", "learners": len(learners), "qualification": "diploma",
            "time_limit_s": time_limit, "status": result.status.value,
            "seconds": round(result.seconds, 2), "delivery_glh": result.delivery_glh,
            "delivery_glh_bound": result.bound, "gap_glh": result.gap,
            "learners_new_glh": result.learners_new_glh,
            "deliveries": len(result.deliveries)}


if __name__ == "__main__":
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else TIME_LIMIT
    print(json.dumps(bench_cohort(limit), indent=2))
