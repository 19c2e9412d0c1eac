# ruff: noqa: E501  -- the HTML template keeps its lines whole
"""Render a Report as one self-contained HTML page (inline CSS and SVG; jinja2, autoescaped)."""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from planner.results.report import Report

_ENV = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                          undefined=jinja2.StrictUndefined)
_ENV.filters["pathway_refs"] = lambda p: (list(p.get("units", [])) if isinstance(p, dict)
                                          else [str(x) for x in p or []])

TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ r.title }}</title>
<style>
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --accent:#2c5282; --ok:#2f855a;
        --bad:#c53030; --bg:#f7f9fb; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color:var(--ink); background:var(--bg); }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; background:#fff; }
header { border-bottom: 4px solid var(--accent); padding-bottom: .75rem; margin-bottom: 1.25rem; }
header h1 { font-size: 1.6rem; margin: 0 0 .25rem; line-height:1.25; }
header p { margin: 0; color: var(--muted); }
h2 { font-size: 1.15rem; color: var(--accent); margin: 2rem 0 .6rem;
     border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.cards { display:grid; grid-template-columns: repeat(auto-fit, minmax(8.5rem, 1fr)); gap:.75rem; }
.card { border:1px solid var(--line); border-radius:.5rem; padding:.6rem .8rem; }
.card .v { font-size:1.6rem; font-weight:700; }
.card .k { color:var(--muted); font-size:.8rem; text-transform:uppercase; letter-spacing:.04em; }
.scroll { overflow-x:auto; margin-bottom:1rem; }
td.ref { white-space:nowrap; }
table { border-collapse: collapse; width:100%; font-size:.9rem; }
th, td { text-align:left; padding:.35rem .5rem; border-bottom:1px solid var(--line);
         vertical-align: top; }
th { background:#eef2f7; font-weight:600; }
td.n, th.n { text-align:right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight:700; border-top:2px solid var(--ink); }
.tag { display:inline-block; font-size:.75rem; padding:0 .4rem; border-radius:.75rem;
       background:#e2e8f0; margin:0 .2rem .1rem 0; }
.ok { color:var(--ok); font-weight:600; } .bad { color:var(--bad); font-weight:600; }
.bar { position:relative; height:1rem; background:#edf2f7; border-radius:.25rem; margin:.2rem 0; }
.bar .fill { position:absolute; left:0; top:0; bottom:0; background:var(--accent);
             border-radius:.25rem; }
.bar .fill.over { background: var(--bad); }
.bar .mark { position:absolute; top:-.2rem; bottom:-.2rem; width:2px; background:var(--ink); }
.rule { margin:.6rem 0 1rem; }
.rule .t { display:flex; justify-content:space-between; gap:1rem; flex-wrap:wrap; }
.small { color:var(--muted); font-size:.85rem; }
.chart svg { max-width:100%; height:auto; }
footer { margin-top:2rem; color:var(--muted); font-size:.8rem; }
@media (max-width: 40rem) { main { padding: 1rem .6rem; } .hs { display:none; } header h1 { font-size:1.3rem; } }
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body { background:#fff; font-size: 10.5pt; }
  main { max-width:none; padding:0; }
  h2 { break-after: avoid; } table, .rule, .card, .chart { break-inside: avoid; }
  .bar, .bar .fill, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
</head>
<body>
<main>
<header>
  <h1>{{ r.title }}</h1>
  {% if r.learner %}<p id="learner">For {{ r.learner }}</p>{% endif %}
  <p>{{ p.name }} &middot; accreditation {{ p.accreditation }} &middot; pathway report &middot; {{ r.generated }}
     &middot; {{ p.status }}, minimising new {{ p.objective|upper }}</p>
</header>
{% if r.asked %}
<h2>The question</h2>
<div class="scroll"><table id="question">
<thead><tr><th>Condition</th><th>Given</th></tr></thead>
<tbody>
{% for k, v in r.asked %}<tr><td>{{ k }}</td><td>{{ v }}</td></tr>
{% endfor %}
</tbody></table></div>
{% endif %}
{% if p.get("units") %}
<section class="cards" id="figures">
  <div class="card"><div class="k">Units</div><div class="v" id="units">{{ p.unit_count }}</div></div>
  <div class="card"><div class="k">Credits</div><div class="v" id="credits">{{ p.credits }}</div></div>
  <div class="card"><div class="k">GLH</div><div class="v" id="glh">{{ p.glh }}</div></div>
  <div class="card"><div class="k">TQT</div><div class="v" id="tqt">{{ p.tqt }}</div></div>
  <div class="card"><div class="k">New GLH</div><div class="v" id="new-glh">{{ p.new_glh }}</div></div>
  <div class="card"><div class="k">New TQT</div><div class="v" id="new-tqt">{{ p.new_tqt }}</div></div>
</section>

<h2>The pathway</h2>
<div class="scroll"><table id="pathway">
<thead><tr><th>Unit</th><th>Title</th><th class="n hs">Level</th><th class="n hs">Group</th>
<th class="n">Credits</th><th class="n">GLH</th><th class="n">TQT</th><th>Status</th></tr></thead>
<tbody>
{% for u in p.unit_details %}
<tr><td class="ref">{{ u.ref }}</td><td>{{ u.title }}</td><td class="n hs">{{ u.level }}</td>
<td class="n hs">{{ u.group }}</td><td class="n">{{ u.credits }}</td><td class="n">{{ u.glh }}</td>
<td class="n">{{ u.tqt }}</td><td>{{ "achieved" if u.achieved else "to take" }}</td></tr>
{% endfor %}
</tbody>
<tfoot><tr><td>Total</td><td>{{ p.unit_count }} units</td><td class="hs"></td><td class="hs"></td>
<td class="n">{{ p.credits }}</td><td class="n">{{ p.glh }}</td><td class="n">{{ p.tqt }}</td>
<td>new GLH {{ p.new_glh }}</td></tr></tfoot>
</table></div>
{% else %}
<p class="bad">No valid pathway: {{ p.status }}.</p>
{% if p.get("reasons") %}<ul id="reasons">{% for x in p.reasons %}<li>{{ x.text }}</li>{% endfor %}</ul>{% endif %}
{% endif %}

{% if r.rules %}
<h2>How the rules of combination are met</h2>
{% for b in r.bars() %}
<div class="rule">
  <div class="t"><span>{{ b.rule }}</span>
  <span class="{{ 'ok' if b.ok else 'bad' }}">{{ b.value }} of {{ b.limit }}{{ ' ✓' if b.ok else ' ✗' }}</span></div>
  <div class="bar" role="img" aria-label="{{ b.text }}">
    <div class="fill{{ '' if b.ok else ' over' }}" style="width: {{ b.value_pct }}%"></div>
    <div class="mark" style="left: calc({{ b.limit_pct }}% - 1px)"></div>
  </div>
  <div class="small">{{ b.text }}</div>
</div>
{% endfor %}
<div class="scroll"><table id="rules">
<thead><tr><th>Rule</th><th>Met?</th><th>Figures</th></tr></thead>
<tbody>
{% for x in r.rules %}
<tr><td>{{ x.rule }}</td><td class="{{ 'ok' if x.ok else 'bad' }}">{{ "met" if x.ok else "NOT MET" }}</td>
<td>{{ x.text }}</td></tr>
{% endfor %}
</tbody></table></div>
{% endif %}

{% if r.areas or r.uncovered %}
<h2>Skill areas covered</h2>
<div class="scroll"><table id="areas">
<thead><tr><th>Area</th><th class="n">Credits</th><th>Units</th></tr></thead>
<tbody>
{% for a in r.areas %}
<tr><td>{{ a.name }}</td><td class="n">{{ a.credits }}</td>
<td>{% for u in a.units %}<span class="tag">{{ u }}</span>{% endfor %}</td></tr>
{% endfor %}
</tbody></table></div>
{% if r.uncovered %}<p id="uncovered">Left uncovered: {{ r.uncovered|map(attribute="name")|join(", ") }}.</p>{% endif %}
<p class="small">Skill areas are this project's own tagging of units by title, not the awarding
body's.</p>
{% endif %}

{% if alt_rows %}
<h2>Next-best pathways</h2>
<div class="scroll"><table id="alternatives">
<thead><tr><th>#</th><th>Units</th><th class="n">Credits</th><th class="n">New GLH</th>
<th class="n">New TQT</th><th>Against the best</th></tr></thead>
<tbody>
{% for a in alt_rows %}
<tr><td>{{ a.rank }}</td><td>{{ a.units }}</td><td class="n">{{ a.credits }}</td>
<td class="n">{{ a.new_glh }}</td><td class="n">{{ a.new_tqt }}</td><td>{{ a.against }}</td></tr>
{% endfor %}
</tbody></table></div>
{% endif %}

{% if cmp_rows %}
<h2>Comparison across qualifications</h2>
<div class="scroll"><table id="comparison">
<thead><tr><th>Qualification</th><th>Status</th><th class="n">Units</th><th class="n">Credits</th>
<th class="n">New GLH</th><th class="n">New TQT</th><th>Why none</th></tr></thead>
<tbody>
{% for c in cmp_rows %}
<tr><td>{{ c.name }}</td><td>{{ c.status }}</td>
<td class="n">{{ c.unit_count }}</td><td class="n">{{ c.credits }}</td>
<td class="n">{{ c.new_glh }}</td><td class="n">{{ c.new_tqt }}</td><td>{{ c.why }}</td></tr>
{% endfor %}
</tbody></table></div>
{% endif %}

{% if r.frontier %}
<h2>Trade-off: fewest {{ r.frontier.get("y", "new GLH") }} against {{ r.frontier.get("x", "new units") }}</h2>
{% if r.frontier_message() %}<p id="one-point">{{ r.frontier_message() }}</p>{% elif svg %}<div class="chart">{{ svg }}</div>{% endif %}
<div class="scroll"><table id="frontier">
<thead><tr><th class="n">{{ r.frontier.get("x", "x") }}</th><th class="n">{{ r.frontier.get("y", "y") }}</th><th>Pathway</th></tr></thead>
<tbody>
{% for q in r.frontier.get("points", []) %}
<tr><td class="n">{{ q.get("x") }}</td><td class="n">{{ q.get("y") }}</td><td>{{ q.get("pathway")|pathway_refs|join(", ") }}</td></tr>
{% endfor %}
</tbody></table></div>
{% endif %}

{% if r.cohort %}
{% set c = r.cohort %}
<h2>Cohort programme</h2>
<section class="cards">
  <div class="card"><div class="k">Learners</div><div class="v">{{ c.learner_count }}</div></div>
  <div class="card"><div class="k">Delivery GLH</div><div class="v" id="delivery-glh">{{ c.delivery_glh }}</div></div>
  <div class="card"><div class="k">Learners' new GLH</div><div class="v">{{ c.learners_new_glh }}</div></div>
</section>
<div class="scroll"><table id="deliveries">
<thead><tr><th>Unit</th><th>Title</th><th class="n">GLH</th><th>Learners</th></tr></thead>
<tbody>
{% for d in c.deliveries %}
<tr><td class="ref">{{ d.ref }}</td><td>{{ d.title }}</td><td class="n">{{ d.glh }}</td>
<td>{% for l in d.learners %}<span class="tag">{{ l }}</span>{% endfor %}</td></tr>
{% endfor %}
</tbody></table></div>
<div class="scroll"><table id="learners">
<thead><tr><th>Learner</th><th class="n">Credits</th><th class="n">New GLH</th><th>New units</th>
<th>Achieved units</th></tr></thead>
<tbody>
{% for l in c.learners %}
<tr><td>{{ l.id }}</td><td class="n">{{ l.pathway.credits }}</td><td class="n">{{ l.pathway.new_glh }}</td>
<td>{{ l.pathway.new_units|join(", ") }}</td><td>{{ l.pathway.achieved|join(", ") }}</td></tr>
{% endfor %}
</tbody></table></div>
{% if r.left_out() %}<p class="bad">Rows left out of the cohort:</p><ul id="left-out">
{% for e in r.left_out() %}<li>{{ e }}</li>{% endfor %}</ul>{% endif %}
{% endif %}

{% if r.notes %}
<h2>Notes</h2>
<ul>{% for n in r.notes %}<li>{{ n }}</li>{% endfor %}</ul>
{% endif %}
<footer>Planned with <code>planner</code> (OR-Tools CP-SAT) under the rules of combination of the
awarding body's specification; solver status: {{ p.status }}.</footer>
</main>
<script>
document.body.dataset.ok = "1";
// for the tests: does the page fit the window's width (no sideways scrolling on a phone)?
document.body.dataset.fits = document.documentElement.scrollWidth <= window.innerWidth ? "1" : "0";
</script>
</body>
</html>
"""


def render_html(report: Report) -> str:
    tpl = _ENV.from_string(TEMPLATE)
    return tpl.render(r=report, p=report.plan, svg=Markup(_chart(report)),
                      alt_rows=report.alternative_rows(), cmp_rows=report.comparison_rows())


def _chart(report: Report) -> str:
    """The frontier's chart as inline SVG; none for a single point (no trade-off to draw)."""
    if report.frontier_result is None or report.frontier_message():
        return ""
    from planner.render.plot import frontier_svg

    return frontier_svg(report.frontier_result)
