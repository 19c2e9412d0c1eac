"""Charts of advisers' results: the frontier as a PNG or SVG file, or as inline SVG text.

matplotlib is imported only here, and only when a chart is asked for; it draws on a bare
``Figure`` (no pyplot, no global state), so charts are the same whatever else is running."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from planner.domain.errors import InputError
from planner.results.advise import Frontier

FORMATS = {".png": "png", ".svg": "svg"}
# fixed ids and no date in the files: the same frontier always gives the same bytes
_RC: dict[str, Any] = {"svg.hashsalt": "planner", "svg.fonttype": "none", "font.size": 10}


def _figure(frontier: Frontier) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.0), dpi=100, layout="constrained")
    ax = fig.subplots()
    xs = [p.x for p in frontier.points]
    ys = [p.y for p in frontier.points]
    ax.plot(xs, ys, marker="o", color="#1f5f8b", linewidth=1.8, markersize=7)
    for p in frontier.points:
        ax.annotate(str(p.y), (p.x, p.y), textcoords="offset points", xytext=(0, 8),
                    ha="center", color="#333333")
    q = frontier.qualification
    how = (f"fewest {frontier.y_label} for each number of {frontier.x_label}"
           if frontier.x == "units" else f"fewest {frontier.y_label} against {frontier.x_label}")
    ax.set_title(f"{q.name}\n{how}", fontsize=10)
    ax.set_xlabel(frontier.x_label)
    ax.set_ylabel(frontier.y_label)
    if frontier.x != "tqt":
        ax.set_xticks(xs)
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # hours are whole numbers
    ax.grid(True, color="#dddddd")
    ax.set_axisbelow(True)
    if ys:
        ax.set_ylim(0, max(ys) * 1.15 + 1)
    return fig


def plot_frontier(frontier: Frontier, path: str | Path) -> Path:
    """Write the chart to ``path``; the format follows its suffix (.png or .svg)."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"'{path}' must end in .png or .svg", field="plot")
    if not path.parent.is_dir():
        raise InputError(f"folder '{path.parent}' does not exist", field="plot")
    if not frontier.points:
        raise InputError("there is no frontier to plot: no pathway exists", field="plot")
    from matplotlib import rc_context

    with rc_context(_RC):  # type: ignore[arg-type]
        fig = _figure(frontier)
        meta = {"Date": None} if fmt == "svg" else {"Software": None}
        try:
            fig.savefig(path, format=fmt, metadata=meta)
        except OSError as exc:
            raise InputError(f"cannot write '{path}': {exc.strerror}", field="plot") from None
    return path


def frontier_svg(frontier: Frontier) -> str:
    """The chart as an ``<svg>`` element to put inside an HTML page (text kept as text)."""
    from matplotlib import rc_context

    buf = io.StringIO()
    with rc_context(_RC):  # type: ignore[arg-type]
        _figure(frontier).savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)  # no RDF boilerplate
    return text[text.index("<svg"):]
