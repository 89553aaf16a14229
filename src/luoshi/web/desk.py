"""The reporting desk's pages and their JSON twins: the entry form (/reporting/entry), the review
inbox with period locks (/reporting/review) and completeness and timeliness
(/reporting/completeness, whose twin is /api/completeness).  Every write goes through the
services (services/desk.py); the forms work without JavaScript (web/static/desk.js adds pasting a
column and per-field checks)."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from luoshi.domain.problems import Refusal, one_of
from luoshi.domain.roles import Actor
from luoshi.services import desk
from luoshi.web import auth
from luoshi.web.body import flag, posted, text
from luoshi.web.openapi import errors, fields_body, named
from luoshi.web.pages import page
from luoshi.web.reporting import import_answer
from luoshi.web.render import request_lang, to_json
from luoshi.web.tasks import _ctx as words

router = APIRouter()
TEXT = ("string", "number")
STATE_WORDS = {"draft": ("草稿", "draft"), "submitted": ("已提交", "submitted"), "approved": ("已审核", "approved"),
               "locked": ("已锁定", "locked"), "returned": ("已退回", "returned"), None: ("未填报", "not entered")}
LEVELS = ("city", "county")


def install(app: FastAPI) -> FastAPI:
    app.include_router(router)
    return app


def _ctx(request: Request) -> dict:
    """The task pages' words (names by language) and the desk's: states and problems' messages."""
    pick = 0 if request_lang(request)[0] == "zh" else 1
    return words(request) | {
        "state_word": lambda s: STATE_WORDS.get(s, (s, s))[pick],
        "msg": lambda prob: (prob.get("message_zh") if pick == 0 else prob.get("message")) or prob.get("message")}


def _json(data, status: int = 200) -> Response:
    return Response(to_json(data), media_type="application/json", status_code=status)


def _entry_answer(result: dict) -> Response:
    """The form's result as an import's (a refused save in the one error envelope); a check is a
    question whose answer is the verdict (status valid or invalid, 200), so that the page's per-field
    check is not a failed request in the browser's console."""
    return _json(result) if result["action"] == "check" else import_answer(result)


# --- entry ----------------------------------------------------------------------------------------
def _entry_page(request: Request, who: Actor, region: str | None, period: str | None, result: dict | None = None,
                sent: dict | None = None, status: int = 200) -> HTMLResponse:
    ws = request.app.state.ws
    ctx = _ctx(request)
    if not region:
        resp = page(request, "reporting/entry.html", form=None, regions=desk.report_regions(ws, who),
                    periods=desk.due_periods(ws.db, ws.today), period=period or "", result=None, sent={},
                    synthetic=False, **ctx)
    else:
        form = ws.reporting.entry(region, desk.period_of(period, ws.today).code, actor=who)
        resp = page(request, "reporting/entry.html", form=form, regions=[], periods=[], period=form["period"],
                    result=result, sent=sent or {}, synthetic=False, **ctx)
    resp.status_code = status
    return resp


@router.get("/reporting/entry", response_class=HTMLResponse, include_in_schema=False)
def entry_page(request: Request, region: Optional[str] = None, period: Optional[str] = None,
               who: Actor = Depends(auth.actor)):
    return _entry_page(request, who, region, period)


@router.post("/reporting/entry", response_class=HTMLResponse, include_in_schema=False)
async def entry_post(request: Request, who: Actor = Depends(auth.csrf_checked)):
    form = await request.form()
    region, period = form.get("region") or "", form.get("period") or ""
    codes = form.getlist("indicator")
    sent = {c: {"value": form.get(f"v:{c}", ""), "comment": form.get(f"c:{c}", "")} for c in codes}
    values = [{"indicator": c} | v for c, v in sent.items()]
    def answer():
        result = request.app.state.ws.reporting.enter(region, period, values, actor=who,
                                                      action=form.get("action") or "check")
        # refused values are shown at their fields on the page (200: the page is what was asked for)
        return _entry_page(request, who, region, period, result, sent)

    return await run_in_threadpool(answer)


@router.get("/api/reporting/entry", summary="The entry form of a region and period: indicators, values, states",
            responses=errors(403, 404))
def api_entry(request: Request, region: str = named("region code", "440103", default=...),
              period: str = named("reporting period", "2025-05", default=...), who: Actor = Depends(auth.actor)):
    return _json(request.app.state.ws.reporting.entry(region, period, actor=who))


@router.post("/api/reporting/entry", summary="Check, save as draft or submit values of the entry form",
             responses=errors(403, 404, 422),
             openapi_extra=fields_body(region=TEXT, period=TEXT, action="string", values="array"))
async def api_enter(request: Request, who: Actor = Depends(auth.csrf_checked)):
    body = await posted(request)
    values = body.get("values")
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise Refusal("bad-value", column="values", value=str(values)[:80], detail="a list of objects",
                      detail_zh="应为对象列表")
    rows = [{k: text(v, k) for k in ("indicator", "value", "comment", "unit")} for v in values]
    return _entry_answer(await run_in_threadpool(
        request.app.state.ws.reporting.enter, text(body, "region") or "", text(body, "period") or "", rows,
        actor=who, action=text(body, "action") or ""))


