"""The counting kinds, one small function each: ``credits`` (all credits), ``unit_count`` (the
number of units) and ``group_credits`` (the credits of one group), each with a ``min`` and/or
``max``. A count refuses no single unit."""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.kinds.base import (
    Kind,
    Rule,
    RuleCheck,
    Selection,
    bounds_text,
    never_rejects,
    register,
)


@dataclass(frozen=True)
class CreditBounds(Rule):
    min: int | None = None
    max: int | None = None
    kind = "credits"

    def describe(self) -> str:
        return "credits " + bounds_text(self.min, self.max)

    def credit_bounds(self) -> tuple[int | None, int | None]:
        return self.min, self.max


@dataclass(frozen=True)
class UnitCount(Rule):
    min: int | None = None
    max: int | None = None
    kind = "unit_count"

    def describe(self) -> str:
        return "units " + bounds_text(self.min, self.max)


@dataclass(frozen=True)
class GroupCredits(Rule):
    group: int
    min: int | None = None
    max: int | None = None
    kind = "group_credits"

    def describe(self) -> str:
        return f"group {self.group} credits " + bounds_text(self.min, self.max)


def bounded(rule: Rule, value: int, lo: int | None, hi: int | None, what: str) -> RuleCheck:
    """The check of a count: ``value`` against ``lo`` and ``hi``, in words."""
    if lo is not None and value < lo:
        return RuleCheck(rule, False, value, lo, f"{what} {value}, at least {lo}")
    if hi is not None and value > hi:
        return RuleCheck(rule, False, value, hi, f"{what} {value}, at most {hi}")
    limit = lo if lo is not None else hi
    bounded_at_all = lo is not None or hi is not None
    return RuleCheck(rule, True, value, limit, f"{what} {value} ({rule.describe()})"
                     if bounded_at_all else f"{what} {value}")


def check_credits(rule: CreditBounds, sel: Selection) -> RuleCheck:
    return bounded(rule, sel.credits(), rule.min, rule.max, "credits")


def check_units(rule: UnitCount, sel: Selection) -> RuleCheck:
    return bounded(rule, len(sel.refs), rule.min, rule.max, "units")


def check_group(rule: GroupCredits, sel: Selection) -> RuleCheck:
    refs = [r for r in sel.refs if sel.qual.group_of(r) == rule.group]
    return bounded(rule, sel.credits(refs), rule.min, rule.max, f"group {rule.group} credits")


register(Kind("credits", CreditBounds, lambda r: CreditBounds(**r.bounds(), **r.common),
              check_credits, never_rejects))
register(Kind("unit_count", UnitCount, lambda r: UnitCount(**r.bounds(), **r.common),
              check_units, never_rejects))
register(Kind("group_credits", GroupCredits,
              lambda r: GroupCredits(group=r.group(), **r.bounds(), **r.common),
              check_group, never_rejects))
