"""The what-if page (``/``) and its downloads. The page is a Jinja2 template and a small script
(static/planner.js) that asks the API after every change; the question lives in the URL's query
string with the API's own field names (list fields as comma lists), so the downloads read the
same query string."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from planner.domain.catalogue import Catalogue
from planner.render.core import render
from planner.web.app import HERE, Settings, catalogue, settings
from planner.web.models import PlanBody

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")  # autoescapes .html templates
Cat = Annotated[Catalogue, Depends(catalogue)]
Server = Annotated[Settings, Depends(settings)]
LISTS = ("achieved", "include", "exclude", "cover", "gaps")
DOWNLOADS = {"report.html": "text/html", "report.md": "text/markdown",
             "plan.json": "application/json", "plan.csv": "text/csv"}


@router.api_route("/", methods=["GET", "HEAD"])
async def page(request: Request, cat: Cat) -> Response:
    quals = [(q.slug, q.name) for q in cat.qualifications.values()]
    areas = [] if cat.areas.empty else list(zip(cat.areas["id"], cat.areas["name"], strict=True))
    return templates.TemplateResponse(request, "index.html", {"quals": quals, "areas": areas})


@router.api_route("/docs", methods=["GET", "HEAD"])
async def api_docs(request: Request) -> Response:
    """The API's OpenAPI page (Swagger UI), every file of it served by the app (no CDN)."""
    return templates.TemplateResponse(request, "docs.html", {})


def question(request: Request) -> PlanBody:
    """The page's question from the query string (``q`` is the qualification). A parameter the
    question has no field for (a link's ``utm_source``) is ignored: links get them added on
    their way; the API's JSON bodies still refuse unknown fields."""
    params = request.query_params
    known = set(PlanBody.model_fields) - {"qualification"} - set(LISTS)
    data: dict = {k: v for k, v in params.items() if k in known and v != ""}
    data["qualification"] = params.get("q", "")
    for name in LISTS:
        data[name] = [x for v in params.getlist(name) for x in v.split(",") if x.strip()]
    try:
        return PlanBody.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


@router.api_route("/download/{name}", methods=["GET", "HEAD"])
def download(name: Literal["report.html", "report.md", "plan.json", "plan.csv"],
             body: Annotated[PlanBody, Depends(question)], cat: Cat, server: Server) -> Response:
    """What the page shows, to take away: the report (as `planner report` writes it), or the
    plan's JSON or CSV (as `planner plan --format json|csv`)."""
    from planner.web.api import conditions

    q = cat.qualification(body.qualification, "q")  # the link's name for it
    cond = conditions(cat, body)
    config = server.config(body.time_limit)
    with server.heavy if name.startswith("report") else server.slots:
        if name.startswith("report"):
            text = _report(cat, q, cond, body.objective, config, name)
        else:
            from planner.questions.plan import plan

            text = render(plan(cat, q, cond, body.objective, config), name.split(".")[1])
    filename = f"{q.slug}-{name}"
    return Response(text, media_type=DOWNLOADS[name] + "; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


def _report(cat, q, cond, objective, config, name: str) -> str:
    """The report ``planner report`` writes for the same question (its defaults: the frontier
    chart, no comparison, no alternatives)."""
    from planner.questions.report import build_report

    rep = build_report(cat, q, cond, objective, config, frontier=True)
    if name.endswith(".md"):
        from planner.render.markdown import render_md

        return render_md(rep)
    from planner.render.html import render_html

    return render_html(rep)
