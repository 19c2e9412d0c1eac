"""Table views of the advisers' answers, registered with ``planner.render.tables``
when first needed."""

from __future__ import annotations

from planner.domain.objective import Objective
from planner.render.core import Table, tables
from planner.results.advise import Alternatives, Comparison, Frontier, Progression
from planner.results.plan import PlanResult


def _no_pathway(r: PlanResult | None, title: str, notes=()) -> list[Table]:
    reasons = [f"no pathway: {x.text}" for x in r.reasons] if r is not None else []
    status = r.status.value if r is not None else "unknown"
    return [Table(["status"], [[status]], title=title, notes=reasons + list(notes))]


@tables.register
def _(r: Alternatives) -> list[Table]:
    q = r.qualification
    what = f"new {r.objective.value.upper()}"
    if r.gaps:
        what = "the --gaps areas covered, then " + what
    n = len(r.items)
    title = (f"{q.name}: " + (f"the {n} best pathways" if n > 1 else "the best pathway")
             + f" by {what}"
             + (f", each differing from the earlier ones in at least {r.differ_by} new units"
                if r.differ_by > 1 else "") + f" ({r.status.value})")
    if not r.items:
        return _no_pathway(r.none, f"{q.name}: no pathway ({r.status.value})", r.notes)
    extra = "tqt" if r.objective is Objective.TQT else "glh"
    rows = []
    for a in r.items:
        p = a.result.pathway
        assert p is not None
        rows.append([a.rank, p.new_glh, p.new_tqt, len(p.units), p.credits, p.summary_credits,
                     p.refs, a.added, a.removed, f"{getattr(a, 'extra_' + extra):+d}"])
    group = q.group_label(q.summary_group)
    return [Table(["#", "new GLH", "new TQT", "units", "credits", group, "pathway",
                   "in (vs best)", "out (vs best)", f"extra new {extra.upper()}"], rows,
                  title=title, notes=list(r.notes))]


_COMPARE_ROWS = [("status", lambda p, r: r.status.value), ("credits", lambda p, r: p.credits),
                 ("{group} credits", lambda p, r: p.summary_credits),
                 ("GLH", lambda p, r: p.glh), ("TQT", lambda p, r: p.tqt),
                 ("new GLH", lambda p, r: p.new_glh), ("new TQT", lambda p, r: p.new_tqt),
                 ("units", lambda p, r: len(p.units)),
                 ("achieved units counted", lambda p, r: len(p.achieved_refs)),
                 ("the units", lambda p, r: p.refs)]


@tables.register
def _(r: Comparison) -> list[Table]:
    headers = [""] + [x.qualification.slug for x in r.results]
    rows = []
    groups = " / ".join(dict.fromkeys(x.qualification.group_label(x.qualification.summary_group)
                                      for x in r.results)) or "group"
    for label, get in _COMPARE_ROWS:
        label = label.replace("{group}", groups)
        rows.append([label] + [get(x.pathway, x) if x.pathway is not None else
                               (x.status.value if label == "status" else "-")
                               for x in r.results])
    notes = []
    for x in r.results:
        slug = x.qualification.slug
        notes += [f"{slug}: no pathway: {c.text}" for c in x.reasons]
        notes += [f"{slug}: {n}" for n in x.notes]
    title = f"the best route to each qualification, minimising new {r.objective.value.upper()}"
    return [Table(headers, rows, title=title, notes=_dedupe_notes(notes, len(r.results)))]


def _dedupe_notes(notes: list[str], columns: int) -> list[str]:
    """A note said for every qualification is said once without a prefix; one said for some
    names them all ("award, certificate: ...")."""
    by_text: dict[str, list[str]] = {}
    for n in notes:
        slug, _, text = n.partition(": ")
        by_text.setdefault(text, []).append(slug)
    out = []
    for text, slugs in by_text.items():
        out.append(text if len(slugs) == columns else f"{', '.join(slugs)}: {text}")
    return out


@tables.register
def _(r: Progression) -> list[Table]:
    attr = r.objective.value
    title = f"from the {r.source.name} to the {r.target.name} ({r.status.value})"
    staged, direct = r.route("staged"), r.route("direct")
    if staged and direct:
        diff = {a: getattr(staged[-1], f"total_{a}") - getattr(direct[-1], f"total_{a}")
                for a in ("glh", "tqt")}
        other = "tqt" if attr == "glh" else "glh"
        title += (f": the staged route costs {diff[attr]} {attr.upper()} more than the direct "
                  "one" if diff[attr] else f": the staged route costs no more {attr.upper()}")
        if diff[other]:
            title += f" ({diff[other]:+d} {other.upper()})"
    if not r.stages:
        return _no_pathway(r.none, title, r.notes)
    rows = []
    for s in r.stages:
        p = s.result.pathway
        assert p is not None
        rows.append([s.route, s.step, s.result.qualification.slug, p.refs, p.new_refs, p.credits,
                     s.added_glh, s.added_tqt, s.total_glh, s.total_tqt])
    return [Table(["route", "stage", "qualification", "units counted", "units added", "credits",
                   "added GLH", "added TQT", "route GLH", "route TQT"], rows, title=title,
                  notes=list(r.notes))]


@tables.register
def _(r: Frontier) -> list[Table]:
    q = r.qualification
    title = f"{q.name}: fewest {r.y_label} against {r.x_label} ({r.status.value})"
    if not r.points:
        return _no_pathway(r.none, title, r.notes)
    cols = [(name, get) for name, get in (("new units", lambda p: len(p.new_refs)),
                                          ("new GLH", lambda p: p.new_glh),
                                          ("new TQT", lambda p: p.new_tqt))
            if name not in (r.x_label, r.y_label)]
    rows = []
    for pt in r.points:
        p = pt.result.pathway
        assert p is not None
        rows.append([pt.x, pt.y] + [get(p) for _, get in cols] + [p.credits, p.refs])
    notes = list(r.notes)
    if r.x == "areas":
        notes.insert(0, "areas counted: " + ", ".join(r.areas))
    return [Table([r.x_label, r.y_label] + [n for n, _ in cols] + ["credits", "pathway"],
                  rows, title=title, notes=notes)]
