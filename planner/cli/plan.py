"""``planner plan``: the best pathway for one learner."""

from __future__ import annotations

import typer

from planner.cli.common import (
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


@commands("plan")
@condition_options()
def plan(
    qualification: QualArg,
    asked: Asked = Asked(),
    fmt: FormatOpt = Format.TABLE,
    catalogue: CatalogueOpt = None,
) -> None:
    """Find the best valid pathway: fewest new GLH (or TQT), the other as tie-break.

    Exit code 0 with a pathway, 1 when none exists (with the reasons), 3 when the time limit
    came first.

    Example: planner plan diploma --achieved 404,425 --registered 2026-09-01
    """
    from planner.questions.plan import plan as solve_plan

    cat = load(catalogue)
    q = cat.qualification(qualification, "qualification")
    result = solve_plan(cat, q, asked.conditions(cat), asked.minimise, asked.config(),
                        names=flag)
    emit(result, fmt)
    raise typer.Exit(exit_code(result.status))
