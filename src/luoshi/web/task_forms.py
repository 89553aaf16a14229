"""The browser's forms on the task and project pages: progress reports with evidence, extension and
closure requests, the supervisor's decisions and monthly project investment.  Each posts with the
session's CSRF token (``task_actor`` runs ``auth.csrf_checked``) to the same task desk as the JSON API;
a browser is sent back to the page with the outcome (303), or shown the page with the refusal's message
in its language (at the refusal's status); any other client gets JSON, as from /api."""

from __future__ import annotations

import json
from datetime import date
from typing import Optional
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from luoshi.domain.problems import Refusal
from luoshi.domain.roles import Actor
from luoshi.ingest.limits import Limits
from luoshi.services.evidence import Upload
from luoshi.web import auth
from luoshi.web.body import upload_bytes
from luoshi.web.pages import page
from luoshi.web.render import asks_for_html, request_lang
from luoshi.web.tasks import _ctx, _json, desk, projects_ctx, task_actor

router = APIRouter(include_in_schema=False)


def viewer(request: Request) -> Actor | None:
    """The signed-in caller, or None (a page shows its forms only to those who may use them)."""
    try:
        return auth.actor(request)
    except Refusal:
        return None


def task_rights(request: Request, t: dict) -> dict:
    """What the caller may do on task ``t``: report and request (lead unit), decide (supervising unit)."""
    who = viewer(request)
    if who is None:
        return {"who": None, "lead": False, "supervise": False}
    units = set(desk(request).units_of(who.name))
    return {"who": who, "lead": who.is_admin or t["lead_unit"] in units,
            "supervise": who.is_admin or (t["supervisor_unit"] is not None and t["supervisor_unit"] in units)}


STEPS = {  # task_events.action: (Chinese, English)
    "create": ("交办", "assigned"), "report": ("报送进展", "progress reported"), "evidence": ("上传佐证", "evidence added"),
    "extension-requested": ("申请延期", "extension requested"), "extension-approved": ("批准延期", "extension approved"),
    "extension-rejected": ("驳回延期", "extension rejected"), "closure-requested": ("申请办结", "closure requested"),
    "closure-closed": ("办结销号", "closed"), "closure-returned": ("退回办理", "closure returned"),
    "project-create": ("立项", "project created"), "investment": ("报送投资", "investment reported"),
    "member-add": ("加入单位", "member added"), "member-remove": ("移出单位", "member removed"),
}


def task_page_ctx(request: Request, t: dict) -> dict:
    rights = task_rights(request, t)
    lang, _ = request_lang(request)
    for e in t["history"]["events"]:
        e["info"] = json.loads(e["detail"]) if e.get("detail") else {}
    pending = {r["kind"]: r for r in t["history"]["requests"] if r["state"] == "pending"}
    return {"t": t, "synthetic": t["synthetic"], "rights": rights, "pending": pending,
            "who": rights["who"], "csrf": getattr(request.state, "csrf", ""),
            "done": request.query_params.get("done", ""), "month": desk(request).today.strftime("%Y-%m"),
            "step": lambda a: STEPS.get(a, (a, a))[0 if lang == "zh" else 1], **_ctx(request)}


def _answer(request: Request, task_id: str, outcome: str, data: dict, status: int = 200) -> Response:
    if asks_for_html(request):
        return RedirectResponse(f"/tasks/{quote(task_id, safe='')}?done={outcome}#outcome", status_code=303)
    return _json(data, status)


def _refused(request: Request, task_id: str, exc: Refusal) -> Response:
    """A refusal on a task form: the task page with the message, for a browser; the envelope otherwise."""
    if not asks_for_html(request):
        raise exc
    try:
        t = desk(request).task(task_id)
    except Refusal:
        raise exc from None
    lang, _ = request_lang(request)
    env = exc.envelope()
    resp = page(request, "tasks/task.html", **task_page_ctx(request, t),
                refusal={"code": env["code"], "message": env["message_zh"] if lang == "zh" else env["message"],
                         "problems": env.get("problems", [])})
    resp.status_code = exc.status
    return resp


