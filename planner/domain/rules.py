"""A qualification and its rules of combination, as read from its catalogue file.

Each rule kind lives in one module of ``planner.domain.kinds`` (its class, parsing, independent
check and rejection reason, registered together); its CP-SAT encoding is registered beside it in
``planner.solver.encode``. The classes are re-exported here. Nothing in the code branches on a
particular qualification.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from planner.domain.kinds import (
    KINDS,
    AllowedUnits,
    Barred,
    CreditBounds,
    GroupCredits,
    Mandatory,
    Rule,
    Superseded,
    UnitCount,
)
from planner.domain.kinds.base import short

__all__ = ["KINDS", "RULE_TYPES", "AllowedUnits", "Barred", "CreditBounds", "GroupCredits",
           "Mandatory", "Qualification", "Rule", "Superseded", "UnitCount", "ranges_text",
           "short"]


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


RULE_TYPES: dict[str, type[Rule]] = {name: kind.rule for name, kind in KINDS.items()}


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
        return dict(self._allowed)

    # cached: every planning model asks these once per unit (a read-only copy is handed out)
    @cached_property
    def _allowed(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for rule in self.rules_of(AllowedUnits):
            for ref in rule.refs:
                out[ref] = rule.group
        return dict(sorted(out.items()))

    @cached_property
    def _allowed_rules(self) -> dict[int, AllowedUnits]:
        out: dict[int, AllowedUnits] = {}
        for rule in self.rules_of(AllowedUnits):
            out.setdefault(rule.group, rule)
        return out

    def rules_of(self, kind: type) -> list:
        return [r for r in self.rules if isinstance(r, kind)]

    def group_of(self, ref: str) -> int | None:
        return self.groups.get(ref)

    def group_numbers(self) -> list[int]:
        return sorted(set(self.groups.values()))

    @property
    def summary_group(self) -> int | None:
        """The group whose credits a pathway's summary shows: the one the qualification's first
        ``group_credits`` rule caps or asks for; without such a rule, the last group of its
        unit table (the group of further units, which the qualification may take none of)."""
        capped = self.rules_of(GroupCredits)
        if capped:
            return capped[0].group
        numbers = self.group_numbers()
        return numbers[-1] if numbers else None

    @staticmethod
    def group_label(group: int | None) -> str:
        """A group as the specifications name it ('Group 2' heads its table): 'group 2'."""
        return f"group {group}" if group is not None else "group"

    def allowed_rule_for(self, ref: str) -> AllowedUnits | None:
        """The rule that decides whether ``ref`` may be counted: the allowed rule of the unit's
        group in the qualification's table. None for a unit of no such group (not in the table,
        or in a group the qualification takes no units from): no rule of combination speaks of
        it because it is not a unit of the qualification at all, and it is never counted."""
        group = self.groups.get(ref)
        return None if group is None else self._allowed_rules.get(group)

    def superseded_by(self, ref: str) -> tuple[Superseded, str] | None:
        for rule in self.rules_of(Superseded):
            new = rule.replacement(ref)
            if new is not None:
                return rule, new
        return None
