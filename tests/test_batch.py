"""planner batch: agreement with single plan calls, input order, bad rows, resume, Dask."""

from __future__ import annotations

import csv
import json

import pytest

from planner.domain.conditions import Conditions, SolverConfig
from planner.domain.validate import check_conditions, is_valid
from planner.io import batch
from planner.io.batch import (
    RESULT_COLUMNS,
    random_requests,
    read_requests,
    run_batch,
    write_requests,
)
from planner.questions.plan import plan

HEADER = "id,qualification,objective,achieved,include,exclude,glh_max,registered\n"


def expected_row(cat, cells: dict[str, str]) -> dict:
    """The row a single ``plan`` call gives, built from the CSV cells without planner.batch."""
    cond = Conditions.from_user(cat, include=[cells["include"]], exclude=[cells["exclude"]],
                                achieved=[cells["achieved"]],
                                glh_max=int(cells["glh_max"]) if cells["glh_max"] else None,
                                registered=cells["registered"] or None)
    q = cat.qualification(cells["qualification"])
    result = plan(cat, q, cond, cells["objective"] or "glh", SolverConfig())
    d = result.to_dict()
    if result.pathway is not None:
        assert is_valid(cat, q, result.pathway.refs, result.pathway.achieved_refs,
                        cond.registration_date), cells
        assert check_conditions(cat, result.pathway.refs, cond) == [], cells
    return {"id": cells["id"], "qualification": q.slug, "status": d["status"],
            "units": d["units"], **{k: d[k] for k in RESULT_COLUMNS[4:10]}}


