"""The fault suite (issue 17): the planner tried as a hostile or unlucky user would. Hostile and
special-file input, files the user did not ask to change, full and closed streams, spreadsheet
formulas, and signals (Ctrl-C, SIGTERM, SIGHUP, SIGKILL) sent to real processes.

Every case goes through ``outcome``, the one place that counts: cases tried, tracebacks, wrong
exit codes, files damaged, processes orphaned. The counts are printed at the end of the run
(``pytest_terminal_summary`` in conftest.py) and every one but the cases must stay zero.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.io import files
from planner.io.batch import random_requests, write_requests

LINUX = sys.platform.startswith("linux")
needs_linux = pytest.mark.skipif(not LINUX, reason="uses /dev/full, /proc and parent-death "
                                 "signals, which only Linux has")
MESSAGE_MAX = 520  # "planner: error: " and the flag, then at most errors.MESSAGE_MAX characters


@dataclass
class Tally:
    cases: int = 0
    tracebacks: int = 0
    wrong_exit_codes: int = 0
    files_damaged: int = 0
    processes_orphaned: int = 0


    def __str__(self) -> str:
        return (f"fault suite: {self.cases} cases tried, {self.tracebacks} tracebacks, "
                f"{self.wrong_exit_codes} wrong exit codes, {self.files_damaged} files damaged, "
                f"{self.processes_orphaned} processes orphaned")


TALLY = Tally()  # printed at the end of the run by tests/conftest.py


def outcome(code: int | None, err: str, expected: int, *, damaged: bool = False,
            orphans: int = 0, one_line: bool | None = None) -> None:
    """Count one case and check it: the exit code, no traceback, nothing damaged or left
    running, and (for an error, by default) exactly one short line on stderr."""
    TALLY.cases += 1
    TALLY.tracebacks += "Traceback" in err
    TALLY.wrong_exit_codes += code != expected
    TALLY.files_damaged += damaged
    TALLY.processes_orphaned += orphans
    assert "Traceback" not in err, err
    assert code == expected, (code, err)
    assert not damaged and not orphans
    if one_line if one_line is not None else expected == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert len(lines[0]) <= MESSAGE_MAX, len(lines[0])


def invoke(run, *args) -> tuple[int, str, str]:
    """The CLI in-process; an exception that escapes it is a traceback."""
    try:
        return run(*args)
    except Exception as exc:  # noqa: BLE001 - counted, then shown
        outcome(None, f"Traceback: {exc!r}", 2)
        raise


def cli(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=None, close_stdout=False):
    """The CLI as a real process, SIGINT not ignored (a background shell would ignore it)."""

    def child() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if close_stdout:
            os.close(1)

    return subprocess.Popen([sys.executable, "-m", "planner", *map(str, args)], stdout=stdout,
                            stderr=stderr, cwd=cwd, preexec_fn=child)


def finish(p: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    try:
        out, err = p.communicate(timeout=timeout)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return p.returncode, (out or b"").decode(), (err or b"").decode()


# -- hostile and special input: one line, exit 2 --------------------------------------------

LONG = "x" * 100_000


def _latin1_catalogue(tmp: Path) -> Path:
    import shutil

    from planner.domain.catalogue import load_catalogue

    root = tmp / "cat"
    shutil.copytree(load_catalogue(None).root, root)
    toml = next(root.rglob("*.toml"))
    toml.write_bytes(toml.read_bytes() + "# Zoë\n".encode("latin-1"))
    return root


def _fifo(tmp: Path, name: str = "fifo") -> Path:
    os.mkfifo(tmp / name)
    return tmp / name


BAD_INPUT = {
    "plan nan time limit": lambda t: ["plan", "award", "--time-limit", "nan"],
    "alternatives nan time limit": lambda t: ["alternatives", "award", "-k", "2",
                                              "--time-limit", "nan"],
    "frontier nan time limit": lambda t: ["frontier", "award", "--time-limit", "nan"],
    "cohort nan time limit": lambda t: ["cohort", "award", t / "l.csv", "--time-limit", "nan"],
    "batch nan time limit": lambda t: ["batch", t / "r.csv", "--out", t / "o.csv",
                                       "--time-limit", "nan"],
    "report nan time limit": lambda t: ["report", "award", "--out", t / "r.html",
                                        "--time-limit", "nan"],
    "catalogue not UTF-8": lambda t: ["quals", "--catalogue", _latin1_catalogue(t)],
    "out name too long": lambda t: ["batch", t / "r.csv", "--out", t / ("o" * 300 + ".csv")],
    "batch /dev/zero": lambda t: ["batch", "/dev/zero", "--out", t / "o.csv"],
    "batch /dev/urandom": lambda t: ["batch", "/dev/urandom", "--out", t / "o.csv"],
    "cohort /dev/zero": lambda t: ["cohort", "award", "/dev/zero"],
    "batch a FIFO": lambda t: ["batch", _fifo(t), "--out", t / "o.csv"],
    "cohort a folder": lambda t: ["cohort", "award", t],
    "cohort line too long": lambda t: ["cohort", "award", t / "long.csv"],
    "batch file too large": lambda t: ["batch", t / "big.csv", "--out", t / "o.csv"],
    "long qualification": lambda t: ["plan", LONG],
    "long unit": lambda t: ["plan", "award", "--include", LONG],
    "long unit in a strict cohort": lambda t: ["cohort", "award", t / "hostile.csv", "--strict"],
    "long column name": lambda t: ["batch", t / "badhead.csv", "--out", t / "o.csv"],
    "out is a folder": lambda t: ["batch", t / "r.csv", "--out", t / "d.csv"],
    "out is a FIFO": lambda t: ["batch", t / "r.csv", "--out", _fifo(t, "o.csv")],
    "out links to a FIFO": lambda t: ["batch", t / "r.csv", "--out", _link(t, _fifo(t))],
    "out is the requests": lambda t: ["batch", t / "r.csv", "--out", t / "r.csv"],
    "report out is its cohort": lambda t: ["report", "award", "--cohort", t / "l.md", "--out",
                                           t / "l.md"],
}


def _link(tmp: Path, target: Path) -> Path:
    (tmp / "link.csv").symlink_to(target)
    return tmp / "link.csv"


def _inputs(tmp: Path) -> None:
    write_requests(tmp / "r.csv", [{"id": "a", "qualification": "award"}])
    (tmp / "l.csv").write_text("id,achieved\nann,404\n")
    (tmp / "l.md").write_text("id,achieved\nann,404\n")
    (tmp / "long.csv").write_text("id,achieved\nann," + "4" * (files.MAX_LINE + 1) + "\n")
    (tmp / "big.csv").write_text("id,qualification\n" + "a,award\n" * 20)
    (tmp / "hostile.csv").write_text(f"id,achieved\n{LONG[:40_000]},{LONG[:40_000]}\n")
    (tmp / "d.csv").mkdir()
    (tmp / "badhead.csv").write_text(f"id,qualification,{LONG[:50_000]}\na,award,1\n")


def _snapshot(tmp: Path) -> dict[str, bytes | str]:
    """Every entry of the folder with its content (or its kind), to see that nothing changed."""
    out: dict[str, bytes | str] = {}
    for p in sorted(tmp.iterdir()):
        if p.is_symlink():
            out[p.name] = "link:" + os.readlink(p)
        elif p.is_fifo():
            out[p.name] = "fifo"
        elif p.is_dir():
            out[p.name] = "dir"
        else:
            out[p.name] = p.read_bytes()
    return out


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_one_line_and_changes_nothing(run, tmp_path, monkeypatch, case):
    if "/dev/" in case and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    if case == "batch file too large":
        monkeypatch.setattr(files, "MAX_BYTES", 100)  # big.csv is 177 bytes
    _inputs(tmp_path)
    args = BAD_INPUT[case](tmp_path)
    before = _snapshot(tmp_path)
    code, out, err = invoke(run, *args)
    outcome(code, err, 2, damaged=_snapshot(tmp_path) != before)
    assert out == ""


def test_limits_are_named(run, tmp_path, monkeypatch):
    _inputs(tmp_path)
    _, _, err = invoke(run, "cohort", "award", tmp_path / "long.csv")
    assert f"line 2: longer than the limit of {files.MAX_LINE} characters" in err
    monkeypatch.setattr(files, "MAX_BYTES", 100)
    _, _, err = invoke(run, "batch", tmp_path / "big.csv", "--out", tmp_path / "o.csv")
    assert "larger than the limit of" in err


# -- files the user did not ask to change ---------------------------------------------------

def test_requests_named_like_a_temporary_file_survive(run, tmp_path):
    write_requests(tmp_path / "o.csv.tmp", [{"id": "a", "qualification": "award"}])
    before = (tmp_path / "o.csv.tmp").read_bytes()
    code, _, err = invoke(run, "batch", tmp_path / "o.csv.tmp", "--out", tmp_path / "o.csv")
    outcome(code, err, 0, damaged=(tmp_path / "o.csv.tmp").read_bytes() != before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv", "o.csv.tmp"]


def test_out_through_a_symlink_writes_its_target(run, tmp_path):
    write_requests(tmp_path / "r.csv", [{"id": "a", "qualification": "award"}])
    (tmp_path / "real.csv").write_text("old\n")
    (tmp_path / "o.csv").symlink_to(tmp_path / "real.csv")
    code, _, err = invoke(run, "batch", tmp_path / "r.csv", "--out", tmp_path / "o.csv")
    outcome(code, err, 0, damaged=not (tmp_path / "o.csv").is_symlink())
    assert (tmp_path / "real.csv").read_text().startswith("id,qualification,status")


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    """Whatever stops the writing (here a full disk), the temporary file goes."""
    target = tmp_path / "o.csv"
    target.write_text("old\n")

    with pytest.raises(OSError), files.replacing(target) as f:
        f.write("new")
        raise OSError(28, "No space left on device")
    outcome(0, "", 0, damaged=target.read_text() != "old\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv"]


@pytest.fixture()
def not_dask():
    """A service that is not a Dask scheduler: it answers every connection with junk."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"\xff" * 64 + b"HTTP/1.0 200 OK\r\n\r\nnot dask\n")
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(5)
    server.close()


