"""Run every example exactly as its README writes it and compare with the expected output.

Each README lists commands as lines '$ planner ...' inside code blocks, each followed (later in
the text) by 'Expected output: [name](name)'; the n-th command is compared with the n-th file.
Commands run in-process from the example's folder, so relative paths work as written.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FOLDERS = sorted(p for p in EXAMPLES.iterdir() if (p / "README.md").exists())


def commands_and_outputs(readme: Path) -> list[tuple[list[str], Path]]:
    text = readme.read_text()
    commands = re.findall(r"^\$ planner (.+)$", text, flags=re.M)
    outputs = re.findall(r"Expected output: \[[^\]]+\]\(([^)]+)\)", text)
    assert commands and len(commands) == len(outputs), readme
    return [(shlex.split(c), readme.parent / o) for c, o in zip(commands, outputs, strict=True)]


def test_there_are_examples():
    assert len(FOLDERS) >= 3


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_example_runs_as_written(folder, run, monkeypatch):
    monkeypatch.chdir(folder)
    for args, expected in commands_and_outputs(folder / "README.md"):
        code, out, err = run(*args)
        assert code == 0, (args, err)
        assert out.rstrip("\n") == expected.read_text().rstrip("\n"), args
