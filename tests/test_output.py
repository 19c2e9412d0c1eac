"""Issue 15: one answer in every format and from every entry point. Every command renders in every
format with no "None", no empty reason or note, and the units and figures of its JSON; tables fit
the terminal; the notes name what the user asked; the small traps of the command line."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
COHORT = str(EXAMPLES / "employer-cohort" / "managers.csv")

COMMANDS = [
    ("quals",),
    ("units", "award"),
    ("units", "certificate", "--all", "--group", "2"),
    ("rules", "award"),
    ("rules", "extended-diploma"),
    ("plan", "certificate"),
    ("plan", "award", "--include", "409"),
    ("plan", "diploma", "--achieved", "404,339", "--exclude", "404", "--include", "550"),
    ("check", "award", "404", "425"),
    ("check", "diploma", "404", "425", "420", "421", "508", "--achieved", "404,425",
     "--registered", "2024-09-01"),
    ("check", "certificate", "404", "521", "501", "502", "503"),
    ("alternatives", "diploma", "-k", "3"),
    ("alternatives", "award", "--include", "409"),
    ("compare", "--achieved", "404,409,425"),
    ("progress", "--from", "award", "--to", "diploma"),
    ("frontier", "award"),
    ("frontier", "certificate", "--x-axis", "areas"),
    ("areas", "award"),
    ("cohort", "certificate", COHORT, "--cover", "direction"),
]
TEXT_FORMATS = ["table", "csv", "markdown", "html"]
# the figures a reader compares between formats, wherever they sit in the JSON
FIGURES = {"new_glh", "new_tqt", "credits", "glh", "tqt", "delivery_glh", "learners_new_glh",
           "lost_glh"}
REF = re.compile(r"8605-\d{3}")


def _walk(data, key=None):
    """(key, value) of every scalar of a JSON answer, but not of each unit's own facts (a list of
    units shows its own columns; a pathway's totals are what the formats must agree on)."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k != "unit_details" and "ref" not in data and "unit" not in data:
                yield from _walk(v, k)
    elif isinstance(data, list):
        for v in data:
            yield from _walk(v, key)
    else:
        yield key, data


def _json(run, command):
    code, out, err = run(*command, "--format", "json")
    assert code in (0, 1), err
    return code, json.loads(out)


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_every_command_in_every_format_agrees_with_its_json(run, command):
    code, data = _json(run, command)
    values = list(_walk(data))
    refs = {v for _, v in values if isinstance(v, str) and REF.fullmatch(v)}
    pathway_refs = {v for k, v in values if k in ("units", "pathway", "new_units", "achieved")
                    and isinstance(v, str) and REF.fullmatch(v)} if command[0] != "rules" else set()
    figures = {v for k, v in values if k in FIGURES and isinstance(v, int)}
    statuses = {v for k, v in values if k == "status" and isinstance(v, str)}
    for fmt in TEXT_FORMATS:
        got, out, err = run(*command, "--format", fmt)
        assert got == code, (fmt, err)
        assert not re.search(r"\bNone\b(?! of)", out), (fmt, out)
        assert not re.search(r"(no pathway|note|why|because):\s*($|<|\")", out, re.M), (fmt, out)
        shown = set(REF.findall(out))
        assert shown <= refs | {m for r in REF.findall(json.dumps(data)) for m in [r]}, fmt
        assert pathway_refs <= shown, (fmt, pathway_refs - shown)
        numbers = set(re.findall(r"(?<![\d-])\d+(?![\d-])", out))
        assert {str(f) for f in figures} <= numbers, (fmt, {str(f) for f in figures} - numbers)
        assert all(s in out for s in statuses), (fmt, statuses)
        if fmt == "csv":
            _csv_blocks_are_tables(out)


def _csv_blocks_are_tables(out: str) -> None:
    """docs/formats.md: blocks separated by a blank line, each a header row and rectangular rows;
    a block of notes is headed 'note' and has no empty note."""
    for block in out.split("\n\n"):
        rows = list(csv.reader(io.StringIO(block)))
        assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows), block
        if rows[0] == ["note"]:
            assert all(r[0].strip() for r in rows[1:]), block


def test_csv_and_markdown_carry_the_reasons_of_an_infeasible_plan(run):
    _, data = _json(run, ("plan", "award", "--include", "409"))
    reason = data["reasons"][0]["text"]
    for fmt in ("csv", "markdown"):
        code, out, _ = run("plan", "award", "--include", "409", "--format", fmt)
        assert code == 1 and reason in out, fmt
    _, out, _ = run("plan", "award", "--include", "409", "--format", "csv")
    notes = out.split("\n\n")[-1].splitlines()
    assert notes[0] == "note" and "infeasible" in notes[1] and reason in notes[2]


