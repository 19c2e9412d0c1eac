"""One CP-SAT model for a whole cohort: every learner's pathway plus shared deliveries.

Each learner gets their own pathway model (all the qualification's rules and their own
conditions) built into ONE shared ``CpModel``. A delivery literal per unit is on when any learner
takes that unit as new learning (achieved units need no delivery).

The objective is lexicographic, solved in stages on that same model (each stage's optimum is
added as a constraint, and its solution is the hint for the next): (1) total delivery GLH, each
delivered unit's GLH once for the group; (2) the sum of learners' new GLH (or TQT); (3) achieved
units left unclaimed, then the number of deliveries. Stages prove their optimum far faster than one
objective folded with large weights (measured: 8 Diploma learners, folded: no proof in 30 s with a
bound of 6 GLH against 53; staged: all three stages proven in about 10 s). Remaining ties are broken
by CP-SAT's own search, which is deterministic with one worker and a fixed seed when no time limit
is hit.
"""

from __future__ import annotations

import time
from dataclasses import replace

from ortools.sat.python import cp_model

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions, Objective, SolverConfig, parse_cover
from planner.domain.errors import InputError
from planner.domain.naming import Names, own_words
from planner.domain.rules import Qualification
from planner.questions.plan import kept_out_by
from planner.results.cohort import CohortResult, Delivery, Learner, LearnerPlan, RowError
from planner.results.plan import Pathway, Status
from planner.solver.model import (
    PathwayModel,
    Staged,
    fold_lexicographic,
    linear,
    solve_in_stages,
)


class CohortModel:
    """The shared model: ``members`` (one PathwayModel per distinct question), ``weights`` (how
    many learners ask it), ``per_learner`` (each learner's member) and ``deliver`` (per unit),
    with ``stages``: the lexicographic objectives, most important first.

    Learners who ask the same question share one member, weighted by their number: exact, because
    any programme in which two of them differ can give both the one of their pathways that is
    better on (gaps closed, own hours, unclaimed achieved units) without delivering any unit
    more, so no stage gets worse. The model grows with the distinct questions, not the learners
    (issue 17: 1,000 Award learners were 'feasible, bound 0' after 30 s)."""

    def __init__(self, catalogue: Catalogue, qual: Qualification, learners: list[Learner],
                 shared: Conditions, objective: Objective) -> None:
        self.catalogue, self.qual, self.learners = catalogue, qual, learners
        self.model = cp_model.CpModel()
        index: dict[Conditions, int] = {}
        self.members: list[PathwayModel] = []
        self.weights: list[int] = []
        self.per_learner: list[PathwayModel] = []
        for learner in learners:
            cond = learner.conditions(shared)
            if cond not in index:
                index[cond] = len(self.members)
                self.members.append(PathwayModel(catalogue, qual, cond, model=self.model))
                self.weights.append(0)
            self.weights[index[cond]] += 1
            self.per_learner.append(self.members[index[cond]])
        refs = sorted({r for m in self.members for r in m.new_refs()})
        self.deliver = {r: self.model.new_bool_var(f"deliver {r}") for r in refs}
        for m in self.members:
            for r in m.new_refs():
                self.model.add_implication(m.x[r], self.deliver[r])
        self.stages = self._stages(objective)

    def _stages(self, objective: Objective) -> list[cp_model.LinearExprT]:
        facts = self.catalogue.facts
        attr = objective.value
        delivery = linear((facts[r].glh, v) for r, v in self.deliver.items())
        own = linear((n * getattr(facts[r], attr), m.x[r])
                     for m, n in zip(self.members, self.weights, strict=True)
                     for r in m.new_refs())
        claimed = [(-n, m.x[r]) for m, n in zip(self.members, self.weights, strict=True)
                   for r in sorted(m.achieved)]
        count = [(1, v) for v in self.deliver.values()]
        # skills gaps first, as plan does: the weight of every learner's gaps closed
        gaps = ([sum(n * m.gaps_expr() for m, n in zip(self.members, self.weights, strict=True))]
                if any(m.conditions.gaps for m in self.members) else [])
        return gaps + [delivery, own, fold_lexicographic([(claimed, 0), (count, 0)])]

    def variables(self) -> list[cp_model.IntVar]:
        return [v for m in self.members for v in m.x.values()] + list(self.deliver.values())


