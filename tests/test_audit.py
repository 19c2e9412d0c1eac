"""``planner check``: the rule-by-rule audit against an independent reading of the specifications
(DOMAIN.md, typed into tests/exact_audit.py), and the way forward against an exact search
written without CP-SAT."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from exact_audit import completion_cost, exact_completion, spec_check, spec_refused
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.conditions import Objective
from planner.domain.errors import InputError
from planner.domain.validate import is_valid
from planner.questions.check import check, resolve_set
from planner.results.plan import Status

QUALS = ["award", "certificate", "diploma", "extended-diploma"]
DATES = [None, dt.date(2019, 3, 1), dt.date(2020, 7, 1), dt.date(2024, 9, 1)]
SUPERSEDED = ["8605-339", "8605-340", "8605-530", "8605-359", "8605-361", "8605-550"]


def valid_set(cat, slug: str, rnd: random.Random) -> list[str]:
    """A random set that the specification accepts (built greedily from the spec's figures, not
    from the planner): units in random order, added while no cap breaks, until the minima hold."""
    for _ in range(50):
        q = cat.qualifications[slug]
        pool = [r for r in sorted(q.allowed) if r not in SUPERSEDED[:3] and r != "8605-343"]
        rnd.shuffle(pool)
        chosen: list[str] = []
        mandatory = [r for rule in q.rules if rule.kind == "mandatory" for r in rule.refs]
        for ref in mandatory + pool:
            if ref in chosen:
                continue
            trial = chosen + [ref]
            checks = spec_check(cat, slug, trial)
            caps_ok = all(checks[k] or k in ("credits", "group_credits", "unit_count",
                                              "mandatory") for k in checks)
            if caps_ok and not _over_a_maximum(cat, slug, trial):
                chosen = trial
            if all(spec_check(cat, slug, chosen).values()) and rnd.random() < 0.5:
                return chosen
        if all(spec_check(cat, slug, chosen).values()):
            return chosen
    raise AssertionError("could not build a valid set")


def _over_a_maximum(cat, slug, refs) -> bool:
    from exact_audit import SPECS

    spec = SPECS[slug]
    table = cat.tables[cat.qualifications[slug].table]
    group = dict(zip(table["ref"], table["group"], strict=True))
    total = sum(cat.facts[r].credits for r in refs)
    g2 = sum(cat.facts[r].credits for r in refs if group.get(r) == 2)
    return ((spec.credits[1] is not None and total > spec.credits[1])
            or (spec.group2_credits[1] is not None and g2 > spec.group2_credits[1]))


@st.composite
def unit_sets(draw, cat):
    """Valid sets, near misses (one unit added or removed) and arbitrary sets."""
    slug = draw(st.sampled_from(QUALS))
    rnd = random.Random(draw(st.integers(0, 10**6)))
    base = valid_set(cat, slug, rnd)
    kind = draw(st.sampled_from(["valid", "add", "remove", "random"]))
    anywhere = sorted(cat.units.index)
    if kind == "add":
        extra = draw(st.sampled_from(anywhere + SUPERSEDED))
        base = base + [extra] if extra not in base else base
    elif kind == "remove" and len(base) > 1:
        base.pop(draw(st.integers(0, len(base) - 1)))
    elif kind == "random":
        base = draw(st.lists(st.sampled_from(anywhere + SUPERSEDED), min_size=1, max_size=12,
                             unique=True))
    # achieved: superseded units (which may then be claimed), or any units of the set (which the
    # way forward must keep before any planned unit)
    anyone = draw(st.booleans())
    achieved = [r for r in base if (anyone or r in SUPERSEDED) and draw(st.booleans())]
    return slug, tuple(base), tuple(achieved), draw(st.sampled_from(DATES))


def test_check_agrees_with_the_specification_on_random_sets(cat):
    seen = {True: 0, False: 0}

    @settings(max_examples=250, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(unit_sets(cat))
    def inner(case):
        slug, refs, achieved, registered = case
        r = check(cat, slug, refs, achieved=achieved, registered=registered, complete=False)
        expected = spec_check(cat, slug, refs, achieved, registered)
        assert r.valid == all(expected.values()), (case, [c.text for c in r.rules], expected)
        for kind in {c.rule.kind for c in r.rules}:
            ok = all(c.ok for c in r.rules if c.rule.kind == kind)
            assert ok == expected[kind], (case, kind)
        # a unit is listed as refused exactly when the spec refuses it on its own or in a pair
        refused = spec_refused(cat, slug, refs, achieved, registered)
        assert {x.unit for x in r.rejected} == refused, case
        assert all(x.reason for x in r.rejected)
        seen[r.valid] += 1

    inner()
    assert seen[True] > 30 and seen[False] > 30, seen  # both kinds were really tested


def test_completions_are_valid_and_match_the_exact_search(cat):
    @settings(max_examples=100, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(unit_sets(cat), st.sampled_from(list(Objective)))
    def inner(case, objective):
        slug, refs, achieved, registered = case
        q = cat.qualifications[slug]
        r = check(cat, slug, refs, achieved=achieved, registered=registered, objective=objective)
        if r.valid:
            assert r.completion is None
            return
        c = r.completion
        best, units = exact_completion(cat, q, refs, achieved, registered, objective)
        assert c is not None and c.status is Status.OPTIMAL and best is not None, case
        p = c.pathway
        date = registered or dt.date.today()
        assert is_valid(cat, q, p.refs, p.achieved_refs, date), (case, p.refs)
        assert all(spec_check(cat, slug, p.refs, p.achieved_refs, date).values()), case
        assert completion_cost(cat, refs, p.refs, objective, achieved) == best, (case, p.refs, units)
        # the parts add up: kept + added = the pathway; kept + dropped = the set
        assert set(c.keep) | set(c.add) == set(p.refs)
        assert set(c.keep) | {d.unit for d in c.drop} == set(refs)
        assert not set(c.add) & set(refs)

    inner()


def test_issue_example_diploma(cat):
    """'I have done 404 and 425 and want 420, 421 and 508: is that a Diploma?'"""
    refs = resolve_set(cat, ["404", "425", "420", "421", "508"])
    r = check(cat, "diploma", refs, achieved=refs[:2], registered=dt.date(2024, 9, 1))
    assert not r.valid
    credits = next(c for c in r.rules if c.rule.kind == "credits")
    assert (credits.ok, credits.value, credits.limit) == (False, 14, 37)
    assert r.rejected == ()
    c = r.completion
    assert c.drop == () and set(c.keep) == set(refs)
    best, _ = exact_completion(cat, cat.qualifications["diploma"], refs, refs[:2],
                               dt.date(2024, 9, 1))
    assert c.new_glh == best[2] == c.pathway.new_glh  # as plan counts it: 420, 421, 508 too


def test_refused_units_say_why(cat):
    r = check(cat, "award", resolve_set(cat, ["409", "404", "425"]))
    assert [x.unit for x in r.rejected] == ["8605-409"]
    assert "not in this qualification's list" in r.rejected[0].reason
    late = check(cat, "diploma", resolve_set(cat, ["339", "404"]), registered=dt.date(2021, 1, 1))
    (x,) = late.rejected
    assert x.unit == "8605-339" and x.instead == "8605-359" and "superseded" in x.reason
    assert "2021-01-01" in x.reason
    early = check(cat, "diploma", resolve_set(cat, ["339", "404"]),
                  registered=dt.date(2019, 1, 1), complete=False)
    assert early.rejected == ()
    # 308 is mandatory in the Extended Diploma: only 343, barred with it, is refused
    ext = check(cat, "extended-diploma", resolve_set(cat, ["308", "343", "339", "532"]))
    assert [(x.unit, x.reason) for x in ext.rejected] == [("8605-343", "barred with 308 (mandatory)")]
    assert "8605-308" in ext.completion.keep
    assert "8605-343" in {d.unit for d in ext.completion.drop}


@pytest.mark.parametrize("slug, units, outside", [
    ("award", ["501", "404", "425"], "8605-501"),
    ("extended-diploma", ["550", "308", "400"], "8605-550"),
])
def test_units_outside_the_qualification_get_their_own_line(cat, slug, units, outside):
    """A unit of no group the qualification takes units from is not blamed on the first
    allowed rule (group 1): it has its own line and reason."""
    q = cat.qualifications[slug]
    r = check(cat, slug, resolve_set(cat, units))
    first = r.rules[0]
    assert not first.ok and first.units == (outside,)
    assert first.text == f"{outside} is not a unit of the {q.name}"
    assert all(c.ok for c in r.rules if c.rule.kind == "allowed" and c is not first)
    (x,) = r.rejected
    assert x.unit == outside and x.reason.startswith(f"{outside} is not a unit of the {q.name} (")
    assert [d.unit for d in r.completion.drop] == [outside]
    assert r.completion.drop[0].reason == x.reason


def test_broken_cap_drops_the_fewest_hours(cat):
    """Certificate: group 2 credits at most 6; 501 (3 cr, 8 GLH), 502 (3, 14), 503 (4, 18)."""
    refs = resolve_set(cat, ["404", "501", "502", "503"])
    c = check(cat, "certificate", refs).completion
    assert [d.unit for d in c.drop] == ["8605-503"]
    assert "group 2 credits 10, at most 6" in c.drop[0].reason
    g = check(cat, "certificate", resolve_set(cat, ["404", "502", "503", "501"])).completion
    assert g.lost_glh == 18  # same answer whatever order the units come in
    award = check(cat, "award", resolve_set(cat, ["404", "407", "421", "425", "401"])).completion
    best, _ = exact_completion(cat, cat.qualifications["award"],
                               resolve_set(cat, ["404", "407", "421", "425", "401"]))
    assert award.lost_glh == best[0] + best[1] > 0


def test_achieved_units_are_kept_before_planned_ones(cat):
    """Certificate, group 2 credits at most 6: 503 (4 cr, 18 GLH) achieved, 501 (3, 8) and 502
    (3, 14) planned. Keeping 501 and 502 would lose the achieved 503; the way forward keeps 503
    and drops both planned units, and counts the kept planned units as new hours."""
    refs = resolve_set(cat, ["404", "425", "503", "501", "502", "420"])
    r = check(cat, "certificate", refs, achieved=("8605-503",))
    c = r.completion
    assert "8605-503" in c.keep and {d.unit for d in c.drop} == {"8605-501", "8605-502"}
    assert not any(d.achieved for d in c.drop)
    assert c.lost_glh == 8 + 14
    assert c.new_glh == c.pathway.new_glh == sum(
        cat.facts[u].glh for u in c.pathway.refs if u != "8605-503")
    best, _ = exact_completion(cat, cat.qualifications["certificate"], refs, ("8605-503",))
    assert completion_cost(cat, refs, c.pathway.refs, Objective.GLH, ("8605-503",)) == best
    assert best[0] == 0


def test_minimise_tqt_changes_the_measure(cat):
    """Each objective's completion is the exact optimum for its own measure, and the two differ
    here: the fewest GLH and the fewest TQT are different pathways."""
    refs = resolve_set(cat, ["420"])  # Award: + 404 (3 GLH, 30 TQT) or + 425 (5 GLH, 20 TQT)
    q = cat.qualifications["award"]
    glh = check(cat, "award", refs).completion
    tqt = check(cat, "award", refs, objective="tqt").completion
    assert glh.objective is Objective.GLH and tqt.objective is Objective.TQT
    for c, objective in ((glh, Objective.GLH), (tqt, Objective.TQT)):
        best, units = exact_completion(cat, q, refs, (), None, objective)
        assert completion_cost(cat, refs, c.pathway.refs, objective) == best
        assert set(c.pathway.refs) == set(units)
    assert glh.add == ("8605-404",) and tqt.add == ("8605-425",)
    assert (glh.new_glh, glh.new_tqt, tqt.new_glh, tqt.new_tqt) == (9, 60, 11, 50)


@pytest.mark.parametrize("units, message", [
    (["404", "999"], "unknown unit '999'"),
    (["404", "8605-404"], "listed twice"),
    (["404,425", "425"], "listed twice"),
])
def test_bad_sets_are_input_errors(cat, units, message):
    with pytest.raises(InputError, match=message):
        resolve_set(cat, units)


def test_empty_set_is_an_input_error(cat):
    with pytest.raises(InputError, match="at least one unit"):
        check(cat, "award", ())


# -- the command ------------------------------------------------------------------------------

def test_cli_exit_codes(run):
    assert run("check", "award", "404", "425")[0] == 0
    code, out, _ = run("check", "diploma", "404", "425", "420", "421", "508")
    assert code == 1 and "credits 14, at least 37" in out and "way forward" in out
    for args, needle in [(["404", "999"], "unknown unit '999'"),
                         (["404", "404"], "listed twice"), ([], "at least one unit")]:
        code, out, err = run("check", "diploma", *args)
        assert code == 2 and needle in err and len(err.strip().splitlines()) == 1, err
        assert out == ""


def test_cli_json_contract(run):
    code, out, _ = run("check", "award", "409", "404", "407", "421", "425", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["qualification"] == "award" and data["valid"] is False
    assert {"rule", "ok", "value", "limit", "text"} <= set(data["rules"][0])
    credits = next(x for x in data["rules"] if x["kind"] == "credits")
    assert (credits["ok"], credits["value"], credits["limit"]) == (False, 26, 12)
    assert data["rejected_units"][0]["unit"] == "8605-409"
    comp = data["completion"]
    assert comp["units"] == [] and comp["new_glh"] == 3 + 12 + 6 + 5  # 404, 407, 421, 425 kept
    assert comp["drop"] == [{"unit": "8605-409", "glh": 6, "tqt": 150, "achieved": False,
                             "reason": data["rejected_units"][0]["reason"]}]


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "html"])
def test_cli_every_format_renders(run, fmt):
    code, out, _ = run("check", "certificate", "404", "501", "502", "503", "--format", fmt)
    assert code == 1 and "8605-503" in out


def test_cli_achieved_superseded_unit_may_be_claimed(run):
    args = ("check", "diploma", "339", "--registered", "2021-01-01", "--format", "json")
    data = json.loads(run(*args)[1])
    assert data["rejected_units"][0]["instead"] == "8605-359"
    done = json.loads(run(*args, "--achieved", "339")[1])
    assert done["rejected_units"] == [] and "8605-339" in done["completion"]["keep"]


def test_hard_completion_is_proven_optimal_quickly(cat):
    """This Extended Diploma set was never proven optimal at CP-SAT's default linearization (over
    20 s); the completion solves with the full linear relaxation and proves it well within 5 s."""
    from planner.domain.conditions import SolverConfig

    refs = resolve_set(cat, "300 315 301 302 303 304 306 405 307".split())
    r = check(cat, "extended-diploma", refs, objective="tqt",
              config=SolverConfig(time_limit=5.0))
    c = r.completion
    assert c is not None and c.status is Status.OPTIMAL
    best, _ = exact_completion(cat, cat.qualifications["extended-diploma"], refs, (),
                               r.registered, Objective.TQT)
    assert completion_cost(cat, refs, c.pathway.refs, Objective.TQT) == best


def test_achieved_units_outside_the_set_are_added_with_a_note(cat, run):
    r = check(cat, "award", resolve_set(cat, ["404"]), achieved=("8605-425",))
    assert r.units == ("8605-404", "8605-425") and r.valid
    assert r.notes == ("achieved 8605-425 is not among the units given: added to the set as "
                       "achieved",)
    assert check(cat, "award", resolve_set(cat, ["404", "425"]), achieved=("8605-425",)).notes == ()


def test_one_unit_is_singular(run):
    code, out, _ = run("check", "award", "404")
    assert code == 1 and ": 1 unit, not a valid pathway" in out
    assert ": 2 units, a valid pathway" in run("check", "award", "404", "425")[1]
    assert run("units", "award", "--search", "407")[1].splitlines()[0].endswith(": 1 unit")


@pytest.mark.parametrize("slug, units, achieved, objective", [
    # one objective folded from all six terms reached 10^16 here, past the precision of
    # CP-SAT's floating-point bounds: it proved 'optimal' an answer one rank unit off
    ("diploma", "300 420 502 413 307 331 303 339 301 302 519 526", ("8605-519",), Objective.TQT),
    # solving each term alone left the fourth stage (TQT with the new GLH fixed) unsolved
    ("extended-diploma", "300", (), Objective.GLH),
])
def test_wide_objectives_are_solved_exactly_in_stages(cat, slug, units, achieved, objective):
    refs = resolve_set(cat, units.split())
    c = check(cat, slug, refs, achieved=achieved, objective=objective).completion
    best, _ = exact_completion(cat, cat.qualifications[slug], refs, achieved, None, objective)
    assert c.status is Status.OPTIMAL
    assert completion_cost(cat, refs, c.pathway.refs, objective, achieved) == best
