"""Each qualification's rules on hand-made valid and invalid pathways (the independent validator)."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.validate import check_rules, is_valid, unit_problems

EARLY, LATE = dt.date(2019, 6, 30), dt.date(2021, 1, 1)


def refs(*nums):
    return [f"8605-{n}" for n in nums]


@pytest.mark.parametrize("slug,units,achieved,date,valid", [
    # Award: 5-12 credits, at least 2 units, 400-408 and 410-427 only
    ("award", refs(404, 425), [], LATE, True),                    # 5 credits, 2 units
    ("award", refs(417), [], LATE, False),                        # one unit
    ("award", refs(404), [], LATE, False),                        # 3 credits
    ("award", refs(417, 418), [], LATE, True),                    # 12 credits
    ("award", refs(417, 418, 425), [], LATE, False),              # 14 credits
    ("award", refs(409, 404), [], LATE, False),                   # 409 never in the Award
    ("award", refs(404, 501), [], LATE, False),                   # no group 2
    # Certificate: 13-36, at most 6 group 2 credits, no 409, 521, 523, 524
    ("certificate", refs(401, 404, 423), [], LATE, True),
    ("certificate", refs(401, 404, 423, 506, 501), [], LATE, True),       # 6 group 2
    ("certificate", refs(401, 404, 423, 506, 501, 304), [], LATE, False),  # 7 group 2
    ("certificate", refs(401, 404, 423, 521), [], LATE, False),
    ("certificate", refs(401, 404, 409), [], LATE, False),
    ("certificate", refs(417, 418, 423, 424, 426, 405, 425), [], LATE, False),  # 38 credits
    ("certificate", refs(401, 404, 423, 339), [], LATE, False),            # superseded
    ("certificate", refs(401, 404, 423, 339), [], EARLY, True),            # before July 2020
    ("certificate", refs(401, 404, 423, 339), refs(339), LATE, True),      # already achieved
    ("certificate", refs(401, 404, 423, 339, 359), [], EARLY, False),      # never both
    # Diploma: at least 37, at most 18 group 2 credits
    ("diploma", refs(401, 404, 409, 422, 524), [], LATE, True),
    ("diploma", refs(401, 404, 409, 422), [], LATE, False),               # 26 credits
    ("diploma", refs(409, 521, 524, 501), [], LATE, False),               # 29 group 2 credits
    ("diploma", refs(409, 417, 418, 426, 524), [], LATE, True),
    ("diploma", refs(409, 417, 418, 426, 530), [], LATE, False),          # superseded 530
    ("diploma", refs(409, 417, 418, 426, 530), [], EARLY, True),
    ("diploma", refs(409, 417, 418, 426, 550, 530), [], EARLY, False),
    # Extended Diploma: mandatory 308 400 401 409 532, at least 120, at least 35 group 2
    ("extended-diploma", refs(308, 400, 401, 409, 532, 521, 524, 523, 316), [], LATE, True),
    ("extended-diploma", refs(308, 400, 401, 409, 521, 524, 523, 316), [], LATE, False),
    ("extended-diploma", refs(308, 400, 401, 409, 532, 521, 524, 523), [], LATE, False),  # 34
    ("extended-diploma", refs(308, 400, 401, 409, 532, 521, 524, 523, 343), [], LATE, False),
    ("extended-diploma", refs(308, 400, 401, 409, 532, 521, 524, 523, 339), [], LATE, True),
    ("extended-diploma", refs(308, 400, 401, 409, 532, 521, 524, 523, 359), [], LATE, False),
])
def test_hand_made_pathways(cat, slug, units, achieved, date, valid):
    q = cat.qualifications[slug]
    assert is_valid(cat, q, units, achieved, date) is valid
    failing = [c for c in check_rules(cat, q, units, achieved, date) if not c.ok]
    assert bool(failing) is not valid


def test_figures_in_rule_checks(cat):
    q = cat.qualifications["diploma"]
    checks = {c.rule.kind: c for c in check_rules(cat, q, refs(409, 521, 524, 420), [], LATE)}
    # 409 (15) + 521 (15) + 524 (11) + 420 (3) = 44 credits, 26 of them group 2
    assert (checks["credits"].ok, checks["credits"].value, checks["credits"].limit) == (
        True, 44, 37)
    assert checks["group_credits"].ok is False
    assert (checks["group_credits"].value, checks["group_credits"].limit) == (26, 18)
    assert "at most 18" in checks["group_credits"].text


def test_unit_problems_say_why(cat):
    q = cat.qualifications["certificate"]
    probs = unit_problems(cat, q, refs(409, 521, 339, 401), [], LATE)
    assert set(probs) == {"8605-409", "8605-521", "8605-339"}
    assert "take 8605-359 instead" in probs["8605-339"]
    assert "not in this qualification's list" in probs["8605-521"]
    ed = cat.qualifications["extended-diploma"]
    assert "barred with 308" in unit_problems(cat, ed, refs(308, 343))["8605-343"]


# -- each rule kind in one place ----------------------------------------------------------------

def test_every_kind_has_every_part():
    """A kind registers its class (with its description), parsing, independent check and
    rejection reason together; the solver registers its CP-SAT encoding beside it."""
    from planner.domain.kinds import KINDS, Rule
    from planner.domain.rules import RULE_TYPES
    from planner.solver.encode import ENCODERS

    assert set(KINDS) == set(RULE_TYPES) == set(ENCODERS)
    assert {"allowed", "credits", "unit_count", "group_credits", "mandatory", "superseded",
            "barred"} <= set(KINDS)
    for name, kind in KINDS.items():
        assert kind.name == kind.rule.kind == name
        assert issubclass(kind.rule, Rule) and kind.rule.describe is not Rule.describe, name
        for part in (kind.parse, kind.check, kind.reject, ENCODERS[name]):
            assert callable(part), (name, part)


def test_every_kind_of_the_catalogue_is_described_checked_and_encoded(cat):
    """Every rule of every qualification goes through its kind's parts without falling through."""
    from planner.domain.conditions import Conditions
    from planner.domain.kinds import KINDS
    from planner.solver.model import PathwayModel

    seen = set()
    for qual in cat.qualifications.values():
        checks = check_rules(cat, qual, [], (), LATE)
        assert [c.rule for c in checks] == list(qual.rules)
        m = PathwayModel(cat, qual, Conditions(), switchable=True)
        assert [s.rule for s in m.switches if s.kind == "rule"] == list(qual.rules)
        seen |= {r.kind for r in qual.rules}
        assert all(r.describe() for r in qual.rules)
    assert seen == set(KINDS)  # the bundled catalogue uses every kind


