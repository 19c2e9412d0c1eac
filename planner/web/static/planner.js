// The what-if page: read the controls, keep the question in the URL, ask the API, draw the
// answers. No framework, no build step; every text goes in through textContent (never HTML).
"use strict";

const LISTS = ["achieved", "include", "exclude", "cover", "gaps"];
const CHOICES = [["", "neither"], ["achieved", "achieved"], ["include", "want"],
                 ["exclude", "refuse"]];
const units = {};          // qualification -> its units (from /api/units)
let quals = [];            // /api/quals
let asked = 0;             // the number of the latest question; older answers are dropped
let state = null;

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

const short = (ref) => String(ref).replace(/^8605-/, "");

// -- the question: controls <-> state <-> URL ---------------------------------------------------

function fromURL() {
  const p = new URLSearchParams(location.search);
  const s = {q: p.get("q") || $("q").value, registered: p.get("registered") || "",
             objective: p.get("objective") || "glh", glh_max: p.get("glh_max") || "",
             max_units: p.get("max_units") || ""};
  for (const name of LISTS) {
    s[name] = p.getAll(name).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  }
  return s;
}

function toURL(s) {
  const p = new URLSearchParams();
  for (const k of ["q", "registered", "objective", "glh_max", "max_units"]) {
    if (s[k] && !(k === "objective" && s[k] === "glh")) p.set(k, s[k]);
  }
  for (const name of LISTS) if (s[name].length) p.set(name, s[name].join(","));
  return "?" + p.toString();
}

function showState(s) {
  $("q").value = s.q;
  $("registered").value = s.registered;
  $("objective").value = s.objective;
  $("glh_max").value = s.glh_max;
  $("max_units").value = s.max_units;
  const gaps = Object.fromEntries(s.gaps.map((g) => g.split("=")));
  for (const box of document.querySelectorAll("input[name=cover]")) {
    box.checked = s.cover.includes(box.value);
  }
  for (const input of document.querySelectorAll("input[name=gap]")) {
    const a = input.dataset.area;
    input.value = a in gaps ? (gaps[a] || "1") : "";
  }
  drawUnits();
}

function readControls() {
  const s = {...state, q: $("q").value, registered: $("registered").value,
             objective: $("objective").value, glh_max: $("glh_max").value,
             max_units: $("max_units").value};
  s.cover = [...document.querySelectorAll("input[name=cover]:checked")].map((b) => b.value);
  s.gaps = [...document.querySelectorAll("input[name=gap]")]
    .filter((i) => i.value && Number(i.value) > 0).map((i) => `${i.dataset.area}=${i.value}`);
  return s;
}

function choiceOf(ref) {
  const r = short(ref);
  for (const name of ["achieved", "include", "exclude"]) {
    if (state[name].some((x) => short(x) === r)) return name;
  }
  return "";
}

function setChoice(ref, choice) {
  const r = short(ref);
  for (const name of ["achieved", "include", "exclude"]) {
    state[name] = state[name].filter((x) => short(x) !== r);
  }
  if (choice) state[choice] = [...state[choice], r];
}

function changed() {
  if (state.q !== $("q").value) {   // another qualification: the ticks stay, the page follows
    state = readControls();
    loadUnits(state.q).then(drawUnits);
  } else {
    state = readControls();
  }
  history.pushState(null, "", toURL(state));
  ask();
}

// -- the API -------------------------------------------------------------------------------------

async function post(path, body) {
  const res = await fetch(path, {method: "POST", headers: {"content-type": "application/json"},
                                 body: JSON.stringify(body)});
  const data = await res.json().catch(() => ({detail: `HTTP ${res.status}`}));
  if (!res.ok) throw new Error(data.detail || `HTTP ${res.status}`);
  return data;
}

function body(s, extra) {
  const b = {qualification: s.q, objective: s.objective, achieved: s.achieved,
             include: s.include, exclude: s.exclude, cover: s.cover, gaps: s.gaps,
             registered: s.registered || null,
             glh_max: s.glh_max === "" ? null : Number(s.glh_max),
             max_units: s.max_units === "" ? null : Number(s.max_units)};
  return {...b, ...(extra || {})};
}