def read_csv_rows(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def many(cat, tmp_path_factory):
    """200 random requests, planned by the batch runner on 2 worker processes."""
    d = tmp_path_factory.mktemp("many")
    rows = random_requests(cat, 200, seed=6)
    write_requests(d / "requests.csv", rows)
    summary = run_batch(d / "requests.csv", d / "plans.jsonl", workers=2)
    out = [json.loads(line) for line in (d / "plans.jsonl").read_text().splitlines()]
    return rows, out, summary, d


def test_batch_agrees_with_single_plan_calls(cat, many):
    rows, out, summary, _ = many
    assert [r["id"] for r in out] == [r["id"] for r in rows]  # input order
    statuses = {r["status"] for r in out}
    assert "optimal" in statuses and "infeasible" in statuses  # the sample exercises both
    for cells, got in zip(rows, out, strict=True):
        want = expected_row(cat, cells)
        assert {k: got[k] for k in want} == want
        assert (got["error"] is None) == (got["status"] == "optimal")
    assert summary.workers == 2 and summary.planned == 200 and summary.total == 200
    assert summary.exit_code == 1  # some requests have no pathway


def test_workers_do_not_change_the_output(many):
    rows, out, _, d = many
    run_batch(d / "requests.csv", d / "one.jsonl", workers=1)
    assert (d / "one.jsonl").read_text() == (d / "plans.jsonl").read_text()


def test_csv_output_columns_and_cells(cat, tmp_path):
    write_requests(tmp_path / "r.csv", [
        {"id": "ann", "qualification": "award", "achieved": "404"},
        {"id": "bob", "qualification": "award", "include": "409"},
    ])
    summary = run_batch(tmp_path / "r.csv", tmp_path / "p.csv", workers=1)
    with open(tmp_path / "p.csv", newline="") as f:
        got = list(csv.reader(f))
    assert tuple(got[0]) == RESULT_COLUMNS
    ann = dict(zip(RESULT_COLUMNS, got[1], strict=True))
    want = plan(cat, "award", Conditions.from_user(cat, achieved=["404"])).to_dict()
    assert ann["units"] == " ".join(want["units"]) and ann["units"].count(" ") >= 1
    assert ann["new_glh"] == str(want["new_glh"]) and ann["status"] == "optimal"
    bob = dict(zip(RESULT_COLUMNS, got[2], strict=True))
    assert bob["status"] == "infeasible" and bob["units"] == "" and bob["glh"] == ""
    assert "409" in bob["error"]  # why there is no pathway
    assert summary.exit_code == 1


BAD = (HEADER
       + "ok1,award,,,,,,\n"
       + "bad-qual,awrd,,,,,,\n"
       + "bad-unit,award,,999,,,,\n"
       + "bad-obj,award,hours,,,,,\n"
       + "bad-int,award,,,,,ten,\n"
       + "bad-date,award,,,,,,2024-13-01\n"
       + "ok1,award,,,,,,\n"
       + ",award,,,,,,\n"
       + "extra,award,,,,,,,surplus\n"
       + "both,award,,,404,404,,\n"
       + "no-qual,,,,,,,\n"
       + '"quoted\nid",certificate,,"404,\n425",,,,\n'
       + "ok2,certificate,tqt,,,,,\n")


def test_bad_rows_become_error_rows_with_their_line(cat, tmp_path):
    (tmp_path / "r.csv").write_text(BAD)
    summary = run_batch(tmp_path / "r.csv", tmp_path / "p.jsonl", workers=2)
    out = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    by_line = {r["id"]: r for r in out}
    assert [r["id"] for r in out] == ["ok1", "bad-qual", "bad-unit", "bad-obj", "bad-int",
                                      "bad-date", "ok1", "", "extra", "both", "no-qual",
                                      "quoted\nid", "ok2"]
    errors = [(r["id"], r["error"]) for r in out if r["status"] == "error"]
    assert errors == [
        ("bad-qual", "line 3, column 'qualification': unknown qualification 'awrd' (known: "
                     "award, certificate, diploma, extended-diploma)"),
        ("bad-unit", "line 4, column 'achieved': unknown unit '999'"),
        ("bad-obj", "line 5, column 'objective': unknown objective 'hours' (glh or tqt)"),
        ("bad-int", "line 6, column 'glh_max': 'ten' is not a whole number from 0 to 1000000"),
        ("bad-date", "line 7, column 'registered': '2024-13-01' is not a date YYYY-MM-DD"),
        ("ok1", "line 8, column 'id': duplicate id 'ok1'"),
        ("", "line 9, column 'id': missing id"),
        ("extra", "line 10: 9 cells but the header names 8 columns"),
        ("both", "line 11, column 'exclude': unit 8605-404 is both included and excluded"),
        ("no-qual", "line 12, column 'qualification': missing qualification"),
    ]
    for r in out:
        if r["status"] == "error":
            assert r["units"] == [] and r["glh"] is None
    # a record spanning two lines is read whole, and the next record's line number is right
    assert by_line["quoted\nid"]["status"] == "optimal"
    assert {"8605-404", "8605-425"} <= set(by_line["quoted\nid"]["units"])
    assert by_line["ok2"]["status"] == "optimal"
    assert summary.errors == 10 and summary.found == 3 and summary.exit_code == 2


def test_a_malformed_record_is_its_rows_error_as_in_a_cohort(cat, tmp_path):
    """One reader for batch and cohort (planner.io.files.read_csv): a record that is not valid
    CSV is that row's error, the rows around it are planned."""
    (tmp_path / "r.csv").write_text('id,qualification\na,"aw"ard\nb,award\n')
    items = read_requests(tmp_path / "r.csv", cat)
    assert isinstance(items[0], batch.RowError) and items[0].line == 2
    assert "',' expected after '\"'" in items[0].message
    assert isinstance(items[1], batch.Request) and items[1].id == "b"


def test_line_numbers_follow_multi_line_records(cat, tmp_path):
    (tmp_path / "r.csv").write_text('id,qualification,achieved\na,award,"404\n425"\nb,award,1\n')
    items = read_requests(tmp_path / "r.csv", cat)
    assert [(i.id, i.line) for i in items] == [("a", 2), ("b", 4)]
    assert isinstance(items[1], batch.BadRow) and items[1].field == "achieved"


@pytest.mark.parametrize("text, message", [
    ("", "r.csv: the file is empty"),
    ("\n\n", "r.csv: the file is empty"),
    ("id,achieved\na,404\n", "r.csv, line 1: no 'qualification' column"),
    ("qualification\naward\n", "r.csv, line 1: no 'id' column"),
    ("id,qualification,id\na,award,b\n", "r.csv, line 1: column 'id' is named twice"),
    ("id,qualification,acheived\na,award,404\n", "r.csv, line 1: unknown column 'acheived'"),
    ("id,qualification,,\n", "r.csv, line 1: column 3 has no name"),
    ('id,qualification\na,award\nb,"award\nc,award\n',
     "r.csv, line 3: a quote opened in this record is never closed"),
])
def test_a_bad_file_is_fatal(cat, tmp_path, text, message):
    (tmp_path / "r.csv").write_text(text)
    with pytest.raises(batch.InputError) as exc:
        read_requests(tmp_path / "r.csv", cat)
    assert str(exc.value).startswith("requests: " + str(tmp_path / message.split(":")[0]))
    assert message.split(": ", 1)[1] in str(exc.value)


def test_only_id_and_qualification_are_needed(cat, tmp_path):
    (tmp_path / "r.csv").write_text("Qualification , ID\naward,x\n600/5932/1,y\n")
    items = read_requests(tmp_path / "r.csv", cat)
    assert [(i.id, i.qualification) for i in items] == [("x", "award"), ("y", "certificate")]


# -- the command line ---------------------------------------------------------------------------

def test_cli_exit_codes_and_summary(run, tmp_path):
    write_requests(tmp_path / "good.csv", [{"id": "a", "qualification": "award"},
                                           {"id": "b", "qualification": "diploma"}])
    code, out, err = run("batch", tmp_path / "good.csv", "--out", tmp_path / "p.csv",
                         "--workers", "2")
    assert code == 0 and out == ""
    assert "2 requests" in err and "2 with a pathway" in err
    assert len(read_csv_rows(tmp_path / "p.csv")) == 2
    write_requests(tmp_path / "none.csv", [{"id": "a", "qualification": "award",
                                            "glh_max": "1"}])
    code, _, _ = run("batch", tmp_path / "none.csv", "--out", tmp_path / "p.csv")
    assert code == 1
    (tmp_path / "bad.csv").write_text(BAD)
    code, _, err = run("batch", tmp_path / "bad.csv", "--out", tmp_path / "p.jsonl")
    assert code == 2
    assert "line 4, column 'achieved': unknown unit '999'" in err
    assert len((tmp_path / "p.jsonl").read_text().splitlines()) == 13  # still complete


def test_cli_format_option_overrides_the_suffix(run, tmp_path):
    write_requests(tmp_path / "r.csv", [{"id": "a", "qualification": "award"}])
    code, _, _ = run("batch", tmp_path / "r.csv", "--out", tmp_path / "p.txt", "--format",
                     "jsonl", "--workers", "1")
    assert code == 0
    assert json.loads((tmp_path / "p.txt").read_text())["units"] == ["8605-404", "8605-425"]


@pytest.mark.parametrize("args, message", [
    (["missing.csv", "--out", "p.csv"], "REQUESTS: missing.csv: cannot read (No such file"),
    (["r.csv", "--out", "p.txt"], "--out: cannot tell the format of 'p.txt'"),
    (["r.csv", "--out", "p.csv", "--workers", "0"], "'--workers'"),
    (["r.csv", "--out", "p.csv", "--workers", "two"], "'--workers'"),
    (["r.csv"], "Missing option '--out'"),
    (["r.csv", "--out", "p.csv", "--engine", "spark"], "'--engine'"),
    (["r.csv", "--out", "p.csv", "--scheduler", "tcp://x:1"],
     "--scheduler: a scheduler address needs --engine dask"),
    (["r.csv", "--out", "nodir/p.csv"], "--out: cannot write 'nodir/p.csv'"),
    (["r.csv", "--out", "./r.csv"], "--out: 'r.csv' is also the input 'r.csv'"),
    (["dir", "--out", "p.csv"], "REQUESTS: 'dir' is not a regular file"),
    (["latin1.csv", "--out", "p.csv"], "REQUESTS: latin1.csv: not UTF-8 text"),
    (["r.csv", "--out", "p.csv", "--catalogue", "nowhere"], "'--catalogue'"),
])
def test_cli_bad_input_is_one_line(run, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    write_requests(tmp_path / "r.csv", [{"id": "a", "qualification": "award"}])
    (tmp_path / "dir").mkdir()
    (tmp_path / "latin1.csv").write_bytes("id,qualification\nZoë,award\n".encode("latin-1"))
    code, out, err = run("batch", *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert message in err


# -- resume -------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_resume_keeps_complete_rows_and_plans_only_the_rest(cat, tmp_path, monkeypatch, fmt):
    rows = random_requests(cat, 30, seed=7)
    rows[4]["achieved"] = "999"  # a bad row, redone on resume
    write_requests(tmp_path / "r.csv", rows)
    full = tmp_path / f"full.{fmt}"
    run_batch(tmp_path / "r.csv", full, workers=1)
    lines = full.read_text().splitlines(keepends=True)
    head = 1 if fmt == "csv" else 0
    cut = tmp_path / f"cut.{fmt}"
    cut.write_text("".join(lines[:head + 12]) + lines[head + 12][:9])  # cut off mid-row
    calls = []
    real = batch.plan_request
    monkeypatch.setattr(batch, "plan_request",
                        lambda c, r, cfg: calls.append(r.id) or real(c, r, cfg))
    summary = run_batch(tmp_path / "r.csv", cut, workers=1, resume=True)
    assert cut.read_text() == full.read_text()
    # the 12 complete rows were not planned again; the rest once per distinct question
    firsts: dict = {}
    for item in read_requests(tmp_path / "r.csv", cat)[12:]:
        firsts.setdefault(batch.question(item), item.id)
    assert calls == list(firsts.values()) and len(calls) >= 10
    assert summary.reused == 11 and summary.planned == 18  # row 5 (bad) is not reused
    assert not (tmp_path / f"cut.{fmt}.tmp").exists()


def test_resume_without_an_earlier_output_plans_everything(cat, tmp_path):
    write_requests(tmp_path / "r.csv", [{"id": "a", "qualification": "award"}])
    summary = run_batch(tmp_path / "r.csv", tmp_path / "p.csv", workers=1, resume=True)
    assert summary.planned == 1 and summary.reused == 0


def test_resume_refuses_an_output_of_other_requests(run, cat, tmp_path):
    write_requests(tmp_path / "r.csv", [{"id": "a", "qualification": "award"},
                                        {"id": "b", "qualification": "award"}])
    write_requests(tmp_path / "other.csv", [{"id": "b", "qualification": "award"}])
    run_batch(tmp_path / "other.csv", tmp_path / "p.csv", workers=1)
    before = (tmp_path / "p.csv").read_text()
    code, _, err = run("batch", tmp_path / "r.csv", "--out", tmp_path / "p.csv", "--resume")
    assert code == 2 and "--resume:" in err and "result 1 is for id 'b'" in err
    assert (tmp_path / "p.csv").read_text() == before  # left as it was
    (tmp_path / "p.csv").write_text("something,else\n1,2\n")
    code, _, err = run("batch", tmp_path / "r.csv", "--out", tmp_path / "p.csv", "--resume")
    assert code == 2 and "not a batch output in CSV" in err
    (tmp_path / "p.jsonl").write_text('{"id": "a"}\n')
    code, _, err = run("batch", tmp_path / "r.csv", "--out", tmp_path / "p.jsonl", "--resume")
    assert code == 2 and "p.jsonl, line 1: not a batch result row" in err


def test_a_failing_plan_stays_in_its_row(cat, tmp_path, monkeypatch):
    write_requests(tmp_path / "r.csv", [{"id": "a", "qualification": "award"},
                                        {"id": "b", "qualification": "award"}])

    def boom(*args, **kwargs):
        raise OverflowError("too wide")

    monkeypatch.setattr("planner.questions.plan.plan", boom)
    summary = run_batch(tmp_path / "r.csv", tmp_path / "p.csv", workers=1)
    rows = read_csv_rows(tmp_path / "p.csv")
    assert [r["status"] for r in rows] == ["error", "error"]
    assert rows[0]["error"] == "line 2: internal error (OverflowError: too wide)"
    assert summary.exit_code == 2


# -- the Dask engine ----------------------------------------------------------------------------

def test_dask_engine_gives_the_same_results_as_the_local_engine(cat, tmp_path):
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    rows = random_requests(cat, 50, seed=66)
    rows[3]["include"] = "1234"  # a bad row in the middle
    write_requests(tmp_path / "r.csv", rows)
    run_batch(tmp_path / "r.csv", tmp_path / "local.csv", workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        summary = run_batch(tmp_path / "r.csv", tmp_path / "dask.csv", engine="dask",
                            scheduler=cluster.scheduler_address)
    assert summary.engine == "dask" and summary.planned == 49
    assert (tmp_path / "dask.csv").read_text() == (tmp_path / "local.csv").read_text()


def test_dask_engine_missing_is_one_line(run, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "distributed" else real(name, *a))
    write_requests(tmp_path / "r.csv", [{"id": "a", "qualification": "award"}])
    code, _, err = run("batch", tmp_path / "r.csv", "--out", tmp_path / "p.csv", "--engine",
                       "dask")
    assert code == 2
    assert err.strip() == ("planner: error: --engine: the dask engine is not installed: "
                           "pip install 'ilm-planner[dask]'")


def test_unreachable_scheduler_is_one_line(run, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(batch, "DASK_CONNECT_TIMEOUT", 1.0)
    write_requests(tmp_path / "r.csv", [{"id": "a", "qualification": "award"}])
    code, _, err = run("batch", tmp_path / "r.csv", "--out", tmp_path / "p.csv", "--engine",
                       "dask", "--scheduler", "tcp://127.0.0.1:9", "--time-limit", "1")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert err.startswith("planner: error: --scheduler: cannot reach the Dask scheduler")


def test_progress_bar_on_a_terminal_only(cat, tmp_path):
    """A bar on stderr when it is a terminal; none in a pipe."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    write_requests(tmp_path / "r.csv", random_requests(cat, 20, seed=1))
    cmd = [sys.executable, "-m", "planner", "batch", str(tmp_path / "r.csv"), "--out",
           str(tmp_path / "p.csv"), "--workers", "1"]
    main, sub = pty.openpty()
    fcntl.ioctl(sub, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(cmd, stdin=sub, stdout=sub, stderr=sub, close_fds=True)
    os.close(sub)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=120)
    os.close(main)
    assert b"/20 [" in seen and b"plan/s" in seen
    piped = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert "plan/s" not in piped.stderr and "/20 [" not in piped.stderr
    assert piped.stderr.startswith("planner: 20 requests")


def test_an_interrupted_run_resumes_to_the_same_file(cat, tmp_path):
    """Ctrl-C in the middle of a run: one line, exit 130, complete rows kept; --resume then
    finishes the file exactly as an uninterrupted run writes it."""
    import signal
    import subprocess
    import sys
    import time

    write_requests(tmp_path / "r.csv", random_requests(cat, 400, seed=8))
    run_batch(tmp_path / "r.csv", tmp_path / "full.csv", workers=1)
    out = tmp_path / "p.csv"
    cmd = [sys.executable, "-m", "planner", "batch", str(tmp_path / "r.csv"), "--out", str(out),
           "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and len(out.read_text().splitlines()) > 30:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    partial = out.read_text()
    full = (tmp_path / "full.csv").read_text()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "planner: interrupted" in err
    assert 30 < len(partial.splitlines()) < 401 and full.startswith(partial)
    done = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode in (1, 2) and out.read_text() == full
    kept = len(partial.splitlines()) - 1
    assert f"{kept} kept from the earlier run" in done.stderr


def test_an_id_is_taken_even_by_a_bad_row(cat, tmp_path):
    (tmp_path / "r.csv").write_text("id,qualification,achieved\na,award,999\na,award,404\n")
    items = read_requests(tmp_path / "r.csv", cat)
    assert [i.at_line() for i in items] == ["line 2, column 'achieved': unknown unit '999'",
                                       "line 3, column 'id': duplicate id 'a'"]


def test_a_failing_dask_task_is_one_line_and_keeps_the_rows(run, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    def broken(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'planner'")

    monkeypatch.setattr(batch, "plan_chunk", broken)
    write_requests(tmp_path / "r.csv", [{"id": "bad", "qualification": "x"},
                                        {"id": "a", "qualification": "award"}])
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        code, _, err = run("batch", tmp_path / "r.csv", "--out", tmp_path / "p.csv",
                           "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "a Dask task failed (ModuleNotFoundError: No module named 'planner')" in err
    assert [r["id"] for r in read_csv_rows(tmp_path / "p.csv")] == ["bad"]  # kept


def test_the_same_question_is_solved_once(cat, tmp_path, monkeypatch):
    rows = [{"id": "a", "qualification": "award"},
            {"id": "b", "qualification": "diploma", "achieved": "404"},
            {"id": "c", "qualification": "award"},
            {"id": "d", "qualification": "award", "objective": "tqt"},
            {"id": "e", "qualification": "diploma", "achieved": "8605-404"},
            {"id": "f", "qualification": "award", "include": "409"},
            {"id": "g", "qualification": "award", "include": "409"}]
    write_requests(tmp_path / "r.csv", rows)
    calls = []
    real = batch.plan_request
    monkeypatch.setattr(batch, "plan_request",
                        lambda c, r, cfg: calls.append(r.id) or real(c, r, cfg))
    summary = run_batch(tmp_path / "r.csv", tmp_path / "p.jsonl", workers=1)
    assert calls == ["a", "b", "d", "f"]
    assert summary.planned == 7 and summary.solved == 4
    out = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert [r["id"] for r in out] == list("abcdefg")
    for x, y in (("a", "c"), ("b", "e"), ("f", "g")):
        rx, ry = out["abcdefg".index(x)], out["abcdefg".index(y)]
        assert {**rx, "id": y} == ry
    assert out[0] != out[3]  # the objective makes another question


def test_out_of_range_numbers_are_bad_rows_not_a_stopped_run(cat, tmp_path):
    (tmp_path / "r.csv").write_text("id,qualification,glh_max\na,award,\nb,award,1000001\n"
                                    "c,award,\u00b2\nd,award,99999999999999999999\ne,award,8\n",
                                    encoding="utf-8")
    run_batch(tmp_path / "r.csv", tmp_path / "out.csv", workers=1)
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [r["status"] for r in rows] == ["optimal", "error", "error", "error", "optimal"]
    assert all("column 'glh_max'" in r["error"] for r in rows[1:4])


def test_a_resume_that_fails_before_planning_keeps_the_earlier_file(cat, tmp_path, monkeypatch):
    """Rows kept by --resume after the first row to plan must not vanish when the engine fails
    before it plans anything (here: every plan raises)."""
    import planner.io.batch as batch

    (tmp_path / "r1.csv").write_text("id,qualification\na,award\nb,nosuch\nc,certificate\n"
                                     "d,diploma\n")
    run_batch(tmp_path / "r1.csv", tmp_path / "out.csv", workers=1)
    before = (tmp_path / "out.csv").read_text()
    (tmp_path / "r2.csv").write_text((tmp_path / "r1.csv").read_text().replace("nosuch",
                                                                               "award"))

    def broken(*args, **kwargs):
        raise RuntimeError("engine down")
        yield  # pragma: no cover - makes this a generator, as the engines are

    monkeypatch.setattr(batch, "run_local", broken)
    with pytest.raises(RuntimeError, match="engine down"):
        run_batch(tmp_path / "r2.csv", tmp_path / "out.csv", workers=1, resume=True)
    assert (tmp_path / "out.csv").read_text() == before
    assert not (tmp_path / "out.csv.tmp").exists()


def test_resume_plans_again_a_row_whose_qualification_changed(cat, tmp_path):
    (tmp_path / "r1.csv").write_text("id,qualification\na,award\nb,award\n")
    run_batch(tmp_path / "r1.csv", tmp_path / "out.csv", workers=1)
    (tmp_path / "r2.csv").write_text("id,qualification\na,diploma\nb,award\nc,certificate\n")
    summary = run_batch(tmp_path / "r2.csv", tmp_path / "out.csv", workers=1, resume=True)
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [r["qualification"] for r in rows] == ["diploma", "award", "certificate"]
    assert summary.reused == 1


def test_a_line_break_in_a_cell_keeps_each_warning_on_one_line(run, tmp_path):
    (tmp_path / "r.csv").write_text('id,qualification\n"b\n2",nosuch\nz,"award\nx"\n')
    code, _, err = run("batch", tmp_path / "r.csv", "--out", tmp_path / "out.csv")
    warnings = [x for x in err.splitlines() if x.startswith("planner: error:")]
    assert code == 2 and len(warnings) == 2 and len(err.strip().splitlines()) == 3
    assert "(id 'b\\n2')" in warnings[0]


# -- every condition of plan is a batch column (issue 15) ---------------------------------------

def test_every_condition_of_plan_is_a_column():
    from planner.cli.common import CONDITION_OPTIONS

    assert set(CONDITION_OPTIONS) - {"minimise", "time_limit"} <= set(batch.COLUMNS)


def test_cover_gaps_and_max_units_columns_mean_what_plan_means(cat, tmp_path):
    """Once refused with "unknown column 'cover'"; now each row is the plan question."""
    path = tmp_path / "r.csv"
    path.write_text("id,qualification,cover,gaps,max_units,glh_max\n"
                    'a,diploma,people=10,,,\n'
                    'b,certificate,,"results=3,direction",,\n'
                    "c,diploma,,,6,\n"
                    'd,award,"people,results=6",,3,40\n', encoding="utf-8")
    run_batch(path, tmp_path / "out.jsonl", workers=1)
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    asked = {"a": dict(cover=["people=10"]), "b": dict(gaps=["results=3,direction"]),
             "c": dict(max_units=6), "d": dict(cover=["people,results=6"], max_units=3,
                                               glh_max=40)}
    for row in out:
        cond = Conditions.from_user(cat, **asked[row["id"]])
        single = plan(cat, row["qualification"], cond)
        assert row["status"] == single.status.value == "optimal", row
        assert row["units"] == list(single.pathway.refs)
        assert check_conditions(cat, row["units"], cond) == []


@pytest.mark.parametrize("cells, field", [
    ("cover=nowhere", "cover"), ("cover=people=x", "cover"), ("gaps=results=0", "gaps"),
    ("max_units=-1", "max_units"), ("max_units=1000001", "max_units"),
])
def test_bad_condition_cells_are_error_rows_naming_the_column(cat, tmp_path, cells, field):
    col, value = cells.split("=", 1)
    path = tmp_path / "r.csv"
    path.write_text(f"id,qualification,{col}\nx,award,{value}\n", encoding="utf-8")
    (item,) = read_requests(path, cat)
    assert isinstance(item, batch.BadRow) and item.field == field, item


def test_the_help_names_every_column(run):
    code, out, _ = run("batch", "--help")
    text = " ".join(out.split())
    assert code == 0 and all(col in text for col in batch.COLUMNS)


def test_the_summary_counts_in_words_that_agree(run, tmp_path):
    """'1 request', '(1 distinct question)': the summary's nouns follow their counts."""
    write_requests(tmp_path / "one.csv", [{"id": "a", "qualification": "award"}])
    _, _, err = run("batch", tmp_path / "one.csv", "--out", tmp_path / "p.csv")
    assert "planner: 1 request -> " in err
    write_requests(tmp_path / "same.csv", [{"id": i, "qualification": "award"} for i in "abc"])
    _, _, err = run("batch", tmp_path / "same.csv", "--out", tmp_path / "q.csv")
    assert "planned 3 (1 distinct question)" in err


def test_a_bad_rows_stderr_line_says_error_as_its_row_does(run, tmp_path):
    """A registration to come is the row's error (status error, counted bad, exit 2): stderr
    says so, not "warning"."""
    write_requests(tmp_path / "r.csv", [{"id": "a", "qualification": "award",
                                         "registered": "2035-01-01"}])
    code, _, err = run("batch", tmp_path / "r.csv", "--out", tmp_path / "p.csv")
    assert code == 2
    assert read_csv_rows(tmp_path / "p.csv")[0]["status"] == "error"
    line = next(x for x in err.splitlines() if "2035-01-01" in x)
    assert line.startswith("planner: error: ") and "warning" not in err
    assert "column 'registered'" in line and "(id 'a')" in line
