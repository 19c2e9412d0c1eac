"""What every command shares: exit codes, option types declared once, error handling, and the
steps from typed words to library calls and back (load, build the question, render)."""

from __future__ import annotations

import contextvars
import errno
import functools
import inspect
import io
import os
import shutil
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from planner.domain.errors import InputError, PlannerError, brief, short
from planner.domain.objective import Objective
from planner.render.core import Format

EXIT_OK, EXIT_NONE, EXIT_INPUT, EXIT_TIMEOUT = 0, 1, 2, 3

# -- options shared by every command ----------------------------------------------------------
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.",
                                           case_sensitive=False)]
WideOpt = Annotated[bool, typer.Option("--wide", help="Tables at full width (by default they fit "
                    "the terminal, or COLUMNS when set).")]
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
RawCsvOpt = Annotated[bool, typer.Option("--raw-csv", help="Write CSV cells exactly as given, "
                     "even those a spreadsheet would run as a formula (=, +, -, @ first).")]
MinimiseOpt = Annotated[Objective, typer.Option("--minimise", "--minimize", "-m",
                                                help="What to minimise: new GLH or new TQT.",
                                                case_sensitive=False)]


# -- the group of condition options, declared once ------------------------------------------

# Every condition of a question, in the order --help lists them: (type with its option, default).
CONDITION_OPTIONS: dict[str, tuple[Any, Any]] = {
    "include": (IncludeOpt, None), "exclude": (ExcludeOpt, None),
    "achieved": (AchievedOpt, None), "glh_max": (GlhMaxOpt, None),
    "max_units": (MaxUnitsOpt, None), "registered": (RegisteredOpt, None),
    "cover": (CoverOpt, None), "gaps": (GapsOpt, None),
    "minimise": (MinimiseOpt, Objective.GLH), "time_limit": (TimeLimitOpt, 10.0),
}


@dataclass(frozen=True)
class Asked:
    """The condition options as the user typed them; ``conditions`` maps them onto
    ``planner.domain.conditions.Conditions`` (the one place that does), ``config`` onto the
    solver's configuration. An option the command leaves out keeps its default."""

    include: list[str] | None = None
    exclude: list[str] | None = None
    achieved: list[str] | None = None
    glh_max: int | None = None
    max_units: int | None = None
    registered: str | None = None
    cover: list[str] | None = None
    gaps: list[str] | None = None
    minimise: Objective = Objective.GLH
    time_limit: float = 10.0

    def conditions(self, cat):
        from planner.domain.conditions import Conditions

        return Conditions.from_user(cat, include=self.include, exclude=self.exclude,
                                   achieved=self.achieved, glh_max=self.glh_max,
                                   max_units=self.max_units, registered=self.registered,
                                   cover=self.cover, gaps=self.gaps)

    def config(self):
        from planner.domain.conditions import SolverConfig

        return SolverConfig(time_limit=self.time_limit)


def condition_options(omit: dict[str, str] | None = None, *, time_limit: float = 10.0):
    """Give a command every condition option at once, in place of its ``asked: Asked``
    parameter (sqlite-utils' shared option groups). ``omit`` maps each condition the command
    cannot honour to the reason, which its ``--help`` states; ``time_limit`` is its default."""
    omit = omit or {}
    unknown = set(omit) - set(CONDITION_OPTIONS)
    if unknown:
        raise ValueError(f"no condition option {sorted(unknown)}")  # a programming slip
    names = [n for n in CONDITION_OPTIONS if n not in omit]

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        own = list(inspect.signature(fn, eval_str=True).parameters.values())
        at = [p.name for p in own].index("asked")
        added = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                   annotation=CONDITION_OPTIONS[n][0],
                                   default=time_limit if n == "time_limit"
                                   else CONDITION_OPTIONS[n][1]) for n in names]
        params = own[:at] + added + own[at + 1:]

        @functools.wraps(fn)
        def wrapper(**kwargs: Any) -> Any:
            asked = Asked(**{n: kwargs.pop(n) for n in names})
            return fn(**kwargs, asked=asked)

        wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        wrapper.__doc__ = (fn.__doc__ or "").rstrip() + _left_out(omit)
        return wrapper

    return deco


def _left_out(omit: dict[str, str]) -> str:
    """The help paragraph naming each condition option a command leaves out, and why."""
    if not omit:
        return ""
    by_reason: dict[str, list[str]] = {}
    for name, why in omit.items():
        by_reason.setdefault(why, []).append(str(flag(name)))
    lines = [f"{', '.join(flags)}: {why}" for why, flags in by_reason.items()]
    return "\n\n    Not offered here: " + "; ".join(lines) + "."


def one_line(text: str) -> str:
    """A message on one line and of a readable length, whatever the input held (a CSV cell may
    hold a line break, or 100,000 characters)."""
    return brief(text.replace("\r", "\\r").replace("\n", "\\n"))


def say(text: str) -> None:
    """One line on stderr; a stderr that cannot be written (a full device) is not an error of
    its own: the exit code still tells."""
    try:
        typer.echo(one_line(text), err=True)
    except (OSError, ValueError):
        pass


# -- signals and the standard streams ----------------------------------------------------------

