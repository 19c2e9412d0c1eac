"""Write the command reference and refresh every shell example in the guide, from the commands
themselves, so that the documentation cannot drift from what users see.

    python scripts/gen_reference.py          # rewrite docs/reference.md and refresh the pages
    python scripts/gen_reference.py --check  # change nothing; exit 1 naming the stale files

docs/reference.md holds, for every command of the app, its ``--help`` exactly as it prints (at
80 columns) and its examples run for real with their output: first the ``Example:`` lines of its
own help (which must fit on one line of it), then the ones in EXAMPLES below (a command that
cannot run here, a server, goes in NOT_RUN with the reason instead). In README.md and the pages
of REFRESHED, every fenced block whose first line starts with ``$ planner`` or ``$ cat`` is an
example: its commands are kept and the output under each is replaced by what the command prints
now (a block fenced as ```text is left alone).

An example line is ``$ planner ARGS`` (which must exit 0 or 1), ``$ planner ARGS; echo $?`` (its
exit code printed after its output) or ``$ cat FILE``. Commands run in-process through typer's
CliRunner, one after the other in a scratch folder per page, where ``examples/`` is the
repository's and the FIXTURES are copied; stderr is shown before stdout. Output must not depend
on the day (pass --registered where a date shows: the script refuses today's date); the timing in
batch's summary line is the one thing masked (VOLATILE). tests/test_docs.py runs all of this in
memory and fails when a committed file differs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "docs/reference.md"
REFRESHED = ("README.md", "docs/planning.md", "docs/advisers.md", "docs/employers.md",
             "docs/batch.md")
COMMAND = "python scripts/gen_reference.py"
WIDTH = 80  # the width --help is laid out for, whatever the terminal of the one who generates

# Files an example may name, copied into its scratch folder: name -> path in the repository.
FIXTURES = {
    "managers.csv": "examples/employer-cohort/managers.csv",
    "requests.csv": "docs/examples/requests.csv",
    "bad.csv": "docs/examples/bad-learners.csv",
    "mixed-requests.csv": "docs/examples/mixed-requests.csv",
}

# Examples beyond each command's own `Example:` line, as shell lines. Every command of the app
# has an entry (an empty tuple when its help's example says enough).
EXAMPLES: dict[str, tuple[str, ...]] = {
    "quals": ("$ planner quals",),
    "units": ("$ planner units award --search financ",
              "$ planner units certificate --group 2 --all --search 52 --format csv"),
    "rules": ("$ planner rules certificate --format markdown",),
    "plan": ("$ planner plan award --registered 2026-09-01",
             "$ planner plan award --include 409 --glh-max 7 --registered 2026-09-01; echo $?",
             "$ planner plan diploma --include 999; echo $?"),
    "check": ("$ planner check certificate 404 521 501 502 503 --registered 2026-09-01 "
              "--format markdown",
              "$ planner check diploma 404 8605-404; echo $?"),
    "alternatives": ("$ planner alternatives award -k 3 --differ-by 2 --format csv",),
    "compare": ("$ planner compare award certificate --achieved 404,425 "
                "--registered 2026-09-01 --format markdown",),
    "progress": ("$ planner progress --from certificate --to diploma --achieved 404,425,420,422 "
                 "--registered 2026-09-01",),
    "frontier": ("$ planner frontier certificate --x areas --registered 2026-09-01",),
    "areas": ("$ planner areas --format csv",),
    "cohort": ("$ cat bad.csv\n$ planner cohort award bad.csv "
               "--format csv; echo $?",),
    "batch": ("$ cat requests.csv\n$ cat plans.csv",),
    "report": ("$ planner report award --registered 2026-09-01 --out award.md; echo $?",
               "$ planner report award --out report.txt; echo $?"),
}

# Commands whose examples cannot run here (a server would never return), with the reason the
# reference gives; their help is shown all the same.
NOT_RUN: dict[str, str] = {
    "serve": "it starts a web server, which runs until stopped; docs/serve.md shows the page "
             "and the API with an example per endpoint.",
}

# Output that differs from run to run, and what the pages show instead.
VOLATILE = ((re.compile(r" in \d+(\.\d+)? s \(\d+/s, "), " in ... s (.../s, "),)


class ExampleError(Exception):
    """An example that cannot go into the documentation as it is written."""


@dataclass
class Shell:
    """Runs example lines in one scratch folder, in-process, as a user's shell would."""

    folder: Path

    def run(self, line: str) -> str:
        command = line.removeprefix("$ ")
        if command.startswith("cat "):
            return (self.folder / command.removeprefix("cat ").strip()).read_text()
        if not command.startswith("planner "):
            raise ExampleError(f"only 'planner ...' and 'cat FILE' can run: {line!r}")
        echo = command.endswith("; echo $?")
        args = shlex.split(command.removeprefix("planner ").removesuffix("; echo $?"))
        code, out, err = invoke(args, self.folder)
        if code > 1 and not echo:  # 1 is an answer too: no valid pathway, an invalid set
            raise ExampleError(f"{line!r} exited {code} ({err.strip()}); end it with "
                               "'; echo $?' if that is its point")
        text = err + out + (f"{code}\n" if echo else "")
        for pattern, shown in VOLATILE:
            text = pattern.sub(shown, text)
        if dt.date.today().isoformat() in text:
            raise ExampleError(f"{line!r} prints today's date: give --registered")
        return text

    def block(self, lines: list[str]) -> str:
        """The example lines of one block, each followed by its output."""
        out = []
        for line in lines:
            out.append(line)
            out.extend(self.run(line).rstrip("\n").splitlines())
        return "\n".join(out)


