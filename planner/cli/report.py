"""``planner report``: a pathway report page (HTML or Markdown) to hand to a learner or employer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import (
    EXIT_INPUT,
    Asked,
    CatalogueOpt,
    Commands,
    QualArg,
    columns_or_flags,
    condition_options,
    exit_code,
    flag,
    load,
    one_line,
)
from planner.domain.errors import InputError

OutOpt = Annotated[Path | None, typer.Option(
    "--out", "-o", metavar="REPORT.html|REPORT.md", show_default=False,
    help="File to write; the format follows the suffix (.html/.htm or .md).")]

commands = Commands()


@commands("report")
@condition_options()
def report(
    qualification: QualArg,
    out: OutOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="The page's title (default: the "
                     "qualification's name).")] = None,
    learner: Annotated[str | None, typer.Option("--learner", metavar="NAME", help="Whom the "
                       "report is for; shown under the title.")] = None,
    asked: Asked = Asked(),
    compare: Annotated[bool, typer.Option("--compare", help="Compare the best pathway of "
                       "every qualification under the same conditions.")] = False,
    alternatives: Annotated[int, typer.Option("--alternatives", min=0, max=1000, metavar="K",
                            help="Also list the K next-best pathways after the best.")] = 0,
    frontier: Annotated[bool, typer.Option("--frontier/--no-frontier", help="Chart the "
                        "trade-off between the number of units and GLH.")] = True,
    cohort: Annotated[Path | None, typer.Option("--cohort", metavar="LEARNERS.CSV",
                      help="Add one programme for this group of learners (the conditions "
                      "apply to every learner, as in planner cohort).")] = None,
    catalogue: CatalogueOpt = None,
) -> None:
    """Write a pathway report: the question restated, the chosen pathway with its units,
    credits, GLH and TQT, how each rule of combination is met (with bars), the skill areas
    covered and left uncovered, and where asked the next-best pathways, the comparison across
    qualifications, the frontier chart and a cohort programme. One self-contained HTML page
    (prints on A4, reads on a phone) or Markdown, with the same content.

    Exit codes as plan's; 2 when some cohort row was left out (the report is written and says
    which).

    Example: planner report diploma --compare --alternatives 3 --out report.html
    """
    from planner.io.files import output_path, write_text
    from planner.io.learners import COLUMNS
    from planner.questions.report import build_report

    suffix = _suffix(out)
    target = output_path(out, (cohort,))  # before any work: never the cohort file it reads
    cat = load(catalogue)
    q = cat.qualification(qualification, "qualification")
    group, errors = _learners(cohort, cat)
    rep = build_report(cat, q, asked.conditions(cat), asked.minimise, asked.config(),
                       alternatives=alternatives, compare=compare, frontier=frontier,
                       learners=group, learner_errors=tuple(errors), source=str(cohort or ""),
                       title=title, learner=learner, names=flag,
                       learner_names=columns_or_flags(COLUMNS))
    text = _render(rep, suffix)
    write_text(target, text)
    left_out = rep.left_out()
    for e in left_out:
        typer.echo(one_line(f"planner: warning: skipped {cohort}, {e}"), err=True)
    status = rep.plan["status"]
    typer.echo(f"wrote {out} ({status}; {len(text)} bytes)")
    code = exit_code(_status(status))
    raise typer.Exit(code if code or not left_out else EXIT_INPUT)


def _suffix(out: Path | None) -> str:
    if out is None:
        raise InputError("give the file to write, ending in .html or .md", field="out")
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise InputError(f"'{out}' must end in .html or .md", field="out")
    return suffix


def _learners(cohort: Path | None, cat):
    if cohort is None:
        return None, []
    from planner.io.learners import read_learners

    return read_learners(cohort, cat)


def _render(rep, suffix: str) -> str:
    if suffix in (".md", ".markdown"):
        from planner.render.markdown import render_md

        return render_md(rep)
    from planner.render.html import render_html

    return render_html(rep)


def _status(value: str):
    from planner.results.plan import Status

    return Status(value)