class Stopped(KeyboardInterrupt):
    """A stop signal (SIGTERM, SIGHUP), handled as Ctrl-C is: the command stops cleanly."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_received: list[int] = []  # the stop signals this run has had


def _stopped(signum: int, frame: Any) -> None:
    _received.append(signum)
    raise Stopped(signum)


def stop_on_signals() -> dict[int, Any]:
    """SIGTERM and SIGHUP stop a command as Ctrl-C does (a batch keeps its complete rows); all
    three are remembered, so an import they broke is known for what it is. Returns the handlers
    they had, for ``restore_signals``."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, _stopped)
    return previous


def restore_signals(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def interrupted_code(exc: BaseException) -> int:
    """130 for Ctrl-C, 128 + the signal for a stop signal."""
    return 128 + int(getattr(exc, "signum", signal.SIGINT))


class _ClosedStream(io.TextIOBase):
    """Stands for a standard stream that was closed before the start (``>&-``): writing to it
    is an error, not silently nothing."""

    def __init__(self, name: str) -> None:
        self.stream_name = name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, f"standard {self.stream_name} is closed")


def guard_streams() -> None:
    if sys.stdout is None:
        sys.stdout = _ClosedStream("output")
    if sys.stderr is None:
        sys.stderr = _ClosedStream("error")


def output_error(exc: OSError) -> str:
    """An OSError that reached the top: a stream that could not be written, as one line."""
    what = exc.strerror or str(exc)
    if exc.filename:
        return f"'{short(str(exc.filename))}': {what}"
    return f"cannot write the output ({what})"


# The library names the fields of a question; the CLI's user typed these words for them.
ARGUMENTS = {"units": "UNITS", "learners": "LEARNERS", "requests": "REQUESTS",
             "qualification": "QUALIFICATION", "k": "-k", "x": "--x-axis", "y": "--y-axis"}


def flag(field: str) -> str:
    """The option or argument a user typed for the library's ``field``: ``glh_max`` ->
    ``--glh-max``, ``units`` -> ``UNITS``. The CLI's naming function (``planner.domain.naming``):
    every question's messages and reasons name fields through it."""
    return ARGUMENTS.get(field, "--" + field.replace("_", "-"))


def columns_or_flags(columns: tuple[str, ...]) -> Callable[[str], str]:
    """The naming of a question read from a file: its columns (the library's field names) as
    the file writes them, every other field as the flag the user typed."""
    return lambda field: field if field in columns else flag(field)


def handles_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's named errors into one line on stderr and exit code 2, and Ctrl-C (or a
    stop signal) into "interrupted" and exit code 130 (128 + the signal)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            say(f"planner: error: {exc.worded(flag)}")
            raise typer.Exit(EXIT_INPUT) from None
        except PlannerError as exc:
            say(f"planner: error: {exc}")
            raise typer.Exit(EXIT_INPUT) from None
        except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP: nothing partial is shown
            say("planner: interrupted")
            raise typer.Exit(interrupted_code(exc)) from None
        except ImportError:
            if not _received:  # a real fault of the installation: its traceback helps
                raise
            # a signal that lands inside a native module's start (ortools) fails the import
            say("planner: interrupted")
            raise typer.Exit(128 + _received[-1]) from None

    return wrapper


class Commands:
    """One command group's commands: ``commands = Commands()``, then ``@commands("name")`` on
    each. ``planner.cli.app`` merges every group into the one app; no command module imports it.
    """

    def __init__(self) -> None:
        self.typer = typer.Typer()

    def __call__(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
        """``typer.command`` with the error handling every command needs."""

        def deco(fn: Callable[..., Any]) -> Any:
            return self.typer.command(*args, **kwargs)(handles_errors(with_wide(fn)))

        return deco


_wide: contextvars.ContextVar[bool] = contextvars.ContextVar("wide", default=False)


def with_wide(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command that has ``--format`` the ``--wide`` option too, declared here once; the
    command's ``emit`` reads it."""
    sig = inspect.signature(fn, eval_str=True)
    if "fmt" not in sig.parameters or sig.parameters["fmt"].annotation != FormatOpt:
        return fn  # no table to fit (batch writes files in its own formats)

    @functools.wraps(fn)
    def wrapper(*args: Any, wide: bool = False, **kwargs: Any) -> Any:
        token = _wide.set(wide)
        try:
            return fn(*args, **kwargs)
        finally:
            _wide.reset(token)

    params = list(sig.parameters.values())
    at = next(i for i, p in enumerate(params) if p.name == "fmt") + 1
    params.insert(at, inspect.Parameter("wide", inspect.Parameter.KEYWORD_ONLY
                                        if params[-1].kind is inspect.Parameter.KEYWORD_ONLY
                                        else inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                        default=False, annotation=WideOpt))
    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**fn.__annotations__, "wide": WideOpt}
    return wrapper


def width() -> int | None:
    """The width tables fit in: none with --wide; else COLUMNS when set, else the terminal's
    when the output is one (output to a file or a pipe is not cut)."""
    if _wide.get():
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def load(catalogue: Path | None):
    from planner.domain.catalogue import load_catalogue

    return load_catalogue(catalogue)


def emit(result: Any, fmt: Format, raw_csv: bool = False) -> None:
    from planner.render.core import render

    typer.echo(render(result, fmt, width(), raw_csv=raw_csv))


def exit_code(status) -> int:
    from planner.results.plan import Status

    if status.found:
        return EXIT_OK
    return EXIT_NONE if status is Status.INFEASIBLE else EXIT_TIMEOUT
