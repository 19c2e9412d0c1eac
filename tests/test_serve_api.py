"""The HTTP API against the command line: every endpoint answers the JSON its command writes with
--format json, equal in everything except that reasons and notes name fields as the API's client
sent them (``glh_max 0`` where the command says ``--glh-max 0``); bad input is a 422 with the library's one-line message naming the JSON field; no
body, however hostile, gets a 500."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from planner.cli.app import app as cli

fastapi = pytest.importorskip("fastapi", reason="fastapi is a core dependency")
from fastapi.testclient import TestClient  # noqa: E402

from planner.web.app import MAX_BODY, Settings, create_app  # noqa: E402


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(settings=Settings(time_limit=10.0)),
                      raise_server_exceptions=False)


def run_cli(*args: str):
    res = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert res.exit_code in (0, 1), res.output
    return in_api_words(json.loads(res.stdout))


def in_api_words(data, named: bool = False):
    """The command's JSON with each field named as the API's user gave it in its reasons and
    notes, and nowhere else (issue 14: each front end names fields as its user typed them):
    '--glh-max 7' -> 'glh_max 7'. Every other value must be equal as it is."""
    if isinstance(data, dict):
        return {k: in_api_words(v, named or k in NAMED) for k, v in data.items()}
    if isinstance(data, list):
        return [in_api_words(v, named) for v in data]
    if isinstance(data, str) and named:
        return flags_as_fields(data)
    return data


NAMED = ("reasons", "notes")


def flags_as_fields(text: str) -> str:
    return re.sub(r"(?<![\w-])--([a-z]+(?:-[a-z]+)*)", lambda m: m.group(1).replace("-", "_"),
                  text)


POSTS = [
    ("plan", {"qualification": "diploma", "achieved": ["404"], "include": ["420"],
              "exclude": ["409"], "glh_max": 60, "registered": "2024-09-01"},
     ["plan", "diploma", "--achieved", "404", "--include", "420", "--exclude", "409",
      "--glh-max", "60", "--registered", "2024-09-01"]),
    ("plan", {"qualification": "certificate", "objective": "tqt",
              "cover": ["people"], "gaps": ["results=2"], "max_units": 4},
     ["plan", "certificate", "--minimise", "tqt", "--cover", "people", "--gaps", "results=2",
      "--max-units", "4"]),
    ("plan", {"qualification": "award", "include": ["8605-409"]},
     ["plan", "award", "--include", "8605-409"]),
    ("check", {"qualification": "diploma", "units": ["404", "425", "339"],
               "registered": "2024-09-01"},
     ["check", "diploma", "404", "425", "339", "--registered", "2024-09-01"]),
    ("check", {"qualification": "award", "units": ["404", "401"], "achieved": ["404"]},
     ["check", "award", "404", "401", "--achieved", "404"]),
    ("alternatives", {"qualification": "certificate", "k": 3, "differ_by": 1},
     ["alternatives", "certificate", "-k", "3", "--differ-by", "1"]),
    ("compare", {"achieved": ["404", "425"]}, ["compare", "--achieved", "404,425"]),
    ("compare", {"qualifications": ["award", "diploma"]}, ["compare", "award", "diploma"]),
    ("progress", {"from": "award", "to": "certificate"},
     ["progress", "--from", "award", "--to", "certificate"]),
    ("progress", {"from": "award", "to": "diploma", "glh_max": 40, "cover": ["people"],
                  "registered": "2024-09-01"},
     ["progress", "--from", "award", "--to", "diploma", "--glh-max", "40", "--cover", "people",
      "--registered", "2024-09-01"]),
    ("compare", {"include": ["409"], "gaps": ["people=2"], "registered": "2024-09-01"},
     ["compare", "--include", "409", "--gaps", "people=2", "--registered", "2024-09-01"]),
    ("frontier", {"qualification": "award", "x": "units", "y": "tqt"},
     ["frontier", "award", "--x", "units", "--y", "tqt"]),
]


@pytest.mark.parametrize(("path", "body", "args"), POSTS,
                         ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(POSTS)])
def test_each_post_answers_its_commands_json(client, path, body, args):
    res = client.post(f"/api/{path}", json=body)
    assert res.status_code == 200, res.text
    assert res.json() == run_cli(*args)


@pytest.mark.parametrize(("path", "args"), [
    ("/api/quals", ["quals"]),
    ("/api/units/extended-diploma", ["units", "extended-diploma"]),
    ("/api/rules/600-5931-X", ["rules", "600/5931/X"]),
    ("/api/rules/600%2F5931%2FX", ["rules", "600/5931/X"]),  # the accreditation number itself
    ("/api/units/600%2F5931%2FX", ["units", "600/5931/X"]),
    ("/api/areas", ["areas"]),
])
def test_each_get_answers_its_commands_json(client, path, args):
    res = client.get(path)
    assert res.status_code == 200
    assert res.json() == run_cli(*args)


def test_the_cohort_upload_answers_the_cohort_commands_json(client, tmp_path):
    text = "id,achieved,exclude,glh_max\nann,404,,\nbob,,409,60\nzed,zz,,\n"
    csv = tmp_path / "learners.csv"
    csv.write_text(text, encoding="utf-8")
    res = client.post("/api/cohort", data={"qualification": "diploma", "cover": ["people"],
                                           "exclude": ["420"], "registered": "2024-09-01"},
                      files={"learners": ("learners.csv", text.encode())})
    assert res.status_code == 200, res.text
    got = res.json()
    want = CliRunner().invoke(cli, ["cohort", "diploma", str(csv), "--cover", "people",
                                    "--exclude", "420", "--registered", "2024-09-01",
                                    "--format", "json"]).stdout
    want = in_api_words(json.loads(want))
    for e in want["errors"]:
        e["file"] = "learners.csv"  # the upload's name stands for the path
    assert got == want
    assert [e["line"] for e in got["errors"]] == [4]


def test_reasons_name_the_json_fields_the_client_sent(client):
    res = client.post("/api/plan", json={"qualification": "award", "include": ["409"],
                                         "glh_max": 7})
    reasons = res.json()["reasons"]
    assert [r["conditions"] for r in reasons] == [["include 409"], ["glh_max 7"]]
    assert reasons[1]["text"] == "glh_max 7 is below the shortest Award (8 GLH)"


def test_reasons_and_notes_are_the_only_difference_from_the_command(client):
    """What docs/serve.md promises: the command's JSON, field for field, except that reasons and
    notes name fields as the API's client sent them (the CLI names its flags)."""
    res = client.post("/api/plan", json={"qualification": "diploma", "glh_max": 0})
    cli_json = json.loads(CliRunner().invoke(cli, ["plan", "diploma", "--glh-max", "0",
                                                   "--format", "json"]).stdout)
    api = res.json()
    assert api != cli_json  # the reasons differ: '--glh-max 0' against 'glh_max 0'
    assert "--glh-max 0" in json.dumps(cli_json["reasons"])
    assert "glh_max 0" in api["reasons"][0]["text"]
    assert {k: v for k, v in api.items() if k not in NAMED} == \
        {k: v for k, v in cli_json.items() if k not in NAMED}
    assert api == in_api_words(cli_json)


