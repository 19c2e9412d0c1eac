"""Why no pathway exists: the smallest sets of the user's own conditions, and the rules they clash
with, that cannot all hold.

The model is the planner's own ``PathwayModel`` built with ``switchable=True``: every rule and
every user condition is enforced only when its switch literal is true. Asking CP-SAT to solve with
the switches as assumptions gives, when there is no pathway, a sufficient set of them
(``sufficient_assumptions_for_infeasibility``). That set need not be minimal, so it is shrunk by
deletion, one switch at a time, in two passes:

1. the user's conditions, with every rule on (rules are not the user's to drop): the result is a
   set of conditions that cannot hold together under the rules, and dropping any one of them
   does away with that conflict;
2. the rules, with those conditions on: the rules the conflict actually runs into.

Every such conflict among the user's conditions is found (MARCO-style enumeration: a small map
model over the conditions proposes the largest subset not yet explored; an infeasible one is
shrunk to a new conflict, a feasible one is grown to a maximal feasible subset; each answer is
blocked in the map). So removing one named condition from each reason makes the plan feasible,
and where there is one reason, removing any one of its conditions does. At most ``MAX_REASONS``
conflicts are reported, smallest first; the last one says when there are more.

A reason with a ceiling (``glh_max``, ``max_units``) carries the figure the ceiling misses,
found by solving without it; units asked for that break a cap on their own get the validator's
figures. Every solve here runs on one worker with a fixed seed, so the same question gets the
same reasons in the same order.

Reasons name the user's conditions through the caller's naming function
(``planner.domain.naming``): ``glh_max 7`` in the library's own words, ``--glh-max 7`` for the CLI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions, Objective, SolverConfig
from planner.domain.naming import Names, own_words
from planner.domain.rules import Qualification, Superseded, short
from planner.domain.validate import check_rules, not_of_qualification
from planner.results.plan import Reason
from planner.solver.model import Model, PathwayModel, Switch, make_solver

MAX_REASONS = 6  # conflicts reported at most; each costs a few solves
MAX_ROUNDS = 200  # map proposals at most: many conditions can have very many feasible subsets
# Proving a knapsack-like conflict (credits at least 37 within --glh-max 40) infeasible takes
# CP-SAT about a second without an objective at the default linearization, milliseconds with the
# full linear relaxation.
PROOF_PARAMETERS = {"linearization_level": 2}


@dataclass(frozen=True)
class Conflict:
    """Conditions and rules that cannot all hold; minimal as described in the module doc."""

    conditions: tuple[Switch, ...]
    rules: tuple[Switch, ...]


def explain_infeasible(catalogue: Catalogue, qual: Qualification, conditions: Conditions,
                       config: SolverConfig | None = None, *,
                       names: Names = own_words) -> tuple[Reason, ...]:
    """The reasons why ``qual`` has no pathway under ``conditions`` (empty if it has one), the
    user's conditions named by ``names``."""
    config = config or SolverConfig()
    prover = _Prover(PathwayModel(catalogue, qual, conditions, switchable=True), config)
    conflicts, complete = _search(prover, MAX_REASONS + 1)
    words = Words(catalogue, qual, conditions, config, names, model=prover.m)
    reasons = [words.reason(c) for c in conflicts[:MAX_REASONS]]
    if len(conflicts) > MAX_REASONS or not complete:
        last = reasons[-1]
        more = ("more conflicts exist among these conditions" if complete
                else "more conflicts may exist among these conditions")
        reasons[-1] = replace(last, text=last.text + f" ({more}; only {len(reasons)} "
                              f"{'is' if len(reasons) == 1 else 'are'} listed)")
    return tuple(reasons)


def find_conflicts(catalogue: Catalogue, qual: Qualification, conditions: Conditions,
                   config: SolverConfig | None = None, *,
                   limit: int = MAX_REASONS) -> list[Conflict]:
    """Every minimal conflict among the user's conditions (up to ``limit``), smallest first,
    then in the order of the conditions; each with the rules it runs into."""
    m = PathwayModel(catalogue, qual, conditions, switchable=True)
    return _search(_Prover(m, config or SolverConfig()), limit)[0]


class _Prover:
    """The switchable model of one question and the answers of its solves so far. The solves
    are deterministic (one worker, a fixed seed), so a set of switches asked about again, in the
    same order, gets the answer it got the first time without solving: the whole question is
    asked up to three times (whether it is infeasible, the map's first seed, the start of that
    seed's shrinking), and growing asks some sets again."""

    def __init__(self, m: PathwayModel, config: SolverConfig) -> None:
        self.m, self.config = m, config
        self.answers: dict[tuple[int, ...], tuple[bool, set[int]]] = {}

    def infeasible(self, on: Sequence[Switch]) -> tuple[bool, set[int]]:
        """As ``_infeasible``, remembered."""
        key = tuple(_index(s) for s in on)
        if key not in self.answers:
            self.answers[key] = _infeasible(self.m, on, self.config)
        still, core = self.answers[key]
        return still, set(core)