@pytest.mark.parametrize("kind", ["not dask", "nobody"])
def test_a_bad_scheduler_leaves_the_output_alone(run, tmp_path, monkeypatch, not_dask, kind):
    pytest.importorskip("distributed")
    from planner.io import batch

    monkeypatch.setattr(batch, "DASK_CONNECT_TIMEOUT", 2.0)
    write_requests(tmp_path / "r.csv", [{"id": "a", "qualification": "award"}])
    (tmp_path / "o.csv").write_text("an earlier output\n")
    address = not_dask if kind == "not dask" else "tcp://127.0.0.1:9"
    code, _, err = invoke(run, "batch", tmp_path / "r.csv", "--out", tmp_path / "o.csv",
                          "--engine", "dask", "--scheduler", address)
    outcome(code, err, 2, damaged=(tmp_path / "o.csv").read_text() != "an earlier output\n")
    assert "--scheduler" in err


# -- spreadsheets ---------------------------------------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "'=x"]


@given(st.text(alphabet="'=+-@\t\r1a.", max_size=8))
def test_neutralised_cells_read_back_exactly_and_never_start_a_formula(cell):
    from planner.domain.spreadsheet import neutralise, restore

    out = neutralise(cell)
    assert restore(out) == cell
    assert out[:1] not in ("=", "+", "-", "@", "\t", "\r") or out.lstrip("+-").replace(
        ".", "", 1).isdigit()


