"""The CP-SAT encoding of each rule kind, registered beside the kind's other parts
(``planner.domain.kinds``), here in the solver layer so that ortools stays out of the domain.

Each encoder adds its rule to a ``PathwayModel`` under one switch (a literal standing for "this
rule holds", see ``planner.solver.model``) and returns the switch. ``ENCODERS`` holds one per
registered kind (tests/test_rules.py checks that every kind has every part); a rule of a kind
without one fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from planner.domain.rules import (
    AllowedUnits,
    Barred,
    CreditBounds,
    GroupCredits,
    Mandatory,
    Rule,
    Superseded,
    UnitCount,
)

if TYPE_CHECKING:  # pragma: no cover
    from planner.solver.model import PathwayModel, Switch

ENCODERS: dict[str, Callable[[Any, PathwayModel], Switch]] = {}


def encodes(kind: type[Rule]):
    """Register the decorated function as the encoder of ``kind``."""

    def deco(fn):
        if kind.kind in ENCODERS:
            raise ValueError(f"rule kind '{kind.kind}' has two encoders")
        ENCODERS[kind.kind] = fn
        return fn

    return deco


def encode_rule(rule: Rule, m: PathwayModel) -> Switch:
    """Add ``rule`` to ``m`` with its kind's encoder."""
    try:
        encoder = ENCODERS[rule.kind]
    except KeyError:
        raise TypeError(f"no CP-SAT encoder for rule kind '{rule.kind}'") from None
    return encoder(rule, m)


@encodes(AllowedUnits)
def add_allowed(rule: AllowedUnits, m: PathwayModel) -> Switch:
    sw = m.switch(m.rule_label(rule), "rule", rule=rule)
    for ref in m.refs:
        if m.rule_for[ref] is rule and ref not in rule.refs:
            m.enforce(m.model.add(m.x[ref] == 0), sw)
    return sw


def _add_bounds(m: PathwayModel, rule: Rule, expr, lo: int | None, hi: int | None) -> Switch:
    sw = m.switch(m.rule_label(rule), "rule", rule=rule)
    if lo is not None:
        m.enforce(m.model.add(expr >= lo), sw)
    if hi is not None:
        m.enforce(m.model.add(expr <= hi), sw)
    return sw


@encodes(CreditBounds)
def add_credit_bounds(rule: CreditBounds, m: PathwayModel) -> Switch:
    return _add_bounds(m, rule, m.credits(m.refs), rule.min, rule.max)


@encodes(UnitCount)
def add_unit_count(rule: UnitCount, m: PathwayModel) -> Switch:
    return _add_bounds(m, rule, sum(m.x.values()), rule.min, rule.max)


@encodes(GroupCredits)
def add_group_credits(rule: GroupCredits, m: PathwayModel) -> Switch:
    refs = [r for r in m.refs if m.qual.group_of(r) == rule.group]
    return _add_bounds(m, rule, m.credits(refs), rule.min, rule.max)


@encodes(Mandatory)
def add_mandatory(rule: Mandatory, m: PathwayModel) -> Switch:
    sw = m.switch(m.rule_label(rule), "rule", rule=rule)
    for ref in rule.refs:
        m.enforce(m.model.add(m.x[ref] == 1), sw)
    return sw


@encodes(Superseded)
def add_superseded(rule: Superseded, m: PathwayModel) -> Switch:
    sw = m.switch(m.rule_label(rule), "rule", rule=rule)
    date = None
    for old, new in rule.pairs:
        if old in m.x and new in m.x:
            m.enforce(m.model.add_at_most_one(m.x[old], m.x[new]), sw)
        if old in m.x and rule.applies_to(m.registered) and old not in m.achieved:
            if date is None:
                day = m.registered.isoformat()
                date = m.condition("registered", day, day + (
                    "" if m.conditions.registered else " (today, the default)"))
            m.enforce(m.model.add(m.x[old] == 0), sw, date)
    return sw


@encodes(Barred)
def add_barred(rule: Barred, m: PathwayModel) -> Switch:
    sw = m.switch(m.rule_label(rule), "rule", rule=rule)
    present = [m.x[r] for r in rule.refs if r in m.x]
    if len(present) > 1:
        m.enforce(m.model.add_at_most_one(present), sw)
    return sw
