from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/exact.py, tests/helpers

if "PLANNER_CACHE_DIR" not in os.environ:  # the catalogue's disk cache: the tests' own, not ~
    os.environ["PLANNER_CACHE_DIR"] = tempfile.mkdtemp(prefix="planner-test-cache-")
    atexit.register(shutil.rmtree, os.environ["PLANNER_CACHE_DIR"], True)

from planner.domain.catalogue import load_catalogue  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "catalogue"


@pytest.fixture(scope="session")
def cat():
    return load_catalogue(CATALOGUE)


@pytest.fixture
def tmp_catalogue(tmp_path):
    """A private copy of the catalogue that a test may break."""
    dest = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE, dest)
    return dest


@pytest.fixture
def run():
    """Run the CLI in-process; returns (exit code, stdout, stderr). Tables are at full width
    unless ``env`` sets COLUMNS."""
    from typer.testing import CliRunner

    from planner.cli.app import app

    runner = CliRunner()

    def _run(*args: str, env: dict[str, str] | None = None):
        res = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": None, **(env or {})})
        if res.exception and not isinstance(res.exception, SystemExit):
            raise res.exception
        return res.exit_code, res.stdout, res.stderr

    return _run


def pytest_terminal_summary(terminalreporter):
    """The fault suite's counts (tests/test_faults.py), when it ran."""
    import sys

    for name in ("test_faults", "tests.test_faults"):
        faults = sys.modules.get(name)
        if faults is not None and faults.TALLY.cases:
            terminalreporter.write_line(str(faults.TALLY))