def test_csv_of_check_has_a_verdict_and_totals(run):
    _, out, _ = run("check", "certificate", "404", "521", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert ["verdict", "not a valid pathway: 2 rules not met", ""] in rows
    assert any(r[:5] == ["total", "2 units", "", "18", "23"] for r in rows)
    _, out, _ = run("check", "award", "404", "425")
    assert re.search(r"^verdict\s+a valid pathway", out, re.M)
    assert re.search(r"^total\s+2 units\s+5\s+8\s+new GLH 8", out, re.M)


@pytest.mark.parametrize("command", [("plan", "award"), ("plan", "diploma"),
                                     ("check", "diploma", "404", "425", "420", "421", "508"),
                                     ("rules", "award"), ("compare",), ("units", "diploma"),
                                     ("units", "certificate", "--all"),
                                     ("alternatives", "diploma", "-k", "3"), ("quals",),
                                     ("frontier", "diploma", "--x-axis", "areas")])
def test_tables_fit_the_width_and_wide_does_not(run, command):
    code, narrow, _ = run(*command, env={"COLUMNS": "80"})
    assert code in (0, 1)
    assert max(len(line) for line in narrow.splitlines()) <= 80, narrow
    _, wide, _ = run(*command, "--wide", env={"COLUMNS": "80"})
    _, full, _ = run(*command)
    assert wide == full
    assert set(REF.findall(narrow)) == set(REF.findall(full))  # nothing lost in the wrapping


def test_numbers_are_right_aligned(run):
    _, out, _ = run("plan", "award")
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("unit "))
    credits_end = lines[head].index("credits") + len("credits")
    assert lines[head + 2][credits_end - 1] == "3" and lines[head + 3][credits_end - 1] == "2"


def test_bare_planner_prints_help_and_exits_0(run):
    code, out, err = run()
    assert code == 0 and "Usage: planner" in out and "Commands" in out and err == ""
    code, out, _ = run("--version")
    assert code == 0 and re.fullmatch(r"planner \d+\.\d+\.\d+\S*\n", out)


def test_an_achieved_unit_kept_out_names_the_users_condition(run):
    _, data = _json(run, ("plan", "diploma", "--achieved", "404", "--exclude", "404"))
    assert "achieved 8605-404 is not counted: --exclude 404 leaves it out" in data["notes"]
    _, data = _json(run, ("plan", "certificate", "--achieved", "404,425,420,421",
                          "--max-units", "3"))
    left = [n for n in data["notes"] if "is not counted" in n]
    assert left and all("--max-units 3 leaves no room" in n for n in left)
    _, data = _json(run, ("plan", "award", "--achieved", "404,425,420,421,407"))
    assert "achieved 8605-425 is not counted: no room for it under the rules: with it, credits " \
           "14, at most 12" in data["notes"]


@pytest.mark.parametrize("command", [("plan", "certificate"), ("plan", "diploma"),
                                     ("plan", "diploma", "--achieved", "339"),
                                     ("compare",)])
def test_no_superseded_note_where_it_does_not_matter(run, command):
    _, out, _ = run(*command)
    assert "superseded" not in out


def test_superseded_note_when_the_pathway_takes_a_new_unit(run):
    _, data = _json(run, ("plan", "diploma", "--include", "550"))
    assert any("takes 550 not the superseded 530" in n for n in data["notes"])
    _, data = _json(run, ("plan", "diploma", "--include", "550", "--registered", "2019-01-01"))
    assert not any("superseded" in n for n in data["notes"])


def test_units_mark_superseded_units(run):
    _, data = _json(run, ("units", "certificate", "--all"))
    by_ref = {u["ref"]: u for u in data}
    assert by_ref["8605-530"]["superseded_by"] == "8605-550"
    assert by_ref["8605-530"]["superseded_from"] == "2020-07-01"
    assert by_ref["8605-550"]["superseded_by"] is None
    _, out, _ = run("units", "diploma")
    assert re.search(r"^8605-339 .* no: 359$", out, re.M)


