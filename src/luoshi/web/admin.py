"""The administrator's pages at /admin/users: every user with their roles, scopes, units and API
tokens, and the forms that change them (create, grant, revoke, units, password reset, disable and
enable, token revocation), plus the JSON list at /api/admin/users.

Every form posts with the session's CSRF token and is answered with the page again, showing what was
done or the refusal's message in the page's language (a client not asking for HTML gets the result as
JSON, or the refusal as the one error envelope).  Anyone not an administrator is refused (403), and
anyone anonymous once users exist is not signed in (401): the services' checks decide both."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, Response

from luoshi.domain.problems import Refusal
from luoshi.domain.roles import ROLES, Actor
from luoshi.services import access, accounts, notices
from luoshi.services.taskdesk import TaskDesk
from luoshi.web import auth
from luoshi.web.openapi import errors
from luoshi.web.pages import page
from luoshi.web.render import asks_for_html, request_lang, to_json
from luoshi.web.tasks import _ctx as words

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/admin", tags=["admin"])
PAGE = "admin/users.html"


def _ws(request: Request):
    return request.app.state.ws


def _admin(request: Request, who: Actor) -> None:
    access.require_manage(_ws(request).db, who)


def _codes(text: str) -> list[str]:
    """Indicator codes typed into one field, separated by commas, spaces or the Chinese enumeration comma."""
    return [c for c in re.split(r"[\s,，、;；]+", text or "") if c]


def _page(request: Request, who: Actor, *, done: tuple[str, str] | None = None, refusal: Refusal | None = None,
          status: int = 200) -> HTMLResponse:
    ws = _ws(request)
    lang, _ = request_lang(request)
    message = None
    if refusal is not None:
        env = refusal.envelope()
        message = env["message_zh"] if lang == "zh" else env["message"]
    resp = page(request, PAGE, users=ws.reporting.user_overview(actor=who), roles=ROLES,
                regions=ws.regions(down_to="county"), units=TaskDesk(ws).units(), done=done, refused=message,
                refused_code=refusal.code if refusal else None, synthetic=False, **words(request))
    resp.status_code = status
    return resp


def _act(request: Request, who: Actor, change: Callable[[], dict], done: tuple[str, str]) -> Response:
    """Carry out one form's change as ``who`` (an administrator) and answer with the page or JSON."""
    _admin(request, who)
    if not asks_for_html(request):
        return Response(to_json(change()), media_type="application/json")
    try:
        change()
    except Refusal as exc:
        return _page(request, who, refusal=exc.said_for("web"), status=exc.status)
    return _page(request, who, done=done)


# --- pages ---------------------------------------------------------------------------------------------
@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, who: Actor = Depends(auth.actor)):
    _admin(request, who)
    return _page(request, who)


@router.post("/admin/users", response_class=HTMLResponse)
def create_user(request: Request, name: str = Form(...), password: str = Form(...), display_name: str = Form(""),
                role: str = Form(""), region: str = Form(""), who: Actor = Depends(auth.csrf_checked)):
    return _act(request, who, lambda: _ws(request).reporting.add_user(
        name.strip(), password, actor=who, display_name=display_name.strip() or None, role=role or None,
        region=region.strip() or None), (f"已创建用户 {name}", f"User {name} created"))


@router.post("/admin/users/{name}/grants", response_class=HTMLResponse)
def grant(request: Request, name: str, role: str = Form(...), region: str = Form(...), indicators: str = Form(""),
          who: Actor = Depends(auth.csrf_checked)):
    return _act(request, who, lambda: _ws(request).reporting.grant(
        name, role, region.strip(), actor=who, indicators=_codes(indicators) or None),
        (f"已授予 {name} {role}（{region}）", f"Granted {role} over {region} to {name}"))


@router.post("/admin/users/{name}/grants/{gid}/revoke", response_class=HTMLResponse)
def revoke_grant(request: Request, name: str, gid: int, who: Actor = Depends(auth.csrf_checked)):
    return _act(request, who, lambda: _ws(request).reporting.revoke(name, actor=who, gid=gid),
                (f"已撤销 {name} 的授权 {gid}", f"Grant {gid} of {name} revoked"))


@router.post("/admin/users/{name}/units", response_class=HTMLResponse)
def add_unit(request: Request, name: str, unit: str = Form(...), who: Actor = Depends(auth.csrf_checked)):
    def change():
        accounts.check_member(_ws(request).db, name, unit)
        return TaskDesk(_ws(request)).add_member(name, unit, who)

    return _act(request, who, change, (f"{name} 已加入单位 {unit}", f"{name} added to unit {unit}"))


@router.post("/admin/users/{name}/units/{unit}/remove", response_class=HTMLResponse)
def remove_unit(request: Request, name: str, unit: str, who: Actor = Depends(auth.csrf_checked)):
    return _act(request, who, lambda: TaskDesk(_ws(request)).remove_member(name, unit, who),
                (f"{name} 已移出单位 {unit}", f"{name} removed from unit {unit}"))


@router.post("/admin/users/{name}/password", response_class=HTMLResponse)
def reset_password(request: Request, name: str, password: str = Form(...), who: Actor = Depends(auth.csrf_checked)):
    return _act(request, who, lambda: _ws(request).reporting.set_password(name, password, actor=who),
                (f"已重设 {name} 的密码", f"Password of {name} reset"))


@router.post("/admin/users/{name}/email", response_class=HTMLResponse)
def set_email(request: Request, name: str, address: str = Form(""), who: Actor = Depends(auth.csrf_checked)):
    return _act(request, who, lambda: notices.set_email(_ws(request).db, name, address, by=who),
                (f"已保存 {name} 的邮箱", f"Email of {name} saved"))


@router.post("/admin/users/{name}/disable", response_class=HTMLResponse)
def disable(request: Request, name: str, who: Actor = Depends(auth.csrf_checked)):
    return _act(request, who, lambda: _ws(request).reporting.set_enabled(name, False, actor=who),
                (f"已停用 {name}", f"{name} disabled"))


@router.post("/admin/users/{name}/enable", response_class=HTMLResponse)
def enable(request: Request, name: str, who: Actor = Depends(auth.csrf_checked)):
    return _act(request, who, lambda: _ws(request).reporting.set_enabled(name, True, actor=who),
                (f"已启用 {name}", f"{name} enabled"))


@router.post("/admin/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, token_id: str, who: Actor = Depends(auth.csrf_checked)):
    return _act(request, who, lambda: _ws(request).reporting.revoke_token(token_id, actor=who),
                (f"已撤销令牌 {token_id}", f"Token {token_id} revoked"))


# --- JSON -----------------------------------------------------------------------------------------------
@api.get("/users", summary="Every user with active grants, unit memberships and API tokens (administrators)",
         responses=errors(401, 403))
def api_users(request: Request, who: Actor = Depends(auth.actor)):
    return Response(to_json(_ws(request).reporting.user_overview(actor=who)), media_type="application/json")


def install(app: FastAPI) -> None:
    """Add the administrator's pages and their JSON list to an app from ``create_app``."""
    app.include_router(api)
    app.include_router(router)
