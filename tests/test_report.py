"""The pathway report (issue 7): figures present, input escaped, formats by suffix, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from planner.domain.catalogue import load_catalogue
from planner.domain.validate import is_valid

NASTY = '<script>alert("x")</script> | pipe'


def nasty_catalogue(root: Path) -> Path:
    """The catalogue with 8605-404's title replaced by markup (in both tables, as they agree)."""
    for csv in (root / "tables").glob("*.csv"):
        text = csv.read_text(encoding="utf-8")
        csv.write_text(text.replace("Delegating Authority in the Workplace",
                                    '"' + NASTY.replace('"', '""') + '"'), encoding="utf-8")
    return root


def test_html_report_has_the_figures_of_a_valid_pathway(run, tmp_path, cat):
    out = tmp_path / "r.html"
    code, stdout, _ = run("report", "diploma", "--achieved", "404,425", "--no-frontier",
                          "--out", out)
    assert code == 0, stdout
    html = out.read_text()
    code, js, _ = run("plan", "diploma", "--achieved", "404,425", "--format", "json")
    plan = json.loads(js)
    q = cat.qualification("diploma")
    assert is_valid(cat, q, plan["units"], plan["achieved"])
    for key, ident in (("glh", "glh"), ("credits", "credits"), ("tqt", "tqt"),
                       ("new_glh", "new-glh")):
        assert f'id="{ident}">{plan[key]}<' in html
    for ref in plan["units"]:
        assert ref in html
    assert "@page { size: A4" in html and 'name="viewport"' in html
    assert "http://" not in html and "https://" not in html  # self-contained
    assert "credits at least 37" in html and "group 2 credits at most 18" in html
    assert 'class="bar"' in html
    assert "Skill areas covered" in html


def test_markdown_report_same_content(run, tmp_path):
    out = tmp_path / "r.md"
    code, _, _ = run("report", "award", "--no-frontier", "--out", out)
    assert code == 0
    md = out.read_text()
    assert md.startswith("# ILM Level 4 Award in Leadership and Management")
    assert "| 8605-404 | Delegating Authority in the Workplace |" in md
    assert "| credits 5 to 12 | met |" in md or "credits 5 to 12" in md
    assert "<" not in md.replace("<!--", "")


def test_unit_title_from_input_is_escaped(run, tmp_catalogue, tmp_path):
    root = nasty_catalogue(tmp_catalogue)
    assert load_catalogue(root).facts["8605-404"].title.startswith("<script>")
    html_out, md_out = tmp_path / "r.html", tmp_path / "r.md"
    for out in (html_out, md_out):
        code, stdout, err = run("report", "award", "--include", "404", "--no-frontier",
                                "--catalogue", root, "--out", out)
        assert code == 0, (stdout, err)
    html = html_out.read_text()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; | pipe" in html
    assert len(re.findall(r"<script>", html)) == 1  # only the page's own marker script
    md = md_out.read_text()
    # HTML's characters as entities, the pipe escaped: shows as text in any Markdown viewer
    assert r"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; \| pipe |" in md or \
        r'&lt;script&gt;alert("x")&lt;/script&gt; \| pipe |' in md
    assert "<script" not in md


def test_learner_id_from_cohort_csv_is_escaped(run, tmp_path):
    csv = tmp_path / "learners.csv"
    csv.write_text('id,achieved\n"<script>",404\nann,\n', encoding="utf-8")
    out = tmp_path / "r.html"
    code, stdout, err = run("report", "award", "--cohort", csv, "--no-frontier", "--out", out)
    assert code == 0, (stdout, err)
    html = out.read_text()
    assert '<span class="tag">&lt;script&gt;</span>' in html
    assert "<td>&lt;script&gt;</td>" in html
    assert html.count("<script>") == 1
    assert 'id="delivery-glh"' in html
    md_out = tmp_path / "r.md"
    code, _, _ = run("report", "award", "--cohort", csv, "--no-frontier", "--out", md_out)
    md = md_out.read_text()
    assert code == 0 and "| &lt;script&gt; |" in md and "<script" not in md


@pytest.mark.parametrize("out, message", [
    ("r.txt", "must end in .html or .md"),
    ("missing/r.html", "does not exist"),
])
def test_bad_out_is_one_line_error(run, tmp_path, out, message):
    code, _, err = run("report", "award", "--out", tmp_path / out)
    assert code == 2
    assert message in err and err.count("\n") <= 1


def test_missing_out_is_one_line_error(run):
    code, _, err = run("report", "award")
    assert code == 2 and "--out" in err and err.count("\n") <= 1


def test_unwritable_out_is_one_line_error(run, tmp_path):
    target = tmp_path / "dir.html"
    target.mkdir()
    code, _, err = run("report", "award", "--no-frontier", "--out", target)
    assert code == 2 and "cannot write" in err and err.count("\n") <= 1


def test_advisers_sections_carry_the_real_figures(run, tmp_path, cat):
    """Alternatives, comparison and frontier chart in both formats, with the advisers' figures."""
    from planner.domain.conditions import Conditions
    from planner.questions.advise import alternatives, compare, frontier

    html_out, md_out = tmp_path / "r.html", tmp_path / "r.md"
    for out in (html_out, md_out):
        code, stdout, err = run("report", "diploma", "--compare", "--alternatives", "3",
                                "--out", out)
        assert code == 0, (stdout, err)
    html = html_out.read_text()
    assert 'id="alternatives"' in html and 'id="comparison"' in html
    assert 'id="frontier"' in html and "<svg" in html
    # self-contained: the only addresses are XML namespace names, which are never fetched
    assert all(m.startswith(("xmlns", "xmlns:xlink")) for m in
               re.findall(r'([\w:]+)="https?://', html)), re.findall(r'([\w:]+)="https?://', html)
    assert "url(http" not in html and 'src="http' not in html
    alts = alternatives(cat, "diploma", Conditions(), "glh", 3)
    for a in alts.items:
        assert ", ".join(a.result.pathway.refs) in html
    for r in compare(cat, None, Conditions(), "glh").results:
        assert r.qualification.name in html
        assert f'<td class="n">{r.pathway.new_glh}</td>' in html
    md = md_out.read_text()
    assert "## Alternative pathways" in md and "## Comparison across qualifications" in md
    for p in frontier(cat, "diploma").points:
        assert f"| {p.x} | {p.y} | {', '.join(p.result.pathway.refs)} |" in md
        assert f">{p.y}</text>" in html  # the chart's labels are text in the page


def test_a_report_without_a_pathway_says_why(run, tmp_path):
    for name in ("r.html", "r.md"):
        out = tmp_path / name
        code, _, _ = run("report", "award", "--include", "409", "--no-frontier", "--out", out)
        text = out.read_text()
        assert code == 1 and "No valid pathway" in text
        assert "conflicts with the Award" in text and "409" in text
