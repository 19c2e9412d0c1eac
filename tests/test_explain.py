"""Why no pathway exists: every infeasible plan gets reasons naming the user's conditions and the
rules they clash with; each reason is a real, irreducible conflict, held to the exact search of
tests/exact.py (no CP-SAT): its conditions alone admit no pathway, and dropping any one of them
admits one; dropping every named condition admits one too."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from exact import exact_plan
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.conditions import Conditions
from planner.domain.rules import AllowedUnits
from planner.questions.plan import plan
from planner.results.plan import Status
from planner.solver.explain import MAX_REASONS, explain_infeasible, find_conflicts, relax

QUALS = ["award", "certificate", "diploma", "extended-diploma"]
SUPERSEDED = ["8605-339", "8605-340", "8605-530", "8605-359", "8605-361", "8605-550"]
EARLY = dt.date(2019, 1, 1)
AREAS = ["people", "self", "direction", "change", "results", "resources"]


_FEASIBLE: dict = {}


def feasible(cat, qual, cond) -> bool:
    """Whether any pathway exists, by the exact search (memoised: the checks below ask the same
    question often)."""
    key = (qual.slug, tuple(id(r) for r in qual.rules), cond)
    if key not in _FEASIBLE:
        _FEASIBLE[key] = exact_plan(cat, qual, cond).cost is not None
    return _FEASIBLE[key]


def only(qual, cond: Conditions, conflict) -> Conditions:
    """The user's conditions cut down to those the conflict names (achieved units stay: they are
    facts, not conditions; the registration date is moved before every cutoff unless named)."""
    named = {s.label for s in conflict.conditions}
    keep = {(s.field, s.value) for s in conflict.conditions}
    registered = cond.registered if any(s.field == "registered" for s in conflict.conditions) \
        else EARLY
    return dataclasses.replace(
        cond,
        include=tuple(r for r in cond.include if ("include", r) in keep),
        exclude=tuple(r for r in cond.exclude if ("exclude", r) in keep),
        glh_max=cond.glh_max if f"glh_max {cond.glh_max}" in named else None,
        max_units=cond.max_units if f"max_units {cond.max_units}" in named else None,
        cover=tuple((a, n) for a, n in cond.cover if ("cover", f"{a}={n}" if n else a) in keep),
        registered=registered)


def assert_explained(cat, slug: str, cond: Conditions) -> list:
    """The properties every explanation must have (see the module docstring)."""
    q = cat.qualifications[slug]
    result = plan(cat, q, cond)
    assert result.status is Status.INFEASIBLE
    conflicts = find_conflicts(cat, q, cond, limit=MAX_REASONS + 1)[:MAX_REASONS]
    assert conflicts and len(result.reasons) == len(conflicts)
    relaxed_all = cond
    for conflict, reason in zip(conflicts, result.reasons, strict=True):
        assert reason.conditions == tuple(s.label for s in conflict.conditions)
        assert reason.conditions, "the catalogue's rules alone never conflict"
        # no rule is named when the conditions clash on their own (include 400 glh_max 10)
        assert all(r in {x.describe() for x in q.rules} for r in reason.rules)
        alone = only(q, cond, conflict)
        assert not feasible(cat, q, alone), (slug, cond, reason)
        for s in conflict.conditions:
            assert feasible(cat, q, relax(q, alone, s)), (slug, cond, reason, s.label)
            relaxed_all = relax(q, relaxed_all, s)
        assert_rules_irreducible(cat, q, alone, conflict)
    everything = find_conflicts(cat, q, cond, limit=100)
    if len(everything) <= MAX_REASONS:  # every conflict is listed: one condition of each fixes it
        assert everything == conflicts
        # (with more conflicts than are listed, dropping all named conditions need not do: an
        # unlisted one may remain, e.g. seven group 2 units asked of an Award)
        assert feasible(cat, q, relaxed_all), (slug, cond, result.reasons)
        for pick in (0, -1):
            fixed = cond
            for conflict in conflicts:
                fixed = relax(q, fixed, conflict.conditions[pick])
            assert feasible(cat, q, fixed), (slug, cond, result.reasons, pick)
    else:
        assert "more conflicts exist" in result.reasons[-1].text
    return conflicts


def assert_rules_irreducible(cat, q, alone: Conditions, conflict) -> None:
    """With only the named rules (and the lists of allowed units, which the exact search needs
    to know the candidates) there is no pathway; without any one named rule there is one.
    Checked when every unit asked for is on the lists, where the lists constrain nothing."""
    if not set(alone.include) <= set(q.allowed):
        return
    allowed = tuple(r for r in q.rules if isinstance(r, AllowedUnits))
    named = [s.rule for s in conflict.rules if not isinstance(s.rule, AllowedUnits)]
    assert not feasible(cat, dataclasses.replace(q, rules=allowed + tuple(named)), alone)
    for rule in named:
        fewer = allowed + tuple(r for r in named if r is not rule)
        assert feasible(cat, dataclasses.replace(q, rules=fewer), alone), (alone, rule)


# -- the examples, word for word -------------------------------------------------------

def test_include_409_in_an_award(cat):
    (r,) = plan(cat, "award", Conditions(include=("8605-409",))).reasons
    assert r.text == ("include 409 conflicts with the Award's rule "
                      "'group 1 units 400-408, 410-427 only'")
    assert r.conditions == ("include 409",)
    assert r.rules == ("group 1 units 400-408, 410-427 only",)


def test_glh_max_below_the_shortest_award(cat):
    (r,) = plan(cat, "award", Conditions(glh_max=7)).reasons
    assert r.text == "glh_max 7 is below the shortest Award (8 GLH)"
    assert plan(cat, "award").pathway.new_glh == 8  # the figure is the real optimum
    assert_explained(cat, "award", Conditions(glh_max=7))


@pytest.mark.parametrize("slug, kwargs, needles", [
    ("award", dict(include=["409"], glh_max=7), ["include 409", "glh_max 7"]),
    ("award", dict(max_units=1), ["max_units 1 is below the fewest units of any Award (2)"]),
    ("diploma", dict(include=["339"], registered="2021-01-01"),
     ["include 339 and registered 2021-01-01", "take 359 instead of 339"]),
    ("diploma", dict(include=["339"]), ["(today, the default)"]),
    ("diploma", dict(include=["508", "509"], glh_max=40),
     ["glh_max 40 is below the shortest Diploma with include 508 (41 GLH)"]),
    ("certificate", dict(include=["501", "502", "503"]),
     ["'group 2 credits at most 6' (group 2 credits "]),
    ("award", dict(include=["404", "407", "421", "401"]),
     ["include 404,407,421,401 together conflict", "(credits 13, at most 12)"]),
    ("extended-diploma", dict(exclude=["532"]),
     ["exclude 532 conflicts with the Extended Diploma's rule 'mandatory units"]),
    ("extended-diploma", dict(include=["343"]), ["never together: 308 and 343"]),
    ("award", dict(include=["501"]), ["include 501: 8605-501 is not a unit of the ILM Level 4 "
                                      "Award in Leadership and Management (the qualification "
                                      "takes no units from group 2"]),
    ("extended-diploma", dict(include=["550"]), ["include 550: 8605-550 is not a unit of the "
                                                 "ILM Level 4 Extended Diploma", "unit table)"]),
    ("diploma", dict(achieved=["404"], include=["508", "509"], glh_max=38), ["new GLH"]),
])
def test_worded_reasons(cat, slug, kwargs, needles):
    cond = Conditions.from_user(cat, **kwargs)
    result = plan(cat, slug, cond)
    text = " | ".join(r.text for r in result.reasons)
    for needle in needles:
        assert needle in text, text
    conflicts = assert_explained(cat, slug, cond)
    if len(conflicts) == 1:  # one conflict: dropping any named condition is enough
        q = cat.qualifications[slug]
        for s in conflicts[0].conditions:
            assert plan(cat, q, relax(q, cond, s), explain=False).status is Status.OPTIMAL


@pytest.mark.parametrize("slug, unit", [("award", "8605-501"), ("extended-diploma", "8605-550")])
def test_a_unit_outside_the_qualification_blames_no_rule(cat, slug, unit):
    """Units of no group the qualification takes units from are not blamed on its first allowed
    rule: the reason says the unit is not the qualification's, and names no rule."""
    (r,) = plan(cat, slug, Conditions(include=(unit,))).reasons
    assert r.rules == () and r.conditions == (f"include {unit[5:]}",)
    assert f"{unit} is not a unit of the {cat.qualifications[slug].name}" in r.text
    # planning is unchanged: such a unit is never counted, even when achieved
    result = plan(cat, slug, Conditions(achieved=(unit,)))
    assert unit not in result.pathway.refs
    assert any(f"achieved {unit} is ignored" in n for n in result.notes)


