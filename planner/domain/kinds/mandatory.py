"""``mandatory``: these units must be counted."""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain.kinds.base import (
    Kind,
    Rule,
    RuleCheck,
    RuleInput,
    Selection,
    never_rejects,
    register,
    short,
)


@dataclass(frozen=True)
class Mandatory(Rule):
    refs: tuple[str, ...]
    kind = "mandatory"

    def describe(self) -> str:
        return "mandatory units " + ", ".join(short(r) for r in self.refs)


def parse(r: RuleInput) -> Mandatory:
    return Mandatory(refs=r.unit_list("units"), **r.common)


def check(rule: Mandatory, sel: Selection) -> RuleCheck:
    missing = tuple(r for r in rule.refs if r not in sel.refs)
    text = ("mandatory " + ", ".join(short(r) for r in missing) + " missing") if missing else \
        "all mandatory units present"
    return RuleCheck(rule, not missing, len(rule.refs) - len(missing), len(rule.refs), text,
                     missing)


# a missing unit is not a unit of the set: nothing in it is refused
register(Kind("mandatory", Mandatory, parse, check, never_rejects))
