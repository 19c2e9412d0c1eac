"""The reference point of the plan benchmark: the exact dynamic programme of ``tests/exact.py``
(written without CP-SAT), answering the same questions as ``planner.solve.plan``.

It is imported from the tests folder, not copied, so the benchmark times the very search the
tests hold the planner to.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from planner.domain.catalogue import Catalogue  # noqa: E402
from planner.domain.conditions import Conditions, Objective  # noqa: E402
from planner.domain.rules import Qualification  # noqa: E402
from tests.exact import exact_plan  # noqa: E402


def baseline_plan(catalogue: Catalogue, qual: Qualification, conditions: Conditions,
                  objective: Objective = Objective.GLH) -> frozenset[str] | None:
    """The best pathway's units by exhaustive dynamic programming (None: no valid pathway)."""
    result = exact_plan(catalogue, qual, conditions, objective)
    return None if result.cost is None else frozenset(result.units)