def test_batch_csv_neutralises_formulas_and_resumes(run, tmp_path):
    write_requests(tmp_path / "r.csv", [{"id": i, "qualification": "award"} for i in FORMULAS])
    code, _, err = invoke(run, "batch", tmp_path / "r.csv", "--out", tmp_path / "o.csv")
    outcome(code, err, 0)
    ids = [r[0] for r in csv.reader(io.StringIO((tmp_path / "o.csv").read_text()))][1:]
    assert ids == ["'" + i for i in FORMULAS]
    first = (tmp_path / "o.csv").read_bytes()
    code, _, err = invoke(run, "batch", tmp_path / "r.csv", "--out", tmp_path / "o.csv",
                          "--resume")
    outcome(code, err, 0, damaged=(tmp_path / "o.csv").read_bytes() != first)
    assert "5 kept" in err
    code, _, err = invoke(run, "batch", tmp_path / "r.csv", "--out", tmp_path / "raw.csv",
                          "--raw-csv")
    outcome(code, err, 0)
    ids = [r[0] for r in csv.reader(io.StringIO((tmp_path / "raw.csv").read_text()))][1:]
    assert ids == FORMULAS


def test_cohort_csv_and_markdown_are_safe(run, tmp_path):
    (tmp_path / "l.csv").write_text('id,achieved\n=1+1,404\n"a|b<script>x</script>",\n')
    code, out, err = invoke(run, "cohort", "award", tmp_path / "l.csv", "--format", "csv")
    outcome(code, err, 0)
    assert "'=1+1" in out and "\n=1+1" not in out and ",=1+1" not in out
    code, out, err = invoke(run, "cohort", "award", tmp_path / "l.csv", "--format", "csv",
                            "--raw-csv")
    outcome(code, err, 0)
    assert "'=1+1" not in out and "=1+1" in out
    code, out, err = invoke(run, "cohort", "award", tmp_path / "l.csv", "--format", "markdown")
    outcome(code, err, 0)
    assert "<script>" not in out and "a\\|b&lt;script&gt;" in out
    lines = out.splitlines()
    row = next(ln for ln in lines if ln.startswith("| a\\|b"))
    header = next(ln for ln in lines if ln.startswith("| learner"))
    assert row.replace("\\|", "").count("|") == header.count("|")  # the cell did not split


