"""The skill areas of a qualification, and which of a learner's skills gaps a pathway closes."""

from __future__ import annotations

from typing import Any

from planner.domain.catalogue import Catalogue
from planner.domain.rules import Qualification
from planner.results.cohort import AreaList, AreaSummary
from planner.results.plan import Pathway


def area_list(catalogue: Catalogue, qual: Qualification | None = None) -> AreaList:
    """The skill areas with their units (those the qualification allows, or all units)."""
    facts = catalogue.facts
    refs = sorted(qual.allowed) if qual is not None else sorted(facts)
    out = []
    for aid, name in zip(catalogue.areas["id"], catalogue.areas["name"], strict=True):
        units = tuple((r, facts[r].title, facts[r].credits, facts[r].glh)
                      for r in refs if aid in facts[r].areas)
        out.append(AreaSummary(aid, name, units))
    return AreaList(qual, tuple(out))


def gaps_closed(catalogue: Catalogue, pathway: Pathway,
                gaps: tuple[tuple[str, int], ...]) -> tuple[list[dict[str, Any]], str]:
    """Which ``--gaps`` areas the pathway covers (a unit tagged with the area, achieved units
    included): one entry per gap for JSON, and one note in words."""
    names = dict(zip(catalogue.areas["id"], catalogue.areas["name"], strict=True))
    out, words = [], []
    for area, weight in gaps:
        units = [u.ref for u in pathway.units if area in u.areas]
        out.append({"area": area, "name": names.get(area, area), "weight": weight,
                    "covered": bool(units), "units": units})
        words.append(f"{area} (weight {weight}) " + (f"closed by {', '.join(units)}" if units
                                                      else "left open"))
    closed = sum(w for a, w in gaps if any(a in u.areas for u in pathway.units))
    note = (f"skills gaps: {'; '.join(words)}; weight closed {closed} of "
            f"{sum(w for _, w in gaps)}")
    return out, note
