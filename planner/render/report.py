"""Table views of the pathway report (its table, CSV and Markdown forms), registered with
``planner.render.tables`` when first needed."""

from __future__ import annotations

from planner.render.core import Table, tables
from planner.results.report import Report


@tables.register
def _(r: Report) -> list[Table]:
    p = r.plan
    rows = [[u["ref"], u["title"], u["credits"], u["glh"], u["tqt"]]
            for u in p.get("unit_details", [])]
    out = [Table(["unit", "title", "credits", "glh", "tqt"], rows, title=r.title,
                 footer=["total", f"{len(rows)} units", p.get("credits", ""), p.get("glh", ""),
                         p.get("tqt", "")])]
    out.append(Table(["rule", "met?", "figures"],
                     [[x["rule"], "met" if x["ok"] else "NOT MET", x["text"]] for x in r.rules],
                     title="rules of combination"))
    return out
