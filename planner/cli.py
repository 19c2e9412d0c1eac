"""The command line: parse, call the library, render. No planning logic lives here.

Exit codes: 0 an answer (a pathway, a valid set); 1 no valid pathway / an invalid set;
2 bad input (with a one-line message on stderr); 3 the time limit came before any answer.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

try:  # typer >= 0.22 carries its own copy of click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover - older typer on real click
    from click import exceptions as click_exc  # type: ignore[no-redef]

from .errors import PlannerError
from .objective import Objective
from .render import Format


class OneLineErrors(TyperGroup):
    """Click prints usage errors over three lines; a user gets one line naming the option."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_exc.ClickException as exc:
            hint = ""
            if isinstance(exc, click_exc.UsageError) and exc.ctx is not None:
                hint = f" (see '{exc.ctx.command_path} --help')"
            typer.echo(f"planner: error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("planner: aborted", err=True)
            sys.exit(1)
        if not standalone_mode:
            return rv
        sys.exit(rv or 0)


app = typer.Typer(
    cls=OneLineErrors,
    name="planner",
    help="Plan the shortest valid route to an ILM Level 4 qualification in Leadership and "
         "Management, and audit, compare and explain pathways.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

EXIT_OK, EXIT_NONE, EXIT_INPUT, EXIT_TIMEOUT = 0, 1, 2, 3

# -- options shared by every command ----------------------------------------------------------
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.",
                                           case_sensitive=False)]
CatalogueOpt = Annotated[Path | None, typer.Option(
    "--catalogue", help="Catalogue folder (default: the bundled one).", envvar="PLANNER_CATALOGUE",
    exists=True, file_okay=False, dir_okay=True)]
QualArg = Annotated[str, typer.Argument(
    metavar="QUALIFICATION", help="Qualification: award, certificate, diploma, extended-diploma, "
    "or its accreditation number such as 600/5931/X.", show_default=False)]

# -- options shared by every command that plans -----------------------------------------------
UnitsOpt = list[str] | None
IncludeOpt = Annotated[UnitsOpt, typer.Option("--include", "-i", help="Unit that must be in the "
                       "pathway (404 or 8605-404); repeat or give a comma list.")]
ExcludeOpt = Annotated[UnitsOpt, typer.Option("--exclude", "-x", help="Unit to leave out; repeat "
                       "or give a comma list.")]
AchievedOpt = Annotated[UnitsOpt, typer.Option("--achieved", "-a", help="Unit already achieved: "
                        "counted if the rules allow, adds no new hours; repeat or comma list.")]
GlhMaxOpt = Annotated[int | None, typer.Option("--glh-max", min=0, max=1_000_000,
                                               help="Ceiling on new GLH.")]
MaxUnitsOpt = Annotated[int | None, typer.Option("--max-units", min=0, max=1_000_000,
                                                 help="At most this "
                        "many units in the pathway (achieved units included).")]
RegisteredOpt = Annotated[str | None, typer.Option("--registered", metavar="YYYY-MM-DD",
                          help="Registration date (default: today, a new learner); decides "
                               "whether superseded units may be claimed.")]
CoverOpt = Annotated[UnitsOpt, typer.Option("--cover", metavar="AREA[=N]", help="Cover a skill "
                     "area with at least one unit, or with at least N credits; repeat.")]
GapsOpt = Annotated[UnitsOpt, typer.Option("--gaps", metavar="AREA=W,...", help="Skills gaps "
                    "to close: first maximise the total weight of the areas covered by at least "
                    "one unit, then minimise the usual cost; repeat or comma list.")]
TimeLimitOpt = Annotated[float, typer.Option("--time-limit", min=0.01, help="Solver time limit "
                         "in seconds; when hit, the best pathway so far is shown as 'feasible'.")]




MinimiseOpt = Annotated[Objective, typer.Option("--minimise", "--minimize", "-m",
                                                help="What to minimise: new GLH or new TQT.",
                                                case_sensitive=False)]


