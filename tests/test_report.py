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
    alts = alternatives(cat, "diploma", Conditions(), "glh", 4)
    for a in alts.items[1:]:  # the 3 next-best after the best
        assert ", ".join(a.result.pathway.refs) in html
    for r in compare(cat, None, Conditions(), "glh").results:
        assert r.qualification.name in html
        assert f'<td class="n">{r.pathway.new_glh}</td>' in html
    md = md_out.read_text()
    assert "## Next-best pathways" in md and "## Comparison across qualifications" in md
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


# -- issue 15: the report restates the question, says why, and both formats agree ---------------

def plain_html(text: str) -> str:
    import html as html_lib

    body = text.split("<main>", 1)[1]
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def plain_md(text: str) -> str:
    import html as html_lib

    text = re.sub(r"\\(.)", r"\1", text).replace("|", " ").replace("**", "")
    return " ".join(html_lib.unescape(text).split())


def report_facts(rep) -> list[str]:
    """Every fact a reader should find, taken from the Report itself."""
    facts = [rep.title, *(f"{k} {v}" for k, v in rep.asked)]
    facts += [u["ref"] for u in rep.plan.get("unit_details", [])]
    facts += [a["name"] for a in rep.areas] + [a["name"] for a in rep.uncovered]
    for row in rep.alternative_rows() + rep.comparison_rows():
        facts += [str(v) for v in row.values() if v not in ("", None)]
    facts += rep.left_out() + list(rep.notes)
    if rep.frontier_message():
        facts.append(rep.frontier_message())
    if rep.learner:
        facts.append(rep.learner)
    return facts


def test_html_and_markdown_carry_the_same_facts(cat, tmp_path):
    """The Markdown once lacked the alternatives' "against the best" column and the cohort's
    rows left out."""
    from planner.domain.conditions import Conditions
    from planner.io.learners import read_learners
    from planner.questions.report import build_report
    from planner.render.html import render_html
    from planner.render.markdown import render_md

    csv = tmp_path / "l.csv"
    csv.write_text("id,achieved,glh_max\nann,404,\nbob,,zz\ncy,,3\n", encoding="utf-8")
    group, errors = read_learners(csv, cat)
    cond = Conditions.from_user(cat, achieved=["404,425"], exclude=["409"], cover=["people"],
                                gaps=["results=2"])
    rep = build_report(cat, "diploma", cond, alternatives=2, compare=True, frontier=True,
                       learners=group, learner_errors=tuple(errors), source=str(csv),
                       title="Sam's plan", learner="Sam")
    html, md = plain_html(render_html(rep)), plain_md(render_md(rep))
    facts = report_facts(rep)
    assert len(rep.alternative_rows()) == 2 and len(rep.left_out()) == 2
    for fact in facts:
        fact = " ".join(fact.split())
        assert fact in html, fact
        assert fact in md, fact


def test_a_qualification_without_a_pathway_says_why_in_the_comparison(run, tmp_path):
    """Once "infeasible None None None", with no reason."""
    for name in ("r.html", "r.md"):
        out = tmp_path / name
        code, _, err = run("report", "diploma", "--achieved", "404,425", "--exclude", "409",
                           "--compare", "--alternatives", "3", "--no-frontier", "--out", out)
        assert code == 0, err
        text = out.read_text()
        assert "None" not in text
        row = next(line for line in text.splitlines() if "Extended Diploma" in line
                   and "infeasible" in line) if name.endswith(".md") else \
            text.split("Extended Diploma in Leadership and Management</td>", 1)[1].split("</tr>")[0]
        assert "409" in row and "mandatory" in row, row


def test_alternatives_k_lists_k_next_best(run, tmp_path, cat):
    """--alternatives K once listed K-1 (row 1 was the best itself)."""
    from planner.domain.conditions import Conditions
    from planner.questions.advise import alternatives

    out = tmp_path / "r.md"
    code, _, _ = run("report", "award", "--alternatives", "3", "--no-frontier", "--out", out)
    assert code == 0
    section = out.read_text().split("## Next-best pathways", 1)[1].split("##", 1)[0]
    ranks = [line.split("|")[1].strip() for line in section.splitlines()
             if re.match(r"\| \d", line)]
    assert ranks == ["2", "3", "4"]
    best4 = alternatives(cat, "award", Conditions(), "glh", 4).items
    for a in best4[1:]:
        assert ", ".join(a.result.pathway.refs) in section
    assert ", ".join(best4[0].result.pathway.refs) + " |" not in section


def test_a_bad_cohort_file_exits_2_as_cohort_does(run, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("id,achieved\nann,404\nbob,999\n", encoding="utf-8")
    code_cohort, _, _ = run("cohort", "award", csv)
    for name in ("r.md", "r.html"):
        code, _, err = run("report", "award", "--cohort", csv, "--no-frontier", "--out",
                           tmp_path / name)
        assert code == code_cohort == 2, err
        assert "line 3" in err and "line 3" in (tmp_path / name).read_text()


def test_the_report_restates_the_question_and_whom_it_is_for(run, tmp_path):
    out = tmp_path / "r.html"
    code, _, _ = run("report", "certificate", "--achieved", "404", "--include", "420",
                     "--exclude", "421", "--glh-max", "80", "--max-units", "7",
                     "--registered", "2019-03-01", "--cover", "people=4", "--gaps", "results=2",
                     "--title", "Route for Sam", "--learner", "Sam Jones", "--no-frontier",
                     "--out", out)
    assert code == 0
    text = plain_html(out.read_text())
    assert "<title>Route for Sam</title>" in out.read_text()
    for fact in ("For Sam Jones", "achieved units 404", "units included 420",
                 "units excluded 421", "ceiling on new GLH 80", "most units 7",
                 "registered 2019-03-01", "Working with people (at least 4 credits)",
                 "Achieving results (weight 2)"):
        assert fact in text, fact


def test_uncovered_skill_areas_are_listed(run, tmp_path, cat):
    out = tmp_path / "r.md"
    code, _, _ = run("report", "award", "--no-frontier", "--out", out)
    assert code == 0
    md = out.read_text()
    _, js, _ = run("plan", "award", "--format", "json")
    covered = {a for u in json.loads(js)["unit_details"] for a in u["areas"]}
    missing = [cat.area_name(a) for a in sorted(cat.areas["id"]) if a not in covered]
    assert missing  # the shortest Award does not cover all six
    assert "Left uncovered: " + ", ".join(missing) + "." in md


def test_a_frontier_of_one_point_is_said_not_drawn(run, tmp_path):
    out = tmp_path / "r.html"
    code, _, _ = run("report", "award", "--max-units", "2", "--out", out)
    assert code == 0
    html = out.read_text()
    assert "One pathway is best on both" in html and "<svg" not in html
    code, _, _ = run("report", "diploma", "--out", out)
    assert "One pathway is best on both" not in out.read_text() and "<svg" in out.read_text()
