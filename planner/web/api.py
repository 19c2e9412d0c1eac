"""The HTTP API under /api: each path operation takes its pydantic body, calls the library as the
command of the same name does, and answers the JSON that command writes with ``--format json``
(``planner.render.core.render(result, "json")`` of the same result object: equal by
construction). Solves are plain ``def`` endpoints, so they run in the thread pool, and each takes
one of the server's solve slots; the reference questions (quals, units, rules, areas) solve
nothing and answer on the event loop, so that a page loads while solves queue. The long
questions (alternatives, compare, progress, frontier, cohort) take a slot of the smaller pool
``heavy`` instead: they queue among themselves, never ahead of a plan or a check. Every POST
takes ``?format=csv`` for the command's CSV of the same answer (the page's downloads)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions, parse_date
from planner.domain.errors import InputError
from planner.render.core import render
from planner.web.app import Settings, catalogue, settings
from planner.web.models import (
    AlternativesBody,
    CheckBody,
    CohortForm,
    CompareBody,
    FrontierBody,
    PlanBody,
    ProgressBody,
)
from planner.web.models import Conditions as ConditionsBody

router = APIRouter(prefix="/api", tags=["api"])
Cat = Annotated[Catalogue, Depends(catalogue)]
Server = Annotated[Settings, Depends(settings)]
COHORT_MAX = 256 * 1024  # bytes of learners CSV: some thousands of learners


Format = Annotated[Literal["json", "csv"], Query(alias="format", description="json (the "
                   "default), or csv: the command's --format csv, to take away.")]
MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def answer(result, fmt: str = "json") -> Response:
    return Response(render(result, fmt), media_type=MEDIA[fmt])


def conditions(cat: Catalogue, body: ConditionsBody) -> Conditions:
    """The library's question from a body's conditions (and its skills gaps, where it has
    them), as ``planner.cli.common.Asked.conditions`` builds it from the options."""
    return Conditions.from_user(cat, include=body.include, exclude=body.exclude,
                                achieved=body.achieved, glh_max=body.glh_max,
                                max_units=body.max_units, registered=body.registered,
                                cover=body.cover, gaps=getattr(body, "gaps", ()))


@router.post("/plan")
def plan(body: PlanBody, cat: Cat, server: Server, fmt: Format = "json") -> Response:
    """The best pathway, as `planner plan --format json`."""
    from planner.questions.plan import plan as solve

    q = cat.qualification(body.qualification, "qualification")
    cond = conditions(cat, body)
    with server.slots:
        return answer(solve(cat, q, cond, body.objective, server.config(body.time_limit)), fmt)


@router.post("/check")
def check(body: CheckBody, cat: Cat, server: Server, fmt: Format = "json") -> Response:
    """Audit a set of units, as `planner check --format json`."""
    from planner.questions.check import check as audit
    from planner.questions.check import resolve_set

    q = cat.qualification(body.qualification, "qualification")
    refs = resolve_set(cat, body.units, "units")
    done = cat.resolve_units(body.achieved, "achieved")
    with server.slots:
        return answer(audit(cat, q, refs, achieved=done,
                            registered=parse_date(body.registered, "registered"),
                            objective=body.objective, config=server.config(body.time_limit),
                            complete=body.complete), fmt)


@router.post("/alternatives")
def alternatives(body: AlternativesBody, cat: Cat, server: Server,
                 fmt: Format = "json") -> Response:
    """The k best pathways, as `planner alternatives --format json`."""
    from planner.questions.advise import alternatives as best_k

    q = cat.qualification(body.qualification, "qualification")
    cond = conditions(cat, body)
    with server.heavy:
        return answer(best_k(cat, q, cond, body.objective, body.k, body.differ_by,
                             server.config(body.time_limit)), fmt)


@router.post("/compare")
def compare(body: CompareBody, cat: Cat, server: Server, fmt: Format = "json") -> Response:
    """Every qualification side by side, as `planner compare --format json`."""
    from planner.questions.advise import compare as side_by_side

    quals = [cat.qualification(x, "qualifications") for x in body.qualifications]
    cond = conditions(cat, body)
    with server.heavy:
        return answer(side_by_side(cat, quals, cond, body.objective,
                                   server.config(body.time_limit)), fmt)


@router.post("/progress")
def progress(body: ProgressBody, cat: Cat, server: Server, fmt: Format = "json") -> Response:
    """A route from a smaller qualification to a larger, as `planner progress --format json`."""
    from planner.questions.advise import progress as routes

    src = cat.qualification(body.source, "from")
    dst = cat.qualification(body.target, "to")
    cond = conditions(cat, body)
    with server.heavy:
        return answer(routes(cat, src, dst, cond, body.objective,
                             server.config(body.time_limit)), fmt)


@router.post("/frontier")
def frontier(body: FrontierBody, cat: Cat, server: Server, fmt: Format = "json") -> Response:
    """The Pareto frontier, as `planner frontier --format json`."""
    from planner.questions.advise import frontier as pareto

    q = cat.qualification(body.qualification, "qualification")
    areas = [a.strip() for item in body.area for a in item.split(",") if a.strip()]
    x, y = body.x.strip().lower(), body.y.strip().lower()
    if areas and x != "areas":
        raise InputError("only with x areas", field="area")
    cond = conditions(cat, body)
    with server.heavy:
        return answer(pareto(cat, q, cond, x, y, areas, server.config(body.time_limit)), fmt)


@router.post("/cohort")
def cohort(cat: Cat, server: Server, form: Annotated[CohortForm, Form()],
           learners: Annotated[UploadFile, File(description=f"The learners CSV (as `planner "
                                                f"cohort` reads), at most {COHORT_MAX} bytes.")],
           fmt: Format = "json") -> Response:
    """One programme for a group, as `planner cohort --format json`; the bad rows are in its
    `errors`. The form's conditions apply to every learner, with each learner's own columns."""
    from planner.io.learners import parse_learners
    from planner.questions.cohort import plan_cohort

    q = cat.qualification(form.qualification, "qualification")
    everyone = conditions(cat, form)
    data = learners.file.read(COHORT_MAX + 1)
    if len(data) > COHORT_MAX:
        raise InputError(f"the file is over the limit of {COHORT_MAX} bytes", field="learners")
    name = learners.filename or "learners.csv"
    group, errors = parse_learners(data, name, cat, strict=form.strict)
    with server.heavy:
        return answer(plan_cohort(cat, q, group, (), form.objective,
                                  server.config(form.time_limit), errors=tuple(errors),
                                  source=name, strict=form.strict, shared=everyone), fmt)


@router.get("/quals")
async def quals(cat: Cat) -> Response:
    """The qualifications, as `planner quals --format json`."""
    from planner.results.views import QualificationList

    return answer(QualificationList(cat, tuple(cat.qualifications.values())))


@router.get("/units/{qualification:path}")
async def units(qualification: Annotated[str, Path(max_length=200)], cat: Cat) -> Response:
    """The units a qualification allows, as `planner units QUALIFICATION --format json`."""
    from planner.results.views import unit_list

    return answer(unit_list(cat, cat.qualification(qualification, "qualification")))


@router.get("/rules/{qualification:path}")
async def rules(qualification: Annotated[str, Path(max_length=200)], cat: Cat) -> Response:
    """The rules of combination, as `planner rules QUALIFICATION --format json`."""
    from planner.results.views import RulesView

    return answer(RulesView(cat.qualification(qualification, "qualification")))


@router.get("/areas")
async def areas(cat: Cat) -> Response:
    """The skill areas with their units, as `planner areas --format json`."""
    from planner.questions.areas import area_list

    return answer(area_list(cat, None))
