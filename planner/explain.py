"""Why no pathway exists. (Placeholder until the audit issue: returns no reasons.)"""

from __future__ import annotations


def explain_infeasible(catalogue, qual, conditions, config) -> tuple:
    return ()