# --- review ---------------------------------------------------------------------------------------
def _items(keys: list[str]) -> list[dict]:
    """Checkbox values "region|period|indicator" (no indicator: the whole region-period)."""
    out = []
    for k in keys:
        parts = (k.split("|") + ["", "", ""])[:3]
        out.append({"region": parts[0], "period": parts[1], "indicator": parts[2] or None})
    return out


def _review_page(request: Request, who: Actor, region: str | None, period: str | None, done: dict | None = None,
                 status: int = 200) -> HTMLResponse:
    ws = request.app.state.ws
    rows = ws.reporting.inbox(actor=who, region=region or None, period=period or None)
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r["region"], r["period"]), []).append(r)
    resp = page(request, "reporting/review.html", groups=groups, rows=rows, region=region or "", period=period or "",
                done=done, plans=ws.plans() if who.is_admin else [],
                bottom_up=ws.setting("approval_bottom_up"), synthetic=False, **_ctx(request))
    resp.status_code = status
    return resp


@router.get("/reporting/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(request: Request, region: Optional[str] = None, period: Optional[str] = None,
                who: Actor = Depends(auth.actor)):
    return _review_page(request, who, region, period)


@router.post("/reporting/review", response_class=HTMLResponse, include_in_schema=False)
async def review_post(request: Request, who: Actor = Depends(auth.csrf_checked)):
    form = await request.form()
    keys = form.getlist("item") or ([form["one"]] if form.get("one") else [])
    def answer():
        done = request.app.state.ws.reporting.decide(form.get("decision") or "", _items(keys), actor=who,
                                                     reason=form.get("reason") or None)
        return _review_page(request, who, form.get("region"), form.get("period"), done)

    return await run_in_threadpool(answer)


@router.get("/api/reporting/review", summary="Submitted values awaiting the caller's review",
            responses=errors(403, 404))
def api_review(request: Request, region: Optional[str] = named("region code (its subtree)", "440100", default=None),
               period: Optional[str] = named("reporting period", "2025-05", default=None),
               who: Actor = Depends(auth.actor)):
    return _json(request.app.state.ws.reporting.inbox(actor=who, region=region, period=period))


@router.post("/api/reporting/review", summary="Approve or return values (one, a region-period, or many)",
             responses=errors(403, 404, 409, 422),
             openapi_extra=fields_body(action="string", reason=TEXT, items="array"))
async def api_decide(request: Request, who: Actor = Depends(auth.csrf_checked)):
    body = await posted(request)
    items = body.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise Refusal("bad-value", column="items", value=str(items)[:80], detail="a list of objects",
                      detail_zh="应为对象列表")
    items = [{k: text(i, k) for k in ("region", "period", "indicator")} for i in items]
    return _json(await run_in_threadpool(request.app.state.ws.reporting.decide, text(body, "action") or "", items,
                                         actor=who, reason=text(body, "reason")))


@router.post("/reporting/lock", response_class=HTMLResponse, include_in_schema=False)
async def lock_post(request: Request, who: Actor = Depends(auth.csrf_checked)):
    body = await posted(request)
    def answer():
        done = request.app.state.ws.reporting.lock(text(body, "plan") or "", text(body, "period") or "", actor=who,
                                                   unlock=flag(body, "unlock"), reason=text(body, "reason") or None)
        return _review_page(request, who, None, None, {"lock": done})

    return await run_in_threadpool(answer)


@router.post("/api/reporting/lock", summary="Lock, or with a reason unlock, a period of a plan (administrators)",
             responses=errors(403, 404, 422),
             openapi_extra=fields_body(plan="string", period=TEXT, unlock="boolean", reason=TEXT))
async def api_lock(request: Request, who: Actor = Depends(auth.csrf_checked)):
    body = await posted(request)
    return _json(await run_in_threadpool(
        request.app.state.ws.reporting.lock, text(body, "plan") or "", text(body, "period") or "", actor=who,
        unlock=flag(body, "unlock"), reason=text(body, "reason") or None))


# --- completeness ---------------------------------------------------------------------------------
@router.get("/reporting/completeness", response_class=HTMLResponse, include_in_schema=False)
def completeness_page(request: Request, period: Optional[str] = None, level: str = "city",
                      who: Actor = Depends(auth.actor)):
    ws = request.app.state.ws
    if level not in LEVELS:
        raise Refusal("bad-value", column="level", value=level, **one_of(LEVELS))
    p = desk.period_of(period, ws.today)
    rows = ws.reporting.completeness(p.code, actor=who, level=level)
    return page(request, "reporting/completeness.html", rows=rows, period=p.code, level=level,
                due_days=round(ws.setting("report_due_days")), periods=desk.due_periods(ws.db, ws.today),
                json_url=f"/api/completeness?period={p.code}&level={level}", synthetic=False, **_ctx(request))