# -- full and closed streams (real processes) -----------------------------------------------

STDOUT_COMMANDS = [["quals"], ["units", "award"], ["rules", "award"], ["plan", "award"],
                   ["check", "award", "404"], ["areas"], ["alternatives", "award", "-k", "2"],
                   ["compare"], ["frontier", "award"]]


@needs_linux
@pytest.mark.parametrize("args", STDOUT_COMMANDS, ids=" ".join)
def test_stdout_on_a_full_device_is_one_line(args):
    with open("/dev/full", "w") as full:
        code, _, err = finish(cli(*args, stdout=full))
    outcome(code, err, 2)
    assert "No space left on device" in err


@needs_linux
def test_stderr_on_a_full_device_still_exits_2():
    with open("/dev/full", "w") as full:
        code, out, _ = finish(cli("plan", "nosuch", stderr=full))
    outcome(code, "", 2, one_line=False)
    assert out == ""


def test_closed_stdout_is_an_error_not_lost_output():
    code, _, err = finish(cli("quals", stdout=None, close_stdout=True))
    outcome(code, err, 2)
    assert "standard output is closed" in err


# -- signals (real processes) ---------------------------------------------------------------

def _children(pid: int) -> set[int]:
    """Every process whose parent is ``pid`` (from /proc)."""
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(d.name))
    return out


def _alive(pids: set[int], wait: float) -> set[int]:
    deadline = time.monotonic() + wait
    while True:
        left = set()
        for pid in pids:
            try:
                state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                left.add(pid)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def _interrupt(p: subprocess.Popen, sig: int, after: float) -> tuple[int, str, str, float]:
    """Send ``sig`` ``after`` seconds in; the exit code, outputs and how long the stop took."""
    time.sleep(after)
    assert p.poll() is None, "the command ended before the signal"
    sent = time.monotonic()
    p.send_signal(sig)
    code, out, err = finish(p, timeout=30)
    return code, out, err, time.monotonic() - sent


SOLVES = {
    "alternatives": ["alternatives", "extended-diploma", "-k", "1000", "--time-limit", "60"],
    "report": ["report", "extended-diploma", "--alternatives", "1000", "--time-limit", "60",
               "--out", "r.html"],
    "cohort": ["cohort", "extended-diploma", "l.csv", "--time-limit", "60"],
}