def invoke(args: list[str], folder: Path) -> tuple[int, str, str]:
    """One command line through the app, from ``folder``: (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from planner.cli.app import app

    with contextlib.chdir(folder):
        # tables at full width, as in a pipe, whatever COLUMNS the one who generates has set
        res = CliRunner().invoke(app, args, prog_name="planner", terminal_width=WIDTH,
                                 env={"COLUMNS": None})
    if res.exception and not isinstance(res.exception, SystemExit):
        raise ExampleError(f"planner {shlex.join(args)} raised {res.exception!r}")
    return res.exit_code, res.stdout, res.stderr


@contextlib.contextmanager
def scratch():
    """A shell in a fresh folder holding the fixtures and a link to the repository's examples."""
    with tempfile.TemporaryDirectory(prefix="planner-docs-") as tmp:
        folder = Path(tmp)
        (folder / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
        for name, source in FIXTURES.items():
            (folder / name).write_bytes((ROOT / source).read_bytes())
        yield Shell(folder)


# -- the reference -----------------------------------------------------------------------------

def commands() -> dict:
    """The app's commands by name, in the order ``planner --help`` lists them."""
    import typer.main

    from planner.cli.app import app

    return dict(typer.main.get_command(app).commands)


def help_examples(help_text: str) -> list[str]:
    """The ``Example:`` lines of a command's help, as shell lines."""
    return [f"$ {m}" for m in re.findall(r"^\s*Example:\s*(planner .+?)\s*$", help_text, re.M)]


def section(name: str, command, shell: Shell) -> str:
    code, usage, err = invoke([name, "--help"], shell.folder)
    if code:
        raise ExampleError(f"planner {name} --help exited {code}: {err.strip()}")
    head = f"## planner {name}\n\n```\n$ planner {name} --help\n{usage.rstrip()}\n```\n\n"
    if name in NOT_RUN:
        return head + f"Its examples are not run here: {NOT_RUN[name]}\n"
    if name not in EXAMPLES:
        raise ExampleError(f"command '{name}' has no entry in EXAMPLES (or NOT_RUN) of "
                           "scripts/gen_reference.py")
    own = help_examples(command.help or "")
    if not own:
        raise ExampleError(f"the help of '{name}' has no 'Example: planner ...' line")
    for line in own:
        if f"Example: {line[2:]}\n" not in usage:
            raise ExampleError(f"the example of '{name}' wraps in --help at {WIDTH} columns, "
                               "which breaks it for copying: shorten it")
    blocks = [shell.block([line]) for line in own]
    blocks += [shell.block(example.splitlines()) for example in EXAMPLES[name]]
    fenced = "\n\n".join(f"```\n{b}\n```" for b in blocks)
    return head + f"Examples:\n\n{fenced}\n"


def reference() -> str:
    found = commands()
    names = list(found)
    with scratch() as shell:
        sections = [section(name, cmd, shell) for name, cmd in found.items()]
    index = " · ".join(f"[{n}](#planner-{n})" for n in names)
    return (
        "# Command reference\n\n"
        f"<!-- Generated by `{COMMAND}` from the commands' own help and examples: do not edit "
        "by hand; rerun it after changing a command. tests/test_docs.py checks it. -->\n\n"
        f"Every command's `--help` as it prints (at {WIDTH} columns), then its examples run for "
        "real with their output: first the example of its own help, then a few more. stderr "
        "shows before stdout; `; echo $?` prints the exit code (0 an answer, 1 no valid pathway, "
        "2 bad input, 3 the time limit came first). Files named in the examples are in "
        "[docs/examples/](examples/) and [examples/](../examples/).\n\n"
        f"{index}\n\n" + "\n".join(sections))


# -- the pages with examples -------------------------------------------------------------------

FENCE = re.compile(r"^```\n(\$ (?:planner|cat) .*?)^```$", re.M | re.S)


def refresh(text: str) -> str:
    """The page with the output of every example block replaced by what it prints now."""
    with scratch() as shell:
        def fill(m: re.Match) -> str:
            lines = [ln for ln in m.group(1).splitlines() if ln.startswith("$ ")]
            return f"```\n{shell.block(lines)}\n```"

        return FENCE.sub(fill, text)


def pages() -> dict[str, str]:
    """Every generated file (path from the repository's root) with the text it should hold."""
    out = {REFERENCE: reference()}
    for page in REFRESHED:
        path = ROOT / page
        if path.exists():
            out[page] = refresh(path.read_text())
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    try:
        generated = pages()
    except ExampleError as exc:
        print(f"gen_reference: error: {exc}", file=sys.stderr)
        return 2
    for page, text in generated.items():
        path = ROOT / page
        if path.exists() and path.read_text() == text:
            continue
        stale.append(page)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    verb = "out of date (run: " + COMMAND + ")" if check else "written"
    for page in stale:
        print(f"{page}: {verb}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
