"""The pathway report: one question answered by plan and audit, and where asked by the advisers
(next-best pathways, every qualification side by side, the trade-off frontier) and a cohort
programme, gathered into a ``planner.results.report.Report`` for the renderers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions, Objective, SolverConfig
from planner.domain.naming import Names, own_words
from planner.domain.rules import Qualification, short
from planner.results.cohort import Learner, RowError
from planner.results.plan import PlanResult
from planner.results.report import Report


def build_report(cat: Catalogue, qual: Qualification | str, cond: Conditions | None = None,
                 objective: Objective | str = Objective.GLH,
                 config: SolverConfig | None = None, *, alternatives: int = 0,
                 compare: bool = False, frontier: bool = False,
                 learners: list[Learner] | None = None, learner_errors: tuple[RowError, ...] = (),
                 source: str = "", title: str | None = None,
                 learner: str | None = None, names: Names = own_words,
                 learner_names: Names | None = None) -> Report:
    """Answer the question ``cond`` for ``qual`` and gather the report.

    ``alternatives`` is how many next-best pathways to list after the best; ``compare`` adds the
    best pathway of every qualification under the same conditions; ``frontier`` the trade-off
    between new units and new GLH (skills gaps, which change what is minimised, are left out of
    it, and a note says so). With ``learners`` (and the rows refused while reading them), a
    cohort programme under the same conditions, applied to every learner as ``planner cohort``
    applies its options. Notes and reasons name fields through ``names`` (the learners' through
    ``learner_names``, default ``names``)."""
    from planner.questions import advise
    from planner.questions.check import check
    from planner.questions.plan import plan

    qual = cat.qualification(qual) if isinstance(qual, str) else qual
    cond = cond or Conditions()
    objective = Objective(objective)
    config = config or SolverConfig()
    result = plan(cat, qual, cond, objective, config, names=names)
    rules: list[dict[str, Any]] = []
    if result.pathway is not None:
        rules = check(cat, qual, result.pathway.refs, achieved=result.pathway.achieved_refs,
                      registered=result.registered, objective=objective, config=config,
                      complete=False, names=names).to_dict()["rules"]
    parts: dict[str, Any] = {}
    notes = list(result.notes)
    if alternatives:
        found = advise.alternatives(cat, qual, cond, objective, alternatives + 1, config=config,
                                     names=names)
        parts["alternatives"] = [a.to_dict() for a in found.items[1:]]
    if compare:
        parts["comparison"] = advise.compare(cat, None, cond, objective, config=config,
                                             names=names).to_dict()
    if frontier:
        fr = advise.frontier(cat, qual, replace(cond, gaps=()), config=config, names=names)
        if fr.points:
            parts["frontier"] = {"x": fr.x_label, "y": fr.y_label, "points": fr.to_dict()}
            parts["frontier_result"] = fr
        if cond.gaps:
            notes.append("the trade-off chart leaves the skills gaps aside: each of its points "
                         "minimises hours for its number of units")
    if learners is not None:
        from planner.questions.cohort import plan_cohort

        parts["cohort"] = plan_cohort(cat, qual, learners, (), objective, config,
                                      errors=learner_errors, source=source,
                                      shared=cond, names=learner_names or names).to_dict()
    covered, uncovered = _areas(cat, result)
    return Report(result.to_dict(), rules, covered, notes=tuple(notes),
                  asked=restate(cat, cond, objective, result), uncovered=uncovered,
                  heading=title, learner=learner, **parts)


def restate(cat: Catalogue, cond: Conditions, objective: Objective,
            result: PlanResult) -> tuple[tuple[str, str], ...]:
    """The question in words, every condition named even when not given, so that a reader sees
    why a unit is in the pathway or absent from it."""
    def units(refs) -> str:
        return ", ".join(short(r) for r in refs) or "none"

    def areas(pairs, figure: str) -> str:
        return ", ".join(cat.area_name(a) + (f" ({figure.format(n)})" if n else "")
                         for a, n in pairs) or "none"

    registered = (cond.registered.isoformat() if cond.registered else
                  f"not given: taken as today ({result.registered.isoformat()}), a new learner")
    return (("minimising", f"new {objective.value.upper()}"),
            ("achieved units", units(cond.achieved)),
            ("units included", units(cond.include)),
            ("units excluded", units(cond.exclude)),
            ("ceiling on new GLH", "none" if cond.glh_max is None else str(cond.glh_max)),
            ("most units", "none" if cond.max_units is None else str(cond.max_units)),
            ("registered", registered),
            ("skill areas to cover", areas(cond.cover, "at least {} credits")),
            ("skills gaps to close", areas(cond.gaps, "weight {}")))


def _areas(cat: Catalogue, result: PlanResult) -> tuple[list[dict[str, Any]],
                                                         tuple[dict[str, Any], ...]]:
    """The skill areas the pathway covers (with credits and units), and those it leaves
    uncovered."""
    by_area: dict[str, dict[str, Any]] = {}
    for u in result.pathway.units if result.pathway is not None else ():
        for a in u.areas:
            e = by_area.setdefault(a, {"id": a, "name": cat.area_name(a), "credits": 0,
                                       "units": []})
            e["credits"] += u.credits
            e["units"].append(u.ref)
    every = sorted(cat.areas["id"]) if not cat.areas.empty else []
    uncovered = tuple({"id": a, "name": cat.area_name(a)} for a in every if a not in by_area)
    if result.pathway is None:
        uncovered = ()
    return [by_area[k] for k in sorted(by_area)], uncovered
