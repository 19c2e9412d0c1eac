"""Result objects for the catalogue commands (quals, units, rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner.domain.catalogue import Catalogue
from planner.domain.errors import InputError
from planner.domain.rules import Qualification, Superseded


@dataclass(frozen=True)
class QualificationList:
    catalogue: Catalogue
    qualifications: tuple[Qualification, ...]

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for q in self.qualifications:
            allowed = q.allowed
            lo, hi = next((b for r in q.rules if (b := r.credit_bounds())), (None, None))
            out.append({
                "qualification": q.slug, "name": q.name, "accreditation": q.accreditation,
                "level": q.level,
                "min_credits": lo, "max_credits": hi,
                "tqt": q.tqt, "glh": q.glh, "units": len(allowed),
                "group_units": {str(g): sum(1 for v in allowed.values() if v == g)
                                for g in q.group_numbers()},
            })
        return out

    def to_dict(self) -> list[dict[str, Any]]:
        return self.rows()


@dataclass(frozen=True)
class UnitList:
    qualification: Qualification
    table: pd.DataFrame  # ref,title,level,credits,glh,group,allowed,areas
    has_areas: bool
    registered: dt.date = field(default_factory=dt.date.today)  # the learner's registration

    def superseded(self) -> dict[str, tuple[str, Superseded]]:
        """Old unit -> (its new unit, the rule), for the qualification's superseded pairs."""
        return {old: (new, rule) for rule in self.qualification.rules_of(Superseded)
                for old, new in rule.pairs}

    def to_dict(self) -> list[dict[str, Any]]:
        """One object per unit (a list, as ever). ``areas_source`` says whose the skill area
        tagging is: "project", this project's own judgement from the unit titles, not the
        awarding body's (the table view says so in a note). ``superseded_by`` is the unit that
        replaces a superseded one for learners registered from ``superseded_from`` (else null);
        ``allowed`` is the qualification's list, which still names the old unit."""
        source = {"areas_source": "project"} if self.has_areas else {}
        old = self.superseded()
        return [{"ref": r.ref, "title": r.title, "level": int(r.level), "credits": int(r.credits),
                 "glh": int(r.glh), "tqt": int(r.credits) * 10, "group": int(r.group),
                 "allowed": bool(r.allowed), "areas": list(r.areas), **source,
                 "superseded_by": old[r.ref][0] if r.ref in old else None,
                 "superseded_from": old[r.ref][1].cutoff.isoformat() if r.ref in old else None}
                for r in self.table.itertuples(index=False)]


def unit_list(catalogue: Catalogue, qual: Qualification, *, group: int | None = None,
              level: int | None = None, text: str | None = None, area: str | None = None,
              include_disallowed: bool = False, registered: dt.date | None = None) -> UnitList:
    """The units of a qualification, filtered. By default only the units its rules allow;
    ``registered`` (default today) decides whether a superseded unit may still be taken."""
    if group is not None and group not in qual.group_numbers():
        groups = ", ".join(str(g) for g in qual.group_numbers())
        raise InputError(f"{qual.slug} has no group {group} (its groups: {groups})",
                         field="group")
    t = catalogue.unit_table(qual)
    if not include_disallowed:
        t = t[t["allowed"]]
    if group is not None:
        t = t[t["group"] == group]
    if level is not None:
        t = t[t["level"] == level]
    if text:
        t = t[t["title"].str.contains(text, case=False, regex=False)
              | t["ref"].str.contains(text, regex=False)]
    if area:
        t = t[t["areas"].map(lambda a: area in a)]
    return UnitList(qual, t.reset_index(drop=True), not catalogue.unit_areas.empty,
                    registered or dt.date.today())


@dataclass(frozen=True)
class RulesView:
    qualification: Qualification

    def lines(self) -> list[dict[str, Any]]:
        q = self.qualification
        out = []
        for rule in q.rules:
            units = list(rule.listed_units())
            out.append({"kind": rule.kind, "rule": rule.describe(), "source": rule.source,
                        "note": rule.note or None, **({"units": units} if units else {})})
        return out

    def to_dict(self) -> dict[str, Any]:
        q = self.qualification
        return {"qualification": q.slug, "name": q.name, "accreditation": q.accreditation,
                "tqt": q.tqt, "glh": q.glh, "duration_years": q.duration_years,
                "specification": q.specification, "rules": self.lines()}
