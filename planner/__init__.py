"""planner: optimal pathways through vocational qualifications' rules of combination.

The library API::

    from planner import load_catalogue, plan, Conditions
    cat = load_catalogue()
    result = plan(cat, "diploma", Conditions.from_user(cat, achieved=["404"]))
    print(result.pathway.refs, result.pathway.new_glh)

The solver is imported only when a question is solved.
"""

from __future__ import annotations

from typing import Any

from planner.domain.catalogue import Catalogue, load_catalogue
from planner.domain.conditions import Conditions, Objective, SolverConfig
from planner.domain.errors import (
    CatalogueError,
    InfeasibleError,
    InputError,
    PlannerError,
    RuleError,
)

__all__ = ["Catalogue", "CatalogueError", "Conditions", "InfeasibleError", "InputError",
           "Objective", "PlannerError", "RuleError", "SolverConfig", "load_catalogue", "plan"]
__version__ = "0.1.0"


def plan(*args: Any, **kwargs: Any):
    """See ``planner.questions.plan.plan``."""
    from planner.questions.plan import plan as _plan

    return _plan(*args, **kwargs)