def test_cover_reason_gives_the_figure(cat):
    """Like a ceiling, an unmet cover says how much the qualification can offer: the figure is
    the true maximum (9 credits of change in an Award: 9 can be covered, 10 cannot)."""
    (r,) = plan(cat, "award", Conditions.from_user(cat, cover=["change=20"])).reasons
    assert r.text == ("cover change=20 asks for 20 credits of Facilitating innovation and "
                      "change; the Award's units in that area offer at most 9")
    q = cat.qualifications["award"]
    assert feasible(cat, q, Conditions(cover=(("change", 9),)))
    assert not feasible(cat, q, Conditions(cover=(("change", 10),)))
    (r,) = plan(cat, "award", Conditions.from_user(cat, cover=["change=8"],
                                                    include=["401"])).reasons
    assert r.text.endswith("with include 401, the Award's units in that area offer at most 6 "
                           "under the Award's rule 'credits 5 to 12'")
    (r,) = plan(cat, "award", Conditions.from_user(cat, cover=["change"],
                                                    exclude=["417", "427"])).reasons
    assert "asks for a unit of Facilitating innovation and change" in r.text


def test_more_conflicts_than_listed(cat):
    """Seven units outside the Award, seven conflicts: six are listed and the last reason says
    there are more (dropping the six named conditions leaves the seventh)."""
    cond = Conditions.from_user(cat, include=[str(n) for n in range(501, 508)])
    reasons = plan(cat, "award", cond).reasons
    assert len(reasons) == MAX_REASONS == 6
    assert "more conflicts exist among these conditions; only 6 are listed" in reasons[-1].text
    assert_explained(cat, "award", cond)