def solve_stages(cm: CohortModel, config: SolverConfig) -> Staged:
    """Minimise each stage in turn within one overall time limit."""
    # the full linear relaxation proves these stacked models far faster (8 Diploma learners:
    # 15 s -> 0.3 s); presolve stays off, as for one learner (model.SOLVER_PARAMETERS): with it,
    # 1,000 Award learners of many questions took 21 s, without 2.8 s
    config = replace(config, extra={"linearization_level": 2, **config.extra})
    return solve_in_stages(cm.model, cm.stages, cm.variables(), config)


def plan_cohort(cat: Catalogue, qual: Qualification | str, learners: list[Learner],
                cover=(), objective: Objective | str = "glh", config: SolverConfig | None = None,
                errors: tuple[RowError, ...] = (), *, source: str = "",
                strict: bool = False, shared: Conditions | None = None,
                names: Names = own_words) -> CohortResult:
    """One programme for the whole group: minimise total delivery GLH, then learners' new GLH.

    ``cover`` is as for ``planner plan --cover`` (("people", 0), ...) or the user's text
    ("people", "results=6"); it applies to every learner, as do the ``shared`` conditions, together
    with each learner's own (``Conditions.together``); skills gaps are closed first, then the
    delivery GLH minimised. ``errors`` (the bad rows of the CSV)
    are carried into the result so that they are reported with it. A learner with no valid
    pathway of their own is a bad row too (``source`` names the file, their ``line`` the row):
    reported with the reason, and the others are planned without them; with ``strict`` the
    first such learner raises ``InputError``. Learners are coupled only through free delivery
    switches, so the cohort has a programme exactly when each learner left has a pathway.
    Notes and reasons name fields through ``names`` (a learners file's columns, say)."""
    qual = cat.qualification(qual) if isinstance(qual, str) else qual
    objective = Objective(objective)
    config = config or SolverConfig()
    everyone = Conditions(cover=_cover(cat, cover)).together(shared or Conditions())
    learners, clashes = _clashing(list(learners), everyone, source, strict)
    errors = tuple(sorted((*errors, *clashes), key=lambda e: e.line))
    if not learners:
        raise InputError("no learners to plan for", field="learners")
    start = time.perf_counter()
    cm = CohortModel(cat, qual, learners, everyone, objective)
    solved = solve_stages(cm, config)
    if solved.status is Status.INFEASIBLE:
        stuck = _stuck_learners(cat, qual, learners, everyone, config, source, names)
        if stuck and strict:
            raise InputError(str(stuck[0][1]), field="strict")
        errors = tuple(sorted((*errors, *(e for _, e in stuck)), key=lambda e: e.line))
        left = [lr for lr in learners if all(lr is not x for x, _ in stuck)]
        if stuck and left:
            learners = left
            cm = CohortModel(cat, qual, learners, everyone, objective)
            solved = solve_stages(cm, config)
    seconds = time.perf_counter() - start
    status = solved.status
    notes = _notes(solved, cm, names)
    if solved.values is None:
        return CohortResult(qual, objective, status, tuple(learners), seconds=seconds,
                            errors=tuple(errors), notes=notes)
    values = solved.values
    plans = tuple(LearnerPlan(learner, Pathway.build(
        cat, qual, [r for r in m.refs if values[m.x[r].index]], m.achieved))
        for learner, m in zip(learners, cm.per_learner, strict=True))
    notes += tuple(f"{p.learner.id}: achieved {ref} is not counted: "
                   f"{kept_out_by(m, p.pathway, ref, names)}"
                   for p, m in zip(plans, cm.per_learner, strict=True)
                   for ref in sorted(m.achieved - set(p.pathway.refs)))
    deliveries = _deliveries(cat, plans)
    return CohortResult(qual, objective, status, tuple(learners), deliveries, plans,
                        sum(d.glh for d in deliveries), sum(p.pathway.new_glh for p in plans),
                        solved.bound, seconds, tuple(errors), notes)


