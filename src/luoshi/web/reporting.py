"""Web routes of the reporting workflow: login/logout, the import API and upload page, template
download, approval, history and completeness.  ``install(app, ws)`` adds them to an app; the
services' refusals leave through the app's one error mapper."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.background import BackgroundTask

from luoshi.domain.problems import InputError, Problem, Refusal, Report
from luoshi.domain.roles import Actor
from luoshi.ingest.limits import Limits
from luoshi.services import access
from luoshi.services.workflow import TRANSITIONS
from luoshi.web.auth import (LOGIN_CSRF_COOKIE, SESSION_COOKIE, actor, client_address, csrf_checked, secure_cookies,
                             set_login_csrf, set_session_cookie)
from luoshi.web.body import flag, posted, save_upload, text
from luoshi.web.openapi import HTML, JSON, SDMX_CSV, XLSX, errors, fields_body, named, success
from luoshi.web.pages import page
from luoshi.web.render import asks_for_html, to_json

router = APIRouter()
TEXT = ("string", "number")  # web.body.text: a code may come as a JSON number (440103)


def install(app: FastAPI, ws) -> FastAPI:
    if not hasattr(app.state, "ws"):
        app.state.ws = ws
    app.include_router(router)
    return app


# --- login ------------------------------------------------------------------------------------------
def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site (never another host), else the overview."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target:
        return target
    return "/"


def _login_page(request: Request, next_: str, error: dict | None = None, username: str = "", status: int = 200):
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = page(request, "reporting/login.html", login_csrf=token, error=error, next=safe_next(next_),
                    username=username)
    response.status_code = status
    set_login_csrf(response, token, secure_cookies(request))
    return response


@router.get("/login", response_class=HTMLResponse, summary="The sign-in page")
def login_page(request: Request, next: str = "/"):
    return _login_page(request, next)


@router.post("/login", status_code=303, summary="Sign in", response_class=RedirectResponse, responses=errors(401, 403, 429))
def login(request: Request, username: str = Form(...), password: str = Form(...), csrf_token: str = Form(""),
          next: str = Form("/")):
    """A session for correct credentials, sent on to ``next``; a browser is shown the form again
    with the refusal (wrong password, too many attempts), any other client gets the envelope."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    try:
        if not cookie or not secrets.compare_digest(cookie, csrf_token):
            raise Refusal("csrf", 403)
        s = access.login(request.app.state.ws.db, username, password, client_address(request))
        if s is None:
            raise Refusal("bad-login", 401)
    except Refusal as refused:
        if not asks_for_html(request):
            raise
        response = _login_page(request, next, refused.envelope(), username, refused.status)
        if refused.retry_after:
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, s["sid"], secure_cookies(request))
    return response


@router.post("/logout", status_code=303, summary="Sign out", response_class=RedirectResponse)
def logout(request: Request, who: Actor = Depends(csrf_checked)):
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        access.logout(request.app.state.ws.db, sid)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- API --------------------------------------------------------------------------------------------
async def _save_upload(upload: UploadFile, ws) -> Path:
    suffix = Path(upload.filename or "upload.csv").suffix.lower()[:6] or ".csv"
    limit = Limits.of(ws.setting, "import_max_mb").file
    tmp = tempfile.NamedTemporaryFile(delete=False, suffix=suffix)
    try:
        with tmp:
            await save_upload(upload, limit, "import_max_mb", tmp)
    except BaseException:
        Path(tmp.name).unlink(missing_ok=True)
        raise
    return Path(tmp.name)


async def _import(request: Request, who: Actor, file: UploadFile, kind: str, mode: str, dry_run: bool) -> dict:
    ws = request.app.state.ws
    path = await _save_upload(file, ws)
    try:
        # in a worker thread: on the event loop the import would stop every other request until its
        # batch committed, and no other upload could join that batch
        return await run_in_threadpool(ws.reporting.import_file, path, actor=who, kind=kind, mode=mode,
                                       dry_run=dry_run, name=Path(file.filename or path.name).name)
    finally:
        path.unlink(missing_ok=True)


@router.post("/api/imports", summary="Import a data file (reported values or targets)", responses=errors(413, 422))
async def api_import(request: Request, file: UploadFile = File(...), kind: str = Form("observations"),
                     mode: str = Form("all-or-nothing"), dry_run: bool = Form(False),
                     who: Actor = Depends(csrf_checked)):
    return import_answer(await _import(request, who, file, kind, mode, dry_run))


def refused(result: dict) -> bool:
    return result["status"] in ("rejected", "invalid")