def _search(p: _Prover, limit: int) -> tuple[list[Conflict], bool]:
    """The conflicts, and whether the enumeration ran to the end (see ``MAX_ROUNDS``)."""
    rules = [s for s in p.m.switches if s.kind == "rule"]
    conds = [s for s in p.m.switches if s.kind == "condition"]
    if not p.infeasible(rules + conds)[0]:
        return [], True
    complete = True
    if not p.infeasible(rules)[0]:
        cores, complete = _all_cores(p, rules, conds, limit)
    else:
        cores = [[]]  # the rules conflict among themselves: nothing the user can set aside
    found = [Conflict(tuple(core), tuple(_shrink(p, core, rules))) for core in cores]
    position = {id(s): i for i, s in enumerate(conds)}
    found.sort(key=lambda c: (len(c.conditions), [position[id(s)] for s in c.conditions]))
    return found, complete


def _all_cores(p: _Prover, rules: list[Switch], conds: list[Switch],
               limit: int) -> tuple[list[list[Switch]], bool]:
    """The minimal infeasible subsets of ``conds`` (with every rule on), by MARCO: the map
    model's true literals are a seed not yet explored, the largest one first. Also whether
    every subset was explored within ``MAX_ROUNDS``. The first seed, before anything is
    blocked, is every condition (the map's only optimum), so it is taken without a solve."""
    seeds = Model()
    keep = [seeds.new_bool_var(s.label) for s in conds]
    seeds.maximize(sum(keep))
    cores: list[list[Switch]] = []
    for round_ in range(MAX_ROUNDS):
        if len(cores) >= limit:
            return cores, True
        if round_ == 0:
            seed = list(conds)
        else:
            solver = _solver(p.config)
            if solver.solve(seeds) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return cores, True  # every subset explored
            seed = [s for s, k in zip(conds, keep, strict=True) if solver.boolean_value(k)]
        if p.infeasible(rules + seed)[0]:
            core = sorted(_shrink(p, rules, seed), key=_user_order)
            cores.append(core)
            seeds.add_bool_or([k.Not() for s, k in zip(conds, keep, strict=True) if s in core])
        else:
            grown = _grow(p, rules, seed, conds)
            seeds.add_bool_or([k for s, k in zip(conds, keep, strict=True) if s not in grown])
    return cores, False


def _grow(p: _Prover, rules: list[Switch], seed: list[Switch],
          conds: list[Switch]) -> list[Switch]:
    """A maximal feasible subset of ``conds`` containing the feasible ``seed``."""
    grown = list(seed)
    for s in conds:
        if s not in grown and not p.infeasible(rules + grown + [s])[0]:
            grown.append(s)
    return grown


_FIELD_ORDER = ("include", "exclude", "glh_max", "max_units", "cover", "registered")


def _user_order(s: Switch) -> int:
    """Conditions in the order a user thinks of them (the registration date, an implicit
    default, last); the sort is stable, so units keep the order they were given in."""
    return _FIELD_ORDER.index(s.field) if s.field in _FIELD_ORDER else len(_FIELD_ORDER)


def _infeasible(m: PathwayModel, on: Sequence[Switch],
                config: SolverConfig) -> tuple[bool, set[int]]:
    """Whether the model is proven infeasible with the switches ``on`` (the others free), and
    the indices of a sufficient set of those switches' literals when it is."""
    m.model.clear_assumptions()
    m.model.add_assumptions(_lits(on))
    solver = _solver(config)
    status = solver.solve(m.model)
    m.model.clear_assumptions()
    if status != cp_model.INFEASIBLE:
        return False, set()  # feasible, or not proven infeasible in time: keep the switch
    return True, set(solver.sufficient_assumptions_for_infeasibility())


def _solver(config: SolverConfig) -> cp_model.CpSolver:
    """One worker (the sufficient set is only meaningful single-threaded) and the full linear
    relaxation, unless the caller's ``extra`` parameters say otherwise."""
    return make_solver(replace(config, workers=1, extra={**PROOF_PARAMETERS, **config.extra}))


