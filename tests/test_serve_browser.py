"""The what-if page as a person uses it, in headless Chromium driven by Playwright (Debian's
chromium, never a downloaded browser): tick units and watch the rules, the meters and the
completion; an impossible tick; a link that reopens the question; back and forward; a phone;
the keyboard alone. Screenshots go to the test's folder (and docs/serve.png with
PLANNER_SCREENSHOTS=docs)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from browser import FLAGS, require_chromium

CHROMIUM = require_chromium()
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def server():
    """The app on a loopback port of its own, in a thread, for this module only."""
    import uvicorn

    from planner.web.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(), log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 1400})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" and not
          m.text.endswith("status of 422 (Unprocessable Entity)") else None)  # a bad question
    pg.base = server  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert errors == []


def settled(pg) -> None:
    """Wait until the answer for the latest question is drawn (the page marks its answer busy
    from the question to the answer) and nothing else is loading."""
    pg.wait_for_selector("#answer[aria-busy=false]", state="attached")
    pg.wait_for_load_state("networkidle")


def choose(pg, unit: str, choice: str) -> None:
    pg.get_by_label(f"Your choice for unit {unit}", exact=True).select_option(label=choice)
    settled(pg)


def shot(pg, tmp_path: Path, name: str) -> Path:
    out = tmp_path / f"{name}.png"
    pg.screenshot(path=str(out), full_page=False)
    if os.environ.get("PLANNER_SCREENSHOTS") == "docs" and name == "serve":
        DOCS.mkdir(exist_ok=True)
        shutil.copy(out, DOCS / "serve.png")
    assert out.stat().st_size > 1000
    return out


def test_ticking_units_moves_the_rules_the_meter_and_the_completion(page, tmp_path):
    page.goto(page.base + "/?q=diploma&registered=2024-09-01")
    settled(page)
    before = page.locator("#totals").inner_text()
    assert "Add" in before and "New GLH" in before
    choose(page, "404", "achieved")
    assert "achieved=404" in page.url
    credits = page.locator("#meter-credits")
    assert credits.get_attribute("value") == "3"
    assert "credits 3, at least 37" in page.locator("#rules").inner_text()
    choose(page, "524", "want")
    assert credits.get_attribute("value") == "14"
    assert page.locator("#meter-group_credits").get_attribute("value") == "11"
    totals = page.locator("#totals").inner_text()
    assert "524" not in totals.split("New GLH")[0]  # wanted, so not among the units to add
    assert "\n524\t" in page.locator("#completion table").inner_text()
    shot(page, tmp_path, "serve")


def test_a_superseded_unit_is_rejected_with_its_reason(page):
    page.goto(page.base + "/?q=diploma&registered=2024-09-01&include=339")
    settled(page)
    rejected = page.locator("#rejected")
    assert "superseded" in rejected.inner_text() and "359" in rejected.inner_text()
    assert "No pathway" in page.locator("#completion").inner_text()


def test_an_impossible_tick_shows_the_reasons(page, tmp_path):
    page.goto(page.base + "/?q=diploma&registered=2024-09-01")
    settled(page)
    page.locator("#search").fill("Managing Personal")
    assert page.locator("#units tbody tr").count() == 1
    choose(page, "409", "want")
    page.locator("#glh_max").fill("5")
    page.locator("#glh_max").press("Tab")  # the change goes in when the field is left
    settled(page)
    assert "glh_max=5" in page.url
    assert "No pathway (infeasible)" in page.locator("#completion").inner_text()
    assert "GLH" in page.locator("#reasons").inner_text()
    shot(page, tmp_path, "impossible")


def test_a_copied_link_reopens_the_question_and_back_and_forward_work(page, browser, server):
    page.goto(page.base + "/?q=diploma&registered=2024-09-01")
    settled(page)
    choose(page, "404", "achieved")
    choose(page, "409", "refuse")
    link = page.url
    totals = page.locator("#totals").inner_text()
    other = browser.new_context().new_page()
    other.goto(link)
    settled(other)
    assert other.get_by_label("Your choice for unit 409", exact=True).input_value() == "exclude"
    assert other.locator("#totals").inner_text() == totals
    other.context.close()
    page.go_back()
    settled(page)
    assert "exclude" not in page.url
    assert page.get_by_label("Your choice for unit 409", exact=True).input_value() == ""
    page.go_forward()
    settled(page)
    assert page.get_by_label("Your choice for unit 409", exact=True).input_value() == "exclude"
    assert page.locator("#totals").inner_text() == totals


def test_a_phone_does_not_scroll_sideways(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    pg.goto(server + "/?q=diploma&achieved=404,425")
    settled(pg)
    for box in ("alternatives", "compare", "progress", "frontier"):
        pg.locator(f"#{box}-box summary").click()
    settled(pg)
    pg.wait_for_selector("#frontier svg")
    for box in ("alternatives", "compare", "progress"):  # beside it: each drew its table
        pg.wait_for_selector(f"#{box} table")
    assert pg.locator("#alternatives tbody tr td").last.count() == 1
    assert pg.locator("#compare tbody tr").count() == 4
    assert "top-up" in pg.locator("#progress").inner_text()  # with achieved units: a top-up
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert pg.locator("#frontier svg").count() == 1
    pg.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    context.close()


def test_the_keyboard_alone_reaches_and_sets_every_control(page):
    page.goto(page.base + "/?q=diploma")
    settled(page)
    unlabelled = page.evaluate("""[...document.querySelectorAll('input, select, button')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                     && !(e.tagName === 'BUTTON' && e.textContent.trim()))
        .map(e => e.id || e.name)""")
    assert unlabelled == []
    focused = page.get_by_label("Your choice for unit 400", exact=True)
    for _ in range(200):  # tab through the page until the unit's control has the focus
        page.keyboard.press("Tab")
        if focused.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail("the unit's control is not reachable by Tab")
    page.keyboard.press("ArrowDown")  # a closed select takes the next option: achieved
    settled(page)
    assert "achieved=400" in page.url


def test_what_a_user_typed_is_text_never_markup(page):
    page.goto(page.base + "/?q=diploma&include=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    settled(page)
    assert "unknown unit" in page.locator("#status").inner_text()
    assert page.locator("img").count() == 0


def test_the_cohort_upload_shows_the_programme_and_the_rows_rejected(page, tmp_path):
    csv = tmp_path / "learners.csv"
    csv.write_text('id,achieved\nann,404\n"<b>bob</b>",zz\ncat,\n', encoding="utf-8")
    page.goto(page.base + "/?q=diploma")
    settled(page)
    page.set_input_files("#learners", str(csv))
    page.get_by_role("button", name="Plan the programme").click()
    page.wait_for_selector("#cohort h3")
    text = page.locator("#cohort").inner_text()
    assert "Deliveries" in text and "ann" in text and "cat" in text
    assert "line 3, column 'achieved': unknown unit 'zz' (id '<b>bob</b>')" in text
    assert page.locator("#cohort b").count() == 0


def test_the_api_docs_load_from_the_app_alone(browser, server):
    context = browser.new_context()
    pg = context.new_page()
    outside: list[str] = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) and
          not r.url.startswith("data:") else None)
    blocked: list[str] = []
    pg.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text
          else None)
    pg.goto(server + "/docs")
    pg.get_by_text("/api/plan", exact=True).first.wait_for()
    assert outside == [] and blocked == []
    context.close()


def open_beside(pg, box: str) -> None:
    pg.locator(f"#{box}-box summary").click()
    pg.wait_for_selector(f"#{box} .downloads")
    settled(pg)


@pytest.mark.parametrize("box", ["alternatives", "frontier", "progress"])
def test_beside_it_with_no_pathway_shows_the_reasons(page, box):
    page.goto(page.base + "/?q=diploma&glh_max=5")
    settled(page)
    open_beside(page, box)
    text = page.locator(f"#{box}").inner_text()
    assert "No pathway (infeasible)" in text
    assert "glh_max 5 is below the shortest Diploma" in text
    assert "undefined" not in text and "NaN" not in page.locator(f"#{box}").inner_html()


def test_the_best_alternative_says_it_is_the_best(page):
    page.goto(page.base + "/?q=award")
    settled(page)
    open_beside(page, "alternatives")
    rows = page.locator("#alternatives tbody tr")
    assert rows.nth(0).locator("td").last.inner_text() == "the best"
    second = rows.nth(1).locator("td").last.inner_text()
    assert second.startswith("in ") and "out " in second and "(new GLH +" in second


@pytest.mark.parametrize(("box", "name", "start"), [
    ("alternatives", "alternatives (CSV)", "#,new GLH"),
    ("compare", "comparison (CSV)", ",award,certificate"),
    ("progress", "progression (JSON)", "["),
    ("frontier", "frontier (CSV)", "new units,new GLH"),
])
def test_what_is_beside_it_downloads_as_json_and_csv(page, box, name, start):
    page.goto(page.base + "/?q=diploma&achieved=404")
    settled(page)
    open_beside(page, box)
    with page.expect_download() as got:
        page.get_by_role("button", name=name).click()
    download = got.value
    assert download.suggested_filename == "diploma-" + name.split(" ")[0] + "." + \
        name.split("(")[1].rstrip(")").lower()
    assert Path(download.path()).read_text(encoding="utf-8").startswith(start)


def test_the_cohort_programme_downloads_as_json_and_csv(page, tmp_path):
    import json

    csv = tmp_path / "learners.csv"
    csv.write_text("id,achieved\nann,404\ncat,\n", encoding="utf-8")
    page.goto(page.base + "/?q=award")
    settled(page)
    page.set_input_files("#learners", str(csv))
    page.get_by_role("button", name="Plan the programme").click()
    page.wait_for_selector("#cohort h3")
    with page.expect_download() as got:
        page.get_by_role("button", name="programme (JSON)").click()
    data = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
    assert data["learner_count"] == 2 and [x["id"] for x in data["learners"]] == ["ann", "cat"]
    with page.expect_download() as got:
        page.get_by_role("button", name="programme (CSV)").click()
    assert "ann" in Path(got.value.path()).read_text(encoding="utf-8")


def test_the_answer_stays_in_view_beside_the_units_on_a_desktop(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.goto(server + "/?q=extended-diploma")
    settled(pg)
    last = pg.locator("#units tbody tr").last.locator("select")
    last.scroll_into_view_if_needed()
    assert pg.evaluate("window.scrollY") > 2000  # far down the unit table
    before = pg.locator("#rules").inner_text()
    last.select_option(label="want")
    settled(pg)
    box = pg.evaluate("""(() => { const r = document.querySelector('#rules').getBoundingClientRect();
        const m = document.querySelector('#meters').getBoundingClientRect();
        const t = document.querySelector('#units').getBoundingClientRect();
        return {top: m.top, bottom: r.bottom, left: r.left, tableRight: t.right}; })()""")
    assert 0 <= box["top"] and box["bottom"] <= 800  # the meters and the rules in view
    assert box["left"] >= box["tableRight"]  # beside the table, not over it
    assert pg.locator("#rules").inner_text() != before
    assert pg.evaluate("document.documentElement.scrollWidth") <= 1280
    pg.screenshot(path=str(tmp_path / "desktop.png"))
    pg.locator("#learners").scroll_into_view_if_needed()  # the bottom: the answer covers nothing
    covered = pg.evaluate("""(() => { const a = document.querySelector('#answer').getBoundingClientRect();
        const c = document.querySelector('#cohort-panel').getBoundingClientRect();
        return a.left < c.right && c.left < a.right && a.top < c.bottom && c.top < a.bottom; })()""")
    assert not covered
    context.close()
