"""The advisers' commands: ``alternatives``, ``compare``, ``progress`` and ``frontier`` (parse, call
``planner.questions.advise``, render)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import (
    EXIT_OK,
    Asked,
    CatalogueOpt,
    Commands,
    FormatOpt,
    QualArg,
    condition_options,
    emit,
    exit_code,
    flag,
    load,
)
from planner.render.core import Format

commands = Commands()


@commands("alternatives")
@condition_options()
def alternatives(
    qualification: QualArg,
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=1000, help="How many pathways.")]
    = 10,
    differ_by: Annotated[int, typer.Option("--differ-by", min=0, max=1000, metavar="N",
                         help="Each pathway's new units differ from every earlier one's in at "
                         "least N units (added or removed).")] = 0,
    asked: Asked = Asked(),
    fmt: FormatOpt = Format.TABLE,
    catalogue: CatalogueOpt = None,
) -> None:
    """The k best distinct valid pathways in the order of the objective (ties broken by the
    units' refs), each with its totals and how it differs from the best. Distinct means a
    different set of new units: pathways differing only in the achieved units they claim are one.

    Exact: the i-th listed is the i-th best. The time limit covers all k solves.

    Example: planner alternatives diploma -k 5 --registered 2026-09-01
    """
    from planner.questions.advise import alternatives as best_k

    cat = load(catalogue)
    q = cat.qualification(qualification, "qualification")
    result = best_k(cat, q, asked.conditions(cat), asked.minimise, k, differ_by, asked.config(),
                    names=flag)
    emit(result, fmt)
    raise typer.Exit(EXIT_OK if result.found else exit_code(result.status))


QualsArg = Annotated[list[str] | None, typer.Argument(
    metavar="[QUALIFICATION]...", show_default=False,
    help="Qualifications to compare (default: all of them).")]


@commands("compare")
@condition_options()
def compare(
    qualifications: QualsArg = None,
    asked: Asked = Asked(),
    fmt: FormatOpt = Format.TABLE,
    catalogue: CatalogueOpt = None,
) -> None:
    """The best route to each qualification side by side: credits, group-2 credits, GLH, TQT,
    new GLH and TQT, the number of units and the units. Which qualification to aim for, given
    what the learner has done?

    Every condition applies to each qualification: a unit it does not offer cannot be included
    there (its row says so).

    Exit code 0 when every qualification has a pathway, 1 when some has none (with reasons).

    Example: planner compare --achieved 404,425,420 --registered 2026-09-01
    """
    from planner.questions.advise import compare as side_by_side

    cat = load(catalogue)
    quals = [cat.qualification(x, "qualification") for x in qualifications or ()]
    result = side_by_side(cat, quals, asked.conditions(cat), asked.minimise, asked.config(),
                          names=flag)
    emit(result, fmt)
    worst = [r.status for r in result.results if not r.found]
    raise typer.Exit(exit_code(worst[0]) if worst else EXIT_OK)


@commands("progress")
@condition_options({"gaps": "the staged route minimises the total hours first, then the hours "
                    "by the end of each earlier stage, and skills-gap weights would change what "
                    "that means; ask plan --gaps of the larger qualification"})
def progress(
    source: Annotated[str, typer.Option("--from", metavar="QUALIFICATION", show_default=False,
                      help="The smaller qualification (held, or the first stage).")],
    target: Annotated[str, typer.Option("--to", metavar="QUALIFICATION", show_default=False,
                      help="The larger qualification.")],
    asked: Asked = Asked(),
    fmt: FormatOpt = Format.TABLE,
    catalogue: CatalogueOpt = None,
) -> None:
    """Routes from a smaller qualification to a larger one.

    With --achieved: the cheapest top-up to the larger one. Without: the best staged route
    through each qualification in between (say, Award, then Certificate, then Diploma, each a
    valid pathway counting what came before) against going straight for the larger one, with
    the hours each stage adds, so that the cost of stopping on the way is visible. --exclude
    and --registered apply to every stage; --include, --glh-max, --max-units and --cover to the
    larger qualification.

    Example: planner progress --from award --to diploma --registered 2026-09-01
    """
    from planner.questions.advise import progress as routes

    cat = load(catalogue)
    src = cat.qualification(source, "from")
    dst = cat.qualification(target, "to")
    result = routes(cat, src, dst, asked.conditions(cat), asked.minimise, asked.config(),
                    names=flag)
    emit(result, fmt)
    raise typer.Exit(EXIT_OK if result.found else exit_code(result.status))


XOpt = Annotated[str, typer.Option(
    "--x-axis", "--x", metavar="units|areas|tqt", help="The other side of the trade-off: new "
    "units (fewer is better), skill areas covered (more is better) or new TQT.")]
YOpt = Annotated[str, typer.Option(
    "--y-axis", "--y", metavar="glh|tqt", help="The hours minimised at each point: new GLH or "
    "new TQT.")]


def _no_axis_as_unit(exclude: list[str] | None) -> None:
    """``-x`` is ``--exclude``, not the chart's axis: say so rather than 'unknown unit'."""
    for value in (v.strip() for item in exclude or () for v in item.split(",")):
        if value.lower() in ("units", "areas", "tqt", "glh"):
            from planner.domain.errors import InputError

            raise InputError(f"'{value}' is not a unit: -x is --exclude; the chart's axis is "
                             f"--x-axis {value}", field="exclude")


@commands("frontier")
@condition_options({"gaps": "each point minimises hours for a fixed x; to weigh skill areas, "
                    "chart --x-axis areas", "minimise": "--y-axis names the hours minimised"})
def frontier(
    qualification: QualArg,
    x: XOpt = "units",
    y: YOpt = "glh",
    area: Annotated[list[str] | None, typer.Option("--area", metavar="AREA", help="With --x-axis "
                    "areas: the areas to count (default all six); repeat or comma list.")]
    = None,
    plot: Annotated[Path | None, typer.Option("--plot", metavar="FILE.png|FILE.svg",
                    help="Also write the chart to this file.")] = None,
    asked: Asked = Asked(),
    fmt: FormatOpt = Format.TABLE,
    catalogue: CatalogueOpt = None,
) -> None:
    """The Pareto frontier of a real trade-off: by default the fewest new GLH for each number of
    new units (each unit is one assessment). Every point is an exact optimum; dominated points
    are left out.

    Example: planner frontier diploma --registered 2026-09-01 --plot diploma.png
    """
    from planner.questions.advise import frontier as pareto

    cat = load(catalogue)
    q = cat.qualification(qualification, "qualification")
    x, y = x.strip().lower(), y.strip().lower()
    _no_axis_as_unit(asked.exclude)
    areas = [a.strip() for item in area or () for a in item.split(",") if a.strip()]
    if areas and x != "areas":
        from planner.domain.errors import InputError

        raise InputError("only with --x-axis areas", field="area")
    if plot is not None:
        from planner.render.plot import FORMATS

        if plot.suffix.lower() not in FORMATS:
            from planner.domain.errors import InputError

            raise InputError(f"'{plot}' must end in .png or .svg", field="plot")
    result = pareto(cat, q, asked.conditions(cat), x, y, areas, asked.config(), names=flag)
    if plot is not None and result.found:
        from planner.render.plot import plot_frontier

        plot_frontier(result, plot)
    emit(result, fmt)
    if plot is not None:
        typer.echo(f"wrote {plot}" if result.found else
                   f"planner: no chart written to {plot}: no frontier ({result.status.value})",
                   err=True)
    raise typer.Exit(EXIT_OK if result.found else exit_code(result.status))
