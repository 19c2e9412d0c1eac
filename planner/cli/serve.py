"""``planner serve``: the what-if page and the HTTP API on a local web server (FastAPI and
uvicorn, imported only when the command runs)."""

from __future__ import annotations

import errno
from typing import Annotated

import typer

from planner.cli.common import CatalogueOpt, Commands
from planner.domain.conditions import SolverConfig
from planner.domain.errors import InputError, short

commands = Commands()


@commands("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on; the default is "
                    "this machine only (loopback).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Server processes "
                       "(each loads the catalogue once and solves one question per core at "
                       "a time).")] = 1,
    time_limit: Annotated[float, typer.Option("--time-limit", min=0.01, help="Default solver "
                          "time limit of a request, in seconds.")] = 2.0,
    max_time_limit: Annotated[float, typer.Option("--max-time-limit", min=0.01, help="Ceiling "
                              "on the time limit a request may ask for.")] = 10.0,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in a browser.")]
    = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Serve the what-if page at http://HOST:PORT/ and the HTTP API under /api (OpenAPI at
    /docs). Ctrl-C stops it.

    Example: planner serve --port 8000 --open
    """
    import os

    import uvicorn

    os.environ["PLANNER_SERVE"] = _settings(catalogue, time_limit, max_time_limit)
    _check_address(host, port)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    typer.echo(f"planner: serving {url} (API docs at {url}docs); Ctrl-C stops", err=True)
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run("planner.web.app:from_environment", factory=True, host=host, port=port,
                workers=workers, log_level="warning", server_header=False)


def _check_address(host: str, port: int) -> None:
    """Bind and release the address first, so that a port in use or a host that is not this
    machine's is one line and exit 2, before the banner says the server is up (uvicorn would log
    its own error over two lines)."""
    import socket

    try:
        family, kind, proto, _, addr = socket.getaddrinfo(host, port,
                                                          type=socket.SOCK_STREAM)[0]
    except (OSError, UnicodeError) as exc:
        raise InputError(f"cannot listen on '{short(host)}': "
                         f"{getattr(exc, 'strerror', None) or exc}", field="host") from None
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            field = "port" if exc.errno == errno.EADDRINUSE else "host"
            raise InputError(f"cannot listen on {short(host)}:{port}: "
                             f"{exc.strerror or exc}", field=field) from None


def _settings(catalogue, time_limit: float, max_time_limit: float) -> str:
    """What each worker process needs to build its app (uvicorn starts workers by import).
    Both limits are checked as every solving command checks its own (NaN and infinity are not
    seconds)."""
    import json

    SolverConfig(time_limit=time_limit)
    try:
        SolverConfig(time_limit=max_time_limit)
    except InputError as exc:
        raise InputError(exc.detail, field="max_time_limit") from None

    return json.dumps({"catalogue": str(catalogue) if catalogue else None,
                       "time_limit": min(time_limit, max_time_limit),
                       "max_time_limit": max_time_limit})