async function loadUnits(q) {
  if (!units[q]) {
    const res = await fetch(`/api/units/${encodeURIComponent(q)}`);
    units[q] = res.ok ? await res.json() : [];
  }
  return units[q];
}

async function ask() {
  const mine = ++asked;
  $("answer").setAttribute("aria-busy", "true");
  const s = state;
  const search = toURL(s);
  for (const [id, name] of [["dl-html", "report.html"], ["dl-md", "report.md"],
                            ["dl-json", "plan.json"], ["dl-csv", "plan.csv"]]) {
    $(id).setAttribute("href", `/download/${name}${search}`);
  }
  const ticked = [...s.achieved, ...s.include];
  const audit = ticked.length
    ? post("/api/check", {qualification: s.q, units: ticked, achieved: s.achieved,
                          registered: s.registered || null, objective: s.objective,
                          complete: false})
    : Promise.resolve(null);
  const plan = post("/api/plan", body(s));
  const [a, p] = await Promise.allSettled([audit, plan]);
  if (mine !== asked) return;            // a newer question is on its way
  drawAnswer(a, p);
  $("answer").setAttribute("aria-busy", "false");
  for (const box of ["alternatives", "compare", "progress", "frontier"]) {
    if ($(`${box}-box`).open) beside[box]();
  }
}

// -- drawing the answer --------------------------------------------------------------------------

function drawAnswer(a, p) {
  const problem = [a, p].find((x) => x.status === "rejected");
  $("status").textContent = problem ? `Cannot ask that: ${problem.reason.message}` : "";
  $("status").className = problem ? "bad" : "muted";
  const audit = a.status === "fulfilled" ? a.value : null;
  const plan = p.status === "fulfilled" ? p.value : null;
  drawRules(audit);
  drawRejected(audit);
  $("completion").replaceChildren(plan ? completion(plan) : "");
}

function drawRules(audit) {
  const q = quals.find((x) => x.qualification === state.q);
  let rules = audit ? audit.rules : [];
  if (!audit && q) {  // nothing ticked: the figures are all zero
    rules = [{kind: "credits", ok: false, value: 0, limit: q.min_credits,
              text: `credits 0, at least ${q.min_credits}` +
                    (q.max_credits ? `, at most ${q.max_credits}` : ""),
              rule: "credits", max: q.max_credits}];
  }
  $("rules").replaceChildren(...rules.map((r) => el("li", {class: r.ok ? "ok" : "bad"},
    el("span", {class: "mark", "aria-hidden": "true"}, r.ok ? "✓" : "✗"),
    el("span", {class: "sr-only"}, r.ok ? "met: " : "not met: "),
    el("strong", {}, r.rule), ": ", r.text)));
  $("meters").replaceChildren(...rules.filter((r) => ["credits", "group_credits"].includes(r.kind))
    .map((r) => meter(r, q)));
  if (!audit) $("rules").append(el("li", {class: "muted"}, "Tick units below to see every rule."));
}

function meter(r, q) {
  const most = r.kind === "credits" ? (q && q.max_credits) : null;
  const atMost = /at most/.test(r.rule || r.text);
  const top = Math.max(r.value, r.limit || 0, most || 0) || 1;
  const label = r.kind === "credits" ? "Credits" : "Group 2 credits";
  const id = `meter-${r.kind}`;
  const m = el("meter", {id, min: 0, max: top, value: r.value,
                         low: atMost ? undefined : r.limit, high: atMost ? r.limit : undefined,
                         optimum: atMost ? 0 : top});
  const goal = atMost ? `cap ${r.limit}` : `minimum ${r.limit}` + (most ? `, maximum ${most}` : "");
  return el("div", {class: "meter"}, el("label", {for: id}, `${label}: ${r.value} (${goal})`), m);
}

