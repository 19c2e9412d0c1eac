"""The pathway report: one object gathering already-computed results (no ortools import here).

Everything is kept as the results' ``to_dict()`` forms, so the report depends on as little as
possible; ``report_html`` and ``report_md`` render it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Report:
    plan: dict[str, Any]                      # PlanResult.to_dict()
    rules: list[dict[str, Any]]               # CheckResult.to_dict()["rules"] for the pathway
    areas: list[dict[str, Any]]               # [{"id", "name", "credits", "units": [...]}]
    alternatives: list[dict[str, Any]] | None = None   # Alternatives.to_dict()
    comparison: list[dict[str, Any]] | None = None     # Comparison.to_dict()
    frontier: dict[str, Any] | None = None  # {"x": label, "y": label, "points": Frontier.to_dict()}
    frontier_svg: str | None = None
    cohort: dict[str, Any] | None = None
    generated: str = field(default_factory=lambda: dt.date.today().isoformat())
    notes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.plan.get('name', self.plan['qualification'])}: pathway report"

    def bars(self) -> list[dict[str, Any]]:
        """Rules with a number against a limit (credits, group credits, unit count)."""
        out = []
        for r in self.rules:
            if r["kind"] in ("credits", "group_credits", "unit_count") and r.get("limit"):
                scale = max(r["value"], r["limit"]) or 1
                out.append({**r, "value_pct": round(100 * r["value"] / scale, 1),
                            "limit_pct": round(100 * r["limit"] / scale, 1)})
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"plan": self.plan, "rules": self.rules, "areas": self.areas,
                "alternatives": self.alternatives, "comparison": self.comparison,
                "frontier": self.frontier, "cohort": self.cohort,
                "generated": self.generated, "notes": list(self.notes)}


def gather(catalogue, qual, plan_result, check_result=None, cohort=None, alternatives=None,
           comparison=None, frontier=None, frontier_svg=None) -> Report:
    """Build a Report from computed results (any object with ``to_dict()`` or a dict)."""
    def d(x):
        return None if x is None else (x if isinstance(x, dict) else x.to_dict())

    plan = d(plan_result)
    rules = d(check_result)["rules"] if check_result is not None else []
    by_area: dict[str, dict[str, Any]] = {}
    for u in plan.get("unit_details", []):
        for a in u.get("areas", []):
            e = by_area.setdefault(a, {"id": a, "name": catalogue.area_name(a), "credits": 0,
                                       "units": []})
            e["credits"] += u["credits"]
            e["units"].append(u["ref"])
    areas = [by_area[k] for k in sorted(by_area)]
    fr = None
    if frontier is not None and getattr(frontier, "points", None):
        fr = {"x": frontier.x_label, "y": frontier.y_label, "points": frontier.to_dict()}
    alts = d(alternatives) if alternatives is not None and alternatives.found else None
    return Report(plan, rules, areas, alts, d(comparison), fr, frontier_svg if fr else None,
                  d(cohort), notes=tuple(plan.get("notes", [])))