def test_two_independent_conflicts_give_two_reasons(cat):
    cond = Conditions(include=("8605-409",), glh_max=7)
    reasons = plan(cat, "award", cond).reasons
    assert [r.conditions for r in reasons] == [("include 409",), ("glh_max 7",)]


def test_feasible_plans_have_no_reasons(cat):
    assert explain_infeasible(cat, cat.qualifications["diploma"], Conditions()) == ()
    assert plan(cat, "diploma").reasons == ()


# -- random infeasible questions --------------------------------------------------------------

@st.composite
def hard_queries(draw, cat):
    """Questions that are often infeasible: units from anywhere, tight ceilings, superseded
    units, excluded mandatory units."""
    slug = draw(st.sampled_from(QUALS))
    q = cat.qualifications[slug]
    anywhere = sorted(cat.units.index)
    pool = sorted(q.allowed)
    unit = st.one_of(st.sampled_from(pool), st.sampled_from(anywhere), st.sampled_from(SUPERSEDED))
    include = draw(st.lists(unit, max_size=5, unique=True))
    exclude = [u for u in draw(st.lists(st.sampled_from(pool), max_size=4, unique=True))
               if u not in include]
    achieved = draw(st.lists(st.sampled_from(SUPERSEDED + pool), max_size=3, unique=True))
    glh_max = draw(st.one_of(st.none(), st.integers(0, 60)))
    max_units = draw(st.one_of(st.none(), st.integers(1, 6)))
    registered = draw(st.sampled_from([None, EARLY, dt.date(2022, 5, 1)]))
    # one --cover at most, of few credits: each bound multiplies the exact search's states
    cover = ((draw(st.sampled_from(AREAS)), draw(st.sampled_from([0, 3, 10]))),) \
        if draw(st.booleans()) else ()
    return slug, Conditions(include=tuple(include), exclude=tuple(exclude),
                            achieved=tuple(achieved), glh_max=glh_max, max_units=max_units,
                            registered=registered, cover=cover)