def _shrink(p: _Prover, fixed: Sequence[Switch],
            candidates: Sequence[Switch]) -> list[Switch]:
    """The smallest subset of ``candidates`` that, with ``fixed``, is still infeasible, by
    deletion: try each without one switch; keep the switch only if the rest become feasible.
    Each infeasible answer's sufficient set prunes the candidates further."""
    _, core = p.infeasible([*fixed, *candidates])
    current = [s for s in candidates if _index(s) in core]
    i = 0
    while i < len(current):
        trial = current[:i] + current[i + 1:]
        still, core = p.infeasible([*fixed, *trial])
        if still:
            current = [s for s in trial if _index(s) in core]
        else:
            i += 1
    return current


def _lits(switches: Sequence[Switch]) -> list[cp_model.IntVar]:
    return [s.lit for s in switches if s.lit is not None]


def _index(s: Switch) -> int:
    assert s.lit is not None, "explanations need a switchable model"
    return s.lit.index


# -- words ------------------------------------------------------------------------------------

def short_name(qual: Qualification) -> str:
    """'extended-diploma' -> 'Extended Diploma': the qualification as people say it."""
    return qual.slug.replace("-", " ").replace("_", " ").title()


class Words:
    """The reasons of one question in words, the user's conditions named by ``names``."""

    def __init__(self, catalogue: Catalogue, qual: Qualification, conditions: Conditions,
                 config: SolverConfig, names: Names = own_words, *,
                 model: PathwayModel | None = None) -> None:
        self.catalogue, self.qual, self.conditions = catalogue, qual, conditions
        self.config, self.names = config, names
        self.model = model  # the question's switchable model, if the caller has built it

    def reason(self, c: Conflict) -> Reason:
        labels = tuple(s.named(self.names) for s in c.conditions)
        rule_texts = tuple(s.rule.describe() for s in c.rules if s.rule is not None)
        return Reason(self.text(c), labels, rule_texts)

    def text(self, c: Conflict) -> str:
        qual = self.qual
        name = short_name(qual)
        rules = _rules_words(name, c.rules)
        outside = [s for s in c.conditions if s.field == "include" and s.value
                   and qual.allowed_rule_for(s.value) is None]
        if outside:  # no rule is at fault: the unit is not the qualification's at all
            return "; ".join(f"{s.named(self.names)}: {not_of_qualification(qual, s.value or '')}"
                             for s in outside)
        for s in c.conditions:
            figure = self.ceiling_text(c, s)
            if figure:
                return figure
        for s in c.conditions:
            figure = self.cover_text(c, s)
            if figure:
                return figure + (f" under {rules}" if rules else "")
        if not c.conditions:
            return f"the {name}'s rules cannot all be met: " + ", ".join(
                f"'{s.rule.describe()}'" for s in c.rules if s.rule is not None)
        conds = _join(self.grouped(c.conditions))
        verb = "conflicts" if len(c.conditions) == 1 else "together conflict"
        text = f"{conds} {verb} with {rules}" if rules else f"{conds} cannot all hold"
        return text + self.included_figures(c) + self.superseded_hint(c)

    def included_figures(self, c: Conflict) -> str:
        """When the units asked for already break a rule of the conflict on their own, the
        figures from the validator: ' (credits 13, at most 12)'."""
        included = [s.value for s in c.conditions if s.field == "include" and s.value]
        if not included:
            return ""
        rules = {id(s.rule) for s in c.rules}
        broken = [x.text for x in check_rules(self.catalogue, self.qual, included,
                                              self.conditions.achieved,
                                              self.conditions.registration_date)
                  if not x.ok and id(x.rule) in rules and x.value is not None and x.limit
                  and x.value > x.limit]
        return f" ({'; '.join(broken)})" if broken else ""

    def grouped(self, switches: Sequence[Switch]) -> list[str]:
        """'--include 404', '--include 407' -> '--include 404,407': as the user would type it."""
        groups: dict[str, list[str]] = {}
        for s in switches:
            if s.field in ("include", "exclude"):
                groups.setdefault(self.names(s.field), []).append(s.shown)
            else:
                groups[s.named(self.names)] = []
        return [f"{k} {','.join(v)}" if v else k for k, v in groups.items()]

    def superseded_hint(self, c: Conflict) -> str:
        """For a superseded unit asked for by a learner registered after the cutoff: what to
        take."""
        if not any(s.field == "registered" for s in c.conditions):
            return ""
        hints = []
        for rule_switch in c.rules:
            for s in c.conditions:
                hit = rule_switch.rule.supersession(s.value or "") if s.field == "include" \
                    else None
                if hit:
                    new, cutoff = hit
                    hints.append(f"take {short(new)} instead of {short(s.value or '')}, or "
                                 f"give {self.names('registered')} before "
                                 f"{cutoff.isoformat()} if the learner was registered then")
        return (": " + "; ".join(hints)) if hints else ""

    def _least(self, c: Conflict, without: Switch, build) -> int | None:
        """The optimum of the objective ``build(m)`` sets on the question's switchable model,
        under the rules and the conflict's conditions other than ``without``; None if not
        proven. The model is left as it was found (no objective, no assumptions), so it is the
        same model a fresh one would be."""
        m = self.model or PathwayModel(self.catalogue, self.qual, self.conditions,
                                       switchable=True)
        labels = {s.label for s in c.conditions if s is not without}
        on = [s for s in m.switches if s.kind == "rule" or s.label in labels]
        build(m)
        m.model.add_assumptions(_lits(on))
        solver = _solver(self.config)
        try:
            status = solver.solve(m.model)
        finally:
            m.model.clear_assumptions()
            m.model.clear_objective()
        if status != cp_model.OPTIMAL:
            return None
        return round(solver.objective_value)

    def ceiling_text(self, c: Conflict, ceiling: Switch) -> str | None:
        """'--glh-max 7 is below the shortest Award (8 new GLH)': the least the ceiling's
        measure can be under the rules and the conflict's other conditions, found by solving
        without it."""
        if ceiling.field not in ("glh_max", "max_units"):
            return None
        glh = ceiling.field == "glh_max"
        least = self._least(c, ceiling, lambda m: m.model.minimize(
            m.cost(Objective.GLH) if glh else sum(m.x.values())))
        if least is None:
            return None
        others = self.grouped([s for s in c.conditions if s is not ceiling])
        scope = short_name(self.qual) + (f" with {_join(others)}" if others else "")
        if glh:
            hours = "new GLH" if self.conditions.achieved else "GLH"
            return f"{ceiling.named(self.names)} is below the shortest {scope} ({least} {hours})"
        return f"{ceiling.named(self.names)} is below the fewest units of any {scope} ({least})"

    def cover_text(self, c: Conflict, cover: Switch) -> str | None:
        """'--cover change=20 asks for 20 credits of Facilitating innovation and change; the
        Award's units in that area offer at most 9': the most credits of the area any pathway
        can count under the rules and the conflict's other conditions, found by solving without
        the cover."""
        if cover.field != "cover" or not cover.value:
            return None
        area, _, n = cover.value.partition("=")
        wanted = int(n or 0)

        def most_in_area(m: PathwayModel) -> None:
            in_area = [r for r in m.refs if area in m.facts[r].areas]
            m.model.maximize(m.credits(in_area) if wanted else sum(m.x[r] for r in in_area))

        most = self._least(c, cover, most_in_area)
        if most is None:
            return None
        others = self.grouped([s for s in c.conditions if s is not cover])
        scope = ((f"with {_join(others)}, " if others else "")
                 + f"the {short_name(self.qual)}'s units")
        what = self.catalogue.area_name(area)
        label = cover.named(self.names)
        if wanted:
            return (f"{label} asks for {wanted} credits of {what}; {scope} in that area offer "
                    f"at most {most}")
        return f"{label} asks for a unit of {what}; {scope} offer none in that area"


