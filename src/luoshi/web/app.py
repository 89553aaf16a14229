"""The app factory: one FastAPI app over one Workspace, with the JSON API, the pages, local static
files and a local API reference.  Every error leaves through one mapper as the envelope
{status, code, message, message_zh} (plus the problems of a refused report): JSON under /api and
for every POST, the error page for a page asked for by a browser; nothing is fetched from another host.

Other areas add routers or middleware here: ``create_app(ws, extra_routers=[...])``, or call
``app.include_router`` / ``app.add_middleware`` on the returned app before serving it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from luoshi.domain.problems import Refusal
from luoshi.domain.settings import proxy_networks
from luoshi.web import api, auth, pages
from luoshi.web.body import BodyLimit, BodyTooLarge
from luoshi.web.headers import edge
from luoshi.web.openapi import document
from luoshi.web.render import Renderer, asks_for_html
from luoshi.web.state import Dashboard
from luoshi.workspace import Workspace

HERE = Path(__file__).resolve().parent
log = logging.getLogger("luoshi.web")


class App(FastAPI):
    """FastAPI with the edge (web/headers.py) around its whole stack, error middleware included."""

    def build_middleware_stack(self):
        return edge(super().build_middleware_stack(), self.state.trusted_proxies)


def create_app(ws: Workspace, *, extra_routers: Iterable[APIRouter] = (), cache_size: int = 256) -> FastAPI:
    """A FastAPI app serving ``ws``.  ``extra_routers`` are included after the built-in ones."""
    app = App(title="luoshi API", version="0.1.0",
                  description="The plan, its judgement, rankings and coverage as JSON. "
                              "Every error has the shape {status, code, message, message_zh} "
                              "(and problems, when a file or form was refused).",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.ws = ws  # what other areas' routers read (reporting, tasks)
    app.state.trusted_proxies = [str(n) for n in proxy_networks(ws.setting("trusted_proxies"))]
    app.state.dash = Dashboard(ws, cache_size=cache_size)
    app.state.renderer = Renderer(HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    readers = [Depends(auth.reader)]  # the dashboards: public, or for signed-in users (dashboards_public)
    app.include_router(api.router, dependencies=readers)
    app.include_router(pages.router, dependencies=readers)
    for router in extra_routers:
        app.include_router(router)
    from luoshi.web import tasks as task_pages  # task and project pages and API (issue 5)
    task_pages.install(app, readers)
    from luoshi.web import briefing  # the monthly briefing: page, PDF and data (issue 18)
    app.include_router(briefing.router, dependencies=readers)
    from luoshi.web import documents  # policy documents: review commitments, targets vs outcomes (issue 6)
    documents.install(app, readers)
    from luoshi.web import reporting  # sign-in, imports, approvals, history (issue 4)
    reporting.install(app, ws)
    from luoshi.web import admin  # the administrator's user pages (issue 15)
    admin.install(app)
    from luoshi.web import desk  # the reporting desk: entry, review, completeness (issue 15)
    desk.install(app)
    from luoshi.web import local_cli  # luoshi commands sent by the CLI while the server holds the file (issue 16)
    local_cli.install(app)
    app.add_middleware(BodyLimit)
    _install_errors(app)
    document(app)
    return app


def wants_page(request: Request) -> bool:
    """Whether an error is answered with the error page: a browser asking for a page (not /api, not a POST)."""
    return (request.method in ("GET", "HEAD") and not request.url.path.startswith(("/api", "/openapi"))
            and asks_for_html(request))


def respond(request: Request, refusal: Refusal, headers: dict | None = None) -> Response:
    """A refusal as the JSON envelope, or as the error page in the request's language; a browser
    asking for a page that needs sign-in is sent to the sign-in page, which brings it back."""
    refusal = refusal.said_for("web")
    if wants_page(request) and refusal.code == "not-authenticated":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)
    if wants_page(request):
        html = request.app.state.renderer.error(request, refusal.envelope())
        return HTMLResponse(html, status_code=refusal.status, headers=headers)
    return JSONResponse(refusal.envelope(), status_code=refusal.status, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes on the request's path (Starlette's own 405 names only the first route's)."""
    methods = set()
    for route in iter_route_contexts(request.app.routes):
        if route.matches(request.scope)[0] != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def _install_errors(app: FastAPI) -> None:
    """The web's one error mapper: refusals, malformed requests, unknown routes and crashes."""
    @app.exception_handler(Refusal)
    async def refused(request: Request, exc: Refusal):
        return respond(request, exc, {"Retry-After": str(exc.retry_after)} if exc.retry_after else None)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError):
        parts = [(".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body")) or "request",
                  e.get("msg", "invalid")) for e in exc.errors()] or [("request", "invalid")]
        return respond(request, Refusal("bad-query", 400, where=", ".join(w for w, _ in parts),
                                        detail="; ".join(m for _, m in parts)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if isinstance(exc, BodyTooLarge):
            refusal = exc.refusal
        elif exc.status_code == 404:
            refusal = Refusal("not-found", 404, path=request.url.path)
        elif exc.status_code == 405:
            refusal = Refusal("method-not-allowed", 405, method=request.method, path=request.url.path)
            methods = allowed_methods(request)
            if methods:
                return respond(request, refusal, {"Allow": ", ".join(methods)})
        else:  # Starlette's own (an unreadable multipart body): the status it chose
            refusal = Refusal("bad-request", exc.status_code, detail=str(exc.detail))
        return respond(request, refusal, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("internal error on %s", request.url.path)
        return respond(request, Refusal("internal-error", 500))
