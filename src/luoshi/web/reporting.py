"""Web routes of the reporting workflow: login/logout, the import API and upload page, template
download, approval, history and completeness.  ``install(app, ws)`` adds them to an app; the
services' refusals leave through the app's one error mapper."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from luoshi.domain.problems import InputError, Problem, Refusal, Report
from luoshi.domain.roles import Actor
from luoshi.ingest.limits import Limits
from luoshi.services import access
from luoshi.web.auth import (LOGIN_CSRF_COOKIE, SESSION_COOKIE, actor, csrf_checked, secure_cookies, set_login_csrf,
                             set_session_cookie)
from luoshi.web.body import posted, save_upload, text
from luoshi.web.render import asks_for_html

router = APIRouter()
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def install(app: FastAPI, ws) -> FastAPI:
    if not hasattr(app.state, "ws"):
        app.state.ws = ws
    app.include_router(router)
    return app


# --- login ------------------------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request):
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = templates.TemplateResponse(request, "reporting/login.html", {"csrf": token, "error": None})
    set_login_csrf(response, token, secure_cookies(request))
    return response


@router.post("/login")
def login(request: Request, username: str = Form(...), password: str = Form(...), csrf_token: str = Form("")):
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        raise Refusal("csrf", 403)
    ws = request.app.state.ws
    client = request.client.host if request.client else ""
    s = access.login(ws.db, username, password, client)
    if s is None:
        raise Refusal("bad-login", 401)
    response = RedirectResponse("/reporting/imports", status_code=303)
    set_session_cookie(response, s["sid"], secure_cookies(request))
    return response


@router.post("/logout")
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
        return ws.reporting.import_file(path, actor=who, kind=kind, mode=mode, dry_run=dry_run,
                                        name=Path(file.filename or path.name).name)
    finally:
        path.unlink(missing_ok=True)


@router.post("/api/imports")
async def api_import(request: Request, file: UploadFile = File(...), kind: str = Form("observations"),
                     mode: str = Form("all-or-nothing"), dry_run: bool = Form(False),
                     who: Actor = Depends(csrf_checked)):
    return _answer(await _import(request, who, file, kind, mode, dry_run))


def _refused(result: dict) -> bool:
    return result["status"] in ("rejected", "invalid")


def _answer(result: dict) -> JSONResponse:
    """An import's result; a refused file in the one error envelope (its report), with the import's summary."""
    if not _refused(result):
        return JSONResponse(result)
    report = Report(file=result["file"], problems=[Problem(**p) for p in result["problems"]])
    summary = {k: v for k, v in result.items() if k != "problems"}
    return JSONResponse(InputError(report, 422).envelope() | {"import": summary}, status_code=422)


@router.get("/api/imports")
def api_imports(request: Request, who: Actor = Depends(actor)):
    return request.app.state.ws.reporting.imports(who)


@router.get("/api/history")
def api_history(request: Request, region: str | None = None, indicator: str | None = None, period: str | None = None,
                user: str | None = None, who: Actor = Depends(actor)):
    return request.app.state.ws.reporting.history(actor=who, region=region, indicator=indicator, period=period,
                                                  user=user)


@router.get("/api/completeness")
def api_completeness(request: Request, period: str, level: str = "city", who: Actor = Depends(actor)):
    return request.app.state.ws.reporting.completeness(period, actor=who, level=level)


@router.post("/api/workflow/{action}")
async def api_transition(request: Request, action: str, who: Actor = Depends(csrf_checked)):
    body = await posted(request)
    return request.app.state.ws.reporting.transition(
        action, actor=who, region=text(body, "region"), indicator=text(body, "indicator"),
        period=text(body, "period"), reason=text(body, "reason"), subtree=bool(body.get("subtree")))


@router.get("/api/template")
def api_template(request: Request, region: str, period: str, who: Actor = Depends(actor)):
    tmp = Path(tempfile.mkdtemp()) / f"luoshi-{region}-{period}.xlsx"
    request.app.state.ws.reporting.template(region, period, tmp, actor=who)
    return FileResponse(tmp, filename=tmp.name,
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.get("/api/export/sdmx")
def api_sdmx(request: Request, who: Actor = Depends(actor)):
    from luoshi.services.interchange import sdmx_export

    tmp = Path(tempfile.mkdtemp()) / "luoshi-rollup.sdmx.csv"
    sdmx_export(request.app.state.ws.db, tmp, actor=who)
    return FileResponse(tmp, filename=tmp.name, media_type="application/vnd.sdmx.data+csv; version=2.0.0")


# --- pages ------------------------------------------------------------------------------------------
@router.get("/reporting/imports", response_class=HTMLResponse)
def imports_page(request: Request, who: Actor = Depends(actor)):
    ws = request.app.state.ws
    return templates.TemplateResponse(request, "reporting/imports.html", {
        "who": who, "csrf": getattr(request.state, "csrf", ""), "imports": ws.reporting.imports(who), "result": None})


@router.post("/reporting/imports", response_class=HTMLResponse)
async def upload_page(request: Request, file: UploadFile = File(...), kind: str = Form("observations"),
                      mode: str = Form("all-or-nothing"), dry_run: bool = Form(False),
                      who: Actor = Depends(csrf_checked)):
    result = await _import(request, who, file, kind, mode, dry_run)
    if not asks_for_html(request):
        return _answer(result)
    ws = request.app.state.ws
    return templates.TemplateResponse(request, "reporting/imports.html", {
        "who": who, "csrf": getattr(request.state, "csrf", ""), "imports": ws.reporting.imports(who), "result": result},
        status_code=422 if _refused(result) else 200)


@router.get("/reporting/history", response_class=HTMLResponse)
def history_page(request: Request, region: str | None = None, indicator: str | None = None,
                 period: str | None = None, user: str | None = None, who: Actor = Depends(actor)):
    rows = request.app.state.ws.reporting.history(actor=who, region=region, indicator=indicator, period=period,
                                                  user=user)
    return templates.TemplateResponse(request, "reporting/history.html", {
        "who": who, "rows": rows, "filters": {"region": region, "indicator": indicator, "period": period, "user": user}})