@pytest.mark.parametrize(("path", "body", "args"), [
    ("alternatives", {"qualification": "certificate", "k": 3},
     ["alternatives", "certificate", "-k", "3"]),
    ("compare", {"achieved": ["404"]}, ["compare", "--achieved", "404"]),
    ("progress", {"from": "award", "to": "diploma"},
     ["progress", "--from", "award", "--to", "diploma"]),
    ("frontier", {"qualification": "award"}, ["frontier", "award"]),
    ("plan", {"qualification": "diploma", "glh_max": 5}, ["plan", "diploma", "--glh-max", "5"]),
])
def test_format_csv_answers_the_commands_csv(client, path, body, args):
    """What the page's downloads take away: the command's --format csv of the same answer."""
    res = client.post(f"/api/{path}?format=csv", json=body)
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
    out = CliRunner().invoke(cli, [*args, "--format", "csv"]).stdout
    assert res.text == flags_as_fields(out).removesuffix("\n")  # as the CLI prints it


def test_the_cohort_downloads_as_the_commands_csv(client, tmp_path):
    text = "id,achieved\nann,404\nbob,\n"
    csv = tmp_path / "learners.csv"
    csv.write_text(text, encoding="utf-8")
    res = client.post("/api/cohort?format=csv", data={"qualification": "award"},
                      files={"learners": ("learners.csv", text.encode())})
    assert res.status_code == 200, res.text
    out = CliRunner().invoke(cli, ["cohort", "award", str(csv), "--format", "csv"]).stdout
    assert res.text == out.replace(str(csv), "learners.csv").removesuffix("\n")


