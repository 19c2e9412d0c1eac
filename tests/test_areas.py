"""Skill areas: the data file, `planner areas`, `units --area`, `--cover` and `--gaps`."""

from __future__ import annotations

import itertools
import json

import pytest
from exact import exact_plan
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.conditions import Conditions, Objective, parse_cover, parse_gaps
from planner.domain.errors import CatalogueError, InputError
from planner.domain.validate import is_valid
from planner.questions.plan import plan

AREAS = ["people", "self", "direction", "change", "results", "resources"]


def test_every_unit_has_one_or_two_areas_and_each_area_a_fair_share(cat):
    assert list(cat.areas["id"]) == AREAS
    assert set(cat.unit_areas["ref"]) == set(cat.units.index)
    counts = {a: 0 for a in AREAS}
    for areas in cat.unit_areas["areas"]:
        assert 1 <= len(areas) <= 2
        for a in areas:
            counts[a] += 1
    assert min(counts.values()) >= 10, counts
    assert all(r.strip() for r in cat.unit_areas["rationale"])


@pytest.mark.parametrize("text,expected", [("direction", "direction"), ("Resources", "resources"),
                                           ("working with", "people"), ("achiev", "results"),
                                           ("CHANGE", "change")])
def test_area_names_match_by_id_name_or_prefix(cat, text, expected):
    assert cat.area(text) == expected


def test_unknown_area_is_a_one_line_error_listing_valid_ones(run):
    code, out, err = run("plan", "award", "--cover", "leadership")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--cover: unknown skill area 'leadership'" in err
    assert all(a in err for a in AREAS)
    code, _, err = run("plan", "award", "--gaps", "people=x")
    assert code == 2 and "--gaps" in err and "weight" in err


def test_unknown_area_in_the_data_file_names_file_and_line(tmp_catalogue):
    from planner.domain.catalogue import load_catalogue

    path = tmp_catalogue / "unit_areas.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 2)[0] + ",mystery,oops"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CatalogueError, match=r"unit_areas.csv, line 4, field 'areas'"):
        load_catalogue(tmp_catalogue)


