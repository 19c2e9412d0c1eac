"""Table views of audits (``planner check``), registered with ``planner.render.tables`` when
first needed."""

from __future__ import annotations

from planner.render.core import Table, count_of, tables
from planner.results.audit import CheckResult


@tables.register
def _(r: CheckResult) -> list[Table]:
    q = r.qualification
    verdict = "a valid pathway" if r.valid else "not a valid pathway"
    title = f"{q.name} ({q.accreditation}): {count_of(len(r.units), 'unit')}, {verdict}"
    rules = [["ok" if c.ok else "NOT MET", c.text, c.rule.describe()] for c in r.rules]
    unmet = sum(not c.ok for c in r.rules)
    verdict_row = ["verdict", verdict + (f": {count_of(unmet, 'rule')} not met" if unmet else ""),
                   ""]
    out = [Table(["status", "figures", "rule"], rules, title=title, footer=verdict_row,
                 notes=list(r.notes))]
    refused = {x.unit: x for x in r.rejected}
    facts = {u.ref: u for u in r.details}
    units = [[ref, facts[ref].title, facts[ref].group, facts[ref].credits, facts[ref].glh,
              "achieved" if ref in r.achieved else "planned",
              refused[ref].reason if ref in refused else "accepted"] for ref in r.units]
    details = [facts[ref] for ref in r.units]
    new_glh = sum(u.glh for u in details if u.ref not in r.achieved)
    totals = ["total", count_of(len(details), "unit"), "", sum(u.credits for u in details),
              sum(u.glh for u in details), f"new GLH {new_glh}",
              count_of(len(refused), "unit") + " refused" if refused else "all accepted"]
    out.append(Table(["unit", "title", "group", "credits", "glh", "status", "accepted?"], units,
                     title="units of the set", footer=totals))
    c = r.completion
    if c is None:
        return out
    if c.pathway is None:
        out.append(Table(["status"], [[c.status.value]], title="way forward: none found"))
        return out
    by_ref = {u.ref: u for u in c.pathway.units}
    rows = [["add", ref, by_ref[ref].title, by_ref[ref].credits, by_ref[ref].glh, why]
            for ref, why in zip(c.add, c.add_reasons, strict=True)]
    rows += [["drop", d.unit, facts[d.unit].title, facts[d.unit].credits, d.glh, d.reason]
             for d in c.drop]
    footer = ["total", f"{count_of(len(c.pathway.units), 'unit')} in the pathway", "",
              c.pathway.credits, f"new {c.new_glh}, lost {c.lost_glh}",
              f"new TQT {c.new_tqt}, lost TQT {c.lost_tqt}"]
    title = (f"way forward ({c.status.value}, fewest new {c.objective.value.upper()} keeping "
             "the most of the set): add " + _refs(c.add) + "; drop " + _refs(
                 [d.unit for d in c.drop]))
    out.append(Table(["action", "unit", "title", "credits", "glh", "why"], rows, title=title,
                     footer=footer))
    return out


def _refs(refs) -> str:
    return ", ".join(refs) if refs else "nothing"