def test_an_unknown_kind_fails_loudly(cat):
    """A rule of a kind nobody registered is never taken for another kind (such as 'barred')."""
    import dataclasses

    from planner.domain.conditions import Conditions
    from planner.domain.kinds import Rule
    from planner.solver.model import PathwayModel

    @dataclasses.dataclass(frozen=True)
    class Curfew(Rule):
        kind = "curfew"

        def describe(self) -> str:
            return "no units after dark"

    qual = dataclasses.replace(cat.qualifications["award"],
                               rules=cat.qualifications["award"].rules + (Curfew(),))
    with pytest.raises(TypeError, match="curfew"):
        check_rules(cat, qual, refs(404, 425))
    with pytest.raises(TypeError, match="curfew"):
        PathwayModel(cat, qual, Conditions())


# -- group names and numbers from the data ------------------------------------------------------

def test_the_summary_group_is_the_capped_group_of_the_data(cat):
    """The group a pathway's summary counts is the one a group_credits rule caps, whatever its
    number; without such a rule, the last group of the unit table."""
    import dataclasses

    from planner.domain.rules import GroupCredits
    from planner.results.plan import Pathway

    diploma = cat.qualifications["diploma"]
    assert diploma.summary_group == 2
    assert cat.qualifications["award"].summary_group == max(cat.qualifications["award"].groups
                                                            .values())
    capped_1 = dataclasses.replace(diploma, rules=tuple(
        dataclasses.replace(r, group=1) if isinstance(r, GroupCredits) else r
        for r in diploma.rules))
    assert capped_1.summary_group == 1
    p = Pathway.build(cat, capped_1, refs(401, 404, 420, 422, 423, 425, 521))
    assert p.summary_label == "group 1 credits"
    assert p.summary_credits == p.group_credits(1) == p.to_dict()["group2_credits"]
    assert p.group_credits(1) != p.group_credits(2)


def test_no_branch_on_a_rule_kind_outside_the_kinds_registry():
    """What other layers need of a rule is a method of its kind (``credit_bounds``,
    ``listed_units``, ``supersession``), not an isinstance or a kind-name test. The catalogue
    reader's check that a qualification has an 'allowed' rule is the one exception: it is the
    reading of the kinds' own files."""
    import re
    from pathlib import Path

    from planner.domain.kinds import KINDS

    root = Path(__file__).resolve().parent.parent / "planner"
    classes = "|".join(k.rule.__name__ for k in KINDS.values())
    branch = re.compile(rf"isinstance\([^)]*\b({classes})\b|\b(rule|r)\.kind\s*[!=]=")
    found = [f"{p.relative_to(root)}:{n}" for p in sorted(root.rglob("*.py"))
             if "kinds" not in p.parts and p.name != "catalogue.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if branch.search(line)]
    assert found == []
