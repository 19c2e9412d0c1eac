"""Solve questions with the CP-SAT model and return result objects."""

from __future__ import annotations

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions, Objective, SolverConfig
from planner.domain.errors import InputError
from planner.domain.naming import Names, own_words
from planner.domain.rules import Qualification, short
from planner.domain.validate import check_rules
from planner.results.plan import Pathway, PlanResult, Status
from planner.solver.model import PathwayModel, run_solver, solve_in_stages


def solve_model(m: PathwayModel, config: SolverConfig) -> tuple[Status, Pathway | None]:
    """Solve a built model; read values only when the solver has a solution."""
    status, solver = run_solver(m.model, config)
    if not status.found:
        return status, None
    return status, Pathway.build(m.catalogue, m.qual, m.chosen(solver), m.achieved)


def plan(catalogue: Catalogue, qual: Qualification | str, conditions: Conditions | None = None,
         objective: Objective | str = Objective.GLH, config: SolverConfig | None = None,
         *, explain: bool = True, names: Names = own_words) -> PlanResult:
    """The best pathway to ``qual`` under ``conditions``.

    Minimises new GLH (or new TQT) with the other as tie-break, then claims as many achieved units
    as it can, then takes fewer new units, then prefers units earlier in ref order. With
    ``explain``, an infeasible answer carries the reasons (``planner.solver.explain``). Notes
    and reasons name the question's fields through ``names`` (``planner.domain.naming``)."""
    qual = catalogue.qualification(qual) if isinstance(qual, str) else qual
    conditions = conditions or Conditions()
    objective = Objective(objective)
    config = config or SolverConfig()
    m = PathwayModel(catalogue, qual, conditions)
    if conditions.gaps:
        status, pathway = _solve_gaps_first(m, objective, config)
    else:
        m.set_objective(objective)
        status, pathway = solve_model(m, config)
    notes = list(pathway_notes(m, pathway, status, names))
    reasons: tuple = ()
    if status is Status.INFEASIBLE and explain:
        from planner.solver.explain import explain_infeasible

        reasons = explain_infeasible(catalogue, qual, conditions, config, names=names)
    extra = {}
    if conditions.gaps and pathway is not None:  # which skills gaps were closed (issue 5)
        from planner.questions.areas import gaps_closed

        extra["gaps"], note = gaps_closed(catalogue, pathway, conditions.gaps)
        notes.insert(0, note)
    return PlanResult(qual, objective, status, pathway, m.registered, tuple(notes), reasons,
                      extra)


def _solve_gaps_first(m: PathwayModel, objective: Objective,
                      config: SolverConfig) -> tuple[Status, Pathway | None]:
    """``--gaps`` as a stage of its own: maximise the weight of the gaps covered, fix that
    optimum, then minimise the usual objective (folding both into one objective would make it
    too wide for CP-SAT to prove exactly, with large weights). One time limit for both."""
    if sum(w for _, w in m.conditions.gaps) >= 2**50:  # a library caller past the parser's bound
        raise InputError("the weights make the objective too wide for CP-SAT to prove exactly; "
                         "give smaller weights", field="gaps")
    stages = [m.gaps_expr(), m.set_objective(objective, gaps=False)]
    solved = solve_in_stages(m.model, stages, list(m.x.values()), config)
    if solved.values is None:
        return solved.status, None
    return solved.status, Pathway.build(m.catalogue, m.qual, solved.chosen(m), m.achieved)


def pathway_notes(m: PathwayModel, pathway: Pathway | None, status: Status,
                  names: Names = own_words):
    for ref in m.ignored_achieved:
        yield f"achieved {ref} is ignored: the {m.qual.name} does not accept it"
    if pathway is not None:
        for ref in sorted(m.achieved - set(pathway.refs)):
            yield f"achieved {ref} is not counted: {kept_out_by(m, pathway, ref, names)}"
    if status is Status.FEASIBLE:
        yield "the time limit was reached: this pathway is valid but not proven optimal"
    if status is Status.UNKNOWN:
        yield ("the time limit was reached before any pathway was found; try a longer "
               + names("time_limit"))
    if pathway is not None and m.conditions.registered is None:
        yield from _superseded_notes(m, pathway, names)


def kept_out_by(m: PathwayModel, pathway: Pathway, ref: str, names: Names = own_words) -> str:
    """What keeps an achieved unit that the qualification accepts out of the pathway: the user's
    condition, named as the reasons name it (its switch, through ``names``), or the rule that
    counting it would break."""
    excluded = _condition(m, "exclude", ref)
    if excluded is not None:
        return f"{excluded.named(names)} leaves it out"
    with_it = (*pathway.refs, ref)
    broken = [c for c in check_rules(m.catalogue, m.qual, with_it, m.achieved, m.registered)
              if not c.ok]
    if broken:
        return f"no room for it under the rules: with it, {broken[0].text}"
    cap = _condition(m, "max_units")
    if cap is not None:
        return f"{cap.named(names)} leaves no room for it: with it, {len(with_it)} units"
    return "this pathway has no room for it under the rules"


def _condition(m: PathwayModel, field: str, value: str | None = None):
    """The model's switch for one of the user's conditions, if the question has it."""
    return next((s for s in m.switches if s.kind == "condition" and s.field == field
                 and (value is None or s.value == value)), None)


def _superseded_notes(m: PathwayModel, pathway: Pathway, names: Names):
    """Said only when the registration date, taken as today, decides a unit of this pathway: it
    takes the new unit of a superseded pair that a learner registered earlier could take the old
    one for."""
    for rule in _superseded(m.qual):
        if not rule.applies_to(m.registered):
            continue
        swaps = [(old, new) for old, new in rule.pairs if new in pathway.new_refs
                 and old in m.qual.allowed and old not in m.conditions.exclude]
        if swaps:
            pairs = ", ".join(f"{short(new)} not the superseded {short(old)}"
                              for old, new in swaps)
            yield (f"registration date taken as today ({m.registered.isoformat()}): this "
                   f"pathway takes {pairs}; give {names('registered')} if the learner registered "
                   f"before {rule.cutoff.isoformat()}")


def _superseded(qual: Qualification):
    from planner.domain.rules import Superseded

    return qual.rules_of(Superseded)
