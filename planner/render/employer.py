"""Table views of skill areas and cohort programmes, registered with ``planner.render.tables``
when first needed."""

from __future__ import annotations

from planner.render.core import Table, count_of, tables
from planner.results.cohort import AreaList, CohortResult


@tables.register
def _(r: AreaList) -> list[Table]:
    scope = r.qualification.name if r.qualification else "all units of the catalogue"
    summary = [[a.id, a.name, len(a.units), a.credits, a.glh] for a in r.areas]
    out = [Table(["area", "name", "units", "credits", "glh"], summary,
                 title=f"skill areas: {scope}", notes=[_tagging_note(r)])]
    for a in r.areas:
        rows = [[ref, title, credits, glh] for ref, title, credits, glh in a.units]
        out.append(Table(["unit", "title", "credits", "glh"], rows,
                         title=f"{a.id} ({a.name}): {len(a.units)} units",
                         footer=["total", "", a.credits, a.glh]))
    return out


def _tagging_note(r: AreaList) -> str:
    return r.to_dict()["note"]


@tables.register
def _(r: CohortResult) -> list[Table]:
    q = r.qualification
    title = f"{q.name}: cohort of {len(r.learners)}, {r.status.value}"
    if r.found:
        title += (f"; delivery {r.delivery_glh} GLH, learners' new GLH {r.learners_new_glh}")
    if r.gap:
        title += f" (proven lower bound {r.bound} GLH, gap {r.gap})"
    notes = [f"skipped row: {e}" for e in r.errors] + list(r.notes)
    if not r.found:
        return [Table(["status"], [[r.status.value]], title=title, notes=notes)]
    rows = [[d.ref, d.title, d.glh, len(d.learners), d.learners] for d in r.deliveries]
    out = [Table(["unit", "title", "glh", "learners", "who"], rows, title=title,
                 footer=["total", count_of(len(rows), "delivery", "deliveries"), r.delivery_glh, "",
                         ""],
                 notes=notes)]
    rows = [[p.learner.id, len(p.pathway.units), p.pathway.credits, p.pathway.glh, p.pathway.tqt,
             p.pathway.new_glh, p.pathway.new_tqt, p.pathway.new_refs, p.pathway.achieved_refs]
            for p in r.plans]
    out.append(Table(["learner", "units", "credits", "GLH", "TQT", "new GLH", "new TQT",
                      "new units", "achieved units"],
                     rows, title="each learner's pathway"))
    return out
