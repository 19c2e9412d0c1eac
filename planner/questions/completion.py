"""The way forward for an invalid set of units, computed by the same CP-SAT model as ``plan``.

One exact lexicographic optimisation over ``PathwayModel``'s unit choices, solved stage by stage
(``solve_stages``), in this order (hours are GLH, or TQT with ``--minimise tqt``):

1. lose the fewest hours of the *achieved* units of the set: work already done is never given up
   to keep units not yet started;
2. then lose the fewest hours of the set's other (planned) units. Units the qualification
   refuses can never be kept; every other unit is kept unless a cap (total credits, group
   credits, unit count) or a barred or superseded pair leaves no room for it, and then the drop
   set is the one losing fewest hours;
3. then the fewest new hours: every unit of the pathway not achieved, kept planned units
   included, as ``plan`` counts them; then the other measure;
4. then the fewest new units, then lower unit numbers, so the answer is deterministic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ortools.sat.python import cp_model

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions, Objective, SolverConfig
from planner.domain.rules import Qualification
from planner.domain.validate import check_rules, unit_problems
from planner.results.audit import Completion, DroppedUnit
from planner.results.plan import Pathway, Status
from planner.solver.explain import PROOF_PARAMETERS
from planner.solver.model import PathwayModel, fold_lexicographic, solve_in_stages


def completion_model(catalogue: Catalogue, qual: Qualification, refs, *, achieved=(),
                     registered: dt.date, objective: Objective
                     ) -> tuple[PathwayModel, list[cp_model.LinearExprT]]:
    """The planning model without the planner's objective, and the completion's objective in
    stages (see ``stages``): its terms in lexicographic order (see the module doc)."""
    m = PathwayModel(catalogue, qual, Conditions(achieved=tuple(achieved), registered=registered))
    in_set = set(refs)
    done = [r for r in m.refs if r in in_set and r in m.achieved]
    planned = [r for r in m.refs if r in in_set and r not in m.achieved]
    new = m.new_refs()

    def measure(ref: str, obj: Objective) -> int:
        return getattr(m.facts[ref], obj.value)

    def lost(kept: list[str]) -> tuple[list, int]:  # hours of ``kept`` that the pathway leaves out
        return ([(-measure(r, objective), m.x[r]) for r in kept],
                sum(measure(r, objective) for r in kept))

    terms = [lost(done), lost(planned)]
    terms += [([(measure(r, o), m.x[r]) for r in new], 0) for o in (objective, objective.other)]
    terms.append(([(1, m.x[r]) for r in new], 0))
    terms.append(([(catalogue.rank[r] + 1, m.x[r]) for r in m.refs], 0))
    return m, stages(terms)


EXACT = 2**50  # below the 53 bits of a double, where CP-SAT's bounds are exact


def stages(terms: list[tuple[list, int]]) -> list[cp_model.LinearExprT]:
    """Lexicographic terms grouped into as few stages as keep each folded stage's range below
    ``EXACT``. One objective folded from all six terms reaches 10^16: CP-SAT then proved
    'optimal' an answer one unit of the last tie-break off (its bounds are floating point; found
    by the random tests against tests/exact_audit.py). Solving each term alone instead makes
    the later stages hard (an equality on the new GLH made the next stage unsolved in 10 s)."""
    out: list[cp_model.LinearExprT] = []
    group: list[tuple[list, int]] = []
    width = 1
    for pairs, const in terms:
        w = sum(abs(c) for c, _ in pairs) + 1
        if group and width * w >= EXACT:
            out.append(fold_lexicographic(group))
            group, width = [], 1
        group.append((pairs, const))
        width *= w
    if group:
        out.append(fold_lexicographic(group))
    return out


def solve_stages(m: PathwayModel, stages: list[cp_model.LinearExprT],
                 config: SolverConfig) -> tuple[Status, Pathway | None]:
    """Minimise each stage in turn (``planner.solver.model.solve_in_stages``); the pathway found."""
    solved = solve_in_stages(m.model, stages, list(m.x.values()), config)
    if solved.values is None:
        return solved.status, None
    return solved.status, Pathway.build(m.catalogue, m.qual, solved.chosen(m), m.achieved)


def complete(catalogue: Catalogue, qual: Qualification, refs, *, achieved=(),
             registered: dt.date, objective: Objective = Objective.GLH,
             config: SolverConfig | None = None) -> Completion:
    """The cheapest valid pathway that keeps as much of ``refs`` as the rules allow."""
    objective = Objective(objective)
    m, stages = completion_model(catalogue, qual, refs, achieved=achieved,
                                 registered=registered, objective=objective)
    config = config or SolverConfig()
    # The full linear relaxation proves these knapsack-like optima at once: an Extended Diploma
    # set (300 315 301 302 303 304 306 405 307, --minimise tqt) was still unproven after 20 s at
    # the default linearization level, and is proven in about 0.01 s with it.
    status, pathway = solve_stages(m, stages,
                                   replace(config, extra={**PROOF_PARAMETERS, **config.extra}))
    if pathway is None:
        return Completion(objective, status, None)
    chosen = set(pathway.refs)
    keep = tuple(r for r in refs if r in chosen)
    add = tuple(r for r in pathway.refs if r not in set(refs))
    rejected = unit_problems(catalogue, qual, refs, achieved, registered)
    drop = tuple(
        DroppedUnit(r, drop_reason(catalogue, qual, r, pathway.refs, achieved, registered,
                                   rejected),
                    catalogue.facts[r].glh, catalogue.facts[r].tqt, r in set(achieved))
        for r in refs if r not in chosen)
    why = tuple(add_reason(catalogue, qual, r, pathway.refs, achieved, registered) for r in add)
    return Completion(objective, status, pathway, add, keep, drop, why)


def add_reason(catalogue: Catalogue, qual: Qualification, ref: str, pathway, achieved,
               registered: dt.date) -> str:
    """Why the way forward adds ``ref``: the rules the pathway would break without it (checked
    by the validator)."""
    rest = tuple(r for r in pathway if r != ref)
    broken = [c.text for c in check_rules(catalogue, qual, rest, achieved, registered)
              if not c.ok]
    if not broken:  # pragma: no cover - an optimal completion adds no unit it can do without
        return "completes the pathway"
    return f"needed: without it, {'; '.join(broken)}"


def drop_reason(catalogue: Catalogue, qual: Qualification, ref: str, kept, achieved,
                registered: dt.date, rejected: dict[str, str]) -> str:
    """Why the way forward leaves ``ref`` out: the qualification refuses it, or putting it back
    into the completed pathway would break these rules (checked by the validator)."""
    if ref in rejected:
        return rejected[ref]
    broken = [c.text for c in check_rules(catalogue, qual, (*kept, ref), achieved, registered)
              if not c.ok]
    if not broken:  # pragma: no cover - an optimal completion never leaves out a unit it can keep
        return "left out"
    return f"no room for it: with it, {'; '.join(broken)}"
