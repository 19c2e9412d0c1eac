"""The command line contract: JSON keys, formats, exit codes, one-line errors, help."""

from __future__ import annotations

import csv
import io
import json

import pytest

PLAN_KEYS = {"qualification", "status", "objective", "units", "achieved", "credits",
             "group2_credits", "glh", "tqt", "new_glh", "new_tqt"}


def test_plan_json_contract(run):
    code, out, err = run("plan", "diploma", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert PLAN_KEYS <= set(data)
    assert data["qualification"] == "diploma" and data["status"] == "optimal"
    assert data["objective"] == "glh"
    assert (data["credits"], data["group2_credits"], data["glh"], data["tqt"]) == (37, 11, 33, 370)
    assert data["new_glh"] == 33 and data["new_tqt"] == 370


def test_plan_options_repeat_and_take_comma_lists(run):
    code, out, _ = run("plan", "diploma", "-f", "json", "--achieved", "404,425", "--achieved",
                       "8605-420", "--include", "421", "--exclude", "409", "--minimise", "tqt",
                       "--registered", "2019-05-01", "--glh-max", "200", "--max-units", "12")
    assert code == 0
    data = json.loads(out)
    assert data["objective"] == "tqt"
    assert "8605-421" in data["units"] and "8605-409" not in data["units"]
    assert set(data["achieved"]) <= {"8605-404", "8605-425", "8605-420"}
    assert data["glh"] - data["new_glh"] == sum(
        u["glh"] for u in data["unit_details"] if u["achieved"])
    assert data["tqt"] == 10 * data["credits"]


@pytest.mark.parametrize("qual", ["award", "600/5851/1", "Award"])
def test_qualification_by_name_or_accreditation(run, qual):
    code, out, _ = run("plan", qual, "-f", "json")
    assert code == 0 and json.loads(out)["qualification"] == "award"


def test_infeasible_plan_exits_1_with_status(run):
    code, out, _ = run("plan", "award", "--include", "409", "-f", "json")
    assert code == 1
    assert json.loads(out)["status"] == "infeasible"


@pytest.mark.parametrize("args,needle", [
    (["plan", "diploma", "--include", "999"], "--include: unknown unit '999'"),
    (["plan", "nosuch"], "unknown qualification 'nosuch'"),
    (["plan", "diploma", "--registered", "2020-13-01"], "--registered: '2020-13-01' is not a date"),
    (["plan", "diploma", "--glh-max", "ten"], "--glh-max"),
    (["plan", "diploma", "--minimise", "hours"], "--minimise"),
    (["plan", "diploma", "--include", "404", "--exclude", "404"], "both included and excluded"),
    (["plan", "diploma", "--format", "xml"], "--format"),
    (["units", "diploma", "--area", "nonsense"], "skill area"),
    (["units", "award", "--group", "3"], "--group: award has no group 3 (its groups: 1, 2)"),
    (["plan"], "Missing argument 'QUALIFICATION'"),
])
def test_bad_input_is_one_line_and_exit_2(run, args, needle):
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert needle in lines[0] and "Traceback" not in err


def test_units_json(run):
    code, out, _ = run("units", "certificate", "-f", "json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 100
    assert {"ref", "title", "level", "credits", "glh", "group"} <= set(rows[0])
    assert "8605-521" not in {r["ref"] for r in rows}


def test_units_filters(run):
    _, out, _ = run("units", "diploma", "--group", "2", "--level", "3", "-f", "json")
    rows = json.loads(out)
    assert rows and all(r["group"] == 2 and r["level"] == 3 for r in rows)
    _, out, _ = run("units", "diploma", "--search", "coaching", "-f", "json")
    assert {r["ref"] for r in json.loads(out)} >= {"8605-339", "8605-359", "8605-530"}
    _, out, _ = run("units", "certificate", "--all", "-f", "json")
    assert "8605-521" in {r["ref"] for r in json.loads(out)}


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
@pytest.mark.parametrize("command", [["quals"], ["units", "award"], ["rules", "diploma"],
                                     ["plan", "certificate"]])
def test_every_command_speaks_every_format(run, command, fmt):
    code, out, err = run(*command, "--format", fmt)
    assert code == 0, err
    assert out.strip()
    if fmt == "json":
        json.loads(out)
    if fmt == "csv":
        for block in out.split("\n\n"):  # a table, or its notes (docs/formats.md)
            rows = list(csv.reader(io.StringIO(block)))
            assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows)
    if fmt == "markdown":
        assert "|" in out


def test_plan_table_shows_totals(run):
    code, out, _ = run("plan", "award")
    assert code == 0
    assert "8605-404" in out and "8605-425" in out and "total" in out


def test_quals_lists_all_four(run):
    _, out, _ = run("quals", "-f", "json")
    assert [q["qualification"] for q in json.loads(out)] == [
        "award", "certificate", "diploma", "extended-diploma"]


def test_rules_in_words(run):
    _, out, _ = run("rules", "certificate")
    assert "group 2 credits at most 6" in out and "credits 13 to 36" in out


def test_every_command_has_help_with_an_example(run):
    import typer.main

    from planner.cli.app import app

    group = typer.main.get_command(app)
    assert group.commands
    for name, cmd in group.commands.items():
        assert cmd.help and "Example:" in cmd.help, f"{name} has no help with an example"
        code, out, _ = run(name, "--help")
        assert code == 0 and "Usage" in out


@pytest.mark.parametrize("args,message", [
    (["--time-limit", "nan"], "planner: error: --time-limit: must be a positive number of seconds, got nan"),
    (["--max-time-limit", "inf"], "planner: error: --max-time-limit: must be a positive number of seconds, got inf"),
    (["--host", "999.1.1.1"], "planner: error: --host: cannot listen on '999.1.1.1'"),
])
def test_serve_refuses_bad_settings_in_one_line_before_it_starts(run, args, message):
    code, out, err = run("serve", *args)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_serve_on_a_port_in_use_is_one_line_and_exit_2(run):
    import socket

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        code, out, err = run("serve", "--port", str(port))
    assert code == 2 and out == ""
    assert err == f"planner: error: --port: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_progress_help_gives_the_staged_routes_order_as_the_advisers_guide_does(run):
    """Total hours first, then the hours by each earlier stage: the reason --gaps is not offered
    says what docs/advisers.md says."""
    from pathlib import Path

    guide = (Path(__file__).resolve().parent.parent / "docs" / "advisers.md").read_text()
    assert "the least total hours, then the\nleast hours by the end of each earlier stage" in guide
    _, out, _ = run("progress", "--help", env={"COLUMNS": "200"})
    text = " ".join(out.split())
    assert "minimises the total hours first, then the hours by the end of each earlier stage" \
        in text
    assert "every stage in turn" not in text


def test_the_command_map_names_every_command_of_every_group():
    """``planner.cli.app.COMMANDS`` (which lets the console script build one group) is what the
    groups declare: every command, in its own group, and the full app has no other."""
    import importlib

    import typer.main

    from planner.cli import app as module

    declared = {}
    for group in module.GROUPS:
        for info in importlib.import_module(f"planner.cli.{group}").commands.typer.registered_commands:
            declared[info.name] = group
    assert declared == module.COMMANDS
    assert set(typer.main.get_command(module.app).commands) == set(module.COMMANDS)


@pytest.mark.parametrize("args", [["plan", "award", "--format", "json"], ["plan", "--help"],
                                  ["rules", "certificate"], ["plan", "--nonsense"], ["--help"],
                                  ["--version"], ["pln"]])
def test_the_console_script_answers_as_the_full_app(args, capsys):
    """``app_for`` (one group for a command's name) prints and exits as ``app`` (every group)."""
    from planner.cli import app as module

    got = []
    for app in (module.app_for(args), module.app):
        with pytest.raises(SystemExit) as exc:
            app(args, prog_name="planner")
        got.append((exc.value.code, *capsys.readouterr()))
    assert got[0] == got[1]