function drawRejected(audit) {
  const rows = audit ? audit.rejected_units : [];
  $("rejected-box").hidden = !rows.length;
  $("rejected").replaceChildren(...rows.map((r) => el("li", {}, el("strong", {}, short(r.unit)),
                                                      ": ", r.reason)));
}

const solved = (plan) => plan.status === "optimal" || plan.status === "feasible";

// No pathway: the reasons in words (and the notes), wherever a plan object says so.
function noPathway(plan, id) {
  return el("div", {class: "bad"}, el("p", {}, `No pathway (${plan.status}):`),
            el("ul", {id, class: "reasons"},
               ...(plan.reasons || []).map((r) => el("li", {}, r.text))),
            ...(plan.notes || []).map((n) => el("p", {class: "muted"}, n)));
}

// The questions beside it answer a list; with no pathway at all the list is the one plan that
// says why (its status and reasons, no units).
function stuck(list) {
  const p = list.length === 1 ? list[0] : null;
  return p && p.status && !solved(p) && Array.isArray(p.reasons) ? p : null;
}

function completion(plan) {
  if (!plan.units.length && !solved(plan)) return noPathway(plan, "reasons");
  const wanted = new Set(state.include.map(short));
  const add = plan.new_units.map(short).filter((r) => !wanted.has(r));
  return el("div", {},
    el("p", {id: "totals"}, add.length
      ? `Add ${add.length} unit${add.length === 1 ? "" : "s"}: ${add.join(", ")}`
      : "Nothing to add: the units ticked make a pathway.",
      el("br"), `New GLH ${plan.new_glh}, new TQT ${plan.new_tqt}; pathway ${plan.credits} ` +
      `credits, group 2 credits ${plan.group2_credits} (${plan.status}).`),
    pathwayTable(plan),
    ...(plan.notes || []).map((n) => el("p", {class: "muted"}, n)));
}

function table(headers, rows) {
  return el("div", {class: "scroll"}, el("table", {},
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {scope: "col"}, h)))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c)))))));
}

function pathwayTable(plan) {
  return table(["unit", "title", "credits", "GLH", ""],
               (plan.unit_details || []).map((u) => [short(u.ref), u.title, u.credits, u.glh,
                                                     u.achieved ? "achieved" : "new"]));
}

// -- the units table -----------------------------------------------------------------------------

function drawUnits() {
  const list = units[state.q] || [];
  const text = $("search").value.trim().toLowerCase();
  const g = $("f-group").value, l = $("f-level").value, area = $("f-area").value;
  const shown = list.filter((u) => (!text || u.title.toLowerCase().includes(text) ||
                                    u.ref.includes(text)) &&
                                   (!g || String(u.group) === g) && (!l || String(u.level) === l) &&
                                   (!area || u.areas.includes(area)));
  $("units").tBodies[0].replaceChildren(...shown.map((u) => {
    const pick = el("select", {"aria-label": `Your choice for unit ${short(u.ref)}`,
                               "data-ref": short(u.ref)},
                    ...CHOICES.map(([v, t]) => el("option", {value: v}, t)));
    pick.value = choiceOf(u.ref);
    return el("tr", {class: pick.value ? `chose-${pick.value}` : null},
              el("td", {}, short(u.ref)), el("td", {}, u.title), el("td", {}, u.group),
              el("td", {}, u.level), el("td", {}, u.credits), el("td", {}, u.glh),
              el("td", {}, pick));
  }));
}

// -- beside it -----------------------------------------------------------------------------------

async function fill(id, work) {
  const mine = asked;
  try {
    const node = await work();
    if (mine === asked) $(id).replaceChildren(...[node].flat());
  } catch (e) {
    if (mine === asked) $(id).replaceChildren(el("p", {class: "bad"}, e.message));
  }
}

function differs(p) {
  const v = p.vs_best;
  if (p.rank === 1 || !v || (!v.in.length && !v.out.length)) return "the best";
  return `in ${v.in.map(short).join(" ") || "none"}; out ${v.out.map(short).join(" ") || "none"}` +
         ` (new GLH +${v.extra_new_glh})`;
}

