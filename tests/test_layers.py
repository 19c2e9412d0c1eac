"""The package's layers as a contract (pyproject.toml's [tool.importlinter]): each layer imports
only from the layers below it, ortools only in the solver and the questions, and nothing imports
the CLI's app. A broken contract fails here, naming the import that breaks it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lint_imports() -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    return subprocess.run([exe, "--no-cache", "--config", str(ROOT / "pyproject.toml")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_every_import_contract_is_kept():
    out = lint_imports()
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def test_the_contract_can_fail(tmp_path):
    """The same checker, pointed at a copy of the package where the domain imports the CLI."""
    import shutil as sh

    copy = tmp_path / "src"
    sh.copytree(ROOT / "planner", copy / "planner")
    (copy / "planner" / "domain" / "leak.py").write_text("import planner.cli.common\n")
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    out = subprocess.run([exe, "--no-cache", "--config", str(ROOT / "pyproject.toml")],
                         cwd=copy, capture_output=True, text=True, timeout=300, check=False,
                         env={"PYTHONPATH": str(copy), "PATH": ""})
    assert out.returncode != 0
    assert "planner.domain.leak -> planner.cli.common" in out.stdout