def one_line(text: str) -> str:
    """A message on one line, whatever the input held (a CSV cell may hold a line break)."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def handles_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's named errors into one line on stderr and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PlannerError as exc:
            typer.echo(one_line(f"planner: error: {exc}"), err=True)
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper


def command(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    """``app.command`` with the error handling every command needs."""

    def deco(fn: Callable[..., Any]) -> Any:
        return app.command(*args, **kwargs)(handles_errors(fn))

    return deco


def load(catalogue: Path | None):
    from .catalogue import load_catalogue

    return load_catalogue(catalogue)


def emit(result: Any, fmt: Format) -> None:
    from .render import render

    typer.echo(render(result, fmt))


def build_conditions(cat, include=None, exclude=None, achieved=None, glh_max=None,
                     max_units=None, registered=None, cover=None, gaps=None):
    from .conditions import Conditions

    return Conditions.from_user(cat, include=include, exclude=exclude, achieved=achieved,
                                glh_max=glh_max, max_units=max_units, registered=registered,
                                cover=cover, gaps=gaps)


def solver_config(time_limit: float):
    from .conditions import SolverConfig

    return SolverConfig(time_limit=time_limit)


# -- commands -----------------------------------------------------------------------------------

@command("quals")
def quals(fmt: FormatOpt = Format.TABLE, catalogue: CatalogueOpt = None) -> None:
    """List the qualifications with their sizes.

    Example: planner quals --format json
    """
    from .views import QualificationList

    cat = load(catalogue)
    emit(QualificationList(cat, tuple(cat.qualifications.values())), fmt)


@command("units")
def units(
    qualification: QualArg,
    group: Annotated[int | None, typer.Option("--group", "-g", help="Only this group.")] = None,
    level: Annotated[int | None, typer.Option("--level", "-l", help="Only this RQF level.")]
    = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="Only units whose title "
                      "or ref contains this text.")] = None,
    area: Annotated[str | None, typer.Option("--area", help="Only units tagged with this "
                    "skill area (the project's own tagging, not the awarding body's).")] = None,
    all_units: Annotated[bool, typer.Option("--all", help="Also list units of the group table "
                         "that the rules do not allow.")] = False,
    fmt: FormatOpt = Format.TABLE,
    catalogue: CatalogueOpt = None,
) -> None:
    """List the units of one qualification, with level, group, credits and GLH.

    Example: planner units certificate --group 2 --level 5 --search manag
    """
    from .views import unit_list

    cat = load(catalogue)
    q = cat.qualification(qualification, "QUALIFICATION")
    area_id = cat.area(area, "--area") if area else None
    emit(unit_list(cat, q, group=group, level=level, text=search, area=area_id,
                   include_disallowed=all_units), fmt)


@command("rules")
def rules(qualification: QualArg, fmt: FormatOpt = Format.TABLE,
          catalogue: CatalogueOpt = None) -> None:
    """Show a qualification's rules of combination in plain words, with the passage of the
    specification each comes from.

    Example: planner rules extended-diploma
    """
    from .views import RulesView

    cat = load(catalogue)
    emit(RulesView(cat.qualification(qualification, "QUALIFICATION")), fmt)


@command("plan")
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
    from .solve import plan as solve_plan

    cat = load(catalogue)
    q = cat.qualification(qualification, "QUALIFICATION")
    cond = build_conditions(cat, include, exclude, achieved, glh_max, max_units, registered, cover,
                            gaps)
    result = solve_plan(cat, q, cond, minimise, solver_config(time_limit))
    emit(result, fmt)
    raise typer.Exit(exit_code(result.status))


def exit_code(status) -> int:
    from .results import Status

    if status.found:
        return EXIT_OK
    return EXIT_NONE if status is Status.INFEASIBLE else EXIT_TIMEOUT


# -- commands of the other modules: each module registers its commands on ``app`` --------------
from . import cli_audit  # noqa: E402,F401,I001  -- audit (issue 3)

from . import cli_advise  # noqa: E402,F401  -- advisers (issue 4)
from . import cli_employer  # noqa: E402,F401  -- employers (issue 5)
from . import cli_batch  # noqa: E402,F401  -- batch (issue 6)
from . import cli_report  # noqa: E402,F401  -- report (issue 7)


def main() -> None:  # pragma: no cover - the console script
    app()
