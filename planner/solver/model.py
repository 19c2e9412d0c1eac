"""Rule objects + a user's conditions -> an OR-Tools CP-SAT model.

One encoder per rule kind (``planner.solver.encode``, beside the kinds of
``planner.domain.kinds``) and one builder per kind of user condition. Every builder enforces its
constraints with a *switch*: a literal that stands for "this rule (or condition) holds". When
planning, the switches are simply on; when explaining why no pathway exists they become
assumptions, so the solver can name a conflicting set. Nothing here branches on a particular
qualification.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import attrgetter

from ortools.sat.python import cp_model
from ortools.sat.python import cp_model_helper as cmh

from planner.domain.catalogue import Catalogue
from planner.domain.conditions import Conditions, Objective, SolverConfig
from planner.domain.errors import InputError
from planner.domain.naming import Names, own_words
from planner.domain.rules import Mandatory, Qualification, Rule, short
from planner.results.plan import Status
from planner.solver import interrupt
from planner.solver.encode import encode_rule

_BOOL = cp_model.Domain(0, 1)


class Model(cp_model.CpModel):
    """A CpModel without the camelCase aliases (``AddBoolOr`` ...) that ortools sets on every
    instance: about 0.3 ms a model, a tenth of a plan. The planner calls only snake_case."""

    def __init__(self, model_proto: cmh.CpModelProto | None = None) -> None:
        cmh.CpBaseModel.__init__(self, model_proto)

    def new_bool_var(self, name: str) -> cp_model.IntVar:
        """As CpModel.new_bool_var, with one shared domain object rather than one a variable."""
        return cp_model.IntVar(self.model_proto).with_name(name).with_domain(_BOOL)

    def minimize(self, obj: cp_model.ObjLinearExprT) -> None:
        """As CpModel.minimize, the same proto, with the variables added in one call rather
        than one by one (a tenth of a millisecond on the planner's objective)."""
        if not (isinstance(obj, cp_model.LinearExpr) and obj.is_integer()):
            return super().minimize(obj)
        flat = cmh.FlatIntExpr(obj)
        self.clear_objective()
        objective = self.proto.objective
        objective.vars.extend([v.index for v in flat.vars])
        objective.scaling_factor = 1.0
        objective.offset = flat.offset
        objective.coeffs.extend(flat.coeffs)


@dataclass(frozen=True)
class Switch:
    """A rule or a user condition that the model can turn on or off."""

    label: str                 # in the library's words, e.g. "include 409" or "the Award's rule
    kind: str                  # 'credits 5 to 12'"; "rule" or "condition"
    lit: cp_model.IntVar | None
    rule: Rule | None = None
    field: str | None = None   # the question's field, for conditions ("include")
    value: str | None = None   # its value ("8605-409")
    shown: str = ""            # the value as a user writes it ("409")

    def named(self, names: Names = own_words) -> str:
        """In words, a condition's field named by ``names``: '--include 409' for the CLI."""
        return self.label if self.field is None else f"{names(self.field)} {self.shown}"


class PathwayModel:
    """The CP-SAT model of one question: which units to count toward ``qual``.

    ``switchable=False`` (planning) adds every rule and condition as a hard constraint;
    ``switchable=True`` gives each its own literal in ``switches`` for assumptions.
    """

    def __init__(self, catalogue: Catalogue, qual: Qualification, conditions: Conditions, *,
                 switchable: bool = False, model: cp_model.CpModel | None = None) -> None:
        self.catalogue, self.qual, self.conditions = catalogue, qual, conditions
        self.switchable = switchable
        # ``model``: build into a shared CpModel (one learner of a cohort, planner.questions.cohort)
        self.model = model if model is not None else Model()
        self.registered = conditions.registration_date
        allowed = qual.allowed
        self.achieved = frozenset(r for r in conditions.achieved if r in allowed)
        self.ignored_achieved = tuple(r for r in conditions.achieved if r not in allowed)
        mandatory = [r for rule in qual.rules_of(Mandatory) for r in rule.refs]
        refs = sorted(set(allowed) | set(conditions.include) | set(mandatory) | self.achieved)
        self.refs = tuple(refs)
        self.x = {ref: self.model.new_bool_var(ref) for ref in refs}
        # ref -> the AllowedUnits rule that decides it (``Qualification.allowed_rule_for``)
        self.rule_for = {ref: qual.allowed_rule_for(ref) for ref in refs}
        for ref in refs:  # not a unit of the qualification (e.g. included): never counted
            if self.rule_for[ref] is None:
                self.model.add(self.x[ref] == 0)
        self.facts = {ref: catalogue.facts[ref] for ref in refs}
        self.switches: list[Switch] = []
        for rule in qual.rules:
            encode_rule(rule, self)
        add_conditions(self)

    # -- helpers for builders ---------------------------------------------------------------
    def switch(self, label: str, kind: str, **info) -> Switch:
        lit = self.model.new_bool_var(label) if self.switchable else None
        sw = Switch(label, kind, lit, **info)
        self.switches.append(sw)
        return sw

    def condition(self, field: str, value: str, shown: str | None = None) -> Switch:
        """The switch of the user's condition ``field`` = ``value`` (``shown`` as typed)."""
        shown = value if shown is None else shown
        return self.switch(f"{field} {shown}", "condition", field=field, value=value,
                           shown=shown)

    def enforce(self, constraint: cp_model.Constraint, *switches: Switch) -> None:
        lits = [s.lit for s in switches if s.lit is not None]
        if lits:
            constraint.only_enforce_if(lits)

    def credits(self, refs: Iterable[str]) -> cp_model.LinearExprT:
        return linear([(self.facts[r].credits, self.x[r]) for r in refs])

    def new_refs(self) -> list[str]:
        return [r for r in self.refs if r not in self.achieved]

    def cost(self, objective: Objective) -> cp_model.LinearExprT:
        attr = "glh" if objective is Objective.GLH else "tqt"
        return linear([(getattr(self.facts[r], attr), self.x[r]) for r in self.new_refs()])

    def rule_label(self, rule: Rule) -> str:
        return f"the {self.qual.name}'s rule '{rule.describe()}'"

    # -- objective --------------------------------------------------------------------------
    def set_objective(self, objective: Objective, extra_first: list | None = None, *,
                      gaps: bool = True) -> cp_model.LinearExprT:
        """Minimise, in this order: uncovered ``--gaps`` weight (if any), ``extra_first`` terms
        (if any), the chosen cost, the other
        cost, achieved units left unclaimed, the number of new units, and the catalogue rank of
        the units chosen (a fixed last tie-break, so the same question gets the same answer).
        ``gaps=False`` leaves the ``--gaps`` term out (``planner.questions.plan`` optimises it
        first, as a stage of its own, and fixes its optimum).

        The terms are folded into one integer objective, each weighted above the whole range of
        the terms after it, which makes the order exactly lexicographic."""
        terms = (self._gaps_terms() if gaps else []) + list(extra_first or [])
        terms += [self._term(attrgetter(o.value), new_only=True)
                  for o in (objective, objective.other)]
        terms.append(([(-1, self.x[r]) for r in sorted(self.achieved)], len(self.achieved)))
        terms.append(self._term(lambda f: 1, new_only=True))
        rank = self.catalogue.rank
        terms.append(self._term(lambda f: rank[f.ref] + 1, new_only=False))
        try:
            self.objective = fold_lexicographic(terms)
        except OverflowError as exc:  # the user's weights, not a bug: one line, exit 2
            if not self.conditions.gaps:
                raise InputError(str(exc)) from None
            raise InputError("the weights make the objective too wide for CP-SAT to prove "
                             "exactly; give smaller weights", field="gaps") from None
        self.model.minimize(self.objective)
        return self.objective

    def _gaps_terms(self) -> list[tuple[list, int]]:
        """``--gaps``: maximise the weighted number of covered areas (as a negative cost term).
        ``covered[a]`` may be on only when some counted unit is tagged with area ``a``."""
        if not hasattr(self, "_gaps_pairs"):
            pairs = []
            for area, weight in self.conditions.gaps:
                covered = self.model.new_bool_var(f"covers {area}")
                in_area = [self.x[r] for r in self.refs if area in self.facts[r].areas]
                self.model.add(sum(in_area) >= covered)
                pairs.append((-weight, covered))
            self._gaps_pairs = pairs
        return [(self._gaps_pairs, 0)] if self._gaps_pairs else []

    def gaps_expr(self) -> cp_model.LinearExprT:
        """The uncovered-gaps term alone (minus the weight of the gaps covered)."""
        return linear(self._gaps_terms()[0][0]) if self.conditions.gaps else 0

    def _term(self, coeff, *, new_only: bool) -> tuple[list, int]:
        refs = self.new_refs() if new_only else self.refs
        pairs = [(coeff(self.facts[r]), self.x[r]) for r in refs]
        return pairs, 0

    # -- answers ----------------------------------------------------------------------------
    def chosen(self, solver: cp_model.CpSolver) -> tuple[str, ...]:
        return tuple(r for r in self.refs if solver.boolean_value(self.x[r]))

    def forbid(self, refs: Iterable[str]) -> None:
        """A no-good cut: never this exact set of units again."""
        self.differ(refs, 1)

    def differ(self, refs: Iterable[str], n: int, among: Iterable[str] | None = None) -> None:
        """The pathway differs from the set ``refs`` in at least ``n`` units (added or removed),
        counting only the units ``among`` (default: every candidate unit)."""
        chosen = set(refs)
        pool = self.refs if among is None else tuple(among)
        if n <= 1:
            self.model.add_bool_or([self.x[r].Not() if r in chosen else self.x[r]
                                    for r in pool])
            return
        self.model.add(sum(1 - self.x[r] if r in chosen else self.x[r] for r in pool) >= n)


def linear(pairs: Iterable[tuple[int, cp_model.IntVar]], const: int = 0
           ) -> cp_model.LinearExprT:
    """sum(c * v) + const as one flat CP-SAT expression. Python's ``sum`` of products builds a
    tree of one node per term, which cost more than the solve itself on these small models."""
    pairs = list(pairs)
    expr = cp_model.LinearExpr.weighted_sum([v for _, v in pairs], [c for c, _ in pairs])
    return expr + const if const else expr


def fold_lexicographic(terms: list[tuple[list, int]]) -> cp_model.LinearExprT:
    """Fold lexicographic terms into one weighted sum.

    Each term is (pairs of (coefficient, literal), constant). A term's range is the sum of its
    negative coefficients to the sum of its positive ones; each term is weighted by the product of
    the widths of the ranges after it, so a unit of an earlier term outweighs any change in all
    later ones. A literal in several terms gets one coefficient, the sum of its weighted ones."""
    weight = 1
    coeffs: dict[int, int] = {}  # variable index -> coefficient
    variables: dict[int, cp_model.IntVar] = {}
    total = 0
    for pairs, const in reversed(terms):
        lo = hi = const
        for c, v in pairs:
            if c < 0:
                lo += c
            else:
                hi += c
            i = v.index
            if i in coeffs:
                coeffs[i] += weight * c
            else:
                coeffs[i] = weight * c
                variables[i] = v
        total += weight * const
        weight *= hi - lo + 1
    # CP-SAT keeps objective bounds in floating point: past 2**50 a 'proven' optimum was seen to
    # be one tie-break unit off, so wider objectives are refused (the planner's own are < 2**43)
    if weight >= 2**50:
        raise OverflowError("lexicographic objective too wide for CP-SAT to prove exactly")
    return linear(((c, variables[i]) for i, c in coeffs.items()), total)


# -- the user's conditions --------------------------------------------------------------------

def add_conditions(m: PathwayModel) -> None:
    c = m.conditions
    for ref in c.include:
        sw = m.condition("include", ref, short(ref))
        m.enforce(m.model.add(m.x[ref] == 1), sw)
    for ref in c.exclude:
        if ref in m.x:
            sw = m.condition("exclude", ref, short(ref))
            m.enforce(m.model.add(m.x[ref] == 0), sw)
    if c.glh_max is not None:
        sw = m.condition("glh_max", str(c.glh_max))
        m.enforce(m.model.add(m.cost(Objective.GLH) <= c.glh_max), sw)
    if c.max_units is not None:
        sw = m.condition("max_units", str(c.max_units))
        m.enforce(m.model.add(sum(m.x.values()) <= c.max_units), sw)
    for area, credits in c.cover:
        in_area = [r for r in m.refs if area in m.facts[r].areas]
        sw = m.condition("cover", f"{area}={credits}" if credits else area)
        if credits:
            m.enforce(m.model.add(m.credits(in_area) >= credits), sw)
        else:
            m.enforce(m.model.add(sum(m.x[r] for r in in_area) >= 1), sw)


# CP-SAT's defaults, measured on random questions of the hard corner (issue 13), left about one
# Extended Diploma question in a hundred unproven at any time limit: presolve turns the credit
# bound into an *enforced* linear constraint (its 'extracted enforcement literal' rule), which the
# default linear relaxation (level 1) leaves out, so the search must prove a knapsack bound by
# clause learning alone ('--minimise tqt --achieved 309,523,524': bound 850 against 1000 after
# 3 s, for the cost alone as for the folded objective). Without presolve the relaxation keeps the
# constraint and proves the same optimum in about a millisecond; level 2 adds its cuts, which
# halves the tail (2,000 questions: max 30 ms, none unproven; presolve also cost more than the
# whole solve on these models of about a hundred booleans). ``SolverConfig.extra`` overrides.
SOLVER_PARAMETERS = {"cp_model_presolve": False, "linearization_level": 2}


def make_solver(config: SolverConfig) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = float(config.time_limit)
    p.num_workers = int(config.workers)
    p.random_seed = int(config.seed)
    p.catch_sigint_signal = False  # Ctrl-C must reach Python: see planner.solver.interrupt
    for key, value in {**SOLVER_PARAMETERS, **config.extra}.items():
        setattr(p, key, value)
    interrupt.track(solver)
    return solver


STATUS = {cp_model.OPTIMAL: Status.OPTIMAL, cp_model.FEASIBLE: Status.FEASIBLE,
          cp_model.INFEASIBLE: Status.INFEASIBLE, cp_model.UNKNOWN: Status.UNKNOWN}


def run_solver(model: cp_model.CpModel,
               config: SolverConfig) -> tuple[Status, cp_model.CpSolver]:
    """Solve ``model`` once; the status and the solver (to read values only when one was found)."""
    solver = make_solver(config)
    code = solver.solve(model)
    if code == cp_model.MODEL_INVALID:  # pragma: no cover - a bug in a builder, not user input
        raise RuntimeError(f"invalid CP-SAT model: {model.validate()}")
    return STATUS[code], solver


@dataclass
class Staged:
    """What ``solve_in_stages`` found: ``status`` (optimal only when every stage was proven),
    ``values`` (variable index -> 0/1 of the last solution), ``bound`` (a proven lower bound on
    the first stage) and ``proven`` (how many stages were proven optimal)."""

    status: Status
    values: dict[int, bool] | None = None
    bound: int | None = None
    proven: int = 0

    def chosen(self, m: PathwayModel) -> list[str]:
        assert self.values is not None
        return [r for r in m.refs if self.values[m.x[r].index]]


def solve_in_stages(model: cp_model.CpModel, stages: list[cp_model.LinearExprT],
                    variables: list[cp_model.IntVar], config: SolverConfig) -> Staged:
    """Minimise each stage in turn within one overall time limit: a stage's optimum becomes a
    constraint for the next and its answer the next one's hint. Exactly lexicographic, without
    folding the stages into one objective too wide for CP-SAT to prove."""
    deadline = time.perf_counter() + config.time_limit
    out = Staged(Status.UNKNOWN)
    for i, expr in enumerate(stages):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        model.clear_objective()
        model.minimize(expr)
        status, solver = run_solver(model, replace(config, time_limit=left))
        if not status.found:
            if i == 0:
                out.status = status
            break
        out.values = {v.index: solver.boolean_value(v) for v in variables}
        value = round(solver.objective_value)
        if i == 0:
            out.bound = value if status is Status.OPTIMAL else max(
                0, math.ceil(solver.best_objective_bound - 1e-6))
        out.status = Status.FEASIBLE
        if status is not Status.OPTIMAL:
            break
        out.proven = i + 1
        model.add(expr <= value)
        model.clear_hints()
        for v in variables:
            model.add_hint(v, out.values[v.index])
    if stages and out.proven == len(stages):
        out.status = Status.OPTIMAL
    return out
