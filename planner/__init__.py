"""planner: optimal pathways through vocational qualifications' rules of combination.

The library API::

    from planner import load_catalogue, plan, Conditions
    cat = load_catalogue()
    result = plan(cat, "diploma", Conditions.from_user(cat, achieved=["404"]))
    print(result.pathway.refs, result.pathway.new_glh)

The solver is imported only when a question is solved.
"""

from __future__ import annotations

import importlib
from typing import Any

# The API is imported when first used, so ``import planner`` (and the command line's start, which
# goes through it) costs nothing until then: see ``planner.cli.main``.
_EXPORTS = {
    "Catalogue": "planner.domain.catalogue", "load_catalogue": "planner.domain.catalogue",
    "Conditions": "planner.domain.conditions", "Objective": "planner.domain.conditions",
    "SolverConfig": "planner.domain.conditions", "CatalogueError": "planner.domain.errors",
    "InfeasibleError": "planner.domain.errors", "InputError": "planner.domain.errors",
    "PlannerError": "planner.domain.errors", "RuleError": "planner.domain.errors",
}

__all__ = ["Catalogue", "CatalogueError", "Conditions", "InfeasibleError", "InputError",
           "Objective", "PlannerError", "RuleError", "SolverConfig", "load_catalogue", "plan"]
__version__ = "0.1.0"


def plan(*args: Any, **kwargs: Any):
    """See ``planner.questions.plan.plan``."""
    from planner.questions.plan import plan as _plan

    return _plan(*args, **kwargs)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'planner' has no attribute '{name}'")
