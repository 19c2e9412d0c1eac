"""Renderers: result objects -> text in one of the output formats.

Every result object has ``to_dict()`` (the JSON form) and a ``tables`` view registered here (the
form of table, CSV, Markdown and HTML). Renderers never compute anything themselves.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import functools
import html
import importlib
import io
import json
import textwrap
from dataclasses import dataclass, field
from typing import Any

from planner.domain.spreadsheet import neutralise


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
          "planner.results.cohort": "planner.render.employer"}


@functools.singledispatch
def tables(result: Any) -> list[Table]:
    module = _VIEWS.pop(type(result).__module__, None)
    if module is not None:  # registers its views; dispatch again
        importlib.import_module(module)
        return tables(result)
    raise TypeError(f"no table view for {type(result).__name__}")


def render(result: Any, fmt: Format | str = Format.TABLE, width: int | None = None, *,
           raw_csv: bool = False) -> str:
    """Render a result object (or a list of them) in ``fmt``. A table (``fmt`` table) fits in
    ``width`` columns when given: long text wraps, numbers stay whole; ``None`` is full width.
    CSV cells that a spreadsheet would run as formulas are neutralised
    (``planner.domain.spreadsheet``) unless ``raw_csv``."""
    fmt = Format(fmt)
    if fmt is Format.JSON:
        data = [r.to_dict() for r in result] if isinstance(result, list) else result.to_dict()
        return json.dumps(data, indent=2, ensure_ascii=False)
    parts = [t for r in (result if isinstance(result, list) else [result]) for t in tables(r)]
    if fmt is Format.CSV:
        return _csv(parts, raw_csv)
    return "\n\n".join(_text(t, fmt, width if fmt is Format.TABLE else None) for t in parts)


def _csv(parts: list[Table], raw: bool = False) -> str:
    """CSV: each table is its header row, its rows and its totals row (first cell "total" or
    "verdict"), then a block headed ``note``: the table's title (what it is, with its status),
    then its notes (reasons, warnings), one a row. Blocks are separated by a blank line. A cell
    a spreadsheet would run as a formula is neutralised unless ``raw``."""
    safe = (lambda c: c) if raw else (lambda c: neutralise(c) if isinstance(c, str) else c)
    out = []
    for t in parts:
        blocks = [[t.headers, *t.rows, *([t.footer] if t.footer is not None else [])]]
        about = ([t.title] if t.title else []) + list(t.notes)
        if about:
            blocks.append([["note"], *[[n] for n in about]])
        for block in blocks:
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows([safe(_cell(c)) for c in row]
                                                          for row in block)
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


def _md(text: str) -> str:
    """Text in a Markdown table or note: HTML shown, not run; a ``|`` or a line break does not
    end the cell."""
    text = html.escape(text, quote=False).replace("|", "\\|")
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def _text(t: Table, fmt: Format, width: int | None = None) -> str:
    headers = list(t.headers)
    rows = [[_cell(c) for c in row] for row in t.rows]
    if t.footer is not None:
        rows = rows + ([["-" * 3 for _ in t.headers]] if fmt is Format.TABLE else []) + \
            [[_cell(c) for c in t.footer]]
    pad = 2  # tabulate's "simple" pads headers by 2; a table narrowed to fit drops that
    if width is not None and _natural_width(headers, rows, pad) > width:
        pad = 0
        headers, rows = _fit(headers, rows, width)
    esc = {Format.HTML: html.escape, Format.MARKDOWN: _md}.get(fmt)
    if esc:
        rows = [[esc(str(c)) for c in row] for row in rows]
        headers = [esc(h) for h in headers]
    body = _tabulate(rows, headers, _TABLEFMT[fmt], _alignment(t), pad)
    lines = []
    if t.title:
        title = esc(t.title) if esc else t.title
        if width is not None:
            title = textwrap.fill(title, width)
        lines.append({Format.MARKDOWN: f"### {title}", Format.HTML: f"<h3>{title}</h3>"}
                     .get(fmt, title))
        if fmt is not Format.HTML:
            lines.append("")
    lines.append(body)
    for note in t.notes:
        n = esc(note) if esc else note
        styled = {Format.MARKDOWN: f"\n> {n}", Format.HTML: f"<p>{n}</p>"}
        text = styled.get(fmt, f"note: {n}")
        lines.append(textwrap.fill(text, width, subsequent_indent=" " * 6) if width else text)
    return "\n".join(lines)


def _alignment(t: Table) -> list[str]:
    """Numbers to the right, text to the left: a column is numeric when every value is."""
    def numeric(i: int) -> bool:
        values = [row[i] for row in t.rows if row[i] is not None]
        return bool(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                    for v in values)

    return ["right" if numeric(i) else "left" for i in range(len(t.headers))]


def _tabulate(rows: list[list[Any]], headers: list[str], tablefmt: str, colalign: list[str],
              pad: int) -> str:
    import tabulate as tab

    saved, tab.MIN_PADDING = tab.MIN_PADDING, pad  # tabulate's own setting, restored after
    try:
        return tab.tabulate(rows, headers=headers, tablefmt=tablefmt, disable_numparse=True,
                            colalign=colalign)
    finally:
        tab.MIN_PADDING = saved


_SEP = 2  # tabulate's "simple": columns 2 apart
_MIN_WRAP = 6  # a wrapped column keeps at least this many characters (or its longest word)


def _longest(values, split: str | None = None) -> int:
    return max((len(w) for v in values for w in str(v).split(split)), default=0)


def _natural_width(headers: list[str], rows: list[list[Any]], pad: int) -> int:
    cols = list(zip(headers, *rows, strict=True))
    return sum(max(_longest(c[1:], "\n"), len(c[0]) + pad) for c in cols) + \
        _SEP * (len(cols) - 1)


def _fit(headers: list[str], rows: list[list[Any]], width: int) -> tuple[list[str], list[list]]:
    """Narrow the text columns, widest first, until the table fits in ``width``; wrap their
    cells and headers at word boundaries. Columns without spaces (numbers, refs) keep their
    width; a table that cannot fit is left as narrow as it can be."""
    cols = list(zip(headers, *rows, strict=True))
    need = [max(_longest(c[1:], "\n"), len(c[0])) for c in cols]
    floor = [n if not any(" " in str(v) for v in c) else
             min(n, max(_MIN_WRAP, _longest(c)))
             for c, n in zip(cols, need, strict=True)]
    excess = sum(need) + _SEP * (len(cols) - 1) - width
    while excess > 0:
        i = max(range(len(cols)), key=lambda j: (need[j] - floor[j] > 0, need[j]))
        if need[i] <= floor[i]:
            break
        need[i] -= 1
        excess -= 1
    heads = [_wrap(h, n) for h, n in zip(headers, need, strict=True)]
    return heads, [[_wrap(v, n) for v, n in zip(row, need, strict=True)] for row in rows]


def _wrap(value: Any, n: int) -> Any:
    text = str(value)
    if len(text) <= n or "\n" in text:
        return value
    return textwrap.fill(text, n, break_long_words=False, break_on_hyphens=False)


# -- table views of the core results ---------------------------------------------------------

from planner.domain.rules import short  # noqa: E402
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
    note = ("stated glh: the GLH the specification states for the qualification (blank: it "
            "states none); a pathway's own GLH, from planner plan, can be lower")
    return [Table(["qualification", "name", "accreditation", "credits", "tqt", "stated glh",
                   "units"], rows, notes=[note])]


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
    old = r.superseded()
    if not r.table["allowed"].all() or old.keys() & set(r.table["ref"]):
        headers.append("allowed")
        for row, u in zip(rows, r.table.itertuples(), strict=True):
            row.append(_allowed(u.ref, bool(u.allowed), old, r.registered))
        notes += _superseded_notes(old, r.table["ref"], r.registered)
    title = f"{r.qualification.name}: {count_of(len(rows), 'unit')}"
    return [Table(headers, rows, title=title, notes=notes)]


def _allowed(ref: str, allowed: bool, old: dict, registered) -> str:
    """'yes', 'no', 'no: 550' (superseded by 550 for this registration), 'yes or 550' (either,
    never both: registered before the cutoff)."""
    if not allowed:
        return "no"
    if ref not in old:
        return "yes"
    new, rule = old[ref]
    return f"no: {short(new)}" if rule.applies_to(registered) else f"yes or {short(new)}"


def _superseded_notes(old: dict, refs, registered) -> list[str]:
    """What 'no: N' and 'yes or N' mean, for the ones the table shows."""
    rules = {id(rule): rule for ref in refs if ref in old for rule in [old[ref][1]]}.values()
    when = "today" if registered == dt.date.today() else f"on {registered.isoformat()}"
    on = f"a learner registered {when} (--registered)"
    notes = []
    for rule in rules:
        since = rule.cutoff.isoformat()
        if rule.applies_to(registered):
            notes.append(f"'no: N': the unit is superseded by unit N for {on}, from {since}, "
                         "unless already achieved (planner rules)")
        else:
            notes.append(f"'yes or N': {on}, before {since}, may take the old unit or the new "
                         "unit N, never both (planner rules)")
    return notes


@tables.register
def _(r: RulesView) -> list[Table]:
    q = r.qualification
    rows = [[x["kind"], x["rule"], x["source"] + (f" [{x['note']}]" if x["note"] else "")]
            for x in r.lines()]
    notes = []
    if q.duration_years:
        notes.append(f"to be completed in {q.duration_years} years (not a rule the planner can "
                     "check: it has no dates of study)")
    sizes = ", ".join(f"{name} {v}" for name, v in (("TQT", q.tqt), ("stated GLH", q.glh))
                      if v is not None)
    title = f"{q.name} ({q.accreditation}): rules of combination" + (f" ({sizes})" if sizes
                                                                      else "")
    return [Table(["kind", "rule", "specification (and how this project reads it)"], rows,
                  title=title, notes=notes)]
