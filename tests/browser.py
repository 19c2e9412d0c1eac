"""What the browser tests share: Debian's chromium (never a downloaded browser), required in CI,
and the flags that keep it headless and off the network on this machine."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> str:
    """Chromium's path; in CI its absence is an error (.ci/run installs it), elsewhere the
    calling test module is skipped with the reason."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            raise RuntimeError("chromium is required in CI (see .ci/run)")
        pytest.skip("chromium not installed (apt-get install -y chromium); not in CI",
                    allow_module_level=True)
    return CHROMIUM