def _cover(cat: Catalogue, cover) -> tuple[tuple[str, int], ...]:
    items = list(cover or ())
    if all(isinstance(c, tuple) for c in items):
        return tuple(sorted(items))
    return parse_cover(cat, items)


def _clashing(learners: list[Learner], everyone: Conditions, source: str,
              strict: bool) -> tuple[list[Learner], list[RowError]]:
    """The learners whose own conditions contradict the cohort's (a unit both included and
    excluded) are bad rows, as in the CSV; the others are kept."""
    kept, bad = [], []
    for learner in learners:
        try:
            learner.conditions(everyone)
        except InputError as exc:
            error = RowError(source or "LEARNERS", learner.line, exc.field,
                             f"learner {learner.id}: {exc.detail} (their own conditions with "
                             "the cohort's)")
            if strict:
                raise InputError(str(error), field="strict") from None
            bad.append(error)
            continue
        kept.append(learner)
    return kept, bad


def _deliveries(cat: Catalogue, plans: tuple[LearnerPlan, ...]) -> tuple[Delivery, ...]:
    who: dict[str, list[str]] = {}
    for p in plans:
        for r in p.pathway.new_refs:
            who.setdefault(r, []).append(p.learner.id)
    facts = cat.facts
    return tuple(Delivery(r, facts[r].title, facts[r].glh, tuple(ids))
                 for r, ids in sorted(who.items()))


def _stuck_learners(cat: Catalogue, qual: Qualification, learners: list[Learner],
                    everyone: Conditions, config: SolverConfig,
                    source: str, names: Names) -> list[tuple[Learner, RowError]]:
    """The learners without a valid pathway of their own, each with a row error giving the
    first reason (``planner.solver.explain``) in the learner's own terms."""
    from planner.questions.plan import plan

    out = []
    for learner in learners:
        single = plan(cat, qual, learner.conditions(everyone), config=config, names=names)
        if single.status is Status.INFEASIBLE:
            why = single.reasons[0].text if single.reasons else "no pathway meets the rules"
            out.append((learner, RowError(source or "LEARNERS", learner.line, None,
                                          f"learner {learner.id} has no valid pathway of their "
                                          f"own: {why}")))
    return out


_STAGE_NAMES = ("total delivery GLH", "learners' own new GLH (or TQT)", "the tie-breaks")


def _notes(solved: Staged, cm: CohortModel, names: Names) -> tuple[str, ...]:
    out = []
    for learner, m in zip(cm.learners, cm.per_learner, strict=True):
        for ref in m.ignored_achieved:
            out.append(f"{learner.id}: achieved {ref} is ignored: the {cm.qual.name} "
                       "does not accept it")
    if solved.status is Status.FEASIBLE:
        stages = ("the skills gaps closed",) * (len(cm.stages) - 3) + _STAGE_NAMES
        if solved.proven:
            done = " and ".join(stages[:solved.proven])
            out.append(f"the time limit was reached: {done} proven optimal, "
                       f"{stages[solved.proven]} not")
        else:
            out.append("the time limit was reached: this programme is valid but its delivery "
                       "GLH is not proven optimal")
    if solved.status is Status.UNKNOWN:
        out.append("the time limit was reached before any programme was found; "
                   "try a longer " + names("time_limit"))
    if solved.status is Status.INFEASIBLE:
        out.append("no programme exists: no learner has a valid pathway of their own")
    return tuple(out)
