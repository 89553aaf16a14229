"""Each signed-in user's inbox of notices: the page /inbox, marking notices read, and the unread
count with the latest notices as JSON at /api/inbox."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from luoshi.domain.problems import Refusal
from luoshi.domain.roles import Actor
from luoshi.services import notices, reminders
from luoshi.web import auth
from luoshi.web.body import flag, posted
from luoshi.web.openapi import errors
from luoshi.web.pages import page
from luoshi.web.render import asks_for_html, to_json
from luoshi.web.tasks import _ctx

router = APIRouter()


def _db(request: Request):
    return request.app.state.ws.db


@router.get("/inbox", response_class=HTMLResponse, include_in_schema=False)
def inbox_page(request: Request, who: Actor = Depends(auth.actor)):
    db = _db(request)
    return page(request, "inbox.html", notices=notices.inbox(db, who.name), unread=notices.unread(db, who.name),
                who=who, csrf=getattr(request.state, "csrf", ""), synthetic=False, **_ctx(request))


@router.get("/api/inbox", tags=["notices"], summary="Your unread count and latest notices",
            responses=errors(401))
def api_inbox(request: Request, unread_only: bool = False, who: Actor = Depends(auth.actor)):
    db = _db(request)
    return {"user": who.name, "unread": notices.unread(db, who.name),
            "notices": notices.inbox(db, who.name, unread_only=unread_only, limit=50)}


def _ids(body: dict) -> list[int] | None:
    raw = body.get("ids", body.get("id"))
    if raw in (None, "", []):
        return None
    items = raw if isinstance(raw, list) else [raw]
    try:
        return [int(i) for i in items]
    except (TypeError, ValueError):
        raise Refusal("bad-value", 422, column="ids", value=str(raw), detail="notice ids (numbers)",
                      detail_zh="通知编号（数字）") from None


@router.post("/inbox/read", tags=["notices"], summary="Mark notices read (ids, or all when none is given)",
             responses=errors(401, 403, 404, 422))
async def mark_read(request: Request, who: Actor = Depends(auth.csrf_checked)):
    body = await posted(request)
    out = await run_in_threadpool(notices.mark_read, _db(request), who.name, _ids(body))
    if asks_for_html(request):
        return RedirectResponse("/inbox", status_code=303)
    return JSONResponse(out)


@router.post("/api/remind", tags=["notices"], summary="Post and email the reminders due, each once (administrators)",
             responses=errors(401, 403, 502, 503))
async def remind(request: Request, who: Actor = Depends(auth.csrf_checked)):
    """What `luoshi remind` does, for a scheduler while `luoshi serve` holds the workspace (a command
    cannot open it then): ``curl -X POST -H "Authorization: Bearer $TOKEN" …/api/remind``."""
    if not who.is_admin:
        raise who.refusal("send reminders", "发送提醒")
    ws = request.app.state.ws
    dry_run = flag(await posted(request), "dry_run")
    out = await run_in_threadpool(reminders.remind, ws, ws.today, dry_run=dry_run)  # mail is slow I/O
    return Response(to_json(out), media_type="application/json")


def install(app: FastAPI) -> None:
    app.include_router(router)