def test_areas_command_totals_match_the_units(run, cat):
    code, out, _ = run("areas", "diploma", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert "own judgement" in data["note"]
    allowed = cat.qualification("diploma").allowed
    for a in data["areas"]:
        refs = [u["ref"] for u in a["units"]]
        assert refs == sorted(r for r in allowed if a["id"] in cat.facts[r].areas)
        assert a["credits"] == sum(cat.facts[r].credits for r in refs)
        assert a["glh"] == sum(cat.facts[r].glh for r in refs)
    code, out, _ = run("areas")
    assert code == 0 and "own judgement" in out and "people (Working with people)" in out


def test_units_area_filter_and_json(run, cat):
    code, out, _ = run("units", "certificate", "--area", "direct", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows and all("direction" in r["areas"] for r in rows)
    assert {r["areas_source"] for r in rows} == {"project"}  # the tagging is ours, said so
    code, out, _ = run("units", "certificate", "--area", "direct")
    assert "own judgement" in out


def gaps_exact(cat, qual, cond: Conditions, objective):
    """Best (covered weight, cost) by exact search without CP-SAT: for every subset S of the gap
    areas, the exact best pathway that covers S; the answer has the largest weight of S, then
    the least cost among those subsets (a pathway covering S with maximal weight covers no
    other gap area, so this is exactly the lexicographic optimum)."""
    weights = dict(cond.gaps)
    best = None
    for k in range(len(weights) + 1):
        for subset in itertools.combinations(sorted(weights), k):
            extra = tuple((a, 0) for a in subset if a not in dict(cond.cover))
            c = Conditions(cond.include, cond.exclude, cond.achieved, cond.glh_max,
                           cond.max_units, cond.registered, tuple(sorted(cond.cover + extra)))
            e = exact_plan(cat, qual, c, objective)
            if e.cost is None:
                continue
            key = (-sum(weights[a] for a in subset), e.cost[0])
            best = key if best is None or key < best else best
    return best


def covered_weight(pathway, gaps):
    areas = pathway.areas()
    return sum(w for a, w in gaps if a in areas)


@st.composite
def gap_queries(draw, cat):
    # the exact reference runs once per subset of gap areas, so the larger qualifications (slow
    # for the DP with area states) are left to the cohort and core tests
    slug = draw(st.sampled_from(["award", "certificate"]))
    pool = sorted(cat.qualifications[slug].allowed)
    gaps = draw(st.dictionaries(st.sampled_from(AREAS), st.integers(1, 5), min_size=1,
                                max_size=2))
    exclude = tuple(draw(st.lists(st.sampled_from(pool), max_size=8, unique=True)))
    glh_max = draw(st.one_of(st.none(), st.integers(10, 80)))
    cover = tuple(sorted(draw(st.dictionaries(st.sampled_from(AREAS), st.sampled_from([0, 3]),
                                              max_size=1)).items()))
    cond = Conditions(exclude=exclude, glh_max=glh_max, cover=cover,
                      gaps=tuple(sorted(gaps.items())))
    return slug, cond, draw(st.sampled_from(list(Objective)))


def test_gaps_match_exact_search(cat):
    @settings(max_examples=30, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(gap_queries(cat))
    def inner(query):
        slug, cond, objective = query
        q = cat.qualifications[slug]
        result = plan(cat, q, cond, objective, explain=False)
        expected = gaps_exact(cat, q, cond, objective)
        if expected is None:
            assert not result.found
            return
        p = result.pathway
        assert (-covered_weight(p, cond.gaps), p.cost(objective)) == expected, (slug, cond)
        assert is_valid(cat, q, p.refs, p.achieved_refs, cond.registration_date)

    inner()


def test_gaps_parse_and_cli(cat, run):
    assert parse_gaps(cat, ["direction=3,change", "resources=2"]) == (
        ("change", 1), ("direction", 3), ("resources", 2))
    with pytest.raises(InputError, match="^gaps: "):
        parse_gaps(cat, ["people=0"])
    code, out, _ = run("plan", "award", "--gaps", "direction=3,change=2,resources=1",
                       "--format", "json")
    assert code == 0
    units = json.loads(out)["unit_details"]
    covered = {a for u in units for a in u["areas"]}
    assert {"direction", "change", "resources"} <= covered


def test_gaps_report_which_were_closed(cat, run):
    """JSON 'gaps' and a note say which gaps the pathway closes: an Award of two units cannot
    close three gaps, so the lightest one is left open and said to be."""
    code, out, _ = run("plan", "award", "--gaps", "direction=3,change=2,people",
                       "--max-units", "2", "--format", "json")
    data = json.loads(out)
    assert code == 0
    tags = {u["ref"]: set(u["areas"]) for u in data["unit_details"]}
    gaps = {g["area"]: g for g in data["gaps"]}
    assert [g["area"] for g in data["gaps"]] == ["change", "direction", "people"]
    for area, g in gaps.items():
        assert g["units"] == sorted(r for r, a in tags.items() if area in a)
        assert g["covered"] == bool(g["units"])
    assert gaps["direction"]["covered"] and gaps["change"]["covered"]
    assert not gaps["people"]["covered"] and gaps["people"]["weight"] == 1
    assert "people (weight 1) left open; weight closed 5 of 6" in data["notes"][0]
    code, out, _ = run("plan", "award", "--gaps", "direction=3,change=2,people",
                       "--max-units", "2")
    assert "note: skills gaps: change (weight 2) closed by" in out
    assert "gaps" not in json.loads(run("plan", "award", "--format", "json")[1])


@st.composite
def cover_queries(draw, cat):
    # the exact DP keeps area credits in its state: the Diploma makes it too slow for a unit test
    slug = draw(st.sampled_from(["award", "certificate"]))
    pool = sorted(cat.qualifications[slug].allowed)
    cover = draw(st.dictionaries(st.sampled_from(AREAS), st.sampled_from([0, 0, 2, 5]),
                                 min_size=1, max_size=2))
    exclude = tuple(draw(st.lists(st.sampled_from(pool), max_size=6, unique=True)))
    achieved = tuple(draw(st.lists(st.sampled_from(pool), max_size=3, unique=True)))
    achieved = tuple(r for r in achieved if r not in exclude)
    cond = Conditions(exclude=exclude, achieved=achieved, cover=tuple(sorted(cover.items())))
    return slug, cond, draw(st.sampled_from(list(Objective)))


def test_cover_matches_exact_search(cat):
    @settings(max_examples=25, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(cover_queries(cat))
    def inner(query):
        slug, cond, objective = query
        q = cat.qualifications[slug]
        result = plan(cat, q, cond, objective, explain=False)
        exact = exact_plan(cat, q, cond, objective)
        if exact.cost is None:
            assert not result.found, (slug, cond)
            return
        p = result.pathway
        assert p.cost(objective) == exact.cost[0] and p.cost(objective.other) == exact.cost[1]
        assert is_valid(cat, q, p.refs, p.achieved_refs, cond.registration_date)
        areas = p.areas()
        for area, credits in cond.cover:
            assert areas.get(area, 0) >= max(credits, 1), (area, p.refs)

    inner()


def test_catalogue_without_areas_still_loads_and_areas_says_why(tmp_catalogue, run):
    (tmp_catalogue / "areas.csv").unlink()
    (tmp_catalogue / "unit_areas.csv").unlink()
    code, out, _ = run("units", "award", "--catalogue", tmp_catalogue)
    assert code == 0 and "8605-404" in out
    code, out, err = run("areas", "--catalogue", tmp_catalogue)
    assert code == 2 and out == "" and "no skill areas" in err
    code, _, err = run("plan", "award", "--cover", "people", "--catalogue", tmp_catalogue)
    assert code == 2 and "no skill areas" in err


@pytest.mark.parametrize("args, needle", [
    (["--gaps", "people=100000000"], "from 1 to 1000"),
    (["--gaps", "people=1001"], "from 1 to 1000"),
    (["--gaps", "people=\u00b2"], "from 1 to 1000"),  # a superscript digit: isdigit() but not int
    (["--cover", "people=99999999999999999999"], "from 0 to"),
    (["--cover", "people=100000"], "from 0 to"),
])
def test_huge_numbers_are_one_line_errors(run, args, needle):
    code, out, err = run("plan", "diploma", *args)
    assert code == 2 and out == "" and needle in err and args[0] in err
    assert len(err.strip().splitlines()) == 1, err


def test_number_bounds_are_inclusive(cat):
    most = sum(f.credits for f in cat.facts.values())
    assert parse_gaps(cat, ["people=1000"]) == (("people", 1000),)
    assert parse_cover(cat, [f"people={most}"]) == (("people", most),)
    with pytest.raises(InputError, match="^cover: "):
        parse_cover(cat, [f"people={most + 1}"])


def test_an_objective_too_wide_is_an_input_error_not_an_overflow(cat):
    """Weights past the parser's bound (a library caller may build Conditions directly) would
    make the objective too wide for CP-SAT to prove exactly: the library says so as an
    InputError naming the gaps field, in plan (which solves the gaps as a stage of their own) and in
    alternatives (which folds them into one objective)."""
    from planner.questions.advise import alternatives
    from planner.questions.plan import plan

    cond = Conditions(gaps=(("people", 10**17), ("results", 10**17)))
    with pytest.raises(InputError, match="^gaps: .*too wide"):
        plan(cat, "diploma", cond)
    wide = Conditions(gaps=tuple((a, 1000) for a in ("change", "direction", "people",
                                                     "resources", "results", "self")))
    assert plan(cat, "extended-diploma", wide, "tqt").status.value == "optimal"
    with pytest.raises(InputError, match="^gaps: .*too wide"):
        alternatives(cat, "extended-diploma", wide, "tqt", 2)
