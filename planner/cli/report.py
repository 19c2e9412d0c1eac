"""``planner report``: a pathway report page (HTML or Markdown) to hand to a learner or employer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import (
    AchievedOpt,
    CatalogueOpt,
    Commands,
    CoverOpt,
    ExcludeOpt,
    GlhMaxOpt,
    IncludeOpt,
    MaxUnitsOpt,
    MinimiseOpt,
    QualArg,
    RegisteredOpt,
    TimeLimitOpt,
    build_conditions,
    exit_code,
    load,
    one_line,
    solver_config,
)
from planner.domain.errors import InputError
from planner.domain.objective import Objective

OutOpt = Annotated[Path | None, typer.Option(
    "--out", "-o", metavar="REPORT.html|REPORT.md", show_default=False,
    help="File to write; the format follows the suffix (.html/.htm or .md).")]

commands = Commands()


@commands("report")
def report(
    qualification: QualArg,
    out: OutOpt = None,
    minimise: MinimiseOpt = Objective.GLH,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    achieved: AchievedOpt = None,
    glh_max: GlhMaxOpt = None,
    registered: RegisteredOpt = None,
    max_units: MaxUnitsOpt = None,
    cover: CoverOpt = None,
    compare: Annotated[bool, typer.Option("--compare", help="Compare the best pathway of "
                       "every qualification.")] = False,
    alternatives: Annotated[int, typer.Option("--alternatives", min=0, metavar="K",
                            help="Also list the K next-best pathways.")] = 0,
    frontier: Annotated[bool, typer.Option("--frontier/--no-frontier", help="Chart the "
                        "trade-off between the number of units and GLH.")] = True,
    cohort: Annotated[Path | None, typer.Option("--cohort", metavar="LEARNERS.CSV",
                      help="Add one programme for this group of learners.")] = None,
    time_limit: TimeLimitOpt = 10.0,
    catalogue: CatalogueOpt = None,
) -> None:
    """Write a pathway report: the chosen pathway with its units, credits, GLH and TQT, how each
    rule of combination is met (with bars), the skill areas covered, and where asked the
    alternatives, the comparison across qualifications, the frontier chart and a cohort
    programme. One self-contained HTML page (prints on A4, reads on a phone) or Markdown.

    Example: planner report diploma --achieved 404,425 --compare --alternatives 3 --out report.html
    """
    from planner.questions.check import check
    from planner.questions.plan import plan as solve_plan
    from planner.results.report import gather

    if out is None:
        raise InputError("give the file to write, ending in .html or .md", field="out")
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise InputError(f"'{out}' must end in .html or .md", field="out")
    if not out.parent.is_dir():
        raise InputError(f"folder '{out.parent}' does not exist", field="out")
    cat = load(catalogue)
    q = cat.qualification(qualification, "qualification")
    cond = build_conditions(cat, include, exclude, achieved, glh_max, max_units, registered, cover)
    config = solver_config(time_limit)
    result = solve_plan(cat, q, cond, minimise, config)
    audit = None
    if result.pathway is not None:
        audit = check(cat, q, result.pathway.refs, achieved=result.pathway.achieved_refs,
                      registered=result.registered, objective=minimise, config=config,
                      complete=False)
    extra = _advisers(cat, q, cond, minimise, config, compare, alternatives, frontier)
    cohort_result = None
    if cohort is not None:
        from planner.domain.conditions import parse_cover
        from planner.io.learners import read_learners
        from planner.questions.cohort import plan_cohort

        group, errors = read_learners(cohort, cat)
        for e in errors:
            typer.echo(one_line(f"planner: warning: skipped {e}"), err=True)
        cohort_result = plan_cohort(cat, q, group, parse_cover(cat, cover), minimise, config,
                                    errors=tuple(errors))
    rep = gather(cat, q, result, audit, cohort=cohort_result, **extra)
    if suffix in (".md", ".markdown"):
        from planner.render.markdown import render_md
        text = render_md(rep)
    else:
        from planner.render.html import render_html
        text = render_html(rep)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write '{out}': {exc.strerror}", field="out") from None
    typer.echo(f"wrote {out} ({result.status.value}; {len(text)} bytes)")
    raise typer.Exit(exit_code(result.status))


def _advisers(cat, q, cond, objective, config, compare, k, frontier) -> dict:
    """Alternatives, comparison and frontier (with its chart) from ``planner.questions.advise``."""
    from planner.questions import advise as advise_solve

    out: dict = {}
    if k:
        out["alternatives"] = advise_solve.alternatives(cat, q, cond, objective, k, config=config)
    if compare:
        out["comparison"] = advise_solve.compare(cat, None, cond, objective, config=config)
    if frontier:
        from planner.render.plot import frontier_svg

        fr = advise_solve.frontier(cat, q, cond, config=config)
        out["frontier"] = fr
        if fr.found:
            out["frontier_svg"] = frontier_svg(fr)
    return out
