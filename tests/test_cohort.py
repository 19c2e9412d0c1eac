"""Cohort programmes: reading the learners CSV, and the CP-SAT optimum against a brute force."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.catalogue import load_catalogue
from planner.domain.conditions import SolverConfig
from planner.domain.errors import InputError
from planner.domain.validate import is_valid
from planner.io.learners import read_learners
from planner.questions.cohort import plan_cohort
from planner.results.cohort import Learner
from planner.results.plan import Status

# -- a small catalogue where brute force over every delivery set is cheap ----------------------

SMALL_UNITS = 8


def write_small_catalogue(root: Path, seed: int) -> Path:
    """Eight units in two groups with random credits and GLH, one qualification with a credit
    range, a group-2 ceiling, a unit minimum and a barred pair, and the six areas."""
    rng = random.Random(seed)
    (root / "tables").mkdir(parents=True)
    (root / "qualifications").mkdir()
    rows = ["ref,title,level,credits,glh,group"]
    for i in range(SMALL_UNITS):
        rows.append(f"8605-9{i:02d},Unit {i},4,{rng.randint(1, 6)},{rng.randint(2, 20)},"
                    f"{1 if i < 5 else 2}")
    (root / "tables" / "small.csv").write_text("\n".join(rows) + "\n")
    (root / "qualifications" / "small.toml").write_text(f'''
slug = "small"
name = "Small test qualification"
accreditation = "000/0000/0"
table = "small"
level = 4
order = 1
specification = "none"

[[rules]]
kind = "allowed"
group = 1
units = "900-904"
source = "test"

[[rules]]
kind = "allowed"
group = 2
units = "905-907"
source = "test"

[[rules]]
kind = "credits"
min = {rng.randint(4, 8)}
max = 14
source = "test"

[[rules]]
kind = "group_credits"
group = 2
max = 6
source = "test"

[[rules]]
kind = "unit_count"
min = 2
source = "test"

[[rules]]
kind = "barred"
units = "901, 906"
source = "test"

[[rules]]
kind = "superseded"
cutoff = "2020-07-01"
pairs = [["8605-902", "8605-903"]]
source = "test"
''')
    areas = ["people", "self", "direction", "change", "results", "resources"]
    (root / "areas.csv").write_text("id,name\n" + "\n".join(f"{a},{a.title()}" for a in areas)
                                    + "\n")
    tags = ["ref,title,areas,rationale"]
    for i in range(SMALL_UNITS):
        tags.append(f"8605-9{i:02d},Unit {i},{areas[i % 6]},test")
    (root / "unit_areas.csv").write_text("\n".join(tags) + "\n")
    return root


def covers(cat, refs, cover) -> bool:
    """Whether the units meet every --cover condition, from the unit facts."""
    for area, credits in cover:
        tagged = [r for r in refs if area in cat.facts[r].areas]
        if (credits and sum(cat.facts[r].credits for r in tagged) < credits) or not tagged:
            return False
    return True


def learner_options(cat, qual, learner: Learner, pool: tuple[str, ...], cover=()):
    """Every valid pathway of one learner: (new units, new GLH) for each unit set."""
    achieved = set(learner.achieved) & set(qual.allowed)
    out = []
    for k in range(len(pool) + 1):
        for refs in itertools.combinations(pool, k):
            s = set(refs)
            if not set(learner.include) <= s or s & set(learner.exclude):
                continue
            if not covers(cat, s, cover):
                continue
            if is_valid(cat, qual, s, achieved & s, learner.registered):
                new = frozenset(s - achieved)
                out.append((new, sum(cat.facts[r].glh for r in new)))
    return out


def brute_force(cat, qual, learners, cover=()):
    """(delivery GLH, learners' new GLH) of the best programme, or None when there is none.

    The best delivery GLH is the least GLH of a delivery set D within which every learner has a
    valid pathway; then each learner takes their cheapest pathway inside such a D."""
    pool = tuple(sorted(qual.allowed))
    options = [learner_options(cat, qual, lr, pool, cover) for lr in learners]
    if any(not o for o in options):
        return None
    best = None
    for k in range(len(pool) + 1):
        for d in itertools.combinations(pool, k):
            ds = set(d)
            costs = [min((g for new, g in o if new <= ds), default=None) for o in options]
            if None in costs:
                continue
            key = (sum(cat.facts[r].glh for r in ds), sum(costs))
            best = key if best is None or key < best else best
    return best


@st.composite
def cohorts(draw):
    refs = [f"8605-9{i:02d}" for i in range(SMALL_UNITS)]
    n = draw(st.integers(1, 4))
    out = []
    for i in range(n):
        achieved = draw(st.lists(st.sampled_from(refs), max_size=2, unique=True))
        include = draw(st.lists(st.sampled_from(refs), max_size=1, unique=True))
        exclude = [r for r in draw(st.lists(st.sampled_from(refs), max_size=2, unique=True))
                   if r not in include]
        # the small qualification's superseded pair 902 -> 903 applies from 2020-07-01
        registered = draw(st.sampled_from([None, dt.date(2019, 1, 1)]))
        out.append(Learner(f"L{i}", tuple(achieved), registered, tuple(include),
                           tuple(exclude), line=i + 2))
    cover = draw(st.dictionaries(st.sampled_from(["people", "self", "direction"]),
                                 st.sampled_from([0, 0, 3]), max_size=2))
    return out, tuple(sorted(cover.items()))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cohort_optimum_matches_brute_force(tmp_path, seed):
    cat = load_catalogue(write_small_catalogue(tmp_path / "cat", seed))
    qual = cat.qualification("small")

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(cohorts())
    def inner(case):
        learners, cover = case
        result = plan_cohort(cat, qual, learners, cover, config=SolverConfig(time_limit=10))
        expected = brute_force(cat, qual, learners, cover)
        if expected is None:  # some learner has no pathway: skipped, the others planned
            stuck = {e.line for e in result.errors}
            assert stuck and all(brute_force(cat, qual, [lr], cover) is None
                                 for lr in learners if lr.line in stuck)
            left = [lr for lr in learners if lr.line not in stuck]
            assert brute_force(cat, qual, left, cover) is not None or not left
            if not left:
                assert result.status is Status.INFEASIBLE
                return
            learners = left
            expected = brute_force(cat, qual, learners, cover)
        seen["cases"] += 1
        seen["cover"] += bool(cover)
        seen["early"] += any(lr.registered for lr in learners)
        assert result.status is Status.OPTIMAL
        assert (result.delivery_glh, result.learners_new_glh) == expected
        assert result.gap == 0
        check_programme(cat, qual, result, cover)

    seen = {"cases": 0, "cover": 0, "early": 0}
    inner()
    assert min(seen.values()) > 5, seen


@pytest.mark.parametrize("seed", [1, 2])
def test_repeated_learners_match_brute_force(tmp_path, seed):
    """Learners asking the same question are one weighted member of the model (issue 17): the
    optimum stays the brute force's over every learner, copies included."""
    cat = load_catalogue(write_small_catalogue(tmp_path / "cat", seed))
    qual = cat.qualification("small")

    @settings(max_examples=30, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(cohorts(), st.lists(st.integers(1, 6), min_size=4, max_size=4))
    def inner(case, copies):
        distinct, cover = case
        learners = [Learner(f"{lr.id}-{j}", lr.achieved, lr.registered, lr.include,
                            lr.exclude, line=len(distinct) * j + i + 2)
                    for i, lr in enumerate(distinct) for j in range(copies[i])]
        expected = brute_force(cat, qual, learners, cover)
        if expected is None:
            return
        seen.append(len(learners))
        result = plan_cohort(cat, qual, learners, cover, config=SolverConfig(time_limit=10))
        assert result.status is Status.OPTIMAL
        assert (result.delivery_glh, result.learners_new_glh) == expected
        check_programme(cat, qual, result, cover)

    seen: list[int] = []
    inner()
    assert len(seen) > 10 and max(seen) > 10, seen


def test_a_thousand_award_learners_are_proven_optimal(cat):
    """Issue 17: 1,000 Award learners were 'feasible, bound 0' after 30 s. All asking the same
    question, the programme is that question's own best pathway (exact: delivering it once is
    the least any of them needs); drawn from a few questions, it is proven optimal and no
    cheaper than the dearest of them alone."""
    from planner.questions.plan import plan

    award = cat.qualification("award")
    same = plan_cohort(cat, award, [Learner(f"s{i}") for i in range(1000)])
    alone = plan(cat, award).pathway
    assert same.status is Status.OPTIMAL and same.gap == 0
    assert (same.delivery_glh, same.learners_new_glh) == (alone.new_glh, 1000 * alone.new_glh)
    rng = random.Random(17)
    pool = sorted(award.allowed)
    questions = [tuple(sorted(rng.sample(pool, rng.randint(0, 2)))) for _ in range(12)]
    learners = [Learner(f"m{i}", rng.choice(questions)) for i in range(1000)]
    mixed = plan_cohort(cat, award, learners)
    assert mixed.status is Status.OPTIMAL and mixed.gap == 0
    assert mixed.delivery_glh >= max(plan(cat, award, lr.conditions()).pathway.new_glh
                                     for lr in learners)
    check_programme(cat, award, mixed)


def test_a_learner_without_a_pathway_is_a_bad_row_and_the_others_are_planned(tmp_path):
    cat = load_catalogue(write_small_catalogue(tmp_path / "cat", 1))
    learners = [Learner("ok", line=2), Learner("stuck", include=("8605-901", "8605-906"), line=3),
                Learner("fine", line=4)]
    assert brute_force(cat, cat.qualification("small"), learners) is None
    result = plan_cohort(cat, "small", learners, source="l.csv")
    assert result.status is Status.OPTIMAL
    assert [p.learner.id for p in result.plans] == ["ok", "fine"]
    assert (result.delivery_glh, result.learners_new_glh) == brute_force(
        cat, cat.qualification("small"), [learners[0], learners[2]])
    (e,) = result.errors
    assert (e.file, e.line, e.field) == ("l.csv", 3, None)
    assert e.message.startswith("learner stuck has no valid pathway of their own: ")
    assert "901" in e.message and "906" in e.message  # the reason names the conflict
    with pytest.raises(InputError, match="l.csv, line 3: learner stuck"):
        plan_cohort(cat, "small", learners, source="l.csv", strict=True)
    nobody = plan_cohort(cat, "small", [learners[1]])
    assert nobody.status is Status.INFEASIBLE and nobody.plans == () and len(nobody.errors) == 1
    assert any("no programme exists" in n for n in nobody.notes)


def test_cli_cohort_skips_a_learner_without_a_pathway(run, tmp_path):
    path = tmp_path / "learners.csv"
    path.write_text("id,include\nann,\nbob,409\ncid,404\n")
    code, out, err = run("cohort", "award", path, "--format", "json")
    data = json.loads(out)
    assert code == 2 and [x["id"] for x in data["learners"]] == ["ann", "cid"]
    assert data["status"] == "optimal" and data["errors"][0]["line"] == 3
    # the learner's reason names the file's column, not a flag (issue 14)
    assert "line 3: learner bob has no valid pathway of their own: include 409 conflicts" in err
    assert "--include" not in err
    code, out, err = run("cohort", "award", path, "--strict")
    assert code == 2 and out == "" and "line 3: learner bob" in err
    assert len(err.strip().splitlines()) == 1


def check_programme(cat, qual, result, cover=()):
    """Every learner's pathway is valid and meets their conditions; deliveries are exactly the
    units some learner takes as new, each counted once."""
    attend: dict[str, set[str]] = {}
    for plan in result.plans:
        lr, p = plan.learner, plan.pathway
        assert is_valid(cat, qual, p.refs, p.achieved_refs, lr.registered), lr
        assert set(lr.include) <= set(p.refs) and not set(lr.exclude) & set(p.refs)
        assert covers(cat, p.refs, cover), (lr, cover)
        assert set(p.achieved_refs) <= set(lr.achieved)
        for r in p.new_refs:
            attend.setdefault(r, set()).add(lr.id)
    assert {d.ref: set(d.learners) for d in result.deliveries} == attend
    assert result.delivery_glh == sum(cat.facts[r].glh for r in attend)


def test_diploma_cohort_with_cover_is_valid_and_shares_units(cat):
    learners = [Learner("a"), Learner("b", achieved=("8605-409",)),
                Learner("c", include=("8605-420",))]
    result = plan_cohort(cat, "diploma", learners, cover=["people", "results=4"])
    assert result.status is Status.OPTIMAL
    check_programme(cat, cat.qualification("diploma"), result)
    for plan in result.plans:
        areas = plan.pathway.areas()
        assert areas.get("results", 0) >= 4 and areas.get("people", 0) >= 1
    # one shared programme costs no more than the largest single pathway plus the extras
    assert result.delivery_glh <= sum(p.pathway.new_glh for p in result.plans)


def test_same_cohort_same_programme(cat):
    learners = [Learner(f"m{i}") for i in range(3)]
    a = plan_cohort(cat, "certificate", learners).to_dict()
    b = plan_cohort(cat, "certificate", learners).to_dict()
    assert a == b


def test_time_limit_reports_a_gap_or_optimum(cat):
    """CP-SAT's deterministic time limit (reproducible, unlike seconds) stops the search at each
    point: before any programme (unknown), after a valid one whose delivery GLH is not proven
    (feasible, with a true lower bound), or at the optimum."""
    rng = random.Random(5)
    pool = sorted(cat.qualification("diploma").allowed)
    learners = [Learner(f"x{i}", tuple(rng.sample(pool, 3))) for i in range(12)]

    def run(limit: float | None):
        extra = {"max_deterministic_time": limit} if limit else {}
        return plan_cohort(cat, "diploma", learners, config=SolverConfig(60, extra=extra))

    best = run(None)
    assert best.status is Status.OPTIMAL and best.gap == 0
    early = run(0.05)  # (deterministic: without presolve, nothing is found by 0.02)
    assert early.status is Status.FEASIBLE
    assert early.bound is not None and early.bound <= best.delivery_glh < early.delivery_glh
    assert early.gap == early.delivery_glh - early.bound > 0
    assert any("delivery GLH is not proven optimal" in n for n in early.notes)
    check_programme(cat, cat.qualification("diploma"), early)
    none = run(1e-6)
    assert none.status is Status.UNKNOWN and none.plans == () and none.delivery_glh is None
    assert any("before any programme was found" in n for n in none.notes)


# -- the learners CSV ---------------------------------------------------------------------------

BAD_CSV = """id,achieved,registered,include,exclude
ann,404 425,2019-05-01,,
bob,999,,,
,404,,,
ann,,,,
cat,,2020-13-01,,
dan,"409,420",,420,
eve,,,420,420
"""


def test_bad_rows_are_reported_by_line_and_good_rows_kept(cat, tmp_path):
    path = tmp_path / "learners.csv"
    path.write_text(BAD_CSV)
    learners, errors = read_learners(path, cat)
    assert [lr.id for lr in learners] == ["ann", "dan"]
    assert learners[0].achieved == ("8605-404", "8605-425")
    assert str(learners[0].registered) == "2019-05-01"
    assert [(e.line, e.field) for e in errors] == [
        (3, "achieved"), (4, "id"), (5, "id"), (6, "registered"), (8, "exclude")]
    assert "999" in errors[0].message and "duplicate" in errors[2].message
    with pytest.raises(InputError, match=r"line 3, column 'achieved'"):
        read_learners(path, cat, strict=True)


def test_rows_are_named_by_the_line_they_start_on(cat, tmp_path):
    """A quoted cell may span lines (csv.reader, not str.splitlines): later rows keep their real
    line numbers; a malformed row or one with more cells than columns is a bad row of its own."""
    path = tmp_path / "learners.csv"
    path.write_text('id,achieved\nann,"404\n425"\nbob,999\ncat,"404"x\n'
                    'dan,404,extra\neve,"420,\n\n421"\nfay,\n', newline="")
    learners, errors = read_learners(path, cat)
    assert [(lr.id, lr.line) for lr in learners] == [("ann", 2), ("eve", 7), ("fay", 10)]
    assert learners[0].achieved == ("8605-404", "8605-425")
    assert learners[1].achieved == ("8605-420", "8605-421")
    assert [(e.line, e.field) for e in errors] == [(4, "achieved"), (5, None), (6, None)]
    assert "not a valid CSV row" in errors[1].message
    assert errors[2].message == "3 cells but the header names 2 columns"
    with pytest.raises(InputError, match=r"line 4, column 'achieved'"):
        read_learners(path, cat, strict=True)


@pytest.mark.parametrize("text, needle", [
    ('id,achieved\nann,404\nbob,"404\ncat,425\n', r"line 3: a quote opened in this record is "
                                                   "never closed"),
    ("id,achieved,ID\nann,404,\n", r"line 1: column 'id' is named twice"),
    ("id,achieved\nann,404\n", None),
])
def test_whole_file_errors(cat, tmp_path, text, needle):
    """An unterminated quote would silently merge every later row into one cell; a repeated
    column would silently let one cell win: both are fatal, naming the line."""
    path = tmp_path / "learners.csv"
    path.write_text(text, newline="")
    if needle is None:
        assert [lr.id for lr in read_learners(path, cat)[0]] == ["ann"]
        return
    with pytest.raises(InputError, match=needle):
        read_learners(path, cat)


def test_a_file_not_in_utf8_is_one_error(cat, tmp_path):
    path = tmp_path / "learners.csv"
    path.write_bytes("id\nJos\u00e9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_learners(path, cat)


def test_header_must_name_known_columns(cat, tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("name,achieved\nann,404\n")
    with pytest.raises(InputError, match="line 1: unknown column 'name'"):
        read_learners(path, cat)


def test_cli_cohort_delivers_good_rows_and_exits_2(run, tmp_path):
    path = tmp_path / "learners.csv"
    path.write_text(BAD_CSV)
    code, out, err = run("cohort", "award", path, "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert [x["id"] for x in data["learners"]] == ["ann", "dan"]
    assert data["status"] == "optimal" and len(data["errors"]) == 5
    assert "line 3, column 'achieved'" in err and "Traceback" not in err
    code, out, err = run("cohort", "award", path, "--strict")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "line 3" in err


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "html"])
def test_cli_cohort_formats(run, tmp_path, fmt):
    path = tmp_path / "learners.csv"
    path.write_text("id\nann\nbob\n")
    code, out, _ = run("cohort", "award", path, "--cover", "dir", "--format", fmt)
    assert code == 0 and "ann" in out


# -- every condition of plan: a learners column and a cohort option (issue 15) ------------------

def test_every_condition_of_plan_is_a_learners_column():
    from planner.cli.common import CONDITION_OPTIONS
    from planner.io.learners import COLUMNS

    assert set(CONDITION_OPTIONS) - {"minimise", "time_limit"} <= set(COLUMNS)


def test_learners_own_conditions_and_the_cohorts_hold_together(cat, tmp_path, run):
    """Each learner's columns and the cohort-wide options both bind every pathway."""
    from planner.domain.conditions import Conditions
    from planner.domain.validate import check_conditions

    csv = tmp_path / "l.csv"
    csv.write_text("id,achieved,glh_max,max_units,cover,gaps\n"
                   "ann,404,,,people=6,\n"
                   "bob,,60,9,,results=2\n"
                   "cy,,,,,\n", encoding="utf-8")
    code, out, err = run("cohort", "diploma", csv, "--exclude", "409", "--cover", "direction",
                         "--max-units", "10", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    group, errors = read_learners(csv, cat)
    assert not errors
    shared = Conditions.from_user(cat, exclude=["409"], cover=["direction"], max_units=10)
    own = {x.id: x.conditions(shared) for x in group}
    assert own["bob"].max_units == 9 and own["ann"].max_units == 10  # the smaller ceiling
    assert own["ann"].cover == (("direction", 0), ("people", 6))
    for x in data["learners"]:
        p = x["pathway"]
        assert is_valid(cat, cat.qualification("diploma"), p["units"], p["achieved"])
        assert check_conditions(cat, p["units"], own[x["id"]]) == [], x["id"]
    bob = next(x for x in data["learners"] if x["id"] == "bob")["pathway"]
    assert any("results" in u["areas"] for u in bob["unit_details"])  # the gap closed


def test_cohort_gaps_come_first_as_in_plan(cat):
    """With skills gaps a learner closes as much weight as plan would on their own."""
    from planner.domain.conditions import Conditions
    from planner.questions.plan import plan

    learners = [Learner("a", gaps=(("direction", 5), ("change", 1))), Learner("b")]
    res = plan_cohort(cat, "award", learners, config=SolverConfig(time_limit=30))
    assert res.status is Status.OPTIMAL
    single = plan(cat, "award", Conditions(gaps=learners[0].gaps))
    got = {p.learner.id: p.pathway for p in res.plans}
    closed = {a for u in got["a"].units for a in u.areas}
    best = {a for u in single.pathway.units for a in u.areas}
    weight = dict(learners[0].gaps)
    assert sum(weight.get(a, 0) for a in closed) == sum(weight.get(a, 0) for a in best) > 0


@pytest.mark.parametrize("header, cell, field", [
    ("glh_max", "many", "glh_max"), ("max_units", "1.5", "max_units"),
    ("cover", "nowhere", "cover"), ("gaps", "people=0", "gaps"),
])
def test_bad_condition_cells_are_bad_rows(cat, tmp_path, header, cell, field):
    csv = tmp_path / "l.csv"
    csv.write_text(f"id,{header}\nx,{cell}\ny,\n", encoding="utf-8")
    group, errors = read_learners(csv, cat)
    assert [x.id for x in group] == ["y"] and errors[0].field == field and errors[0].line == 2


def test_a_learner_whose_own_conditions_clash_with_the_cohorts_is_a_bad_row(cat, run, tmp_path):
    csv = tmp_path / "l.csv"
    csv.write_text("id,include\nann,420\nbob,\n", encoding="utf-8")
    code, out, err = run("cohort", "award", csv, "--exclude", "420", "--format", "json")
    assert code == 2 and "line 2" in err and "both included and excluded" in err
    assert [x["id"] for x in json.loads(out)["learners"]] == ["bob"]
    code, _, err = run("cohort", "award", csv, "--exclude", "420", "--strict")
    assert code == 2 and "line 2" in err


def test_skipped_rows_name_the_column_and_the_learner_as_batch_does(run, tmp_path):
    """The warning and the report's "Rows left out" say "column 'achieved'" and the learner's
    id, in the one wording batch gives its bad rows."""
    path = tmp_path / "learners.csv"
    path.write_text("id,achieved\nann,404\nbob,999\n")
    _, _, err = run("cohort", "award", path)
    assert "line 3, column 'achieved': unknown unit '999' (id 'bob')" in err
    assert "field '" not in err
    from planner.results.report import Report

    _, out, _ = run("cohort", "award", path, "--format", "json")
    left = Report(plan={}, rules=[], areas=[], cohort=json.loads(out)).left_out()
    assert left == ["line 3, column 'achieved': unknown unit '999' (id 'bob')"]
