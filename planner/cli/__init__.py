"""The command line: option groups declared once, one module per command group, merged into one
app by ``planner.cli.app``.
"""

from __future__ import annotations

import signal
import sys
from typing import Any


def main() -> None:
    """The console script and ``python -m planner``. Ctrl-C (or SIGTERM, SIGHUP) while the
    planner starts, which takes a moment on a busy machine, is an interruption like any other:
    one line and exit 130 (128 + the signal), not a traceback from inside an import."""
    got: list[int] = []

    def stop(signum: int, frame: Any) -> None:
        got.append(signum)
        raise KeyboardInterrupt

    handled = [s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP"))
               if s is not None and signal.getsignal(s) is not signal.SIG_IGN]
    for signum in handled:
        signal.signal(signum, stop)  # until the app's own handling takes over
    try:
        from planner.cli.app import app_for

        app_for(sys.argv[1:])(prog_name="planner")
    except SystemExit:
        for signum in handled:  # the command is done: a late signal does not change its exit
            signal.signal(signum, signal.SIG_IGN)
        raise
    except (KeyboardInterrupt, ImportError):
        if not got:  # a real fault of the installation: its traceback helps
            raise
        sys.stderr.write("planner: interrupted\n")
        sys.exit(128 + got[-1])
