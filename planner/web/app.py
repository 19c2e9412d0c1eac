"""The web application: the what-if page and the HTTP API over the same library calls.

``create_app()`` builds it: the catalogue is loaded once and handed to every path operation by
``Depends(catalogue)``; solves run in the thread pool (plain ``def`` endpoints), at most
``solves`` at a time (one per core by default); every request body is capped; every answer
carries a Content-Security-Policy; bad input answers 422 with the library's one-line message
naming the JSON field.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from planner.domain.catalogue import Catalogue, load_catalogue
from planner.domain.conditions import SolverConfig
from planner.domain.errors import InputError, PlannerError

HERE = Path(__file__).parent
MAX_BODY = 1_000_000  # bytes; the cohort upload has its own, smaller limit (api.COHORT_MAX)
NOT_JSON = "not JSON text (UTF-8)"
TOO_LARGE = f"the request body is over the limit of {MAX_BODY} bytes"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


@dataclass
class Settings:
    """The server's own limits: the default solver time limit of a request and its ceiling,
    and how many solves run at once: ``slots`` for the quick questions (plan, check), and a
    smaller pool of their own, ``heavy``, for the long ones (alternatives, compare, progress,
    frontier, cohort, reports), so that long questions queue among themselves and never hold
    up a plan."""

    time_limit: float = 2.0
    max_time_limit: float = 10.0
    solves: int = os.cpu_count() or 1

    def __post_init__(self) -> None:
        self.slots = threading.BoundedSemaphore(max(1, self.solves))
        self.heavy = threading.BoundedSemaphore(max(1, self.solves // 2))

    def config(self, asked: float | None) -> SolverConfig:
        """The solver configuration of one request: its own time limit, within the ceiling."""
        return SolverConfig(time_limit=min(asked or self.time_limit, self.max_time_limit))


def create_app(catalogue: str | Path | None = None, settings: Settings | None = None) -> FastAPI:
    from planner.web import api, pages

    app = FastAPI(title="planner", summary="Optimal pathways through the rules of combination "
                  "of the ILM Level 4 Leadership and Management qualifications.",
                  version="0.1.0", docs_url=None, redoc_url=None)  # /docs: pages.api_docs
    app.state.catalogue = load_catalogue(catalogue)
    app.state.settings = settings or Settings()
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui()), name="swagger")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(PlannerError, _planner_error)
    app.add_exception_handler(RequestValidationError, _invalid_body)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_middleware(Guard)
    return app


def swagger_ui() -> Path:
    """Swagger UI's files (fastapi-offline's copy: the docs page works offline)."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


def field_name(field: str | None) -> str | None:
    """The JSON field for the library's word: the same words, with underscores."""
    return field.replace("-", "_") if field else field


def one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _input_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    return JSONResponse({"detail": one_line(exc.named(field_name(exc.field)))}, status_code=422)


def _planner_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": one_line(str(exc))}, status_code=422)


def _invalid_body(request: Request, exc: Exception) -> JSONResponse:
    """pydantic's first complaint on one line, naming the field as the JSON has it."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    loc = tuple(first.get("loc", ()))
    where = ".".join(str(x) for x in loc if x not in ("body", "query", "path"))
    msg = one_line(str(first.get("msg", "invalid")).removeprefix("Value error, "))
    if first.get("type") == "json_invalid":
        where, msg = "body", NOT_JSON
    elif not where and loc[:1] == ("body",):
        where, msg = "body", "must be a JSON object of the question's fields"
    return JSONResponse({"detail": f"{where}: {msg}" if where else msg}, status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's errors with a one-line detail; a body that is not even JSON text (FastAPI's
    400) is bad input like any other: 422."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        return JSONResponse({"detail": f"body: {NOT_JSON}"}, status_code=422)
    return JSONResponse({"detail": one_line(str(exc.detail))}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


class Guard:
    """ASGI middleware: refuse a body over ``MAX_BODY`` bytes with 413 (by its Content-Length,
    or while it streams in) and put the security headers on every answer."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY:
            await _too_large(send)
            return
        seen = 0
        started = False

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise _TooLarge()
            return message

        async def secured(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        try:
            await self.app(scope, counted, secured)
        except _TooLarge:
            if not started:
                await _too_large(send)


class _TooLarge(HTTPException):
    """Raised while a body streams in: FastAPI lets an HTTPException through its body parsing
    (any other exception there becomes a 400)."""

    def __init__(self) -> None:
        super().__init__(413, TOO_LARGE)


SECURITY_HEADERS = [(b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer")]


async def _too_large(send) -> None:
    body = json.dumps({"detail": TOO_LARGE}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


async def catalogue(request: Request) -> Catalogue:
    """``Depends(catalogue)``: the catalogue the server loaded at start (async: handed over on
    the event loop, without taking a thread)."""
    return request.app.state.catalogue


async def settings(request: Request) -> Settings:
    return request.app.state.settings


def from_environment() -> FastAPI:
    """The app of ``planner serve``, built in each worker from the settings the command put in
    the environment (PLANNER_SERVE)."""
    given = json.loads(os.environ.get("PLANNER_SERVE") or "{}")
    return create_app(given.get("catalogue"),
                      Settings(time_limit=given.get("time_limit", 2.0),
                               max_time_limit=given.get("max_time_limit", 10.0)))
