"""Reference commands: the qualifications, their units and their rules of combination."""

from __future__ import annotations

from typing import Annotated

import typer

from planner.cli.common import (
    CatalogueOpt,
    Commands,
    FormatOpt,
    QualArg,
    RegisteredOpt,
    emit,
    load,
)
from planner.render.core import Format

commands = Commands()


@commands("quals")
def quals(fmt: FormatOpt = Format.TABLE, catalogue: CatalogueOpt = None) -> None:
    """List the qualifications with their sizes.

    Example: planner quals --format json
    """
    from planner.results.views import QualificationList

    cat = load(catalogue)
    emit(QualificationList(cat, tuple(cat.qualifications.values())), fmt)


@commands("units")
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
    registered: RegisteredOpt = None,
    fmt: FormatOpt = Format.TABLE,
    catalogue: CatalogueOpt = None,
) -> None:
    """List the units of one qualification, with level, group, credits and GLH.

    The allowed column says whether a learner registered on --registered (default today) may
    take each unit: a superseded unit is allowed only before its cutoff.

    Example: planner units certificate --group 2 --level 5 --search manag
    """
    from planner.domain.conditions import parse_date
    from planner.results.views import unit_list

    cat = load(catalogue)
    q = cat.qualification(qualification, "qualification")
    area_id = cat.area(area, "area") if area else None
    emit(unit_list(cat, q, group=group, level=level, text=search, area=area_id,
                   include_disallowed=all_units,
                   registered=parse_date(registered, "registered")), fmt)


@commands("rules")
def rules(qualification: QualArg, fmt: FormatOpt = Format.TABLE,
          catalogue: CatalogueOpt = None) -> None:
    """Show a qualification's rules of combination in plain words, with the passage of the
    specification each comes from.

    Example: planner rules extended-diploma
    """
    from planner.results.views import RulesView

    cat = load(catalogue)
    emit(RulesView(cat.qualification(qualification, "qualification")), fmt)