def _learners(cat, path: Path, n: int = 200) -> None:
    import random

    rng = random.Random(1)
    pool = sorted(cat.qualification("extended-diploma").allowed)
    rows = [f"l{i}," + " ".join(rng.sample(pool, rng.choice((0, 1, 2, 3)))) for i in range(n)]
    path.write_text("id,achieved\n" + "\n".join(rows) + "\n")


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("what", sorted(SOLVES))
def test_a_signal_stops_a_solve_at_once_and_shows_nothing_partial(cat, tmp_path, what, sig):
    """4 s in, the command is solving (a 60 s limit): it stops within a second, says so, and
    shows or writes nothing (CP-SAT's own SIGINT handler used to swallow the signal)."""
    signum = getattr(signal, sig)
    _learners(cat, tmp_path / "l.csv")
    code, out, err, took = _interrupt(cli(*SOLVES[what], cwd=tmp_path), signum, after=4.0)
    outcome(code, err, 128 + signum, one_line=True, damaged=(tmp_path / "r.html").exists())
    assert err.strip() == "planner: interrupted" and out == ""
    assert took < 2.0  # within a second of the solve, with some room for a loaded machine


@pytest.mark.parametrize("after", [0.3, 0.5, 0.8])
def test_ctrl_c_while_starting_is_one_line(after):
    """The imports take a moment on a busy machine: Ctrl-C then is no traceback either (the
    first moments of Python's own start, before any of the planner runs, are out of reach)."""
    p = cli("cohort", "extended-diploma", "nosuch.csv")
    time.sleep(after)
    p.send_signal(signal.SIGINT)
    code, out, err = finish(p, timeout=30)
    if code == 2 and "nosuch.csv" in err:  # it had started and read the file before the signal
        pytest.skip("the command was done before the signal")
    if code == -signal.SIGINT and not err:  # Python's default action, before its own start ends
        pytest.skip("the signal came while Python itself started, before any planner code")
    outcome(code, err, 130, one_line=True)
    assert err.strip() == "planner: interrupted"


@pytest.fixture()
def requests_file(tmp_path, cat):
    write_requests(tmp_path / "r.csv", random_requests(cat, 300, seed=3))
    return tmp_path / "r.csv"


@pytest.fixture
def many_requests_file(tmp_path, cat):
    """Enough rows that two workers are still planning when the signal comes (300 rows took
    about 0.5 s once plans and explanations got fast, sooner than the signal)."""
    write_requests(tmp_path / "many.csv", random_requests(cat, 3000, seed=3))
    return tmp_path / "many.csv"


@needs_linux
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"])
def test_a_stopped_batch_keeps_its_rows_and_leaves_no_worker(tmp_path, many_requests_file, sig):
    from planner.io.batch import read_results

    signum = getattr(signal, sig)
    p = cli("batch", many_requests_file, "--out", tmp_path / "o.csv", "--workers", "2")
    deadline = time.monotonic() + 20
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.2)
        workers = _children(p.pid)
    try:
        code, _, err, _ = _interrupt(p, signum, after=0.3)
        left = _alive(workers, wait=5.0)
    finally:
        for pid in _alive(workers, wait=0):
            os.kill(pid, signal.SIGKILL)
    assert len(workers) == 2
    if sig == "SIGKILL":
        outcome(code, err, -signal.SIGKILL, orphans=len(left), one_line=False)
    else:
        outcome(code, err, 128 + signum, orphans=len(left), one_line=False)
        assert "run the same command with --resume" in err
    read_results(tmp_path / "o.csv", "csv")  # complete rows only, or InputError


def test_an_interrupted_batch_resumes_to_the_same_bytes(tmp_path, requests_file):
    """--workers 1 solves in this process: Ctrl-C stops the solve, the row under way is not
    written as if complete, and --resume ends with what an uninterrupted run writes."""
    p = cli("batch", requests_file, "--out", tmp_path / "o.csv", "--workers", "1")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and p.poll() is None and (
            not (tmp_path / "o.csv").exists() or
            (tmp_path / "o.csv").read_text().count("\n") < 3):
        time.sleep(0.02)  # until some rows are written, well before the last of 300
    code, _, err, _ = _interrupt(p, signal.SIGINT, after=0.0)
    outcome(code, err, 130, one_line=False)
    code, _, err = finish(cli("batch", requests_file, "--out", tmp_path / "o.csv", "--workers",
                              "1", "--resume"))
    outcome(code, err, 1, one_line=False)  # some random requests have no pathway
    code, _, err = finish(cli("batch", requests_file, "--out", tmp_path / "whole.csv",
                              "--workers", "1"))
    outcome(code, err, 1, one_line=False)
    assert (tmp_path / "o.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