def _rules_words(name: str, rules: Sequence[Switch]) -> str:
    texts = [f"'{s.rule.describe()}'" for s in rules if s.rule is not None]
    if not texts:
        return ""
    return f"the {name}'s rule{'s' if len(texts) > 1 else ''} {_join(texts)}"


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# -- what "removing a condition" means, for callers that want to act on a reason --------------

def relax(qual: Qualification, conditions: Conditions, switch: Switch) -> Conditions:
    """``conditions`` without the condition behind ``switch``. For the registration date, the
    learner is taken as registered the day before the earliest cutoff that applies."""
    field, value = switch.field, switch.value
    if field == "include":
        return replace(conditions, include=tuple(r for r in conditions.include if r != value))
    if field == "exclude":
        return replace(conditions, exclude=tuple(r for r in conditions.exclude if r != value))
    if field == "glh_max":
        return replace(conditions, glh_max=None)
    if field == "max_units":
        return replace(conditions, max_units=None)
    if field == "cover":
        return replace(conditions, cover=tuple(
            (a, n) for a, n in conditions.cover if (f"{a}={n}" if n else a) != value))
    if field == "registered":
        cutoffs = [r.cutoff for r in qual.rules_of(Superseded)
                   if r.applies_to(conditions.registration_date)]
        if not cutoffs:  # already registered before every cutoff
            return conditions
        return replace(conditions, registered=min(cutoffs) - dt.timedelta(days=1))
    raise ValueError(f"no condition behind switch {switch.label}")
