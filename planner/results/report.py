"""The pathway report: one object holding the answers to a question, for the HTML and Markdown
renderers (``planner.render.html``, ``planner.render.markdown``). ``planner.questions.report``
builds it; no ortools here.

The answers are kept as the results' ``to_dict()`` forms, so the report depends on as little as
possible. Every row a renderer shows comes from a method here (``question``, ``alternative_rows``,
``comparison_rows``, ``left_out``, ``frontier_message``), so both formats carry the same facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from planner.results.cohort import row_error_text


@dataclass(frozen=True)
class Report:
    plan: dict[str, Any]                      # PlanResult.to_dict()
    rules: list[dict[str, Any]]               # CheckResult.to_dict()["rules"] for the pathway
    areas: list[dict[str, Any]]               # covered: [{"id", "name", "credits", "units"}]
    alternatives: list[dict[str, Any]] | None = None   # the next-best: Alternative.to_dict()
    comparison: list[dict[str, Any]] | None = None     # Comparison.to_dict()
    frontier: dict[str, Any] | None = None  # {"x": label, "y": label, "points": Frontier.to_dict()}
    cohort: dict[str, Any] | None = None
    generated: str = field(default_factory=lambda: dt.date.today().isoformat())
    notes: tuple[str, ...] = ()
    asked: tuple[tuple[str, str], ...] = ()   # the question restated: (what, the answer given)
    uncovered: tuple[dict[str, Any], ...] = ()  # skill areas no unit covers: [{"id", "name"}]
    heading: str | None = None                # --title
    learner: str | None = None                # --learner
    frontier_result: Any = field(default=None, compare=False, repr=False)  # for the chart

    @property
    def title(self) -> str:
        if self.heading:
            return self.heading
        name = self.plan.get("name", self.plan["qualification"])
        return f"{name}: pathway report" + (f" for {self.learner}" if self.learner else "")

    def bars(self) -> list[dict[str, Any]]:
        """Rules with a number against a limit (credits, group credits, unit count)."""
        out = []
        for r in self.rules:
            if r["kind"] in ("credits", "group_credits", "unit_count") and r.get("limit"):
                scale = max(r["value"], r["limit"]) or 1
                out.append({**r, "value_pct": round(100 * r["value"] / scale, 1),
                            "limit_pct": round(100 * r["limit"] / scale, 1)})
        return out

    def alternative_rows(self) -> list[dict[str, Any]]:
        """Each next-best pathway: rank, units, credits, new GLH and TQT, and how it differs
        from the best ("+420; -421 (+5 GLH)")."""
        rows = []
        for a in self.alternatives or []:
            v = a.get("vs_best", {})
            change = ", ".join([f"+{r}" for r in v.get("in", [])] +
                               [f"-{r}" for r in v.get("out", [])])
            rows.append({"rank": a.get("rank"), "units": ", ".join(a.get("units", [])),
                         "credits": a.get("credits"), "new_glh": a.get("new_glh"),
                         "new_tqt": a.get("new_tqt"),
                         "against": f"{change} ({v.get('extra_new_glh', 0):+d} GLH)"
                         if change else "the same new units"})
        return rows

    def comparison_rows(self) -> list[dict[str, Any]]:
        """Each qualification's best route, or why it has none."""
        rows = []
        for c in self.comparison or []:
            found = bool(c.get("units"))
            why = "; ".join(r["text"] for r in c.get("reasons", []))
            rows.append({"name": c.get("name", c.get("qualification")), "status": c["status"],
                         "unit_count": c.get("unit_count", "") if found else "",
                         "credits": c.get("credits", "") if found else "",
                         "new_glh": c.get("new_glh", "") if found else "",
                         "new_tqt": c.get("new_tqt", "") if found else "",
                         "why": "" if found else (why or _NO_REASON.get(c["status"], ""))})
        return rows

    def left_out(self) -> list[str]:
        """The cohort's rows left out, and why."""
        return [row_error_text(e["line"], e.get("field"), e["message"], e.get("id"))
                for e in (self.cohort or {}).get("errors", [])]

    def frontier_message(self) -> str | None:
        """A frontier of one point is no trade-off: one pathway is best on both."""
        points = (self.frontier or {}).get("points", [])
        if len(points) != 1:
            return None
        p = points[0]
        return (f"One pathway is best on both: {self.frontier['x']} {p['x']} and "
                f"{self.frontier['y']} {p['y']}; there is no trade-off to chart.")

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "learner": self.learner, "asked": dict(self.asked),
                "plan": self.plan, "rules": self.rules, "areas": self.areas,
                "uncovered": list(self.uncovered), "alternatives": self.alternatives,
                "comparison": self.comparison, "frontier": self.frontier, "cohort": self.cohort,
                "generated": self.generated, "notes": list(self.notes)}


_NO_REASON = {"unknown": "the time limit came before any pathway was found"}
