"""References for the audit tests, written without CP-SAT and without planner.validate.

``spec_check`` encodes the rules of combination as DOMAIN.md states them (the figures are typed in
here from that table, not read from catalogue/qualifications/*.toml), using only the unit tables
for each unit's group and credits. ``exact_completion`` is a dynamic programme over the rule
objects for the cheapest completion of a set, with the completion's lexicographic cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Objective
from planner.domain.rules import (
    Barred,
    CreditBounds,
    GroupCredits,
    Mandatory,
    Qualification,
    Superseded,
    UnitCount,
)

CUTOFF = dt.date(2020, 7, 1)
PAIRS = (("8605-339", "8605-359"), ("8605-340", "8605-361"), ("8605-530", "8605-550"))


def _nums(text: str) -> set[int]:
    out: set[int] = set()
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        out |= set(range(int(lo), int(hi or lo) + 1))
    return out


@dataclass(frozen=True)
class Spec:
    credits: tuple[int | None, int | None]
    group1: str
    group2: str | None           # None: no group 2 unit allowed; "*": the whole group 2 table
    group2_credits: tuple[int | None, int | None]
    min_units: int | None = None
    mandatory: tuple[str, ...] = ()
    superseded: bool = True
    barred: tuple[str, ...] = ()


# DOMAIN.md, "Rules of combination, as this project reads them"
SPECS = {
    "award": Spec((5, 12), "400-408, 410-427", None, (None, 0), min_units=2),
    "certificate": Spec((13, 36), "400-408, 410-427",
                        "300-341, 359, 361, 501-520, 522, 525-530, 533, 550", (None, 6)),
    "diploma": Spec((37, None), "400-427", "300-341, 359, 361, 501-530, 533, 550", (None, 18)),
    "extended-diploma": Spec((120, None), "308, 400, 401, 409, 532", "*", (35, None),
                             mandatory=("8605-308", "8605-400", "8605-401", "8605-409",
                                        "8605-532"),
                             superseded=False, barred=("8605-308", "8605-343")),
}


def spec_check(cat: Catalogue, slug: str, refs, achieved=(), registered: dt.date | None = None
               ) -> dict[str, bool]:
    """Rule family -> whether the set meets it, straight from DOMAIN.md."""
    spec, table = SPECS[slug], cat.tables[cat.qualifications[slug].table]
    group = dict(zip(table["ref"], table["group"], strict=True))
    credits = {r: cat.facts[r].credits for r in refs}
    registered = registered or dt.date.today()

    def allowed(ref: str) -> bool:
        num, g = int(ref.split("-")[1]), group.get(ref)
        if g == 1:
            return num in _nums(spec.group1)
        if g == 2 and spec.group2 is not None:
            return spec.group2 == "*" or num in _nums(spec.group2)
        return False

    total = sum(credits.values())
    g2 = sum(c for r, c in credits.items() if group.get(r) == 2)
    out = {
        "allowed": all(allowed(r) for r in refs),
        "credits": _within(total, spec.credits),
        "group_credits": _within(g2, spec.group2_credits),
        "unit_count": spec.min_units is None or len(refs) >= spec.min_units,
        "mandatory": set(spec.mandatory) <= set(refs),
        "barred": sum(r in refs for r in spec.barred) <= 1,
        "superseded": True,
    }
    if spec.superseded:
        for old, new in PAIRS:
            if old in refs and (new in refs or (registered >= CUTOFF and old not in achieved)):
                out["superseded"] = False
    return out


def spec_refused(cat: Catalogue, slug: str, refs, achieved=(),
                 registered: dt.date | None = None) -> set[str]:
    """The units of the set the specification refuses: outside the lists, superseded for the
    registration date, or one of a pair / barred set counted together."""
    spec = SPECS[slug]
    refused = {r for r in refs if not spec_check(cat, slug, [r])["allowed"]}
    registered = registered or dt.date.today()
    if spec.superseded:
        for old, new in PAIRS:
            if old in refs and registered >= CUTOFF and old not in achieved:
                refused.add(old)
            elif old in refs and new in refs:
                refused |= {old, new}
    if sum(r in refs for r in spec.barred) > 1:  # a mandatory unit of the set is never refused
        barred = set(spec.barred) & set(refs)
        refused |= (barred - set(spec.mandatory)) if barred & set(spec.mandatory) else barred
    return refused


def _within(value: int, bounds: tuple[int | None, int | None]) -> bool:
    lo, hi = bounds
    return (lo is None or value >= lo) and (hi is None or value <= hi)


# -- the cheapest completion ------------------------------------------------------------------

def completion_cost(cat: Catalogue, refs_set, chosen, objective: Objective,
                    achieved=()) -> tuple[int, ...]:
    """(hours of the set's achieved units lost, hours of its other units lost, new hours (every
    chosen unit not achieved), new hours of the other measure, new units, rank sum)."""
    first, second = objective.value, objective.other.value
    in_set, chosen, done = set(refs_set), set(chosen), set(achieved)
    f = cat.facts
    return (sum(getattr(f[r], first) for r in (in_set & done) - chosen),
            sum(getattr(f[r], first) for r in in_set - done - chosen),
            sum(getattr(f[r], first) for r in chosen - done),
            sum(getattr(f[r], second) for r in chosen - done),
            len(chosen - done),
            sum(cat.rank[r] + 1 for r in chosen))


def exact_completion(cat: Catalogue, qual: Qualification, refs_set, achieved=(),
                     registered: dt.date | None = None,
                     objective: Objective = Objective.GLH) -> tuple[tuple[int, ...] | None,
                                                                   frozenset[str]]:
    """The best completion's cost vector (see ``completion_cost``) and units, by a DP over the
    units the rules allow; items are single units or exclusive groups (superseded pairs, barred
    sets) of which at most one is taken; the state is the bounded quantities, saturated at their
    lower bounds. Lexicographic cost vectors add componentwise, so the DP is exact."""
    registered = registered or dt.date.today()
    allowed = set(qual.allowed)
    done = set(achieved) & allowed
    forced = {r for rule in qual.rules_of(Mandatory) for r in rule.refs}
    banned = {old for rule in qual.rules_of(Superseded) if registered >= rule.cutoff
              for old, _ in rule.pairs if old not in done}
    candidates = sorted(allowed - banned)
    if forced - set(candidates):
        return None, frozenset()
    groups: list[set[str]] = []
    for rule in qual.rules:
        sets = ([set(p) for p in rule.pairs] if isinstance(rule, Superseded)
                else [set(rule.refs)] if isinstance(rule, Barred) else [])
        for s in sets:
            s &= set(candidates)
            if len(s) > 1:
                for g in [g for g in groups if g & s]:
                    groups.remove(g)
                    s |= g
                groups.append(s)
    grouped = set().union(*groups) if groups else set()
    items = [[(r,)] if r in forced else [(), (r,)] for r in candidates if r not in grouped]
    for g in sorted(groups, key=sorted):
        must = g & forced
        if len(must) > 1:
            return None, frozenset()
        items.append([(r,) for r in sorted(must)] if must else [()] + [(r,) for r in sorted(g)])

    f = cat.facts
    dims = []
    for rule in qual.rules:
        if isinstance(rule, CreditBounds):
            dims.append((lambda r: f[r].credits, rule.min, rule.max))
        elif isinstance(rule, GroupCredits):
            dims.append((lambda r, g=rule.group: f[r].credits if qual.groups.get(r) == g else 0,
                         rule.min, rule.max))
        elif isinstance(rule, UnitCount):
            dims.append((lambda r: 1, rule.min, rule.max))
    in_set, achieved = set(refs_set), set(achieved)
    first, second = objective.value, objective.other.value
    base = (sum(getattr(f[r], first) for r in in_set & achieved),
            sum(getattr(f[r], first) for r in in_set - achieved), 0, 0, 0, 0)

    def delta(choice) -> tuple[int, ...]:
        out = [0, 0, 0, 0, 0, 0]
        for r in choice:
            out[5] += cat.rank[r] + 1
            if r in in_set:
                out[0 if r in achieved else 1] -= getattr(f[r], first)
            if r not in achieved:
                out[2] += getattr(f[r], first)
                out[3] += getattr(f[r], second)
                out[4] += 1
        return tuple(out)

    def step(state, choice):
        out = list(state)
        for i, (fn, lo, hi) in enumerate(dims):
            v = out[i] + sum(fn(r) for r in choice)
            if hi is not None and v > hi:
                return None
            out[i] = v if hi is not None or lo is None else min(v, lo)
        return tuple(out)

    states = {tuple(0 for _ in dims): (base, frozenset())}
    for choices in items:
        nxt: dict = {}
        for state, (cost, units) in states.items():
            for choice in choices:
                s2 = step(state, choice)
                if s2 is None:
                    continue
                c2 = tuple(a + b for a, b in zip(cost, delta(choice), strict=True))
                if s2 not in nxt or c2 < nxt[s2][0]:
                    nxt[s2] = (c2, units | set(choice))
        states = nxt
    finals = [v for s, v in states.items()
              if all(lo is None or s[i] >= lo for i, (_, lo, _) in enumerate(dims))]
    if not finals:
        return None, frozenset()
    return min(finals, key=lambda v: v[0])