def test_units_say_allowed_for_the_learners_registration(run):
    """A superseded unit is not allowed for a learner registered today (from its cutoff), and
    is, beside its new unit, for one registered earlier (--registered)."""
    _, out, _ = run("units", "certificate", "--all")
    assert re.search(r"^8605-530 .* no: 550$", out, re.M)
    assert re.search(r"^8605-550 .* yes$", out, re.M)
    _, out, _ = run("units", "certificate", "--all", "--registered", "2019-01-01")
    assert re.search(r"^8605-530 .* yes or 550$", out, re.M)
    assert "2019-01-01" in out
    code, _, err = run("units", "certificate", "--registered", "2019-13-01")
    assert code == 2 and "--registered" in err
    _, out, _ = run("units", "extended-diploma")
    assert "superseded" not in out  # its specification carries no supersession


def test_rule_notes_cite_the_projects_own_catalogue_readme(run, cat):
    root = Path(__file__).resolve().parent.parent
    for slug in cat.qualifications:
        _, out, _ = run("rules", slug, "--format", "json")
        notes = " ".join(r["note"] or "" for r in json.loads(out)["rules"])
        assert "DOMAIN.md" not in notes
    assert (root / "catalogue" / "README.md").exists()
    _, out, _ = run("rules", "diploma", "--format", "json")
    assert "catalogue/README.md" in out


def test_quals_labels_the_stated_glh(run):
    _, out, _ = run("quals")
    assert "stated glh" in out.splitlines()[0] and "can be lower" in out


def test_frontier_minus_x_is_exclude_and_says_so(run):
    code, _, err = run("frontier", "diploma", "-x", "areas")
    assert code == 2 and len(err.splitlines()) == 1
    assert "-x is --exclude" in err and "--x-axis areas" in err
    code, out, _ = run("frontier", "award", "--x", "tqt", "--format", "csv")
    assert code == 0 and out.startswith("new TQT,new GLH")  # the old spelling still works


def test_new_hours_are_named_alike_in_every_header(run):
    for command in (("alternatives", "diploma"), ("frontier", "diploma"),
                    ("progress", "--from", "award", "--to", "diploma"),
                    ("cohort", "certificate", COHORT)):
        _, out, _ = run(*command, "--format", "csv")
        headers = [row for row in csv.reader(io.StringIO(out)) if row][0]
        assert not any(re.search(r"\b(glh|tqt)\b", h) and " " in h for h in headers), headers


def test_a_registration_date_to_come_is_refused(run):
    code, _, err = run("plan", "diploma", "--registered", "2035-01-01")
    assert code == 2 and err.startswith("planner: error: --registered: 2035-01-01 is in the future")


@pytest.mark.parametrize("name,slug", [("ext", "extended-diploma"), ("cert", "certificate"),
                                       ("Dip", "diploma"), ("aw", "award")])
def test_qualification_names_take_prefixes(run, name, slug):
    code, out, _ = run("plan", name, "--format", "json")
    assert code == 0 and json.loads(out)["qualification"] == slug


def test_jsonl_error_is_null_and_a_mismatched_name_is_warned(run, tmp_path):
    requests = tmp_path / "r.csv"
    requests.write_text("id,qualification\nann,award\n")
    code, _, err = run("batch", requests, "--out", tmp_path / "plans.csv", "--format", "jsonl",
                       "--workers", "1")
    assert code == 0
    assert "warning: writing jsonl to" in err and "its name says csv" in err
    row = json.loads((tmp_path / "plans.csv").read_text())
    assert row["error"] is None


def test_a_cohort_learner_kept_out_of_an_achieved_unit_is_told_why(run, tmp_path):
    learners = tmp_path / "learners.csv"
    learners.write_text("id,achieved,exclude\nann,404 425,404\nbob,,\n")
    code, out, _ = run("cohort", "certificate", learners, "--format", "json")
    assert code == 0
    # the learner's own condition, named as the learners file's column
    assert "ann: achieved 8605-404 is not counted: exclude 404 leaves it out" in \
        json.loads(out)["notes"]


def test_no_empty_cell_where_the_check_has_something_to_say(run):
    """Every unit the way forward adds says why; every unit of the set has a status."""
    _, out, _ = run("check", "award", "400,409")
    add = re.search(r"^add\s+8605-404\s.*$", out, re.M).group(0)
    assert add.rstrip().endswith("credits 4, at least 5; units 1, at least 2"), add
    assert re.search(r"^8605-409 .* 6  planned  ", out, re.M), out
    _, out, _ = run("check", "award", "400,409", "--achieved", "400")
    assert re.search(r"^8605-400 .* 15  achieved  ", out, re.M), out


def test_absent_text_is_null_in_json(run):
    _, data = _json(run, ("rules", "certificate"))
    notes = [r["note"] for r in data["rules"]]
    assert None in notes and "" not in notes
