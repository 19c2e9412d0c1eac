"""``planner plan``: the best pathway for one learner."""

from __future__ import annotations

import typer

from planner.cli.common import (
    AchievedOpt,
    CatalogueOpt,
    Commands,
    CoverOpt,
    ExcludeOpt,
    FormatOpt,
    GapsOpt,
    GlhMaxOpt,
    IncludeOpt,
    MaxUnitsOpt,
    MinimiseOpt,
    QualArg,
    RegisteredOpt,
    TimeLimitOpt,
    build_conditions,
    emit,
    exit_code,
    load,
    solver_config,
)
from planner.domain.objective import Objective
from planner.render.core import Format

commands = Commands()

@commands("plan")
def plan(
    qualification: QualArg,
    minimise: MinimiseOpt = Objective.GLH,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    achieved: AchievedOpt = None,
    glh_max: GlhMaxOpt = None,
    registered: RegisteredOpt = None,
    max_units: MaxUnitsOpt = None,
    cover: CoverOpt = None,
    gaps: GapsOpt = None,
    time_limit: TimeLimitOpt = 10.0,
    fmt: FormatOpt = Format.TABLE,
    catalogue: CatalogueOpt = None,
) -> None:
    """Find the best valid pathway: fewest new GLH (or TQT), the other as tie-break.

    Exit code 0 with a pathway, 1 when none exists (with the reasons), 3 when the time limit
    came first.

    Example: planner plan diploma --achieved 404,425 --include 420 --exclude 409 --glh-max 60
    """
    from planner.questions.plan import plan as solve_plan

    cat = load(catalogue)
    q = cat.qualification(qualification, "qualification")
    cond = build_conditions(cat, include, exclude, achieved, glh_max, max_units, registered, cover,
                            gaps)
    result = solve_plan(cat, q, cond, minimise, solver_config(time_limit))
    emit(result, fmt)
    raise typer.Exit(exit_code(result.status))
