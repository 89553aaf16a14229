"""The app factory: one FastAPI app over one Workspace, with the JSON API, the pages, local static
files and a local API reference.  Every error leaves as {status, code, message} (JSON under /api,
an HTML page elsewhere); nothing is fetched from another host.

Other areas add routers or middleware here: ``create_app(ws, extra_routers=[...])``, or call
``app.include_router`` / ``app.add_middleware`` on the returned app before serving it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from luoshi.domain.problems import InputError
from luoshi.web import api, pages
from luoshi.web.render import Renderer
from luoshi.web.state import Dashboard
from luoshi.web.views import BadQuery
from luoshi.workspace import NotFound, Workspace

HERE = Path(__file__).resolve().parent
log = logging.getLogger("luoshi.web")

_HTTP_CODES = {404: "not-found", 405: "method-not-allowed", 400: "bad-request", 401: "unauthorized",
               403: "forbidden", 409: "conflict", 413: "too-large", 415: "unsupported-media-type",
               422: "bad-query", 429: "too-many-requests"}


def error_body(status: int, code: str, message: str) -> dict:
    """The one error shape of the API."""
    return {"status": status, "code": code, "message": message}


def create_app(ws: Workspace, *, extra_routers: Iterable[APIRouter] = (), cache_size: int = 256) -> FastAPI:
    """A FastAPI app serving ``ws``.  ``extra_routers`` are included after the built-in ones."""
    app = FastAPI(title="luoshi API", version="0.1.0",
                  description="The plan, its judgement, rankings and coverage as JSON. "
                              "Every error has the shape {status, code, message}.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.ws = ws  # what other areas' routers read (reporting, tasks)
    app.state.dash = Dashboard(ws, cache_size=cache_size)
    app.state.renderer = Renderer(HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    for router in extra_routers:
        app.include_router(router)
    from luoshi.web import tasks as task_pages  # task and project pages and API (issue 5)
    task_pages.install(app)
    from luoshi.web import documents  # policy documents: review commitments, targets vs outcomes (issue 6)
    documents.install(app)
    from luoshi.web import reporting  # sign-in, imports, approvals, history (issue 4)
    reporting.install(app, ws)
    _install_errors(app)
    return app


def _install_errors(app: FastAPI) -> None:
    def respond(request: Request, status: int, code: str, message: str):
        if request.url.path.startswith(("/api", "/openapi")) or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse(error_body(status, code, message), status_code=status)
        html = request.app.state.renderer.error(request, status, code, message)
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return respond(request, 404, exc.code, str(exc))

    @app.exception_handler(BadQuery)
    async def bad_query(request: Request, exc: BadQuery):
        return respond(request, 400, exc.code, str(exc))

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError):
        first = exc.report.problems[0] if exc.report.problems else None
        return respond(request, 400, first.code if first else "invalid-input", str(first or exc))

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{where}: {e.get('msg', 'invalid')}")
        return respond(request, 400, "bad-query", "; ".join(parts) or "malformed query")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = _HTTP_CODES.get(exc.status_code, f"http-{exc.status_code}")
        message = exc.detail if isinstance(exc.detail, str) else code
        if isinstance(exc.detail, dict):  # routers raise HTTPException(detail={"code", "message"})
            code, message = exc.detail.get("code", code), exc.detail.get("message", message)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page or endpoint at {request.url.path}; see /docs for the API"
        return respond(request, exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("internal error on %s", request.url.path)
        return respond(request, 500, "internal-error", "internal error; the server log has the details")
