"""Start-up: the commands that do not solve must not import the solver (each checked in a fresh
interpreter, since this test process may already have imported it)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
from planner.cli.app import app
try:
    app(sys.argv[1:], prog_name="planner")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"ortools", "distributed", "dask", "tqdm",
                                                        "fastapi", "uvicorn", "starlette"})
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def probe(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                         timeout=120, check=False)
    return json.loads(out.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [
    ["--help"],
    ["quals"],
    ["units", "award"],
    ["units", "diploma", "--group", "2", "--format", "json"],
    ["rules", "certificate"],
    ["batch", "--help"],
    ["plan", "--help"],
    ["serve", "--help"],
])
def test_commands_that_do_not_solve_do_not_import_the_solver(args):
    got = probe(*args)
    assert got == {"code": 0, "heavy": []}


def test_the_probe_sees_the_solver_when_a_command_solves():
    """The check above can fail: planning does import ortools."""
    assert probe("plan", "award", "--format", "json") == {"code": 0, "heavy": ["ortools"]}


def test_planner_batch_module_imports_no_solver():
    code = ("import sys, planner.io.batch, planner.cli.batch; "
            "print(any(m.split('.')[0] in ('ortools', 'distributed', 'tqdm') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "False"


CONSOLE = """
import json, sys
from planner.cli import main
sys.argv = ["planner", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
mods = {m for m in sys.modules}
heavy = sorted({m.split(".")[0] for m in mods} & {"fastapi", "uvicorn", "starlette", "jinja2",
                                                  "matplotlib", "dask", "distributed", "tqdm"})
groups = sorted(m for m in mods if m.startswith("planner.cli.") and m != "planner.cli.common")
print(json.dumps({"code": code, "heavy": heavy, "groups": groups}), file=sys.stderr)
"""


def test_the_console_script_imports_only_the_group_of_its_command():
    """``planner plan``: the plan group and what planning needs; no other command group, no web
    server, templates, charts or parallel machinery (each only where its command runs)."""
    out = subprocess.run([sys.executable, "-c", CONSOLE, "plan", "award", "--format", "json"],
                         capture_output=True, text=True, timeout=120, check=False)
    got = json.loads(out.stderr.strip().splitlines()[-1])
    assert got == {"code": 0, "heavy": [], "groups": ["planner.cli.app", "planner.cli.plan"]}
