"""The advisers' answers (alternatives, comparison, progression, frontier) against exhaustive and
dynamic-programming references written without CP-SAT; every pathway is held to the validator."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
import zlib

import pytest
from exact import exact_plan
from exact_advise import k_best, pareto, staged

from planner.domain.conditions import Conditions, Objective
from planner.domain.errors import InputError
from planner.domain.validate import check_conditions, is_valid
from planner.questions.advise import alternatives, compare, frontier, progress
from planner.questions.plan import plan
from planner.results.plan import Status

QUALS = ["award", "certificate", "diploma", "extended-diploma"]


def assert_valid(cat, result, cond):
    p = result.pathway
    assert p is not None
    q = result.qualification
    assert is_valid(cat, q, p.refs, p.achieved_refs, cond.registration_date), (q.slug, p.refs)
    assert check_conditions(cat, p.refs, cond) == [], (q.slug, p.refs)


def small_query(cat, rng, slug, size=9, seed_refs=None):
    """Conditions that leave a pool of about ``size`` units: the mandatory units, the units of
    the default best pathway (or ``seed_refs``; so that most pools hold a pathway) and random
    others."""
    q = cat.qualifications[slug]
    allowed = sorted(q.allowed)
    mandatory = {r for rule in q.rules if rule.kind == "mandatory" for r in rule.refs}
    if seed_refs is None:
        seed_refs = plan(cat, q).pathway.refs
    seed = set(seed_refs) if rng.random() < 0.8 else set()
    pool = seed | mandatory
    pool |= set(rng.sample(allowed, max(0, min(size, len(allowed)) - len(pool))))
    achieved = tuple(sorted(rng.sample(sorted(pool), rng.randint(0, 2))))
    cond = Conditions(exclude=tuple(sorted(set(allowed) - pool)), achieved=achieved)
    return q, cond, sorted(pool)


# -- alternatives ---------------------------------------------------------------------------------

def test_alternatives_match_the_exhaustive_search(cat):
    rng = random.Random(4)
    checked = set()
    for i in range(16):
        slug = QUALS[i % 4]
        q, cond, pool = small_query(cat, rng, slug, size=10 if slug != "extended-diploma" else 13)
        objective = rng.choice(list(Objective))
        k, differ_by = rng.randint(1, 8), rng.choice([0, 1, 2, 3])
        got = alternatives(cat, q, cond, objective, k, differ_by)
        want = k_best(cat, q, cond, objective, k, differ_by, pool)
        assert [a.result.pathway.refs for a in got.items] == want, (slug, cond, k, differ_by)
        for a in got.items:
            assert_valid(cat, a.result, cond)
        if want:
            assert got.status is Status.OPTIMAL
            if len(want) > 1:
                checked.add(slug)
        else:
            assert got.none is not None and got.none.status is Status.INFEASIBLE
    assert checked == set(QUALS)  # every qualification had queries with several pathways


@pytest.mark.parametrize("slug,k", [("award", 10), ("certificate", 6), ("diploma", 5)])
def test_alternatives_on_the_real_catalogue_match_the_dynamic_programme(cat, slug, k):
    q = cat.qualifications[slug]
    cond = Conditions()
    got = alternatives(cat, q, cond, Objective.GLH, k)
    assert len(got.items) == k
    forbidden: list[frozenset] = []
    for a in got.items:
        e = exact_plan(cat, q, cond, Objective.GLH, forbidden_sets=forbidden)
        assert a.result.pathway.refs == tuple(sorted(e.units)), (slug, a.rank)
        assert_valid(cat, a.result, cond)
        forbidden.append(e.units)
    best = got.items[0].result.pathway
    for a in got.items:  # the differences from the best are what they say
        p = a.result.pathway
        assert set(a.added) == set(p.refs) - set(best.refs)
        assert set(a.removed) == set(best.refs) - set(p.refs)
        assert a.extra_glh == p.new_glh - best.new_glh >= 0


def test_alternatives_differ_by_n_units(cat):
    got = alternatives(cat, "diploma", Conditions(), Objective.GLH, 6, differ_by=3)
    sets = [set(a.result.pathway.refs) for a in got.items]
    assert len(sets) == 6
    for i, a in enumerate(sets):
        for b in sets[:i]:
            assert len(a ^ b) >= 3


def test_fewer_pathways_than_asked_are_all_listed_with_a_note(cat):
    q = cat.qualifications["award"]
    keep = {"8605-404", "8605-425", "8605-403"}
    cond = Conditions(exclude=tuple(r for r in q.allowed if r not in keep))
    got = alternatives(cat, q, cond, Objective.GLH, 10)
    assert [a.result.pathway.refs for a in got.items] == k_best(cat, q, cond, Objective.GLH, 10,
                                                                 0, keep)
    assert len(got.items) < 10
    assert any("only" in n for n in got.notes)


def test_claiming_other_achieved_units_is_not_another_plan(cat):
    cond = Conditions(achieved=("8605-403", "8605-404", "8605-425"))
    got = alternatives(cat, "award", cond, Objective.GLH, 5)
    news = [a.result.pathway.new_refs for a in got.items]
    assert len(set(news)) == len(news) == 5
    assert news[0] == () and all(n for n in news[1:])


def test_time_limit_marks_the_answer_feasible_and_json_says_why(run, tmp_path):
    code, out, _ = run("alternatives", "extended-diploma", "-k", "1000", "--time-limit", "0.5",
                       "--format", "json")
    items = json.loads(out)
    assert code == 0 and 1 <= len(items) < 1000
    assert items[-1]["status"] == "feasible"
    assert all(any("time limit" in n for n in i["notes"]) for i in items)
    chart = tmp_path / "x.png"
    code, out, err = run("frontier", "diploma", "--time-limit", "0.01", "--plot", chart)
    assert code in (0, 3)  # a fast machine may find the frontier within the limit
    assert ("no chart written" in err and not chart.exists()) if code == 3 else chart.exists()


def test_alternatives_without_a_pathway_give_the_reasons(cat):
    got = alternatives(cat, "award", Conditions(include=("8605-409",)), Objective.GLH, 3)
    assert not got.items and got.none.reasons
    assert got.to_dict()[0]["status"] == "infeasible"
    assert "409" in got.to_dict()[0]["reasons"][0]["text"]


# -- comparison -----------------------------------------------------------------------------------

def test_compare_gives_each_qualification_its_exact_optimum(cat):
    rng = random.Random(7)
    for _ in range(6):
        achieved = tuple(sorted(rng.sample(sorted(cat.qualifications["diploma"].allowed), 3)))
        cond = Conditions(achieved=achieved)
        objective = rng.choice(list(Objective))
        got = compare(cat, None, cond, objective)
        assert [r.qualification.slug for r in got.results] == QUALS
        for r in got.results:
            e = exact_plan(cat, r.qualification, cond, objective)
            assert r.pathway.cost(objective) == e.cost[0]
            assert r.pathway.refs == tuple(sorted(e.units))
            assert_valid(cat, r, cond)


# -- progression ----------------------------------------------------------------------------------

@pytest.mark.parametrize("chain", [("award", "certificate"), ("certificate", "diploma"),
                                   ("award", "certificate", "diploma")])
def test_staged_route_is_the_cheapest_chain_of_valid_pathways(cat, chain):
    rng = random.Random(zlib.crc32(" ".join(chain).encode()))
    quals = [cat.qualifications[s] for s in chain]
    everything = sorted(quals[-1].allowed)
    routes = 0
    for _ in range(3):
        # the direct route and the first stage's best are in the pool, so a chain usually exists
        seed = set(plan(cat, quals[-1]).pathway.refs) | set(plan(cat, quals[0]).pathway.refs)
        size = 11 if len(chain) == 2 else 10
        pool = sorted(seed | set(rng.sample(everything, max(0, size - len(seed)))))
        cond = Conditions(exclude=tuple(r for r in everything if r not in pool))
        objective = rng.choice(list(Objective))
        got = progress(cat, quals[0], quals[-1], cond, objective)
        want = staged(cat, quals, cond, objective, pool)
        route = got.route("staged")
        if want is None:
            assert not route
            continue
        routes += 1
        attr = "total_glh" if objective is Objective.GLH else "total_tqt"
        assert (getattr(route[-1], attr), *[getattr(s, attr) for s in route[:-1]]) == want
        taken: set[str] = set()
        for s in route:  # each stage valid, counting only units taken by then
            p = s.result.pathway
            assert_valid(cat, s.result, Conditions(exclude=cond.exclude))
            assert set(p.achieved_refs) == set(p.refs) & taken
            taken |= set(p.refs)
        direct = got.route("direct")[0].result
        e = exact_plan(cat, quals[-1], cond, objective)
        assert direct.pathway.cost(objective) == e.cost[0]
        assert got.staging_cost == want[0] - e.cost[0] >= 0
    assert routes >= 2  # the test saw real staged routes


def test_top_up_is_the_cheapest_plan_from_the_achieved_units(cat):
    cond = Conditions(achieved=("8605-404", "8605-425"))
    got = progress(cat, "award", "diploma", cond, Objective.GLH)
    (stage,) = got.stages
    assert stage.route == "top-up"
    e = exact_plan(cat, cat.qualifications["diploma"], cond, Objective.GLH)
    assert stage.added_glh == e.cost[0]
    assert "make a valid" in got.notes[0]
    short = progress(cat, "award", "diploma", Conditions(achieved=("8605-404",)))
    assert "not, as they stand, a valid" in short.notes[0] and "credits 3" in short.notes[0]
    outside = progress(cat, "award", "diploma", Conditions(achieved=("8605-409", "8605-521")))
    assert "none of the achieved units" in outside.notes[0]
    assert "409, 521 are not units of the" in outside.notes[0]


def test_progress_must_go_up(cat):
    with pytest.raises(InputError, match="not larger"):
        progress(cat, "diploma", "award")


# -- frontier -------------------------------------------------------------------------------------

@pytest.mark.parametrize("x,y", [("units", "glh"), ("units", "tqt"), ("tqt", "glh"),
                                 ("areas", "glh")])
def test_frontier_matches_the_exhaustive_search(cat, x, y):
    rng = random.Random(zlib.crc32(f"{x} {y}".encode()))
    areas = tuple(cat.areas["id"])
    several = 0
    for i in range(8):
        slug = QUALS[i % 4]
        # the full catalogue's frontier pathways in the pool, so that it holds a trade-off
        full = frontier(cat, slug, Conditions(), x, y)
        seed = {r for p in full.points for r in p.result.pathway.refs}
        q, cond, pool = small_query(cat, rng, slug, size=len(seed) + 3, seed_refs=seed)
        got = frontier(cat, q, cond, x, y)
        want = pareto(cat, q, cond, x, y, pool, areas)
        assert [(p.x, p.y) for p in got.points] == want, (slug, cond)
        several += len(want) > 1
        for p in got.points:
            assert_valid(cat, p.result, cond)
            path = p.result.pathway
            assert p.y == (path.new_glh if y == "glh" else path.new_tqt)
    if "tqt" not in (x, y):  # (TQT is fixed by the credit minimum: one point each, here)
        assert several >= 2  # some frontiers with a real trade-off


@pytest.mark.parametrize("slug", ["award", "certificate", "diploma"])
def test_units_frontier_on_the_real_catalogue_matches_the_dynamic_programme(cat, slug):
    q = cat.qualifications[slug]
    got = frontier(cat, q)
    ys = {}
    for n in range(1, 12):
        e = exact_plan(cat, q, Conditions(max_units=n))
        if e.cost is not None:
            ys[n] = e.cost[0]
    want = [(n, y) for n, y in sorted(ys.items()) if all(ys[m] > y for m in ys if m < n)]
    assert [(p.x, p.y) for p in got.points] == want


def test_diploma_frontier_shows_the_trade_off(cat):
    pts = frontier(cat, "diploma").points
    assert len(pts) >= 2
    assert pts[0].x < pts[-1].x and pts[0].y > pts[-1].y  # fewer units cost more hours


def test_frontier_png_and_svg_are_real_images(cat, tmp_path):
    from PIL import Image

    from planner.render.plot import frontier_svg, plot_frontier

    fr = frontier(cat, "diploma")
    png = plot_frontier(fr, tmp_path / "d.png")
    with Image.open(png) as im:
        assert im.format == "PNG" and im.size[0] >= 400 and im.size[1] >= 250
        colours = im.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is not None and len(colours) > 20  # drawn, not blank
    svg = plot_frontier(fr, tmp_path / "d.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    for p in fr.points:
        assert str(p.y) in text
    inline = frontier_svg(fr)
    assert inline.startswith("<svg") and inline.rstrip().endswith("</svg>")
    assert plot_frontier(fr, tmp_path / "again.svg").read_bytes() == svg.read_bytes()


def test_bad_plot_file_is_an_input_error(cat, tmp_path):
    from planner.render.plot import plot_frontier

    fr = frontier(cat, "award")
    with pytest.raises(InputError, match="^plot: "):
        plot_frontier(fr, tmp_path / "chart.gif")
    with pytest.raises(InputError, match="does not exist"):
        plot_frontier(fr, tmp_path / "no" / "chart.png")


# -- the commands ---------------------------------------------------------------------------------

def test_commands_give_lists_of_plan_shaped_pathways(run, tmp_path):
    code, out, _ = run("plan", "diploma", "--format", "json")
    plan_keys = set(json.loads(out))
    code, out, _ = run("alternatives", "diploma", "-k", "3", "--format", "json")
    items = json.loads(out)
    assert code == 0 and len(items) == 3
    assert all(plan_keys <= set(i) and i["rank"] == n for n, i in enumerate(items, 1))
    assert items[1]["vs_best"]["extra_new_glh"] >= 0
    code, out, _ = run("compare", "--achieved", "404,425", "--format", "json")
    items = json.loads(out)
    assert code == 0 and [i["qualification"] for i in items] == QUALS
    assert all(plan_keys <= set(i) for i in items)
    code, out, _ = run("progress", "--from", "award", "--to", "certificate", "--format", "json")
    items = json.loads(out)
    assert code == 0 and [i["route"] for i in items] == ["staged", "staged", "direct"]
    code, out, err = run("frontier", "diploma", "--plot", tmp_path / "f.png", "--format", "json")
    points = json.loads(out)
    assert code == 0 and (tmp_path / "f.png").stat().st_size > 1000
    assert all(set(p) == {"x", "y", "pathway"} and plan_keys <= set(p["pathway"])
               for p in points)
    assert [p["pathway"]["new_glh"] for p in points] == [p["y"] for p in points]


def test_table_csv_and_markdown_render(run):
    code, out, _ = run("compare", "award", "diploma")
    assert code == 0 and "new GLH" in out and "award" in out and "diploma" in out
    code, out, _ = run("alternatives", "award", "-k", "2", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("#,new GLH")
    code, out, _ = run("frontier", "certificate", "--format", "markdown")
    assert code == 0 and out.startswith("### ")
    code, out, _ = run("progress", "--from", "award", "--to", "diploma")
    assert code == 0 and "staged" in out and "direct" in out


def test_no_pathway_exits_1_with_reasons(run):
    code, out, _ = run("alternatives", "award", "--include", "409")
    assert code == 1 and "409" in out
    code, out, _ = run("compare", "--include", "409")
    assert code == 1 and "award: no pathway" in out


@pytest.mark.parametrize("args,where", [
    (("alternatives", "diploma", "-k", "0"), "-k"),
    (("alternatives", "nowhere"), "nowhere"),
    (("frontier", "diploma", "--x", "colour"), "--x"),
    (("frontier", "diploma", "--x", "glh"), "--x"),
    (("frontier", "diploma", "--plot", "chart.gif"), "--plot"),
    (("frontier", "diploma", "--area", "people"), "--area"),
    (("frontier", "diploma", "--x", "areas", "--area", "astrology"), "--area"),
    (("progress", "--from", "diploma", "--to", "award"), "--to"),
    (("progress", "--from", "award"), "--to"),
    (("compare", "award", "--achieved", "999"), "--achieved"),
])
def test_bad_input_is_one_line_and_exit_2(run, args, where):
    code, out, err = run(*args)
    assert code == 2, (args, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and where in lines[0], lines


def test_messages_that_name_two_fields_name_both_as_the_user_typed_them(cat, run):
    """The library words the message in fields; the CLI shows its flags for every one."""
    with pytest.raises(InputError) as caught:
        frontier(cat, "diploma", x="tqt", y="tqt")
    assert str(caught.value) == "x: x and y must differ"
    code, _, err = run("frontier", "diploma", "--x", "tqt", "--y", "tqt")
    assert code == 2
    assert err.strip() == "planner: error: --x-axis: --x-axis and --y-axis must differ"
    code, _, err = run("frontier", "diploma", "--area", "people")
    assert code == 2 and err.strip() == "planner: error: --area: only with --x-axis areas"


def test_same_question_same_answer(run):
    first = run("alternatives", "certificate", "-k", "8", "--format", "json")
    assert all(run("alternatives", "certificate", "-k", "8", "--format", "json") == first
               for _ in range(2))
