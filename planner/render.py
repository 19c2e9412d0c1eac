"""Renderers: result objects -> text in one of the output formats.

Every result object has ``to_dict()`` (the JSON form) and a ``tables`` view registered here (the
form of table, CSV, Markdown and HTML). Renderers never compute anything themselves.
"""

from __future__ import annotations

import csv
import enum
import functools
import html
import io
import json
from dataclasses import dataclass, field
from typing import Any


class Format(str, enum.Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"


_TABLEFMT = {Format.TABLE: "simple", Format.MARKDOWN: "github", Format.HTML: "html"}


@dataclass(frozen=True)
class Table:
    """One table of a result: a title, headers, rows, an optional totals row, and notes."""

    headers: list[str]
    rows: list[list[Any]]
    title: str | None = None
    footer: list[Any] | None = None
    notes: list[str] = field(default_factory=list)


@functools.singledispatch
def tables(result: Any) -> list[Table]:
    raise TypeError(f"no table view for {type(result).__name__}")


def render(result: Any, fmt: Format | str = Format.TABLE) -> str:
    """Render a result object (or a list of them) in ``fmt``."""
    fmt = Format(fmt)
    if fmt is Format.JSON:
        data = [r.to_dict() for r in result] if isinstance(result, list) else result.to_dict()
        return json.dumps(data, indent=2, ensure_ascii=False)
    parts = [t for r in (result if isinstance(result, list) else [result]) for t in tables(r)]
    if fmt is Format.CSV:
        return _csv(parts)
    return "\n\n".join(_text(t, fmt) for t in parts)


def _csv(parts: list[Table]) -> str:
    """CSV carries the rows only (no titles, totals or notes); several tables are separated by a
    blank line."""
    out = []
    for t in parts:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(t.headers)
        w.writerows([_cell(c) for c in row] for row in t.rows)
        out.append(buf.getvalue())
    return "\n".join(out).rstrip("\n")


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def _text(t: Table, fmt: Format) -> str:
    from tabulate import tabulate

    rows = [[_cell(c) for c in row] for row in t.rows]
    if t.footer is not None:
        rows = rows + ([["-" * 3 for _ in t.headers]] if fmt is Format.TABLE else []) + \
            [[_cell(c) for c in t.footer]]
    esc = fmt is Format.HTML
    if esc:
        rows = [[html.escape(str(c)) for c in row] for row in rows]
    body = tabulate(rows, headers=[html.escape(h) if esc else h for h in t.headers],
                    tablefmt=_TABLEFMT[fmt], disable_numparse=True)
    lines = []
    if t.title:
        title = html.escape(t.title) if esc else t.title
        lines.append({Format.MARKDOWN: f"### {title}", Format.HTML: f"<h3>{title}</h3>"}
                     .get(fmt, title))
        if fmt is not Format.HTML:
            lines.append("")
    lines.append(body)
    for note in t.notes:
        n = html.escape(note) if esc else note
        styled = {Format.MARKDOWN: f"\n> {n}", Format.HTML: f"<p>{n}</p>"}
        lines.append(styled.get(fmt, f"note: {n}"))
    return "\n".join(lines)


# -- table views of the core results ---------------------------------------------------------

from .results import PlanResult  # noqa: E402
from .views import QualificationList, RulesView, UnitList  # noqa: E402


@tables.register
def _(r: PlanResult) -> list[Table]:
    q = r.qualification
    status = r.status.value
    title = f"{q.name} ({q.accreditation}): {status}, minimising new {r.objective.value.upper()}"
    notes = list(r.notes)
    if r.pathway is None:
        notes = [f"no pathway: {x.text}" for x in r.reasons] + notes
        return [Table(["status"], [[status]], title=title, notes=notes)]
    p = r.pathway
    rows = [[u.ref, u.title, u.level, u.group, u.credits, u.glh, u.tqt,
             "achieved" if u.achieved else "new"] for u in p.units]
    footer = ["total", f"{_n(len(p.units), 'unit')}; group 2 credits {p.group_credits(2)}", "", "",
              p.credits, p.glh, p.tqt, f"new GLH {p.new_glh}, TQT {p.new_tqt}"]
    return [Table(["unit", "title", "level", "group", "credits", "glh", "tqt", "status"], rows,
                  title=title, footer=footer, notes=notes)]


@tables.register
def _(r: QualificationList) -> list[Table]:
    rows = [[x["qualification"], x["name"], x["accreditation"],
             _span(x["min_credits"], x["max_credits"]), x["tqt"], x["glh"], x["units"]]
            for x in r.rows()]
    return [Table(["qualification", "name", "accreditation", "credits", "tqt", "glh", "units"],
                  rows)]


def _span(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo}-{hi}"
    return f"{lo}+" if lo is not None else f"up to {hi}"


@tables.register
def _(r: UnitList) -> list[Table]:
    headers = ["unit", "title", "level", "group", "credits", "glh"]
    rows = [[u.ref, u.title, u.level, u.group, u.credits, u.glh] for u in r.table.itertuples()]
    notes = []
    if r.has_areas:
        headers.append("areas")
        for row, u in zip(rows, r.table.itertuples(), strict=True):
            row.append(", ".join(u.areas))
        notes.append("skill areas are this project's own judgement from unit titles, "
                     "not the awarding body's")
    if "allowed" in r.table and not r.table["allowed"].all():
        headers.append("allowed")
        for row, u in zip(rows, r.table.itertuples(), strict=True):
            row.append(bool(u.allowed))
    title = f"{r.qualification.name}: {_n(len(rows), 'unit')}"
    return [Table(headers, rows, title=title, notes=notes)]


@tables.register
def _(r: RulesView) -> list[Table]:
    q = r.qualification
    rows = [[x["kind"], x["rule"], x["source"] + (f" [{x['note']}]" if x["note"] else "")]
            for x in r.lines()]
    notes = []
    if q.duration_years:
        notes.append(f"to be completed in {q.duration_years} years (not a rule the planner can "
                     "check: it has no dates of study)")
    return [Table(["kind", "rule", "specification (and how this project reads it)"], rows,
                  title=f"{q.name} ({q.accreditation}): rules of combination", notes=notes)]


# -- table views: audit (issue 3) -------------------------------------------

from .audit import CheckResult  # noqa: E402


@tables.register
def _(r: CheckResult) -> list[Table]:
    q = r.qualification
    verdict = "a valid pathway" if r.valid else "not a valid pathway"
    title = f"{q.name} ({q.accreditation}): {_n(len(r.units), 'unit')}, {verdict}"
    rules = [["ok" if c.ok else "NOT MET", c.text, c.rule.describe()] for c in r.rules]
    out = [Table(["status", "figures", "rule"], rules, title=title, notes=list(r.notes))]
    refused = {x.unit: x for x in r.rejected}
    facts = {u.ref: u for u in r.details}
    units = [[ref, facts[ref].title, facts[ref].group, facts[ref].credits, facts[ref].glh,
              "achieved" if ref in r.achieved else "",
              refused[ref].reason if ref in refused else "accepted"] for ref in r.units]
    out.append(Table(["unit", "title", "group", "credits", "glh", "status", "accepted?"], units,
                     title="units of the set"))
    c = r.completion
    if c is None:
        return out
    if c.pathway is None:
        out.append(Table(["status"], [[c.status.value]], title="way forward: none found"))
        return out
    by_ref = {u.ref: u for u in c.pathway.units}
    rows = [["add", ref, by_ref[ref].title, by_ref[ref].credits, by_ref[ref].glh, ""]
            for ref in c.add]
    rows += [["drop", d.unit, facts[d.unit].title, facts[d.unit].credits, d.glh, d.reason]
             for d in c.drop]
    footer = ["total", f"{_n(len(c.pathway.units), 'unit')} in the pathway", "",
              c.pathway.credits, f"new {c.new_glh}, lost {c.lost_glh}",
              f"new TQT {c.new_tqt}, lost TQT {c.lost_tqt}"]
    title = (f"way forward ({c.status.value}, fewest new {c.objective.value.upper()} keeping "
             "the most of the set): add " + _refs(c.add) + "; drop " + _refs(
                 [d.unit for d in c.drop]))
    out.append(Table(["action", "unit", "title", "credits", "glh", "why"], rows, title=title,
                     footer=footer))
    return out


def _n(count: int, one: str, many: str | None = None) -> str:
    """'1 unit', '2 units': a count with its noun."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _refs(refs) -> str:
    return ", ".join(refs) if refs else "nothing"


# -- table views: advisers (issue 4) ----------------------------------------

from .advise import Alternatives, Comparison, Frontier, Progression  # noqa: E402
from .objective import Objective  # noqa: E402


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
        rows.append([a.rank, p.new_glh, p.new_tqt, len(p.units), p.credits, p.group_credits(2),
                     p.refs, a.added, a.removed, f"{getattr(a, 'extra_' + extra):+d}"])
    return [Table(["#", "new glh", "new tqt", "units", "credits", "group 2", "pathway",
                   "in (vs best)", "out (vs best)", f"extra new {extra}"], rows, title=title,
                  notes=list(r.notes))]


_COMPARE_ROWS = [("status", lambda p, r: r.status.value), ("credits", lambda p, r: p.credits),
                 ("group 2 credits", lambda p, r: p.group_credits(2)),
                 ("GLH", lambda p, r: p.glh), ("TQT", lambda p, r: p.tqt),
                 ("new GLH", lambda p, r: p.new_glh), ("new TQT", lambda p, r: p.new_tqt),
                 ("units", lambda p, r: len(p.units)),
                 ("achieved units counted", lambda p, r: len(p.achieved_refs)),
                 ("the units", lambda p, r: p.refs)]


@tables.register
def _(r: Comparison) -> list[Table]:
    headers = [""] + [x.qualification.slug for x in r.results]
    rows = []
    for label, get in _COMPARE_ROWS:
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
        rows.append([s.route, s.step, s.result.qualification.slug, p.refs, p.new_refs,
                     s.added_glh, s.added_tqt, s.total_glh, s.total_tqt])
    return [Table(["route", "stage", "qualification", "units counted", "units added",
                   "added glh", "added tqt", "route glh", "route tqt"], rows, title=title,
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


# -- table views: employers (issue 5) ---------------------------------------

from .cohort import AreaList, CohortResult  # noqa: E402


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
                 footer=["total", _n(len(rows), "delivery", "deliveries"), r.delivery_glh, "",
                         ""],
                 notes=notes)]
    rows = [[p.learner.id, len(p.pathway.units), p.pathway.credits, p.pathway.new_glh,
             p.pathway.new_refs, p.pathway.achieved_refs] for p in r.plans]
    out.append(Table(["learner", "units", "credits", "new glh", "new units", "achieved units"],
                     rows, title="each learner's pathway"))
    return out


# -- table views: report (issue 7) ------------------------------------------

from .report import Report  # noqa: E402


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
