"""The advisers' questions answered with the CP-SAT model: the k best pathways, the best route to
each qualification, progression routes and the Pareto frontier of a trade-off.

Every answer is an exact optimum of one CP-SAT model (or a sequence of them), never a mutation of
an earlier answer; ``planner.advise`` holds the result objects.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions, Objective, SolverConfig
from planner.domain.errors import InputError
from planner.domain.naming import Names, own_words
from planner.domain.rules import Qualification, short
from planner.questions.plan import pathway_notes
from planner.questions.plan import plan as solve_plan
from planner.results.advise import (
    Alternative,
    Alternatives,
    Comparison,
    Frontier,
    FrontierPoint,
    Progression,
    Stage,
)
from planner.results.plan import Pathway, PlanResult, Status
from planner.solver.model import PathwayModel, fold_lexicographic, run_solver, solve_in_stages


class _Clock:
    """One time limit shared by the several solves of one question."""

    def __init__(self, config: SolverConfig) -> None:
        self.config = config
        self.deadline = time.perf_counter() + config.time_limit

    def config_left(self) -> SolverConfig:
        """The configuration with what is left of the time limit (a sliver when none is)."""
        left = self.deadline - time.perf_counter()
        return replace(self.config, time_limit=max(left, 0.01))

    def expired(self) -> bool:
        return self.deadline <= time.perf_counter()


@dataclass
class _Solution:
    status: Status
    refs: tuple[str, ...] = ()
    value: int = 0


def _solve(m: PathwayModel, clock: _Clock, expr) -> _Solution:
    if clock.expired():
        return _Solution(Status.UNKNOWN)
    status, solver = run_solver(m.model, clock.config_left())
    if not status.found:
        return _Solution(status)
    return _Solution(status, m.chosen(solver), int(solver.value(expr)))


def _qual(cat: Catalogue, qual: Qualification | str) -> Qualification:
    return cat.qualification(qual) if isinstance(qual, str) else qual


def _result(cat: Catalogue, m: PathwayModel, objective: Objective, refs, status: Status,
            notes: Iterable[str] = ()) -> PlanResult:
    pathway = Pathway.build(cat, m.qual, refs, m.achieved)
    return PlanResult(m.qual, objective, status, pathway, m.registered, tuple(notes))


# -- alternatives ---------------------------------------------------------------------------------

def alternatives(cat: Catalogue, qual: Qualification | str, cond: Conditions | None = None,
                 objective: Objective | str = Objective.GLH, k: int = 10, differ_by: int = 0,
                 config: SolverConfig | None = None, *,
                 names: Names = own_words) -> Alternatives:
    """The ``k`` best distinct pathways in the order of the plan's objective, ties broken by the
    sorted unit refs. Distinct means a different set of *new* units (what the learner still
    has to take): two pathways differing only in which achieved units they claim are one plan,
    and the better claim is kept. With ``differ_by`` N > 1, each pathway is the best of those
    whose new units differ from every earlier one's in at least N units.

    Exact: each is the optimum of the CP-SAT model with cuts excluding the earlier ones; the time
    limit covers every solve. Notes and reasons name fields through ``names``."""
    qual = _qual(cat, qual)
    cond = cond or Conditions()
    objective = Objective(objective)
    config = config or SolverConfig()
    if k < 1:
        raise InputError(f"must be at least 1, got {k}", field="k")
    if differ_by < 0:
        raise InputError(f"must not be negative, got {differ_by}", field="differ_by")
    clock = _Clock(config)
    m = PathwayModel(cat, qual, cond)
    expr = m.set_objective(objective)
    new = m.new_refs()
    found: list[_Solution] = []
    proven = True
    if differ_by <= 1:
        # solutions come in non-decreasing objective order; one more than k tells whether the
        # k-th ties with the next (then the tie is broken by the sorted refs, as everywhere)
        while not (len(found) > k and found[-1].value > found[k - 1].value):
            s = _solve(m, clock, expr)
            if not s.status.found:
                proven = s.status is Status.INFEASIBLE
                break
            found.append(s)
            if s.status is not Status.OPTIMAL:
                proven = False
                break
            m.differ(_new(s, m), 1, new)
        found.sort(key=lambda s: (s.value, s.refs))
        found = found[:k]
    else:
        while len(found) < k:
            s = _solve(m, clock, expr)
            if not s.status.found:
                proven = s.status is Status.INFEASIBLE
                break
            if s.status is Status.OPTIMAL:
                ties, complete = _ties(cat, qual, cond, objective, s, found, differ_by, clock)
                s = min(ties, key=lambda t: t.refs)
                if not complete:
                    s.status = Status.FEASIBLE
            found.append(s)
            if s.status is not Status.OPTIMAL:
                proven = False
                break
            m.differ(_new(s, m), differ_by, new)
    if not proven and found:
        found[-1].status = Status.FEASIBLE  # its place (or that no more exist) is not proven
    status = Status.OPTIMAL if proven else Status.FEASIBLE
    notes = []
    if not proven:
        notes.append("the time limit was reached: the pathways listed are valid, but the place "
                     "of the last one (or that no more exist) is not proven; try a longer "
                     + names("time_limit"))
    if not found:
        none = solve_plan(cat, qual, cond, objective, clock.config_left(), names=names)
        if not proven and none.status is Status.INFEASIBLE:
            notes = []
        return Alternatives(qual, objective, k, differ_by, (), none.status, none,
                            tuple(notes) + none.notes)
    results = [_result(cat, m, objective, s.refs, s.status) for s in found]
    best = results[0].pathway
    assert best is not None
    notes = list(pathway_notes(m, best, found[0].status, names)) + notes
    if len(found) < k and proven:
        n = len(found)
        if differ_by > 1:
            notes.append(f"only {n} plan{'s' if n != 1 else ''} under these conditions: no "
                         f"other plan's new units differ from {'its' if n == 1 else 'theirs'} "
                         f"in at least {differ_by} units")
        else:
            notes.append(f"only {n} distinct plan{'s exist' if n != 1 else ' exists'} under "
                         "these conditions")
    items = []
    for i, r in enumerate(results, 1):
        p = r.pathway
        assert p is not None
        items.append(Alternative(i, r, tuple(sorted(set(p.refs) - set(best.refs))),
                                 tuple(sorted(set(best.refs) - set(p.refs))),
                                 p.new_glh - best.new_glh, p.new_tqt - best.new_tqt))
    return Alternatives(qual, objective, k, differ_by, tuple(items), status, None, tuple(notes),
                        gaps=bool(cond.gaps))


def _new(s: _Solution, m: PathwayModel) -> list[str]:
    return [r for r in s.refs if r not in m.achieved]


def _ties(cat, qual, cond, objective, first: _Solution, earlier: list[_Solution], differ_by: int,
          clock: _Clock) -> tuple[list[_Solution], bool]:
    """Every pathway with the same objective value as ``first`` whose new units differ from the
    earlier ones' by ``differ_by``: the candidates for this place, for the deterministic
    tie-break; and whether the list is proven complete."""
    m = PathwayModel(cat, qual, cond)
    expr = m.set_objective(objective)
    new = m.new_refs()
    m.model.add(expr <= first.value)  # the optimum, so: equal (and far easier to propagate)
    for e in earlier:
        m.differ(_new(e, m), differ_by, new)
    out = [first]
    m.differ(_new(first, m), 1, new)
    while True:
        s = _solve(m, clock, expr)
        if s.status is not Status.OPTIMAL:
            return out, s.status is Status.INFEASIBLE
        out.append(s)
        m.differ(_new(s, m), 1, new)


# -- comparison -----------------------------------------------------------------------------------

def compare(cat: Catalogue, quals: Iterable[Qualification | str] | None = None,
            cond: Conditions | None = None, objective: Objective | str = Objective.GLH,
            config: SolverConfig | None = None, *, names: Names = own_words) -> Comparison:
    """The best pathway to each qualification (default: all, in catalogue order) under the same
    conditions, with the reasons (fields named by ``names``) where there is none."""
    qs = [_qual(cat, q) for q in quals] if quals else sorted(cat.qualifications.values(),
                                                             key=lambda q: (q.order, q.slug))
    seen: set[str] = set()
    unique = []
    for q in qs:
        if q.slug not in seen:
            seen.add(q.slug)
            unique.append(q)
    objective = Objective(objective)
    clock = _Clock(config or SolverConfig())  # one time limit for the whole comparison
    return Comparison(objective, tuple(solve_plan(cat, q, cond or Conditions(), objective,
                                                  clock.config_left(), names=names)
                                       for q in unique))


# -- progression ----------------------------------------------------------------------------------

def progress(cat: Catalogue, source: Qualification | str, target: Qualification | str,
             cond: Conditions | None = None, objective: Objective | str = Objective.GLH,
             config: SolverConfig | None = None, *, names: Names = own_words) -> Progression:
    """Routes from ``source`` to the larger ``target``.

    With achieved units in ``cond``: the cheapest top-up to ``target`` (a note says whether the
    achieved units already make a valid ``source`` pathway). Without: the best staged route
    through every qualification of the catalogue ordered between them (each stage a valid
    pathway that counts what the earlier stages took; least total hours, then least hours to each
    earlier stage), and the direct route for comparison. ``include`` applies to ``target``
    only, ``exclude`` to every stage. Notes and reasons name fields through ``names``."""
    source, target = _qual(cat, source), _qual(cat, target)
    cond = cond or Conditions()
    objective = Objective(objective)
    config = config or SolverConfig()
    if source.order >= target.order:
        raise InputError(f"the {target.name} is not larger than the {source.name}: progression "
                         "goes from a smaller qualification to a larger one", field="to")
    if cond.achieved:
        return _top_up(cat, source, target, cond, objective, config, names)
    chain = [source] + sorted((q for q in cat.qualifications.values()
                               if source.order < q.order < target.order),
                              key=lambda q: (q.order, q.slug)) + [target]
    clock = _Clock(config)  # one time limit for both routes
    direct = solve_plan(cat, target, cond, objective, clock.config_left(), names=names)
    if direct.pathway is None:
        return Progression(source, target, objective, (), direct.status, direct.notes, direct)
    d = direct.pathway
    stages = [Stage("direct", 1, direct, d.new_glh, d.new_tqt, d.new_glh, d.new_tqt)]
    staged, status, notes = _staged(cat, chain, cond, objective, clock.config_left())
    if status is Status.INFEASIBLE:
        status = Status.OPTIMAL  # the answer is the direct route alone, and the note says why
        notes = _no_staged_route(cat, chain, cond, objective, clock, names) + notes
    if status is Status.OPTIMAL and direct.status is not Status.OPTIMAL:
        status = direct.status
    return Progression(source, target, objective, tuple(staged) + tuple(stages), status,
                       tuple(notes) + direct.notes)


def _no_staged_route(cat, chain, cond, objective, clock, names: Names) -> list[str]:
    """Which stage has no pathway of its own, with the reasons, when the staged route fails."""
    inner = Conditions(exclude=cond.exclude, registered=cond.registered)
    for i, q in enumerate(chain):
        r = solve_plan(cat, q, cond if i == len(chain) - 1 else inner, objective,
                       clock.config_left(), names=names)
        if r.status is Status.INFEASIBLE:
            why = "; ".join(x.text for x in r.reasons)
            return [f"no staged route: the {q.name} has no pathway under these conditions"
                    + (f" ({why})" if why else "")]
    return ["no staged route: each qualification has a pathway, but no chain of them in which "
            "each counts the units taken before"]


def _top_up(cat, source, target, cond, objective, config, names: Names) -> Progression:
    from planner.domain.validate import check_rules

    result = solve_plan(cat, target, cond, objective, config, names=names)
    held = [r for r in cond.achieved if r in source.allowed]
    outside = [short(r) for r in cond.achieved if r not in source.allowed]
    failed = [c for c in check_rules(cat, source, held, held, cond.registered) if not c.ok]
    units = f"the achieved units of the {source.name}" if outside else "the achieved units"
    if not held:
        note = f"none of the achieved units is a unit of the {source.name}"
    elif failed:
        note = (f"{units} are not, as they stand, a valid {source.name} "
                f"({'; '.join(c.text for c in failed)})")
    else:
        note = f"{units} make a valid {source.name}"
    if outside:
        note += (f"; {', '.join(outside)} {'is' if len(outside) == 1 else 'are'} not "
                 f"{'a unit' if len(outside) == 1 else 'units'} of the {source.name}")
    if result.pathway is None:
        return Progression(source, target, objective, (), result.status,
                           (note,) + result.notes, result)
    p = result.pathway
    stage = Stage("top-up", 1, result, p.new_glh, p.new_tqt, p.new_glh, p.new_tqt)
    return Progression(source, target, objective, (stage,), result.status,
                       (note,) + result.notes)


class _StagedModel:
    """One CP-SAT model of a staged route: one pathway model per qualification of ``chain``,
    and ``taken[i][ref]``: the unit has been taken by the end of stage i (counted at stage i or
    taken before). Its ``stages`` are the lexicographic objectives for ``solve_in_stages``."""

    def __init__(self, cat: Catalogue, chain: list[Qualification], cond: Conditions,
                 objective: Objective) -> None:
        self.model = cp_model.CpModel()
        last = len(chain) - 1
        self.members = [PathwayModel(cat, q, cond if i == last else Conditions(
            exclude=cond.exclude, registered=cond.registered), model=self.model)
            for i, q in enumerate(chain)]
        refs = sorted({r for m in self.members for r in m.refs})
        self.refs = refs
        self.taken: list[dict[str, cp_model.IntVar]] = []
        for i, m in enumerate(self.members):
            row = {}
            for r in refs:
                lits = ([self.taken[i - 1][r]] if i else []) + ([m.x[r]] if r in m.x else [])
                t = self.model.new_bool_var(f"taken {i} {r}")
                if lits:
                    self.model.add_max_equality(t, lits)
                else:
                    self.model.add(t == 0)
                row[r] = t
            self.taken.append(row)
        facts, rank = cat.facts, cat.rank

        def hours(i: int, attr: str):
            return sum(getattr(facts[r], attr) * self.taken[i][r] for r in refs)

        first, other = objective.value, objective.other.value
        self.stages = [hours(last, first)] + [hours(i, first) for i in range(last)]
        self.stages.append(hours(last, other))
        self.stages.append(sum(self.taken[last].values()))
        for i, m in enumerate(self.members):
            earlier = [(-1, m.x[r]) for r in m.refs if i and r in self.taken[i - 1]]
            ranks = [(rank[r] + 1, m.x[r]) for r in m.refs]
            if i:  # count as many units taken earlier as the rules allow, as plan does
                self.stages.append(fold_lexicographic([(earlier, 0), (ranks, 0)]))
            else:
                self.stages.append(sum(c * v for c, v in ranks))

    def variables(self) -> list[cp_model.IntVar]:
        return [v for m in self.members for v in m.x.values()] + [
            v for row in self.taken for v in row.values()]


def _staged(cat, chain, cond, objective, config) -> tuple[list[Stage], Status, list[str]]:
    sm = _StagedModel(cat, chain, cond, objective)
    # the stronger linear relaxation proves these stacked models about 9x faster (measured:
    # Award to Diploma 1.9 s -> 0.2 s); presolve, which one pathway's model does without
    # (model.SOLVER_PARAMETERS), pays here: Award to Extended Diploma 0.77 -> 0.40 CPU s
    config = replace(config, extra={"linearization_level": 2, "cp_model_presolve": True,
                                    **config.extra})
    solved = solve_in_stages(sm.model, sm.stages, sm.variables(), config)
    names = " then ".join(q.name for q in chain)
    if solved.values is None:
        what = "no staged route exists" if solved.status is Status.INFEASIBLE else \
            "the time limit came before any staged route was found"
        return [], solved.status, [f"{what} ({names}); only the direct route is shown"]
    values = solved.values
    stages: list[Stage] = []
    before: set[str] = set()
    total = {"glh": 0, "tqt": 0}
    status = Status.OPTIMAL if solved.status is Status.OPTIMAL else Status.FEASIBLE
    for i, m in enumerate(sm.members):
        counted = [r for r in m.refs if values[m.x[r].index]]
        taken = {r for r in sm.refs if values[sm.taken[i][r].index]}
        new = taken - before
        added = {a: sum(getattr(cat.facts[r], a) for r in new) for a in total}
        for a in total:
            total[a] += added[a]
        pathway = Pathway.build(cat, m.qual, counted, before & set(counted))
        result = PlanResult(m.qual, objective, status, pathway, m.registered)
        stages.append(Stage("staged", i + 1, result, added["glh"], added["tqt"], total["glh"],
                            total["tqt"]))
        before = taken
    notes = []
    if status is not Status.OPTIMAL:
        notes.append("the time limit was reached: the staged route is valid but not proven "
                     "the cheapest")
    return stages, status, notes


# -- frontier -------------------------------------------------------------------------------------

def frontier(cat: Catalogue, qual: Qualification | str, cond: Conditions | None = None,
             x: str = "units", y: str = "glh", areas: Iterable[str] = (),
             config: SolverConfig | None = None, *, names: Names = own_words) -> Frontier:
    """The Pareto frontier of new GLH (or TQT) ``y`` against ``x``: the number of new units
    (fewer is better), new TQT (less is better) or the number of ``areas`` covered by at least one
    counted unit (more is better; default every skill area of the catalogue).

    The epsilon-constraint method: minimise (y, then x) with x bounded by the last point's x less
    one (or more one, for areas), until no pathway is left. Each point is an exact optimum and no
    point dominates another. Notes and reasons name fields through ``names``."""
    qual = _qual(cat, qual)
    cond = cond or Conditions()
    config = config or SolverConfig()
    if x not in ("units", "areas", "tqt"):
        raise InputError(f"'{x}' is not one of units, areas, tqt", field="x")
    if y not in ("glh", "tqt"):
        raise InputError(f"'{y}' is not one of glh, tqt", field="y")
    if x == y:
        raise InputError("{x} and {y} must differ", field="x", mentions=("x", "y"))
    area_ids: tuple[str, ...] = ()
    if x == "areas":
        area_ids = tuple(sorted({cat.area(a, "area") for a in areas} if areas
                                else set(cat.areas["id"])))
        if not area_ids:
            raise InputError("the catalogue has no skill areas", field="x")
    clock = _Clock(config)
    points: list[FrontierPoint] = []
    notes: list[str] = []
    bound: int | None = None
    status = Status.OPTIMAL
    while True:
        m = PathwayModel(cat, qual, cond)
        x_expr = _axes(m, x, y, area_ids, bound)
        s = _solve(m, clock, x_expr)
        if s.status is not Status.OPTIMAL:
            if s.status is not Status.INFEASIBLE:
                status = Status.FEASIBLE
                notes.append("the time limit was reached before the frontier was complete; "
                             "the points shown are exact")
            break
        solver_x = s.value
        refs = s.refs
        p = Pathway.build(cat, qual, refs, m.achieved)
        y_value = p.new_glh if y == "glh" else p.new_tqt
        r = PlanResult(qual, Objective(y), Status.OPTIMAL, p, m.registered)
        points.append(FrontierPoint(solver_x, y_value, r))
        bound = solver_x + 1 if x == "areas" else solver_x - 1
    points.sort(key=lambda pt: pt.x)
    if not points:
        if status is not Status.OPTIMAL:  # the time limit came before the first point
            note = ("the time limit was reached before any point of the frontier was found; "
                    "try a longer " + names("time_limit"))
            unknown = PlanResult(qual, Objective(y), Status.UNKNOWN, None,
                                 cond.registration_date, (note,))
            return Frontier(qual, x, y, (), Status.UNKNOWN, area_ids, (note,), unknown)
        none = solve_plan(cat, qual, cond, Objective(y), clock.config_left(), names=names)
        return Frontier(qual, x, y, (), none.status, area_ids, none.notes, none)
    best = min(points, key=lambda pt: (pt.y, pt.x)).result.pathway
    # (the x bound changes no note)
    notes = list(pathway_notes(m, best, Status.OPTIMAL, names)) + notes
    return Frontier(qual, x, y, tuple(points), status, area_ids, tuple(notes))


def _axes(m: PathwayModel, x: str, y: str, area_ids: tuple[str, ...], bound: int | None):
    """Add the x expression (and its bound) to the model and minimise (y, x, the plan's
    tie-breaks); return the x expression."""
    new = m.new_refs()
    facts = m.facts

    def cost(attr: str) -> list:
        return [(getattr(facts[r], attr), m.x[r]) for r in new]

    y_pairs = cost(y)
    x_expr: cp_model.LinearExprT
    if x == "areas":
        covered = []
        for a in area_ids:
            c = m.model.new_bool_var(f"covers {a}")
            m.model.add(sum(m.x[r] for r in m.refs if a in facts[r].areas) >= c)
            covered.append(c)
        x_expr = cp_model.LinearExpr.sum(covered)
        x_pairs = [(-1, c) for c in covered]
        if bound is not None:
            m.model.add(x_expr >= bound)
    else:
        x_pairs = cost("tqt") if x == "tqt" else [(1, m.x[r]) for r in new]
        x_expr = cp_model.LinearExpr.weighted_sum([v for _, v in x_pairs],
                                                  [c for c, _ in x_pairs])
        if bound is not None:
            m.model.add(x_expr <= bound)
    terms = [(y_pairs, 0), (x_pairs, 0)]
    other = "tqt" if y == "glh" else "glh"
    if other != x:
        terms.append((cost(other), 0))
    terms.append(([(-1, m.x[r]) for r in sorted(m.achieved)], 0))
    if x != "units":
        terms.append(([(1, m.x[r]) for r in new], 0))
    rank = m.catalogue.rank
    terms.append(([(rank[r] + 1, m.x[r]) for r in m.refs], 0))
    m.model.minimize(fold_lexicographic(terms))
    return x_expr


__all__ = ["alternatives", "compare", "frontier", "progress"]
