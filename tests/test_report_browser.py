"""Render the report in headless Chromium: screenshot, rendered DOM, no script errors."""

from __future__ import annotations

import json
import struct
import subprocess

import pytest
from browser import FLAGS, require_chromium

CHROMIUM = require_chromium()


def chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    flags = [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr",
             "--v=0"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from typer.testing import CliRunner

    from planner.cli.app import app

    tmp = tmp_path_factory.mktemp("browser")
    csv = tmp / "learners.csv"
    csv.write_text('id,achieved\n"<script>",404\nann,\n', encoding="utf-8")
    out = tmp / "report.html"
    # (with 409 excluded the frontier has several points, so the page draws a chart)
    res = CliRunner().invoke(app, ["report", "diploma", "--achieved", "404,425", "--exclude",
                                   "409", "--cohort",
                                   str(csv), "--compare", "--alternatives", "3",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    plan = json.loads(CliRunner().invoke(app, ["plan", "diploma", "--achieved", "404,425",
                                               "--exclude", "409", "--format", "json"]).output)
    return tmp, out, plan


def test_screenshot(page):
    tmp, out, _ = page
    png = tmp / "shot.png"
    res = chromium(tmp, "--window-size=1000,1400", f"--screenshot={png}", out.as_uri())
    assert png.exists() and png.stat().st_size > 0, res.stderr[-2000:]
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert (width, height) == (1000, 1400)


def test_rendered_dom_has_figures_and_no_errors(page):
    tmp, out, plan = page
    res = chromium(tmp, "--dump-dom", out.as_uri())
    dom = res.stdout
    assert 'data-ok="1"' in dom, "the page's inline script did not run"
    assert "Uncaught" not in res.stderr
    for key, ident in (("glh", "glh"), ("credits", "credits"), ("tqt", "tqt")):
        assert f'id="{ident}">{plan[key]}<' in dom
    for ref in plan["units"]:
        assert ref in dom
    assert "&lt;script&gt;" in dom  # the learner id shows as text
    assert 'id="comparison"' in dom and 'id="alternatives"' in dom
    from planner.domain.catalogue import load_catalogue
    from planner.domain.conditions import Conditions
    from planner.questions.advise import frontier

    cat = load_catalogue()
    fr = frontier(cat, "diploma", Conditions(achieved=("8605-404", "8605-425"),
                                             exclude=("8605-409",)))
    assert "<svg" in dom
    for p in fr.points:  # the chart's point labels are rendered text
        assert f">{p.y}</text>" in dom


def test_reads_on_a_phone_without_sideways_scrolling(page):
    tmp, out, _ = page
    res = chromium(tmp, "--window-size=390,844", "--dump-dom", out.as_uri())
    assert 'data-ok="1"' in res.stdout
    assert 'data-fits="1"' in res.stdout, "the page is wider than a 390 px phone screen"
    res = chromium(tmp, "--window-size=1200,900", "--dump-dom", out.as_uri())
    assert 'data-fits="1"' in res.stdout


def test_prints_to_a4(page):
    import re

    tmp, out, _ = page
    pdf = tmp / "report.pdf"
    res = chromium(tmp, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", out.as_uri())
    assert pdf.exists(), res.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes, "no page sizes in the PDF"
    for w, h in boxes:  # A4 is 595 x 842 points
        assert abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2, (w, h)
    assert len(boxes) >= 2  # the full report runs over more than one page