def test_random_infeasible_plans_are_explained(cat):
    explained = []

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(hard_queries(cat))
    def inner(query):
        slug, cond = query
        q = cat.qualifications[slug]
        if feasible(cat, q, cond):
            assert plan(cat, q, cond, explain=False).status is Status.OPTIMAL
            return
        explained.append(len(assert_explained(cat, slug, cond)))

    inner()
    assert len(explained) > 30, explained  # enough infeasible questions were really tested
    assert any(n > 1 for n in explained)


# -- the command ------------------------------------------------------------------------------

def test_plan_json_carries_the_reasons(run):
    code, out, _ = run("plan", "award", "--include", "409", "--glh-max", "7", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["status"] == "infeasible"
    assert [r["conditions"] for r in data["reasons"]] == [["--include 409"], ["--glh-max 7"]]
    assert data["reasons"][0]["rules"] == ["group 1 units 400-408, 410-427 only"]
    assert "below the shortest Award (8 GLH)" in data["reasons"][1]["text"]


def test_plan_table_shows_the_reasons(run):
    code, out, _ = run("plan", "award", "--include", "409")
    assert code == 1 and "no pathway: --include 409 conflicts with the Award's rule" in out


def test_reasons_name_fields_as_the_caller_names_them(cat):
    """The library knows no front end: the caller's naming function decides every field's word
    (here a web API's camelCase JSON fields), in the text, the conditions and the hints."""
    camel = {"include": "include", "glh_max": "glhMax", "registered": "registeredOn"}.get
    r1, r2 = plan(cat, "award", Conditions(include=("8605-409",), glh_max=7),
                  names=camel).reasons
    assert r1.conditions == ("include 409",) and r2.conditions == ("glhMax 7",)
    assert r2.text == "glhMax 7 is below the shortest Award (8 GLH)"
    (r,) = plan(cat, "diploma", Conditions.from_user(cat, include=["339"],
                                                     registered="2021-01-01"),
                names=camel).reasons
    assert "include 339 and registeredOn 2021-01-01 together conflict" in r.text
    assert "or give registeredOn before 2020-07-01" in r.text


def test_plan_table_names_the_flags_of_every_condition(run):
    code, out, _ = run("plan", "diploma", "--include", "339", "--registered", "2021-01-01")
    assert code == 1
    assert "--include 339 and --registered 2021-01-01 together conflict" in out
    assert "or give --registered before 2020-07-01" in out


def test_same_question_same_reasons(cat):
    cond = Conditions.from_user(cat, include=["404", "407", "421", "401", "420"], glh_max=9)
    answers = {plan(cat, "award", cond).reasons for _ in range(3)}
    assert len(answers) == 1


def test_a_cut_short_enumeration_says_so(cat, monkeypatch):
    import planner.solver.explain as explain

    monkeypatch.setattr(explain, "MAX_ROUNDS", 1)
    cond = Conditions.from_user(cat, include=["501", "502", "503"])
    reasons = explain_infeasible(cat, cat.qualifications["certificate"], cond)
    assert len(reasons) == 1 and "more conflicts may exist" in reasons[0].text
    assert "only 1 is listed" in reasons[0].text
