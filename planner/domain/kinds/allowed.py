"""``allowed``: only these units of the group table, in this group, may be counted."""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.kinds.base import Kind, Rule, RuleCheck, RuleInput, Selection, register, short


@dataclass(frozen=True)
class AllowedUnits(Rule):
    """Only these units of the group table, in this group, may be counted."""

    group: int
    refs: tuple[str, ...]
    spec: str  # the ranges as the specification writes them
    kind = "allowed"

    def describe(self) -> str:
        return f"group {self.group} units {self.spec} only"

    def listed_units(self) -> tuple[str, ...]:
        return self.refs


def parse(r: RuleInput) -> AllowedUnits:
    g = r.group()
    refs = r.ranges("units", g)
    return AllowedUnits(group=g, refs=refs, spec=r.raw["units"].strip(), **r.common)


def check(rule: AllowedUnits, sel: Selection) -> RuleCheck:
    bad = tuple(sorted(r for r in sel.refs
                       if sel.qual.allowed_rule_for(r) is rule and r not in rule.refs))
    text = (f"group {rule.group}: {len(bad)} unit(s) outside {rule.spec}: "
            + ", ".join(short(r) for r in bad)) if bad else f"group {rule.group}: all units allowed"
    return RuleCheck(rule, not bad, len(bad), 0, text, bad)


def reject(rule: AllowedUnits, c: RuleCheck, ref: str, sel: Selection) -> str:
    group = sel.qual.groups[ref]
    specs = [r.spec for r in sel.qual.rules_of(AllowedUnits) if r.group == group]
    return f"not in this qualification's list (group {group}: {'; '.join(specs) or 'none'})"


register(Kind("allowed", AllowedUnits, parse, check, reject))
