"""The command line: parse, call the library, render. No planning logic lives here.

Each command group is a module of ``planner.cli`` with its own ``commands``; this module merges
them into one app, and nothing imports it but the console script and ``python -m planner``.

Exit codes: 0 an answer (a pathway, a valid set); 1 no valid pathway / an invalid set;
2 bad input (with a one-line message on stderr); 3 the time limit came before any answer.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

try:  # typer >= 0.22 carries its own copy of click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover - older typer on real click
    from click import exceptions as click_exc  # type: ignore[no-redef]

from planner.cli import advise, batch, check, employer, info, plan, report, serve


class OneLineErrors(TyperGroup):
    """Click prints usage errors over three lines; a user gets one line naming the option."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_exc.NoArgsIsHelpError as exc:  # bare ``planner``: its help, not an error
            typer.echo(exc.ctx.get_help())
            sys.exit(0)
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


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"planner {version('ilm-planner')}")
        raise typer.Exit()


@app.callback()
def _options(show_version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")]
        = False) -> None:
    """The app's own options (its help is the app's)."""


for group in (info, plan, check, advise, employer, batch, report, serve):
    app.add_typer(group.commands.typer)


def main() -> None:  # pragma: no cover - the console script
    app()
