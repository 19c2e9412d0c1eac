"""An exact search for the best pathway, written without CP-SAT: the reference the tests hold the
planner to.

A multiple-choice dynamic programme over the candidate units. Units that exclude each other (a
superseded pair, a barred set) form one item with a choice of at most one member; every other unit
is an item of its own. The state is the vector of the quantities the rules bound (total credits,
credits per group, unit count, area credits, new GLH when it is bounded but not minimised first),
each kept exactly up to its upper bound or saturated at its lower bound. The value of a state is
the lexicographically smallest cost vector

    (chosen cost, other cost, achieved units left unclaimed, new units, sum of (rank + 1))

which is additive, so the principle of optimality holds for the lexicographic order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions, Objective
from planner.domain.rules import (
    AllowedUnits,
    Barred,
    CreditBounds,
    GroupCredits,
    Mandatory,
    Qualification,
    Superseded,
    UnitCount,
)


@dataclass(frozen=True)
class Exact:
    cost: tuple[int, ...] | None   # None: no valid pathway
    units: frozenset[str] = frozenset()


def exact_plan(cat: Catalogue, qual: Qualification, cond: Conditions,
               objective: Objective = Objective.GLH, *, forbidden_sets=(),
               extra_bounds=None) -> Exact:
    """The best pathway by exhaustive dynamic programming. ``forbidden_sets``: exact unit sets
    that may not be the answer (for k-best checks; handled by keeping the best few per state)."""
    registered = cond.registered or dt.date.today()
    allowed = {r for rule in qual.rules if isinstance(rule, AllowedUnits) for r in rule.refs}
    achieved = {r for r in cond.achieved if r in allowed}
    forced: set[str] = set(cond.include)
    for rule in qual.rules:
        if isinstance(rule, Mandatory):
            forced |= set(rule.refs)
    banned = set(cond.exclude)
    if forced - allowed:
        return Exact(None)
    for rule in qual.rules:
        if isinstance(rule, Superseded) and registered >= rule.cutoff:
            banned |= {old for old, _ in rule.pairs if old not in achieved}
    if forced & banned:
        return Exact(None)
    candidates = sorted(allowed - banned)

    # exclusive groups: superseded pairs (never both) and barred sets
    groups: list[set[str]] = []
    for rule in qual.rules:
        sets = []
        if isinstance(rule, Superseded):
            sets = [set(p) for p in rule.pairs]
        elif isinstance(rule, Barred):
            sets = [set(rule.refs)]
        for s in sets:
            s = s & set(candidates)
            if len(s) > 1:
                merged = [g for g in groups if g & s]
                for g in merged:
                    groups.remove(g)
                    s |= g
                groups.append(s)
    for g in groups:
        if len(g & forced) > 1:
            return Exact(None)
    grouped = set().union(*groups) if groups else set()
    items: list[list[tuple[str, ...]]] = []  # each item: list of choices (tuples of units)
    for ref in candidates:
        if ref in grouped:
            continue
        items.append([(ref,)] if ref in forced else [(), (ref,)])
    for g in sorted(groups, key=sorted):
        must = g & forced
        items.append([(r,) for r in sorted(must)] if must else [()] + [(r,) for r in sorted(g)])

    # the bounded quantities: (name, per-unit value function, low, high)
    facts = cat.facts
    dims: list[tuple] = []
    lo_units = hi_units = None
    for rule in qual.rules:
        if isinstance(rule, CreditBounds):
            dims.append((lambda r: facts[r].credits, rule.min, rule.max))
        elif isinstance(rule, GroupCredits):
            dims.append((lambda r, g=rule.group: facts[r].credits if qual.groups.get(r) == g
                         else 0, rule.min, rule.max))
        elif isinstance(rule, UnitCount):
            lo_units, hi_units = rule.min, rule.max
    if cond.max_units is not None:
        hi_units = cond.max_units if hi_units is None else min(hi_units, cond.max_units)
    if lo_units is not None or hi_units is not None:
        dims.append((lambda r: 1, lo_units, hi_units))
    for area, credits in cond.cover:
        if credits:
            dims.append((lambda r, a=area: facts[r].credits if a in facts[r].areas else 0,
                         credits, None))
        else:
            dims.append((lambda r, a=area: 1 if a in facts[r].areas else 0, 1, None))
    # new GLH bounded but not minimised first: kept per state as a Pareto front (glh, cost)
    glh_front = cond.glh_max is not None and objective is not Objective.GLH
    for extra in extra_bounds or ():
        dims.append(extra)

    def step(state, choice):
        out = list(state)
        for i, (f, lo, hi) in enumerate(dims):
            v = out[i] + sum(f(r) for r in choice)
            if hi is not None:
                if v > hi:
                    return None
            elif lo is not None:
                v = min(v, lo)
            out[i] = v
        return tuple(out)

    rank = cat.rank
    first, second = objective, objective.other
    # the cost vector as one integer: each part weighted above the whole range of the later ones
    bound = 1 + sum(max(f.glh, f.tqt) for f in facts.values()) + len(rank) ** 2
    weights = [bound ** (4 - i) for i in range(5)]

    def cost(choice):
        c = 0
        for r in choice:
            new = r not in achieved
            c += weights[4] * (rank[r] + 1)
            if new:
                c += (weights[0] * getattr(facts[r], first.value)
                      + weights[1] * getattr(facts[r], second.value) + weights[3])
            else:
                c -= weights[2]
        return c

    def new_glh(choice):
        return sum(facts[r].glh for r in choice if r not in achieved)

    keep = len(forbidden_sets) + 1
    start = tuple(0 for _ in dims)
    base = weights[2] * len(achieved)
    # state -> list of entries (cost, glh, units); with keep == 1 and no glh front, one entry
    states: dict[tuple, list[tuple[int, int, frozenset]]] = {start: [(base, 0, frozenset())]}
    for choices in items:
        moves = [(choice, cost(choice), new_glh(choice), frozenset(choice)) for choice in choices]
        nxt: dict[tuple, list] = {}
        for state, entries in states.items():
            for choice, dc, dg, cset in moves:
                s2 = step(state, choice)
                if s2 is None:
                    continue
                bucket = nxt.setdefault(s2, [])
                for c, g, units in entries:
                    g2 = g + dg
                    if glh_front and g2 > cond.glh_max:
                        continue
                    bucket.append((c + dc, g2, units | cset))
        states = {s: _prune(v, keep, glh_front) for s, v in nxt.items() if v}

    def final_ok(state):
        return all(lo is None or state[i] >= lo for i, (_, lo, _) in enumerate(dims))

    best: list[tuple] = []
    for state, entries in states.items():
        if final_ok(state):
            best += entries
    best.sort(key=lambda e: (e[0], sorted(e[2])))
    forbidden = {frozenset(x) for x in forbidden_sets}
    for c, g, units in best:
        if cond.glh_max is not None and g > cond.glh_max:
            return Exact(None)  # the best is over the ceiling, so every pathway is
        if units not in forbidden:
            return Exact(_decode(c, weights, len(achieved)), units)
    return Exact(None)


def _prune(entries, keep, front):
    entries.sort(key=lambda e: (e[0], e[1], sorted(e[2])))
    if not front:
        return entries[:keep]
    out = []
    for e in entries:  # keep an entry unless `keep` cheaper ones have no more GLH
        dominated = sum(1 for o in out if o[1] <= e[1])
        if dominated < keep:
            out.append(e)
    return out


def _decode(c, weights, n_achieved):
    """The integer cost back into (cost, other cost, unclaimed achieved, new units, rank sum)."""
    parts = []
    for w in weights:
        q, c = divmod(c, w)
        parts.append(q)
    return tuple(parts)
