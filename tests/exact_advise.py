"""Exhaustive references for the advisers' answers, written without CP-SAT: every subset of a
small pool of units is held to the independent validator, and the answers are read off the list
of valid pathways by sorting and filtering."""

from __future__ import annotations

import itertools

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions, Objective
from planner.domain.rules import Qualification
from planner.domain.validate import check_conditions, is_valid


def valid_sets(cat: Catalogue, qual: Qualification, cond: Conditions, pool) -> list[frozenset]:
    """Every subset of ``pool`` that is a valid pathway under ``cond``."""
    pool = sorted(set(pool))
    achieved = set(cond.achieved)
    out = []
    for n in range(len(pool) + 1):
        for combo in itertools.combinations(pool, n):
            s = frozenset(combo)
            if check_conditions(cat, s, cond):
                continue
            if is_valid(cat, qual, s, s & achieved, cond.registration_date):
                out.append(s)
    return out


def key(cat: Catalogue, qual: Qualification, cond: Conditions, objective: Objective, s):
    """The plan's lexicographic cost of a pathway, then its sorted refs (the tie-break)."""
    facts = cat.facts
    achieved = set(cond.achieved) & set(qual.allowed)
    new = [r for r in s if r not in achieved]
    first = sum(getattr(facts[r], objective.value) for r in new)
    second = sum(getattr(facts[r], objective.other.value) for r in new)
    return (first, second, len(achieved - set(s)), len(new),
            sum(cat.rank[r] + 1 for r in s), sorted(s))


def k_best(cat, qual, cond, objective, k, differ_by, pool) -> list[tuple[str, ...]]:
    """The k best plans, a plan being a set of new units (with its best claim of achieved units),
    each differing from the earlier ones' new units in at least ``differ_by`` units."""
    achieved = set(cond.achieved)
    best: dict[frozenset, frozenset] = {}
    for s in valid_sets(cat, qual, cond, pool):
        new = frozenset(s - achieved)
        if new not in best or key(cat, qual, cond, objective, s) < key(cat, qual, cond,
                                                                         objective, best[new]):
            best[new] = s
    ordered = sorted(best.values(), key=lambda s: key(cat, qual, cond, objective, s))
    out: list[frozenset] = []
    for s in ordered:
        if len(out) == k:
            break
        if all(len((s - achieved) ^ (e - achieved)) >= max(differ_by, 1) for e in out):
            out.append(s)
    return [tuple(sorted(s)) for s in out]


def new_cost(cat, cond, s, attr):
    return sum(getattr(cat.facts[r], attr) for r in s if r not in cond.achieved)


def pareto(cat, qual, cond, x, y, pool, areas=()) -> list[tuple[int, int]]:
    """The non-dominated (x, y) pairs over every valid pathway of the pool: y minimised; x
    minimised, or maximised for 'areas'."""
    def xv(s):
        if x == "units":
            return sum(1 for r in s if r not in cond.achieved)
        if x == "tqt":
            return new_cost(cat, cond, s, "tqt")
        return sum(1 for a in areas if any(a in cat.facts[r].areas for r in s))

    pts = {(xv(s), new_cost(cat, cond, s, y)) for s in valid_sets(cat, qual, cond, pool)}
    sign = -1 if x == "areas" else 1
    keep = [(a, b) for a, b in pts
            if not any((sign * c <= sign * a and d <= b) and (c, d) != (a, b) for c, d in pts)]
    return sorted(keep)


def staged(cat, chain, cond, objective, pool):
    """The best staged route: (total hours, hours by the end of each earlier stage) over every
    chain of valid pathways, one per qualification of ``chain``."""
    attr = objective.value
    inner = Conditions(exclude=cond.exclude, registered=cond.registered)
    lists = [valid_sets(cat, q, cond if i == len(chain) - 1 else inner, pool)
             for i, q in enumerate(chain)]
    best = None
    for combo in itertools.product(*lists):
        taken: set[str] = set()
        cums = []
        for s in combo:
            taken |= s
            cums.append(sum(getattr(cat.facts[r], attr) for r in taken))
        k = (cums[-1], *cums[:-1])
        if best is None or k < best:
            best = k
    return best
