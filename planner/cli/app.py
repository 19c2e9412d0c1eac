"""The command line: parse, call the library, render. No planning logic lives here.

Each command group is a module of ``planner.cli`` with its own ``commands``; this module merges
them into one app, and nothing imports it but the console script and ``python -m planner``.
``app`` has every group; the console script builds only the group of the command it runs
(``app_for``), so that ``planner plan`` neither imports nor builds the other commands.

Exit codes: 0 an answer (a pathway, a valid set); 1 no valid pathway / an invalid set;
2 bad input (with a one-line message on stderr); 3 the time limit came before any answer;
130 interrupted (Ctrl-C), 128 + the signal for SIGTERM and SIGHUP.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

try:  # typer >= 0.22 carries its own copy of click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover - older typer on real click
    from click import exceptions as click_exc  # type: ignore[no-redef]

from planner.cli.common import (
    EXIT_INPUT,
    guard_streams,
    interrupted_code,
    output_error,
    restore_signals,
    say,
    stop_on_signals,
)


class OneLineErrors(TyperGroup):
    """Click prints usage errors over three lines; a user gets one line naming the option. Also
    the one place for what can go wrong around any command: Ctrl-C or a stop signal (exit 130,
    or 128 + the signal), and output that cannot be written (a full device, a closed stream:
    one line, exit 2, never a traceback)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        previous = stop_on_signals()
        try:
            guard_streams()
            try:
                rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
                sys.stdout.flush()  # a full device fails here, not silently at exit
            except click_exc.NoArgsIsHelpError as exc:  # bare ``planner``: its help, not an error
                typer.echo(exc.ctx.get_help())
                _exit(0)
            except click_exc.ClickException as exc:
                hint = ""
                if isinstance(exc, click_exc.UsageError) and exc.ctx is not None:
                    hint = f" (see '{exc.ctx.command_path} --help')"
                say(f"planner: error: {exc.format_message()}{hint}")
                _exit(exc.exit_code)
            except typer.Abort as exc:
                if isinstance(exc.__cause__, KeyboardInterrupt):
                    say("planner: interrupted")
                    _exit(interrupted_code(exc.__cause__))
                say("planner: aborted")
                _exit(1)
            except OSError as exc:
                say(f"planner: error: {output_error(exc)}")
                _exit(EXIT_INPUT)
            if not standalone_mode:
                return rv
            _exit(rv or 0)
        finally:  # the app may run inside another program (the tests): leave its handlers
            restore_signals(previous)


def _exit(code: int) -> None:
    """Exit without a second attempt to flush a stream that already failed."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            sys.stdout = sys.stderr = None  # type: ignore[assignment]
            break
    sys.exit(code)


# The command groups (modules of planner.cli) in the order of the help, and the group of each
# command (tests/test_cli.py checks this against the commands the modules declare).
GROUPS = ("info", "plan", "check", "advise", "employer", "batch", "report", "serve")
COMMANDS = {"quals": "info", "units": "info", "rules": "info", "plan": "plan", "check": "check",
            "alternatives": "advise", "compare": "advise", "progress": "advise",
            "frontier": "advise", "areas": "employer", "cohort": "employer", "batch": "batch",
            "report": "report", "serve": "serve"}


def build(groups: tuple[str, ...] = GROUPS) -> typer.Typer:
    """The app with the commands of ``groups``."""
    new = typer.Typer(
        cls=OneLineErrors,
        name="planner",
        help="Plan the shortest valid route to an ILM Level 4 qualification in Leadership and "
             "Management, and audit, compare and explain pathways.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    new.callback()(_options)
    for group in groups:
        new.add_typer(importlib.import_module(f"planner.cli.{group}").commands.typer)
    return new


def app_for(args: list[str]) -> typer.Typer:
    """The app a command line needs: only its command's group when it starts with a command's
    name (the same command, help and errors), else every group (the app's help, ``--version``,
    a mistyped command's suggestions)."""
    group = COMMANDS.get(args[0]) if args else None
    return build((group,)) if group else build()


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"planner {version('ilm-planner')}")
        raise typer.Exit()


def _options(show_version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")]
        = False) -> None:
    """The app's own options (its help is the app's)."""


def __getattr__(name: str) -> typer.Typer:
    """``app``: every command, built when first asked for."""
    if name == "app":
        globals()["app"] = full = build()
        return full
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:  # pragma: no cover - the console script
    app_for(sys.argv[1:])()