// Ask one question beside it and draw its answer, or the reasons when there is no pathway;
// with the buttons that take the same answer away as JSON or CSV (the command's renderers).
async function besideIt(path, question, draw, name) {
  const list = await post(path, question);
  const none = stuck(list);
  return [takeAway(path, question, name), none ? noPathway(none) : draw(list)];
}

const beside = {
  alternatives: () => fill("alternatives", () => {
    const k = Math.min(20, Math.max(1, Number($("k").value) || 5));
    return besideIt("/api/alternatives", body(state, {k}), (list) =>
      table(["#", "new units", "new GLH", "new TQT", "differs from the best"],
        list.map((p) => [p.rank, p.new_units.map(short).join(" "), p.new_glh, p.new_tqt,
                         differs(p)])), "alternatives");
  }),
  compare: () => fill("compare", () =>
    besideIt("/api/compare", body(state, {qualification: undefined}), (list) =>
      table(["qualification", "status", "credits", "new GLH", "new TQT", "units"],
        list.map((p) => [p.name, p.status, p.credits ?? "", p.new_glh ?? "", p.new_tqt ?? "",
                         p.units.map(short).join(" ")])), "comparison")),
  progress: () => fill("progress", () =>
    besideIt("/api/progress", body(state, {qualification: undefined, gaps: undefined,
                                           from: $("from").value, to: state.q}), (list) =>
      table(["route", "stage", "qualification", "units added", "added GLH", "route GLH"],
        list.map((p) => [p.route, p.stage, p.qualification, (p.new_units || []).map(short)
                         .join(" "), p.added_glh ?? "", p.route_glh ?? ""])), "progression")),
  frontier: () => fill("frontier", () =>
    besideIt("/api/frontier", body(state, {objective: undefined, gaps: undefined}), chart,
             "frontier")),
};

// -- take it away --------------------------------------------------------------------------------

async function save(path, question, fmt, filename) {
  const init = question instanceof FormData ? {method: "POST", body: question}
    : {method: "POST", headers: {"content-type": "application/json"},
       body: JSON.stringify(question)};
  const res = await fetch(`${path}?format=${fmt}`, init);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const link = el("a", {href: url, download: filename, hidden: true});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function takeAway(path, question, name) {
  const out = el("p", {class: "downloads"}, "Take it away: ");
  for (const fmt of ["json", "csv"]) {
    const button = el("button", {type: "button"}, `${name} (${fmt.toUpperCase()})`);
    button.addEventListener("click", () => save(path, question, fmt, `${state.q}-${name}.${fmt}`)
      .catch((e) => out.append(el("span", {class: "bad"}, ` ${e.message}`))));
    out.append(button, " ");
  }
  return out;
}

function chart(points) {
  if (!points.length) return el("p", {}, "No frontier: no pathway under these conditions.");
  const NS = "http://www.w3.org/2000/svg";
  const svg = (tag, attrs, text) => {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  };
  const W = 340, H = 220, P = 40;
  const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = 0, y1 = Math.max(...ys) || 1;
  const sx = (x) => P + (x1 === x0 ? (W - 2 * P) / 2 : (x - x0) / (x1 - x0) * (W - 2 * P));
  const sy = (y) => H - P - (y - y0) / (y1 - y0) * (H - 2 * P);
  const root = svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", class: "chart",
                           "aria-label": "New GLH against the number of new units"});
  root.append(svg("title", {}, "The frontier: fewest new GLH for each number of new units"));
  root.append(svg("line", {x1: P, y1: H - P, x2: W - P / 2, y2: H - P, class: "axis"}));
  root.append(svg("line", {x1: P, y1: P / 2, x2: P, y2: H - P, class: "axis"}));
  root.append(svg("text", {x: W / 2, y: H - 6, "text-anchor": "middle"}, "new units"));
  root.append(svg("text", {x: 4, y: P / 2 - 6}, "new GLH"));
  root.append(svg("polyline", {points: points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(" "),
                               class: "line"}));
  for (const p of points) {
    root.append(svg("circle", {cx: sx(p.x), cy: sy(p.y), r: 4, class: "dot"}));
    root.append(svg("text", {x: sx(p.x) + 6, y: sy(p.y) - 6}, `${p.x}: ${p.y}`));
  }
  return el("div", {}, root, table(["new units", "new GLH"], points.map((p) => [p.x, p.y])));
}

