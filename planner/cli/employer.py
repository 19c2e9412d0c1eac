"""``planner areas`` and ``planner cohort``: skill areas and one programme for a group."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import (
    Asked,
    CatalogueOpt,
    Commands,
    FormatOpt,
    RawCsvOpt,
    columns_or_flags,
    condition_options,
    emit,
    exit_code,
    load,
    one_line,
)
from planner.render.core import Format

commands = Commands()


@commands("areas")
def areas(
    qualification: Annotated[str | None, typer.Argument(
        metavar="[QUALIFICATION]", show_default=False,
        help="Only the units this qualification allows (default: every unit).")] = None,
    fmt: FormatOpt = Format.TABLE,
    catalogue: CatalogueOpt = None,
) -> None:
    """List the six skill areas with their units, credits and GLH (the project's own tagging
    from unit titles, not the awarding body's).

    Example: planner areas diploma
    """
    from planner.questions.areas import area_list

    cat = load(catalogue)
    q = cat.qualification(qualification, "qualification") if qualification else None
    if cat.areas.empty:
        from planner.domain.errors import InputError

        raise InputError("this catalogue has no skill areas (areas.csv)", field="catalogue")
    emit(area_list(cat, q), fmt)


@commands("cohort")
@condition_options(time_limit=30.0)
def cohort(
    qualification: Annotated[str, typer.Argument(metavar="QUALIFICATION", show_default=False,
                             help="Qualification: award, certificate, diploma, ...")],
    learners: Annotated[Path, typer.Argument(
        metavar="LEARNERS.CSV", show_default=False,
        help="CSV with a header: id (required), and any of achieved, registered, include, "
             "exclude, glh_max, max_units, cover, gaps: each learner's own conditions, as "
             "plan's options; units separated by spaces or commas.")],
    asked: Asked = Asked(),
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first bad row instead "
                      "of skipping it.")] = False,
    fmt: FormatOpt = Format.TABLE,
    raw_csv: RawCsvOpt = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """One programme for a group: every learner gets a valid pathway, units are delivered once
    as shared sessions, total delivery GLH is minimised, then each learner's new GLH.

    The condition options apply to every learner, together with the learner's own columns:
    unit lists and areas add up, the smaller ceiling holds, a learner's own registration date
    comes before --registered. With skills gaps, the gaps closed come first.

    Bad rows, and learners with no valid pathway of their own, are reported with their line
    number and skipped (exit code 2 after the answer is printed); --strict makes the first one
    fatal.

    Example: planner cohort diploma managers.csv --cover people --cover results=6
    """
    from planner.io.learners import COLUMNS, read_learners
    from planner.questions.cohort import plan_cohort

    cat = load(catalogue)
    q = cat.qualification(qualification, "qualification")
    everyone = asked.conditions(cat)
    group, errors = read_learners(learners, cat, strict=strict)
    result = plan_cohort(cat, q, group, (), asked.minimise, asked.config(),
                         errors=tuple(errors), source=str(learners), strict=strict,
                         shared=everyone, names=columns_or_flags(COLUMNS))
    for e in result.errors:  # the CSV's bad rows and the learners with no pathway of their own
        typer.echo(one_line(f"planner: warning: skipped {e}"), err=True)
    emit(result, fmt, raw_csv)
    code = exit_code(result.status)
    raise typer.Exit(code if code or not result.errors else 2)
