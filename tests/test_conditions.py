"""The condition options (issue 14): declared once, offered by every command where they mean
something, and where one is left out the help says why."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import typer

from planner.cli.common import CONDITION_OPTIONS, Asked, condition_options, flag
from planner.domain.conditions import Conditions
from planner.domain.validate import check_conditions, is_valid

COMMANDS = ("plan", "alternatives", "compare", "progress", "frontier", "report", "cohort",
            "check")


def command(name: str):
    from planner.cli.app import app

    return typer.main.get_command(app).commands[name]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_condition_offered_or_its_absence_explained(name):
    cmd = command(name)
    offered = {p.name for p in cmd.params}
    help_text = " ".join((cmd.help or "").split())
    for option in CONDITION_OPTIONS:
        if option in offered:
            assert "Not offered here" not in help_text or flag(option) not in \
                help_text.split("Not offered here", 1)[1], (name, option)
        else:
            left_out = help_text.split("Not offered here: ", 1)
            assert len(left_out) == 2 and flag(option) in left_out[1], (name, option)


@pytest.mark.parametrize("name", ("plan", "alternatives", "compare", "report", "cohort"))
def test_the_commands_that_plan_take_every_condition(name):
    assert set(CONDITION_OPTIONS) <= {p.name for p in command(name).params}


def test_the_options_are_declared_once_with_one_help():
    """The same option reads the same in every command that offers it."""
    seen: dict[str, tuple] = {}
    for name in COMMANDS:
        for p in command(name).params:
            if p.name in CONDITION_OPTIONS and p.name != "time_limit":
                key = (tuple(p.opts), p.help)
                assert seen.setdefault(p.name, key) == key, (name, p.name)
    assert set(seen) == set(CONDITION_OPTIONS) - {"time_limit"}


def test_a_left_out_option_is_refused_by_the_parser(run):
    code, _, err = run("frontier", "diploma", "--gaps", "people")
    assert code == 2 and "--gaps" in err and err.count("\n") == 1


def test_an_unknown_omission_is_a_programming_error():
    with pytest.raises(ValueError):
        condition_options({"colour": "no such condition"})


def test_asked_maps_onto_conditions_as_the_library_reads_them(cat):
    asked = Asked(include=["420"], exclude=["409,410"], achieved=["404 425"], glh_max=60,
                  max_units=9, registered="2019-05-01", cover=["people=6"], gaps=["results=3"])
    assert asked.conditions(cat) == Conditions.from_user(
        cat, include=["420"], exclude=["409", "410"], achieved=["404", "425"], glh_max=60,
        max_units=9, registered="2019-05-01", cover=["people=6"], gaps=["results=3"])


@pytest.mark.parametrize("args", [
    ("--glh-max", "40"), ("--max-units", "4"), ("--cover", "people=8"),
    ("--achieved", "404", "--glh-max", "30", "--cover", "results"),
])
def test_compare_honours_every_condition(run, cat, args):
    """compare once took only units and the date: ceilings and areas were silently dropped."""
    code, out, _ = run("compare", *args, "--format", "json")
    assert code in (0, 1)
    words = dict(zip(args[::2], args[1::2], strict=True))
    cond = Conditions.from_user(cat, achieved=[words.get("--achieved", "")],
                                glh_max=int(words["--glh-max"]) if "--glh-max" in words else None,
                                max_units=int(words["--max-units"]) if "--max-units" in words
                                else None, cover=[words.get("--cover", "")])
    rows = json.loads(out)
    assert any(r["units"] for r in rows)
    for r in rows:
        if r["units"]:
            q = cat.qualification(r["qualification"])
            assert is_valid(cat, q, r["units"], r["achieved"])
            assert check_conditions(cat, r["units"], cond) == [], r


def test_progress_takes_the_ceilings_for_the_larger_qualification(run, cat):
    code, out, _ = run("progress", "--from", "award", "--to", "certificate", "--achieved", "404",
                       "--max-units", "5", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows and all(len(r["units"]) <= 5 for r in rows)
    code, _, err = run("progress", "--from", "award", "--to", "certificate", "--gaps", "people")
    assert code == 2 and "--gaps" in err


def test_together_is_at_least_as_strict_as_either(cat):
    """A pathway meeting a learner's conditions together with the cohort's meets both."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    refs = sorted(cat.qualification("diploma").allowed)[:12]
    area_ids = sorted(cat.areas["id"])
    units = st.lists(st.sampled_from(refs), max_size=3, unique=True).map(tuple)
    areas = st.lists(st.tuples(st.sampled_from(area_ids), st.integers(0, 6)), max_size=2,
                     unique_by=lambda p: p[0]).map(lambda x: tuple(sorted(x)))
    conditions = st.builds(Conditions, include=units, achieved=units, cover=areas,
                           glh_max=st.none() | st.integers(0, 60),
                           max_units=st.none() | st.integers(0, 8))

    @settings(max_examples=200, deadline=None)
    @given(conditions, conditions, st.lists(st.sampled_from(refs), unique=True))
    def prop(own, shared, chosen):
        both = own.together(shared)
        if check_conditions(cat, chosen, both) == []:
            for c in (own, shared):
                # the achieved units of both count as achieved: hours are compared on the union
                assert check_conditions(cat, chosen, replace(c, achieved=both.achieved)) == []

    prop()
