"""Ctrl-C (and a stop signal) during a solve.

CP-SAT can catch SIGINT itself (its ``catch_sigint_signal`` parameter): the search then stops,
but Python never hears of the signal, so a command went on as if the time limit had been hit
(a partial answer shown as feasible, exit 0), and CP-SAT's handler sometimes hung for good. The
planner turns it off (``make_solver``) and does this instead: Python's own signal handler runs
only once the solve returns, but its C part writes the signal's number to a wakeup pipe at once;
a watcher thread reading that pipe stops every search under way (``stop_search`` is safe from
another thread), the solve returns within milliseconds, and Python raises ``KeyboardInterrupt``
(or whatever the signal's handler raises) before the caller reads the stopped answer.

Only the main thread receives signals: a solve run in another thread (a web server's pool) is
not tracked, and nothing is installed when another wakeup pipe is already set (an event loop).
"""

from __future__ import annotations

import os
import signal
import threading
import weakref

from ortools.sat.python import cp_model

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))

_running: weakref.WeakSet[cp_model.CpSolver] = weakref.WeakSet()
_lock = threading.Lock()
_state = {"installed": False, "pid": 0}


def track(solver: cp_model.CpSolver) -> None:
    """Stop ``solver``'s search when a stop signal arrives (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if not _install():
        return
    with _lock:
        _running.add(solver)


def _install() -> bool:
    """The wakeup pipe and its watcher, once per process; False when another owner holds the
    wakeup pipe."""
    if _state["installed"] and _state["pid"] == os.getpid():
        return True
    if _state["pid"] not in (0, os.getpid()):  # a forked child: its parent's watcher is gone
        return False
    r, w = os.pipe()
    os.set_blocking(w, False)
    previous = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
    if previous != -1:  # someone else's (an asyncio loop): leave it to them
        signal.set_wakeup_fd(previous)
        os.close(r)
        os.close(w)
        _state["pid"] = os.getpid()
        return False
    threading.Thread(target=_watch, args=(r,), name="planner-stop-search", daemon=True).start()
    _state.update(installed=True, pid=os.getpid())
    return True


def _watch(fd: int) -> None:
    while True:
        try:
            data = os.read(fd, 64)
        except OSError:  # pragma: no cover - the pipe is gone
            return
        if not data:  # pragma: no cover
            return
        if any(b in STOP_SIGNALS for b in data):
            with _lock:
                solvers = list(_running)
            for solver in solvers:
                solver.stop_search()


def forget() -> None:
    """In a forked worker: the parent's wakeup pipe is not this process's to write to."""
    try:
        signal.set_wakeup_fd(-1)
    except ValueError:  # pragma: no cover - not the main thread
        pass
