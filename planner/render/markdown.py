"""Render a Report as Markdown for pasting into documents. Text from input files is escaped:
HTML's own characters as entities (a learner id ``<script>`` shows as text in any viewer),
Markdown's emphasis and code marks and table pipes with a backslash."""

from __future__ import annotations

from typing import Any

from planner.render.core import count_of
from planner.results.report import Report

_MARKS = str.maketrans({"\\": "\\\\", "|": "\\|", "*": "\\*", "_": "\\_", "`": "\\`",
                        "[": "\\[", "]": "\\]", "&": "&amp;", "<": "&lt;", ">": "&gt;"})


class Bold(str):
    """A cell the report itself writes in bold (never text from an input file)."""


def cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.translate(_MARKS).split())
    return f"**{text}**" if isinstance(value, Bold) else text


def table(head: list[str], rows: list[list[Any]],
          right: frozenset[int] | set[int] = frozenset()) -> list[str]:
    sep = ["---:" if i in right else "---" for i in range(len(head))]
    out = ["| " + " | ".join(cell(h) for h in head) + " |", "| " + " | ".join(sep) + " |"]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return out + [""]


def render_md(report: Report) -> str:
    p = report.plan
    out = [f"# {cell(report.title)}", ""]
    if report.learner:
        out += [f"For {cell(report.learner)}", ""]
    out += [f"{cell(p['name'])} · accreditation {cell(p['accreditation'])} · pathway report · "
            f"{report.generated} · {p['status']}, minimising new {p['objective'].upper()}", ""]
    if report.asked:
        out += ["## The question", ""]
        out += table(["condition", "given"], [[k, v] for k, v in report.asked])
    if p.get("units"):
        out += table(["units", "credits", "GLH", "TQT", "new GLH", "new TQT"],
                     [[p["unit_count"], p["credits"], p["glh"], p["tqt"], p["new_glh"],
                       p["new_tqt"]]], set(range(6)))
        out += ["## The pathway", ""]
        rows = [[u["ref"], u["title"], u["level"], u["group"], u["credits"], u["glh"], u["tqt"],
                 "achieved" if u["achieved"] else "to take"] for u in p["unit_details"]]
        rows.append([Bold("total"), f"{p['unit_count']} units", "", "", p["credits"], p["glh"],
                     p["tqt"], f"new GLH {p['new_glh']}"])
        out += table(["unit", "title", "level", "group", "credits", "GLH", "TQT", "status"], rows,
                     {2, 3, 4, 5, 6})
    else:
        out += [f"No valid pathway: {p['status']}.", ""]
        out += [f"- {cell(r['text'])}" for r in p.get("reasons", [])] + [""]
    if report.rules:
        out += ["## How the rules of combination are met", ""]
        out += table(["rule", "met?", "figures"],
                     [[r["rule"], "met" if r["ok"] else "NOT MET", r["text"]]
                      for r in report.rules])
    if report.areas or report.uncovered:
        out += ["## Skill areas covered", ""]
        out += table(["area", "credits", "units"],
                     [[a["name"], a["credits"], ", ".join(a["units"])] for a in report.areas],
                     {1})
        if report.uncovered:
            out += ["Left uncovered: " + cell(", ".join(a["name"] for a in report.uncovered))
                    + ".", ""]
        out += ["Skill areas are this project's own tagging of units by title, not the awarding "
                "body's.", ""]
    alts = report.alternative_rows()
    if alts:
        out += ["## Next-best pathways", ""]
        out += table(["#", "units", "credits", "new GLH", "new TQT", "against the best"],
                     [[a["rank"], a["units"], a["credits"], a["new_glh"], a["new_tqt"],
                       a["against"]] for a in alts], {0, 2, 3, 4})
    cmps = report.comparison_rows()
    if cmps:
        out += ["## Comparison across qualifications", ""]
        out += table(["qualification", "status", "units", "credits", "new GLH", "new TQT",
                      "why none"],
                     [[c["name"], c["status"], c["unit_count"], c["credits"], c["new_glh"],
                       c["new_tqt"], c["why"]] for c in cmps], {2, 3, 4, 5})
    if report.frontier:
        pts = report.frontier.get("points", [])
        out += [f"## Trade-off: fewest {report.frontier['y']} against {report.frontier['x']}",
                ""]
        if report.frontier_message():
            out += [cell(report.frontier_message()), ""]
        out += table([report.frontier["x"], report.frontier["y"], "pathway"],
                     [[q.get("x"), q.get("y"), ", ".join(_refs(q.get("pathway")))]
                      for q in pts], {0, 1})
    c = report.cohort
    if c:
        out += ["## Cohort programme", "",
                f"{count_of(c['learner_count'], 'learner')}; delivery GLH {c['delivery_glh']}; "
                f"learners' new GLH {c['learners_new_glh']}.", ""]
        out += table(["unit", "title", "GLH", "learners"],
                     [[d["ref"], d["title"], d["glh"], ", ".join(d["learners"])]
                      for d in c.get("deliveries", [])], {2})
        out += table(["learner", "credits", "new GLH", "new units", "achieved units"],
                     [[x["id"], x["pathway"]["credits"], x["pathway"]["new_glh"],
                       ", ".join(x["pathway"]["new_units"]), ", ".join(x["pathway"]["achieved"])]
                      for x in c.get("learners", [])], {1, 2})
        if report.left_out():
            out += ["Rows left out of the cohort:", ""]
            out += [f"- {cell(e)}" for e in report.left_out()] + [""]
    if report.notes:
        out += ["## Notes", ""] + [f"- {cell(n)}" for n in report.notes] + [""]
    return "\n".join(out)


def _refs(pathway: Any) -> list[str]:
    if isinstance(pathway, dict):
        return list(pathway.get("units", []))
    return [str(x) for x in pathway or []]
