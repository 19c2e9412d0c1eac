"""What every rule kind shares: the rule base class, the checked result of a rule on a set of
units, the reading of a rule's TOML table, and the registry of kinds.

A kind registers its parts together (``register``): its rule class (with ``describe``), how it is
read from a qualification file (``parse``), the independent check of a set of units (``check``)
and why it refuses a unit (``reject``). Its CP-SAT encoding is registered beside it, in the solver
layer (``planner.solver.encode``), so ortools stays out of the domain.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from planner.domain.errors import RuleError


def short(ref: str) -> str:
    """'8605-404' -> '404': the number people use for a unit."""
    return ref.rsplit("-", 1)[-1]


@dataclass(frozen=True)
class Rule:
    """Common fields: where the rule comes from in the specification, and any reading decision."""

    source: str = field(default="", kw_only=True)
    note: str = field(default="", kw_only=True)

    kind = "rule"

    def describe(self) -> str:  # pragma: no cover - every kind overrides
        raise NotImplementedError

    # What other layers ask of a rule, answered by the kinds it concerns (no branch on a kind
    # outside ``planner.domain.kinds``):

    def credit_bounds(self) -> tuple[int | None, int | None] | None:
        """(min, max) of all the credits of a pathway, for the rule that bounds them."""
        return None

    def listed_units(self) -> tuple[str, ...]:
        """The units the rule allows by name (its list); empty for a rule that lists none."""
        return ()

    def supersession(self, ref: str) -> tuple[str, dt.date] | None:
        """(the unit that replaces ``ref``, the registration date from which it does), when this
        rule supersedes ``ref``."""
        return None


@dataclass(frozen=True)
class RuleCheck:
    """How one rule of combination fares on a set of units."""

    rule: Rule
    ok: bool
    value: int | None
    limit: int | None
    text: str
    units: tuple[str, ...] = ()  # the units at fault, if any

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule.describe(), "kind": self.rule.kind, "ok": self.ok,
                "value": self.value, "limit": self.limit, "text": self.text,
                "units": list(self.units)}


@dataclass(frozen=True)
class Selection:
    """A set of units under check: ``catalogue`` and ``qual`` are the planner's catalogue and
    qualification (``planner.domain.rules.Qualification``)."""

    catalogue: Any
    qual: Any
    refs: frozenset[str]
    achieved: frozenset[str]
    registered: dt.date

    def credits(self, refs=None) -> int:
        return sum(self.catalogue.facts[r].credits for r in (self.refs if refs is None else refs))


class RuleInput:
    """One ``[[rules]]`` table of a qualification file, with the readers every kind shares; each
    names the file and the field at fault (``RuleError``)."""

    def __init__(self, file: str, where: str, raw: dict, groups: dict[str, int]) -> None:
        self.file, self.where, self.raw, self.groups = file, where, raw, groups
        self.by_number = {short(r): r for r in groups}
        self.common = {"source": self.text("source"), "note": self.text("note")}

    def error(self, message: str, key: str | None = None) -> RuleError:
        return RuleError(message, file=self.file,
                         field=f"{self.where}.{key}" if key else self.where)

    def text(self, key: str) -> str:
        v = self.raw.get(key, "")
        if not isinstance(v, str):
            raise self.error("must be text", key)
        return " ".join(v.split())

    def group(self) -> int:
        g = self.raw.get("group")
        if not isinstance(g, int) or isinstance(g, bool):
            raise self.error("must be a whole number", "group")
        known = sorted(set(self.groups.values()))
        if g not in known:
            raise self.error(f"unknown group {g} (the group table has "
                             f"{', '.join(map(str, known))})", "group")
        return g

    def bounds(self) -> dict[str, int | None]:
        out: dict[str, int | None] = {}
        for key in ("min", "max"):
            v = self.raw.get(key)
            if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                raise self.error("must be a whole number", key)
            out[key] = v
        if out["min"] is None and out["max"] is None:
            raise self.error("give min, max or both")
        if out["min"] is not None and out["max"] is not None and out["min"] > out["max"]:
            raise self.error(f"min {out['min']} is above max {out['max']}")
        return out

    def unit(self, text: Any, key: str) -> str:
        t = str(text).strip()
        ref = t if t in self.groups else self.by_number.get(t)
        if ref is None:
            raise self.error(f"unit '{t}' is not in the qualification's group table", key)
        return ref

    def unit_list(self, key: str) -> tuple[str, ...]:
        v = self.raw.get(key)
        items = v.split(",") if isinstance(v, str) else v
        if not isinstance(items, list) or not items:
            raise self.error("must list units", key)
        return tuple(self.unit(x, key) for x in items)

    def ranges(self, key: str, group: int) -> tuple[str, ...]:
        """Ranges such as '400-408, 410-427' -> the refs of ``group`` they cover."""
        spec = self.raw.get(key)
        if not isinstance(spec, str) or not spec.strip():
            raise self.error("must be ranges such as '400-408, 410-427'", key)
        refs: list[str] = []
        for part in spec.split(","):
            m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+))?\s*", part)
            if not m:
                raise self.error(f"'{part.strip()}' is not a unit number or range", key)
            lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
            if m.group(2) is None:  # a single unit must exist in this group
                ref = self.unit(m.group(1), key)
                if self.groups[ref] != group:
                    raise self.error(f"unit {m.group(1)} is in group {self.groups[ref]}, "
                                     f"not {group}", key)
            refs += [r for r, rg in self.groups.items()
                     if rg == group and lo <= int(short(r)) <= hi]
        return tuple(sorted(set(refs)))


Reject = Callable[[Any, RuleCheck, str, Selection], str | None]


@dataclass(frozen=True)
class Kind:
    """The parts of one rule kind, registered together."""

    name: str
    rule: type[Rule]                                 # its class; ``describe`` is a method
    parse: Callable[[RuleInput], Rule]               # TOML table -> rule
    check: Callable[[Any, Selection], RuleCheck]     # the independent check of a set of units
    reject: Reject                                   # why it refuses a unit (None: it never does)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in KINDS or kind.rule.kind != kind.name:
        raise ValueError(f"rule kind '{kind.name}' registered twice or under another name")
    KINDS[kind.name] = kind
    return kind


def kind_of(rule: Rule) -> Kind:
    """The registered kind of ``rule``; an unknown kind fails loudly, never falls through."""
    try:
        return KINDS[rule.kind]
    except KeyError:
        raise TypeError(f"no registered rule kind '{rule.kind}'") from None


def bounds_text(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo} to {hi}"
    if lo is not None:
        return f"at least {lo}"
    if hi is not None:
        return f"at most {hi}"
    return "unbounded"


def never_rejects(rule: Rule, check: RuleCheck, ref: str, sel: Selection) -> None:
    """A counting rule (credits, caps) refuses no single unit: it is not a unit problem."""
    return None
