"""``planner check``: audit a proposed set of units (parse, call ``planner.questions.check``,
render)."""

from __future__ import annotations

from typing import Annotated

import typer

from planner.cli.common import (
    EXIT_NONE,
    EXIT_OK,
    Asked,
    CatalogueOpt,
    Commands,
    FormatOpt,
    QualArg,
    condition_options,
    emit,
    flag,
    load,
)
from planner.domain.conditions import parse_date
from planner.render.core import Format

UnitsArg = Annotated[list[str] | None, typer.Argument(
    metavar="UNITS...", show_default=False,
    help="The units of the proposed pathway (404 or 8605-404, spaces or commas), each once.")]

commands = Commands()


# The set is the question: no condition shapes it, only the achieved units, the registration
# date and, for the way forward, the objective.
_GIVEN = ("the units are given whole, so there is nothing to choose under it; ask plan "
          "with the units as --include")


@commands("check")
@condition_options({n: _GIVEN for n in ("include", "exclude", "glh_max", "max_units", "cover",
                                        "gaps")})
def check(
    qualification: QualArg,
    units: UnitsArg = None,
    asked: Asked = Asked(),
    fmt: FormatOpt = Format.TABLE,
    catalogue: CatalogueOpt = None,
) -> None:
    """Is this set of units a valid pathway? One line per rule with its figures, every unit the
    qualification refuses and why, and for an invalid set the way forward: keep every unit that
    can be kept (achieved units before planned ones), drop the units the rules leave no room for
    losing the fewest hours, and add the cheapest units (fewest new GLH, or TQT with --minimise
    tqt).

    --achieved marks units of the set as already achieved (a superseded unit already achieved
    may still be claimed). Exit code 0 when the set is valid, 1 when it is not, 2 on bad input.

    Example: planner check diploma 404 425 420 421 508 --registered 2024-09-01
    """
    from planner.questions.check import check as audit
    from planner.questions.check import resolve_set

    cat = load(catalogue)
    q = cat.qualification(qualification, "qualification")
    refs = resolve_set(cat, units, "units")
    done = cat.resolve_units(asked.achieved, "achieved")
    result = audit(cat, q, refs, achieved=done,
                   registered=parse_date(asked.registered, "registered"),
                   objective=asked.minimise, config=asked.config(), names=flag)
    emit(result, fmt)
    raise typer.Exit(EXIT_OK if result.valid else EXIT_NONE)
