"""Random planning questions weighted to the corner where CP-SAT used to wander (issue 13): the
Diploma and the Extended Diploma, prior units including superseded ones, TQT as often as GLH,
includes, excludes, hour and unit ceilings and early registrations. Deterministic for a seed;
shared by tests/test_optimal.py and the benchmarks (``benchmarks/run.py``)."""

from __future__ import annotations

import datetime as dt
import random

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions, Objective

SUPERSEDED = ("8605-339", "8605-340", "8605-530", "8605-359", "8605-361", "8605-550")
WEIGHTS = {"award": 1, "certificate": 1, "diploma": 3, "extended-diploma": 3}


def hard_questions(cat: Catalogue, n: int, seed: int = 0, quals: tuple[str, ...] | None = None
                   ) -> list[tuple[str, Conditions, Objective]]:
    """``n`` questions (qualification slug, conditions, objective)."""
    rng = random.Random(seed)
    slugs = list(quals or WEIGHTS)
    weights = [WEIGHTS.get(s, 1) for s in slugs]
    return [_question(cat, rng, rng.choices(slugs, weights)[0]) for _ in range(n)]


def _question(cat: Catalogue, rng: random.Random, slug: str
              ) -> tuple[str, Conditions, Objective]:
    pool = sorted(cat.qualifications[slug].allowed)
    anywhere = sorted(cat.units.index)
    achieved = set(rng.sample(pool, rng.choice((0, 1, 2, 3, 3, 4, 5))))
    if rng.random() < 0.4:
        achieved |= set(rng.sample(SUPERSEDED, rng.randint(1, 2)))
    if rng.random() < 0.1:
        achieved.add(rng.choice(anywhere))
    rest = [r for r in pool if r not in achieved]
    include = set(rng.sample(rest, rng.choice((0, 0, 1, 2))))
    if rng.random() < 0.1:
        include.add(rng.choice(SUPERSEDED))
    exclude = {r for r in rng.sample(rest, rng.choice((0, 0, 1, 2, 3, 6))) if r not in include}
    glh_max = rng.randint(0, 160) if rng.random() < 0.25 else None
    max_units = rng.randint(2, 14) if rng.random() < 0.15 else None
    registered = (dt.date(2017, 1, 1) + dt.timedelta(days=rng.randint(0, 3600))
                  if rng.random() < 0.4 else None)
    cond = Conditions(include=tuple(sorted(include)), exclude=tuple(sorted(exclude - include)),
                      achieved=tuple(sorted(achieved)), glh_max=glh_max, max_units=max_units,
                      registered=registered)
    return slug, cond, rng.choice((Objective.GLH, Objective.TQT))