def import_answer(result: dict) -> Response:
    """An import's result (an upload's, or the entry form's: the same write); a refused one in the one
    error envelope (its report), with the import's summary."""
    if not refused(result):
        return Response(to_json(result), media_type="application/json")
    report = Report(file=result["file"], problems=[Problem(**p) for p in result["problems"]])
    summary = {k: v for k, v in result.items() if k != "problems"}
    return Response(to_json(InputError(report, 422).envelope() | {"import": summary}), status_code=422,
                    media_type="application/json")


@router.get("/api/imports", summary="Imports so far")
def api_imports(request: Request, who: Actor = Depends(actor)):
    return request.app.state.ws.reporting.imports(who)


@router.get("/api/history", summary="The audit history (append-only)")
def api_history(request: Request, region: str | None = None, indicator: str | None = None, period: str | None = None,
                user: str | None = None, who: Actor = Depends(actor)):
    return request.app.state.ws.reporting.history(actor=who, region=region, indicator=indicator, period=period,
                                                  user=user)


@router.get("/api/completeness", summary="Reporting completeness of each region and period")
def api_completeness(request: Request, period: str = named("reporting period", "2025-05", default=...),
                     level: str = named("city or county", "city", "county", default="city"),
                     who: Actor = Depends(actor)):
    return request.app.state.ws.reporting.completeness(period, actor=who, level=level)


@router.post("/api/workflow/{action}", summary="Submit, approve or return the values of a region and period", responses=errors(404, 409, 422),
             openapi_extra=fields_body(region=TEXT, indicator=TEXT, period=TEXT, reason=TEXT, subtree="boolean"))
async def api_transition(request: Request, action: str = named("transition", *TRANSITIONS, path=True),
                         who: Actor = Depends(csrf_checked)):
    body = await posted(request)
    return await run_in_threadpool(
        request.app.state.ws.reporting.transition, action, actor=who, region=text(body, "region"), indicator=text(body, "indicator"),
        period=text(body, "period"), reason=text(body, "reason"), subtree=flag(body, "subtree"))


@router.get("/api/template", summary="The reporting template (XLSX)", response_class=Response, responses=errors(404) | success(XLSX))
def api_template(request: Request, region: str = named("region code", "440103", default=...),
                 period: str = named("reporting period", "2025-05", default=...), who: Actor = Depends(actor)):
    return _download(lambda path: request.app.state.ws.reporting.template(region, period, path, actor=who),
                     f"luoshi-{region}-{period}.xlsx", XLSX)


@router.get("/api/export/sdmx", summary="Values as SDMX-CSV", response_class=Response, responses=success(SDMX_CSV))
def api_sdmx(request: Request, who: Actor = Depends(actor)):
    from luoshi.services.interchange import sdmx_export

    return _download(lambda path: sdmx_export(request.app.state.ws.db, path, actor=who), "luoshi-rollup.sdmx.csv",
                     SDMX_CSV)


def _download(write, filename: str, media_type: str) -> FileResponse:
    """A file ``write(path)`` makes in a temporary folder, sent under ``filename`` and removed once sent
    (a refusal removes it at once).  The folder's own file name is fixed: ``filename`` holds user input."""
    folder = Path(tempfile.mkdtemp(prefix="luoshi-download-"))
    path = folder / ("download" + Path(filename).suffix)
    try:
        write(path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(path, filename=filename, media_type=media_type,
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


# --- pages ------------------------------------------------------------------------------------------
@router.get("/reporting/imports", summary="The imports page", response_class=HTMLResponse)
def imports_page(request: Request, who: Actor = Depends(actor)):
    ws = request.app.state.ws
    return page(request, "reporting/imports.html", imports=ws.reporting.imports(who), result=None)


@router.post("/reporting/imports", summary="Upload a file on the imports page", response_class=HTMLResponse,
             responses=errors(413) | errors(422, media=(JSON, HTML)) | success(JSON))
async def upload_page(request: Request, file: UploadFile = File(...), kind: str = Form("observations"),
                      mode: str = Form("all-or-nothing"), dry_run: bool = Form(False),
                      who: Actor = Depends(csrf_checked)):
    result = await _import(request, who, file, kind, mode, dry_run)
    if not asks_for_html(request):
        return import_answer(result)
    ws = request.app.state.ws
    response = page(request, "reporting/imports.html", imports=ws.reporting.imports(who), result=result)
    response.status_code = 422 if refused(result) else 200
    return response


@router.get("/reporting/history", summary="The history page", response_class=HTMLResponse)
def history_page(request: Request, region: str | None = None, indicator: str | None = None,
                 period: str | None = None, user: str | None = None, who: Actor = Depends(actor)):
    rows = request.app.state.ws.reporting.history(actor=who, region=region, indicator=indicator, period=period,
                                                  user=user)
    return page(request, "reporting/history.html", rows=rows,
                filters={"region": region, "indicator": indicator, "period": period, "user": user})