def test_long_questions_queue_in_a_pool_of_their_own():
    """Long questions (alternatives, frontier, ...) wait for their own smaller pool of slots; a
    plan never waits behind them."""
    import threading

    server = Settings(time_limit=5.0, solves=2)
    app_client = TestClient(create_app(settings=server), raise_server_exceptions=False)
    assert server.heavy._value < server.slots._value  # noqa: SLF001
    for _ in range(server.heavy._value):  # noqa: SLF001  the long questions hold every heavy slot
        server.heavy.acquire()
    done: list[int] = []
    waiting = threading.Thread(target=lambda: done.append(app_client.post(
        "/api/alternatives", json={"qualification": "award", "k": 2}).status_code))
    waiting.start()
    try:
        res = app_client.post("/api/plan", json={"qualification": "diploma"})
        assert res.status_code == 200 and res.json()["status"] == "optimal"
        assert done == []  # the long one still waits for its slot
    finally:
        for _ in range(max(1, server.solves // 2)):
            server.heavy.release()
    waiting.join(timeout=60)
    assert done == [200]


def test_check_without_completion_is_the_check_less_its_way_forward(client):
    body = {"qualification": "diploma", "units": ["404", "339"], "registered": "2024-09-01"}
    full = client.post("/api/check", json=body).json()
    rules_only = client.post("/api/check", json={**body, "complete": False}).json()
    assert full["completion"] is not None and rules_only["completion"] is None
    assert {**full, "completion": None} == rules_only


def test_a_question_with_no_pathway_is_an_answer_not_an_error(client):
    res = client.post("/api/plan", json={"qualification": "diploma", "glh_max": 3})
    assert res.status_code == 200
    body = res.json()
    assert body["status"] == "infeasible" and body["reasons"]


@pytest.mark.parametrize(("path", "body", "detail"), [
    ("plan", {"qualification": "phd"}, "qualification: unknown qualification 'phd'"),
    ("plan", {"qualification": "diploma", "glh_max": -1}, "glh_max: must be a whole number"),
    ("plan", {"qualification": "diploma", "include": ["999"]}, "include: "),
    ("plan", {"qualification": "diploma", "registered": "yesterday"},
     "registered: 'yesterday' is not a date YYYY-MM-DD"),
    ("plan", {"qualification": "diploma", "cover": ["nowhere"]}, "cover: "),
    ("plan", {"qualification": "diploma", "colour": "red"}, "colour: Extra inputs"),
    ("plan", {"qualification": "diploma", "objective": "fun"}, "objective: "),
    ("plan", {}, "qualification: Field required"),
    ("check", {"qualification": "diploma", "units": ["404", "8605-404"]},
     "units: unit 8605-404 is listed twice"),
    ("check", {"qualification": "diploma"}, "units: give at least one unit"),
    ("alternatives", {"qualification": "diploma", "k": 0}, "k: "),
    ("progress", {"from": "nope", "to": "diploma"}, "from: unknown qualification"),
    ("frontier", {"qualification": "diploma", "x": "colour"}, ""),
    ("compare", {"qualifications": ["x"]}, "qualifications: unknown qualification"),
    ("plan", {"qualification": "diploma", "glh_max": "abc"},
     "glh_max: 'abc' is not a whole number from 0 to 1000000"),  # the library's words
    ("plan", {"qualification": "diploma", "max_units": 1.5},
     "max_units: '1.5' is not a whole number from 0 to 1000000"),
    ("plan", [1, 2], "body: must be a JSON object of the question's fields"),
    ("check", "diploma", "body: must be a JSON object"),
])
def test_bad_input_is_one_line_422_naming_the_json_field(client, path, body, detail):
    res = client.post(f"/api/{path}", json=body)
    assert res.status_code == 422, res.text
    got = res.json()["detail"]
    assert isinstance(got, str) and "\n" not in got
    assert got.startswith(detail)


@pytest.mark.parametrize(("raw", "detail"), [
    (b"{bad", "body: not JSON text (UTF-8)"), (b"\xff", "body: not JSON text (UTF-8)"),
    (b'{"qualification": "award",}', "body: not JSON text (UTF-8)"),
    (b"", "body: must be a JSON object of the question's fields"),
])
def test_a_body_that_is_not_json_says_so(client, raw, detail):
    res = client.post("/api/plan", content=raw, headers={"content-type": "application/json"})
    assert res.status_code == 422
    assert res.json()["detail"] == detail


def test_a_ceiling_gets_the_same_words_as_in_a_learners_csv(client, tmp_path):
    text = "id,glh_max\nann,abc\nbob,\n"
    res = client.post("/api/cohort", data={"qualification": "award"},
                      files={"learners": ("learners.csv", text.encode())})
    csv_words = res.json()["errors"][0]["message"]
    api = client.post("/api/plan", json={"qualification": "award", "glh_max": "abc"})
    assert api.json()["detail"] == "glh_max: " + csv_words


def test_the_cli_and_the_api_give_the_same_message(client):
    res = CliRunner().invoke(cli, ["plan", "diploma", "--include", "404", "--exclude", "404"])
    cli_message = res.stderr.strip().removeprefix("planner: error: ")
    api = client.post("/api/plan", json={"qualification": "diploma", "include": ["404"],
                                         "exclude": ["404"]}).json()["detail"]
    assert cli_message == "--exclude: " + api.removeprefix("exclude: ")


def test_a_body_over_the_cap_is_413(client):
    res = client.post("/api/plan", content=b" " * (MAX_BODY + 1),
                      headers={"content-type": "application/json"})
    assert res.status_code == 413


def test_a_streamed_body_over_the_cap_is_413(client):
    def chunks():
        for _ in range(MAX_BODY // 65536 + 2):
            yield b" " * 65536

    res = client.post("/api/plan", content=chunks(), headers={"content-type": "application/json"})
    assert res.status_code == 413


def test_the_cohort_upload_has_its_own_limit(client):
    from planner.web.api import COHORT_MAX

    data = b"id\n" + b"a\n" * (COHORT_MAX // 2)
    res = client.post("/api/cohort", data={"qualification": "diploma"},
                      files={"learners": ("big.csv", data)})
    assert res.status_code == 422
    assert res.json()["detail"].startswith("learners: the file is over the limit")


def test_every_answer_carries_the_security_headers(client):
    for res in (client.get("/"), client.get("/api/quals"), client.post("/api/plan", json={})):
        assert "default-src 'self'" in res.headers["content-security-policy"]
        assert "script-src 'self'" in res.headers["content-security-policy"]


def test_the_page_escapes_and_serves_its_own_scripts(client):
    page = client.get("/").text
    assert "<script src=\"http" not in page and "https://" not in page
    assert client.get("/static/planner.js").status_code == 200
    assert client.get("/static/planner.css").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


def test_the_time_limit_has_a_server_ceiling():
    s = Settings(time_limit=2.0, max_time_limit=5.0)
    assert s.config(None).time_limit == 2.0
    assert s.config(1000.0).time_limit == 5.0
    assert s.config(0.5).time_limit == 0.5


@pytest.mark.parametrize("name", ["report.html", "report.md", "plan.json", "plan.csv"])
def test_the_downloads_are_the_reports_and_the_plans(client, name):
    res = client.get(f"/download/{name}?q=award&achieved=404&registered=2024-09-01")
    assert res.status_code == 200
    assert res.headers["content-disposition"] == f'attachment; filename="award-{name}"'
    if name == "plan.json":
        assert res.json() == run_cli("plan", "award", "--achieved", "404", "--registered",
                                     "2024-09-01")
    assert "8605-404" in res.text or "404" in res.text


def test_a_download_with_a_bad_question_is_422(client):
    res = client.get("/download/plan.json?q=award&glh_max=lots")
    assert res.status_code == 422 and res.json()["detail"].startswith("glh_max: ")
    res = client.get("/download/plan.json?q=nope")
    assert res.status_code == 422 and res.json()["detail"].startswith("q: unknown qualification")
    assert client.get("/download/..%2Fetc%2Fpasswd?q=award").status_code in (404, 422)


def test_a_link_with_parameters_added_on_its_way_still_works(client):
    res = client.get("/download/plan.json?q=award&achieved=404&utm_source=x&fbclid=1")
    assert res.status_code == 200
    assert res.json() == client.get("/download/plan.json?q=award&achieved=404").json()
    assert client.get("/?q=award&utm_source=x").status_code == 200
    assert client.post("/api/plan", json={"qualification": "award", "utm_source": "x"}
                       ).status_code == 422  # a JSON body's unknown field is still refused


@pytest.mark.parametrize("path", ["/", "/?q=diploma", "/docs", "/download/plan.csv?q=award"])
def test_the_pages_answer_head(client, path):
    head, get = client.head(path), client.get(path)
    assert head.status_code == 200 == get.status_code
    assert head.headers["content-type"] == get.headers["content-type"]


# -- never a 500 -----------------------------------------------------------------------------------

ENDPOINTS = {
    "plan": ["qualification", "objective", "achieved", "include", "exclude", "glh_max",
             "max_units", "registered", "cover", "gaps", "time_limit"],
    "check": ["qualification", "units", "achieved", "registered", "objective", "time_limit"],
    "alternatives": ["qualification", "k", "differ_by", "include", "glh_max", "max_units"],
    "compare": ["qualifications", "achieved", "include", "exclude", "registered", "gaps",
                "cover", "glh_max"],
    "progress": ["from", "to", "achieved", "include", "exclude", "max_units", "cover"],
    "frontier": ["qualification", "x", "y", "area", "cover", "glh_max"],
}
UNITS = st.sampled_from(["404", "8605-409", "339", "550", "999", "", " ", "404,405", "x" * 300,
                         "８６０５-４０４", "404\n405", "\x00", "<script>"])
WORDS = st.sampled_from(["diploma", "award", "certificate", "extended-diploma", "600/5931/X",
                         "people", "results=6", "people=1001", "units", "areas", "tqt", "glh",
                         "1900-01-01", "2024-02-30", "9999-12-31", "", "../../etc/passwd"])
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False), WORDS, UNITS, st.text(max_size=30),
    st.lists(st.one_of(UNITS, WORDS, st.integers(), st.none()), max_size=6),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


@st.composite
def bodies(draw, fields):
    keys = draw(st.lists(st.sampled_from([*fields, "extra", "x" * 50]), unique=True,
                         max_size=len(fields) + 1))
    out = {k: draw(VALUES) for k in keys}
    if "time_limit" in out and draw(st.booleans()):
        out["time_limit"] = 0.05
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(sorted(ENDPOINTS)), data=st.data())
def test_no_body_gets_a_500(client, path, data):
    body = data.draw(st.one_of(bodies(ENDPOINTS[path]), VALUES))
    if isinstance(body, dict) and "time_limit" not in body:
        body["time_limit"] = 0.5
    res = client.post(f"/api/{path}", json=body)
    assert res.status_code in (200, 422), (body, res.text)
    if res.status_code == 422:
        assert isinstance(res.json()["detail"], str)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200), path=st.sampled_from(sorted(ENDPOINTS)))
def test_no_raw_bytes_get_a_500(client, raw, path):
    res = client.post(f"/api/{path}", content=raw, headers={"content-type": "application/json"})
    assert res.status_code in (200, 422)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=40), q=WORDS)
def test_no_path_gets_a_500(client, name, q):
    from urllib.parse import quote

    name = quote(name, safe="")
    for path in (f"/api/units/{name}", f"/api/rules/{name}", f"/download/plan.csv?q={q}&achieved={name}"):
        res = client.get(path)
        assert res.status_code in (200, 404, 422), (path, res.text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), q=WORDS, strict=st.booleans())
def test_no_upload_gets_a_500(client, data, q, strict):
    res = client.post("/api/cohort", data={"qualification": q, "strict": str(strict).lower(),
                                           "time_limit": "0.5"},
                      files={"learners": ("l.csv", b"id,achieved\n" + data)})
    assert res.status_code in (200, 422), res.text
