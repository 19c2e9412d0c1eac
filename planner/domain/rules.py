"""Rule objects: the rules of combination of a qualification, as read from its catalogue file.

Each rule family is one small frozen dataclass. The model (``planner.solver.model``), the
independent validator (``planner.domain.validate``) and the explanations all dispatch on these
types; nothing in the code branches on a particular qualification.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


def short(ref: str) -> str:
    """'8605-404' -> '404': the number people use for a unit."""
    return ref.rsplit("-", 1)[-1]


def ranges_text(refs: tuple[str, ...] | list[str]) -> str:
    """Compress unit refs into ranges of consecutive numbers: '400-408, 410-427'."""
    nums = sorted(int(short(r)) for r in refs)
    parts: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        parts.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ", ".join(parts)


@dataclass(frozen=True)
class Rule:
    """Common fields: where the rule comes from in the specification, and any reading decision."""

    source: str = field(default="", kw_only=True)
    note: str = field(default="", kw_only=True)

    kind = "rule"

    def describe(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError


@dataclass(frozen=True)
class AllowedUnits(Rule):
    """Only these units of the group table, in this group, may be counted."""

    group: int
    refs: tuple[str, ...]
    spec: str  # the ranges as the specification writes them
    kind = "allowed"

    def describe(self) -> str:
        return f"group {self.group} units {self.spec} only"


@dataclass(frozen=True)
class CreditBounds(Rule):
    min: int | None = None
    max: int | None = None
    kind = "credits"

    def describe(self) -> str:
        return "credits " + _bounds(self.min, self.max)


@dataclass(frozen=True)
class UnitCount(Rule):
    min: int | None = None
    max: int | None = None
    kind = "unit_count"

    def describe(self) -> str:
        return "units " + _bounds(self.min, self.max)


@dataclass(frozen=True)
class GroupCredits(Rule):
    group: int
    min: int | None = None
    max: int | None = None
    kind = "group_credits"

    def describe(self) -> str:
        return f"group {self.group} credits " + _bounds(self.min, self.max)


@dataclass(frozen=True)
class Mandatory(Rule):
    refs: tuple[str, ...]
    kind = "mandatory"

    def describe(self) -> str:
        return "mandatory units " + ", ".join(short(r) for r in self.refs)


@dataclass(frozen=True)
class Superseded(Rule):
    """Learners registered on or after ``cutoff`` must take the new unit of each (old, new) pair,
    unless they have already achieved the old one. A pathway never counts both units of a pair."""

    cutoff: dt.date
    pairs: tuple[tuple[str, str], ...]
    kind = "superseded"

    def describe(self) -> str:
        pairs = ", ".join(f"{short(new)} not {short(old)}" for old, new in self.pairs)
        return (f"registered from {self.cutoff.isoformat()}: {pairs} (unless the old unit is "
                "already achieved); never both units of a pair")

    def old_units(self) -> tuple[str, ...]:
        return tuple(old for old, _ in self.pairs)

    def replacement(self, old: str) -> str | None:
        return next((new for o, new in self.pairs if o == old), None)

    def applies_to(self, registered: dt.date) -> bool:
        return registered >= self.cutoff


@dataclass(frozen=True)
class Barred(Rule):
    """At most one of these units may be counted."""

    refs: tuple[str, ...]
    kind = "barred"

    def describe(self) -> str:
        return "never together: " + " and ".join(short(r) for r in self.refs)


def _bounds(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo} to {hi}"
    if lo is not None:
        return f"at least {lo}"
    if hi is not None:
        return f"at most {hi}"
    return "unbounded"


RULE_TYPES: dict[str, type[Rule]] = {
    cls.kind: cls
    for cls in (AllowedUnits, CreditBounds, UnitCount, GroupCredits, Mandatory, Superseded, Barred)
}


@dataclass(frozen=True)
class Qualification:
    """A qualification: its identity, its group table and its rules of combination."""

    slug: str
    name: str
    accreditation: str
    table: str
    level: int
    tqt: int | None
    glh: int | None
    order: int
    specification: str
    duration_years: int | None
    rules: tuple[Rule, ...]
    groups: dict[str, int]  # ref -> group, for every unit of the qualification's group table
    file: str = ""

    @property
    def allowed(self) -> dict[str, int]:
        """ref -> group of every unit some AllowedUnits rule admits, in ref order."""
        out: dict[str, int] = {}
        for rule in self.rules_of(AllowedUnits):
            for ref in rule.refs:
                out[ref] = rule.group
        return dict(sorted(out.items()))

    def rules_of(self, kind: type) -> list:
        return [r for r in self.rules if isinstance(r, kind)]

    def group_of(self, ref: str) -> int | None:
        return self.groups.get(ref)

    def group_numbers(self) -> list[int]:
        return sorted(set(self.groups.values()))

    def allowed_rule_for(self, ref: str) -> AllowedUnits | None:
        """The rule that decides whether ``ref`` may be counted: the allowed rule of the unit's
        group in the qualification's table. None for a unit of no such group (not in the table,
        or in a group the qualification takes no units from): no rule of combination speaks of
        it because it is not a unit of the qualification at all, and it is never counted."""
        group = self.groups.get(ref)
        return next((r for r in self.rules_of(AllowedUnits) if r.group == group), None)

    def superseded_by(self, ref: str) -> tuple[Superseded, str] | None:
        for rule in self.rules_of(Superseded):
            new = rule.replacement(ref)
            if new is not None:
                return rule, new
        return None