async def _uploads(request: Request, files: list[UploadFile]) -> list[Upload]:
    limit = Limits.of(request.app.state.ws.setting, "evidence_max_mb").file
    return [Upload(f.filename or "file", await upload_bytes(f, limit, "evidence_max_mb")) for f in files if f.filename]


def _percent(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return -1.0  # the desk refuses it with bad-percent, as for any other value outside 0..100


@router.post("/tasks/{task_id}/report")
async def report_form(request: Request, task_id: str, percent: str = Form(...), period: Optional[str] = Form(None),
                      text: str = Form(""), problems: str = Form(""), next_steps: str = Form(""),
                      files: list[UploadFile] = File(default=[]), who: Actor = Depends(task_actor)):
    try:
        uploads = await _uploads(request, files)
        out = await run_in_threadpool(desk(request).report, task_id, who, percent=_percent(percent),
                                      period=period or None, text=text, problems=problems, next_steps=next_steps,
                                      uploads=uploads)
    except Refusal as exc:
        return _refused(request, task_id, exc)
    return _answer(request, task_id, "report", out, 201)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refusal("bad-date", value=text) from None


@router.post("/tasks/{task_id}/extension")
def extension_form(request: Request, task_id: str, new_deadline: str = Form(...), reason: str = Form(""),
                   who: Actor = Depends(task_actor)):
    try:
        out = desk(request).request_extension(task_id, who, new_deadline=_day(new_deadline), reason=reason)
    except Refusal as exc:
        return _refused(request, task_id, exc)
    return _answer(request, task_id, "extension", out, 201)


@router.post("/tasks/{task_id}/closure")
def closure_form(request: Request, task_id: str, note: str = Form(""), who: Actor = Depends(task_actor)):
    try:
        out = desk(request).request_closure(task_id, who, note=note)
    except Refusal as exc:
        return _refused(request, task_id, exc)
    return _answer(request, task_id, "closure", out, 201)


@router.post("/tasks/{task_id}/decision")
def decision_form(request: Request, task_id: str, kind: str = Form(...), decision: str = Form(...),
                  note: str = Form(""), who: Actor = Depends(task_actor)):
    """The supervisor's decision on the pending request of ``kind`` (extension or closure):
    ``decision`` approve or reject (a rejection needs a reason in ``note``)."""
    try:
        if kind not in ("extension", "closure") or decision not in ("approve", "reject"):
            bad = ("kind", kind, "extension, closure") if kind not in ("extension", "closure") else \
                ("decision", decision, "approve, reject")
            raise Refusal("bad-value", 422, column=bad[0], value=bad[1], detail=bad[2], detail_zh=bad[2])
        d = desk(request)
        if kind == "extension":
            out = d.decide_extension(task_id, who, approve=decision == "approve", note=note)
        else:
            out = d.decide_closure(task_id, who, close=decision == "approve", reason=note)
    except Refusal as exc:
        return _refused(request, task_id, exc)
    return _answer(request, task_id, f"{kind}-{decision}", out)


@router.post("/projects/investment")
def investment_form(request: Request, project: str = Form(...), month: str = Form(...), amount: str = Form(...),
                    who: Actor = Depends(task_actor)):
    try:
        value = float(amount)
    except ValueError:
        value = amount  # refused by the desk as not-a-number, with the field named
    try:
        out = desk(request).record_investment(project, month, value, who)
    except Refusal as exc:
        if not asks_for_html(request):
            raise
        lang, _ = request_lang(request)
        env = exc.envelope()
        resp = page(request, "tasks/projects.html", **projects_ctx(request),
                    refusal={"code": env["code"], "message": env["message_zh"] if lang == "zh" else env["message"],
                             "problems": env.get("problems", [])})
        resp.status_code = exc.status
        return resp
    if asks_for_html(request):
        return RedirectResponse("/projects?done=investment#outcome", status_code=303)
    return _json(out, 201)


def project_rights(request: Request, projects: list[dict]) -> dict:
    """The projects the caller may report investment for (their units lead them; an admin: all)."""
    who = viewer(request)
    if who is None:
        return {"who": None, "reportable": []}
    units = set(desk(request).units_of(who.name))
    return {"who": who, "reportable": [p for p in projects if who.is_admin or p["lead_unit"] in units]}