// -- the cohort ----------------------------------------------------------------------------------

async function cohort(ev) {
  ev.preventDefault();
  const file = $("learners").files[0];
  if (!file) {
    $("cohort").replaceChildren(el("p", {class: "bad"}, "Choose a learners CSV first."));
    return;
  }
  const form = new FormData();
  for (const [k, v] of Object.entries(body(state))) {  // the page's conditions, for everyone
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one !== null && one !== undefined) form.append(k, one);
    }
  }
  form.append("learners", file);
  $("cohort").replaceChildren(el("p", {class: "muted"}, "Planning..."));
  const res = await fetch("/api/cohort", {method: "POST", body: form});
  const data = await res.json().catch(() => ({detail: `HTTP ${res.status}`}));
  if (!res.ok) {
    $("cohort").replaceChildren(el("p", {class: "bad"}, data.detail));
    return;
  }
  $("cohort").replaceChildren(
    takeAway("/api/cohort", form, "programme"),
    el("p", {}, `${data.learner_count} learners, ${data.status}: delivery GLH ` +
                `${data.delivery_glh ?? "-"}, learners' new GLH ${data.learners_new_glh ?? "-"}.`),
    el("h3", {}, "Deliveries"),
    table(["unit", "title", "GLH", "who attends"],
          (data.deliveries || []).map((d) => [short(d.ref), d.title, d.glh,
                                              d.learners.join(", ")])),
    el("h3", {}, "Each learner's pathway"),
    table(["learner", "units", "new GLH"],
          (data.learners || []).map((l) => [l.id, l.pathway.units.map(short).join(" "),
                                            l.pathway.new_glh])),
    el("h3", {}, "Rows rejected"),
    (data.errors || []).length
      ? el("ul", {}, ...data.errors.map((e) => el("li", {}, `line ${e.line}` +
                                                   (e.field ? `, column '${e.field}'` : "") +
                                                   `: ${e.message}` +
                                                   (e.id ? ` (id '${e.id}')` : ""))))
      : el("p", {class: "muted"}, "none"));
}

// -- start ---------------------------------------------------------------------------------------

async function start() {
  quals = await (await fetch("/api/quals")).json();
  state = fromURL();
  await loadUnits(state.q);
  showState(state);
  history.replaceState(null, "", toURL(state));
  $("question").addEventListener("change", changed);
  $("question").addEventListener("submit", (e) => e.preventDefault());
  $("units").addEventListener("change", (e) => {
    if (!e.target.dataset.ref) return;
    setChoice(e.target.dataset.ref, e.target.value);
    e.target.closest("tr").className = e.target.value ? `chose-${e.target.value}` : "";
    history.pushState(null, "", toURL(state));
    ask();
  });
  for (const id of ["search", "f-group", "f-level", "f-area"]) {
    $(id).addEventListener("input", drawUnits);
  }
  for (const box of ["alternatives", "compare", "progress", "frontier"]) {
    $(`${box}-box`).addEventListener("toggle", () => { if ($(`${box}-box`).open) beside[box](); });
  }
  $("k").addEventListener("change", () => beside.alternatives());
  $("from").addEventListener("change", () => beside.progress());
  $("cohort-form").addEventListener("submit", cohort);
  window.addEventListener("popstate", async () => {
    state = fromURL();
    await loadUnits(state.q);
    showState(state);
    ask();
  });
  ask();
}

document.addEventListener("DOMContentLoaded", start);
