"""Renderers: result objects -> text in one of the output formats.

Every result object has ``to_dict()`` (the JSON form) and a ``tables`` view registered here (the
form of table, CSV, Markdown and HTML). Renderers never compute anything themselves.
"""

from __future__ import annotations

import csv
import enum
import functools
import html
import importlib
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


# The views of each family of results live in their own module, imported the first time such a
# result is rendered, so that a command imports only the views it shows.
_VIEWS = {"planner.results.audit": "planner.render.audit",
          "planner.results.advise": "planner.render.advise",
          "planner.results.cohort": "planner.render.employer",
          "planner.results.report": "planner.render.report"}


@functools.singledispatch
def tables(result: Any) -> list[Table]:
    module = _VIEWS.pop(type(result).__module__, None)
    if module is not None:  # registers its views; dispatch again
        importlib.import_module(module)
        return tables(result)
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


def count_of(count: int, one: str, many: str | None = None) -> str:
    """'1 unit', '2 units': a count with its noun."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


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

from planner.results.plan import PlanResult  # noqa: E402
from planner.results.views import QualificationList, RulesView, UnitList  # noqa: E402


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
    units = count_of(len(p.units), "unit")
    footer = ["total", f"{units}; {p.summary_label} {p.summary_credits}", "", "",
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
    title = f"{r.qualification.name}: {count_of(len(rows), 'unit')}"
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
