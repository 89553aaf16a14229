"""Task and project pages (task list, task page, wall chart, scorecards, project portfolio) and
their JSON API, including the write steps (reports with evidence, extensions, closure).

``install(app)`` adds the routers to an app made by ``create_app`` (whose one error mapper answers
refusals).  Who may act: the caller from ``web.auth`` (token, session, or the local user while no
user exists); an administrator may act for any unit, anyone else for the unit ``unit_members``
assigns them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated, Optional

from fastapi import APIRouter, Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel

from luoshi.domain.periods import parse_day
from luoshi.domain.problems import Refusal
from luoshi.domain.roles import Actor
from luoshi.ingest.limits import Limits
from luoshi.services.evidence import Upload
from luoshi.services.taskdesk import TaskDesk
from luoshi.web import auth
from luoshi.web.body import upload_bytes
from luoshi.web.openapi import Year, day, errors, named
from luoshi.web.pages import page
from luoshi.web.render import to_json

router = APIRouter()
api = APIRouter(prefix="/api", tags=["tasks"])
AT = day("as-of date, YYYY-MM-DD (default: today)")
TaskId = Annotated[str, named("task id", "T-B2-001", path=True)]
UNIT = named("responsible unit's code", "gd-iit")
NODE = named("plan node", "B2")
REGION = named("region code", "440100")
CATEGORY = named("pace category", "behind", "overdue")
LIGHT = named("light", "red", "yellow")
CATEGORIES = ("ahead", "on_pace", "behind", "done", "done_early", "overdue")
LIGHTS = ("green", "blue", "yellow", "red")
WORDS = {  # category and light names for both languages
    "ahead": ("超前", "ahead"), "on_pace": ("序时推进", "on pace"), "behind": ("滞后", "behind"),
    "done": ("已完成", "done"), "done_early": ("提前完成", "done early"), "overdue": ("逾期", "overdue"),
    "green": ("绿灯", "green"), "blue": ("蓝灯·临期", "blue · due soon"), "yellow": ("黄灯", "yellow"),
    "red": ("红灯", "red"), "upcoming": ("未到期", "upcoming"), "due": ("临期", "due"),
    "open": ("推进中", "open"), "closure_requested": ("申请销号", "closure requested"), "closed": ("已销号", "closed"),
}


def desk(request: Request) -> TaskDesk:
    return TaskDesk(request.app.state.dash.ws)




def task_actor(request: Request, caller=Depends(auth.csrf_checked)) -> Actor:
    """The caller as a person of a unit (administrators act for any unit, so name none)."""
    if caller.is_admin:
        return caller
    units = desk(request).units_of(caller.name)
    return replace(caller, unit=units[0] if units else None)


def _ctx(request: Request) -> dict:
    from luoshi.web.render import request_lang

    lang, _ = request_lang(request)
    pick = 0 if lang == "zh" else 1
    return {"L": lambda zh, en: zh if pick == 0 else en, "word": lambda k: WORDS.get(k, (k, k))[pick],
            "nm": lambda o, p="name": (o.get(f"{p}_zh") if pick == 0 else o.get(f"{p}_en")) or o.get(f"{p}_zh") or ""}


def _filters(unit, node, region, category, light) -> dict:
    return {"unit": unit, "node": node, "region": region, "category": category, "light": light}


def _bar(start: date, end: date, lo: date, hi: date) -> tuple[float, float]:
    total = (hi - lo).days + 1
    a, b = max(start, lo), min(end, hi)
    return round((a - lo).days / total * 100, 3), round(max((b - a).days + 1, 1) / total * 100, 3)


def _json(data, status: int = 200) -> Response:
    return Response(to_json(data), media_type="application/json", status_code=status)


# --- pages ----------------------------------------------------------------------------------------
@router.get("/tasks", response_class=HTMLResponse, include_in_schema=False)
def task_list(request: Request, unit: Optional[str] = None, node: Optional[str] = None,
              region: Optional[str] = None, category: Optional[str] = None, light: Optional[str] = None,
              at: Optional[str] = None):
    d = desk(request)
    rows = d.tasks(parse_day(at), **_filters(unit, node, region, category, light))
    nodes = d.nodes()
    regions = d.regions()
    return page(request, "tasks/list.html", rows=rows, units=d.units(), nodes=nodes, regions=regions,
                categories=CATEGORIES, lights=LIGHTS, f=_filters(unit, node, region, category, light),
                at=at or "", synthetic=any(t["synthetic"] for t in rows), **_ctx(request))


@router.get("/tasks/{task_id}", response_class=HTMLResponse, include_in_schema=False)
def task_page(request: Request, task_id: str, at: Optional[str] = None):
    from luoshi.web.task_forms import task_page_ctx

    t = desk(request).task(task_id, parse_day(at))
    return page(request, "tasks/task.html", **task_page_ctx(request, t))


@router.get("/wallchart", response_class=HTMLResponse, include_in_schema=False)
def wallchart_page(request: Request, unit: Optional[str] = None, node: Optional[str] = None,
                   start: Optional[str] = None, end: Optional[str] = None, at: Optional[str] = None):
    d = desk(request)
    w = d.wallchart(parse_day(at), start=parse_day(start), end=parse_day(end), unit=unit, node=node)
    lo, hi = w["from"], w["to"]
    for row in w["rows"]:
        for t in row["tasks"]:
            t["left"], t["width"] = _bar(t["start"], t["deadline"], lo, hi)
            for fl in t["flags"]:
                fl["inside"] = lo <= fl["date"] <= hi
                fl["left"] = _bar(fl["date"], fl["date"], lo, hi)[0]
    today_left = _bar(w["today"], w["today"], lo, hi)[0] if lo <= w["today"] <= hi else None
    return page(request, "tasks/wallchart.html", w=w, today_left=today_left, units=d.units(), unit=unit or "",
                node=node or "", synthetic=w["synthetic"], **_ctx(request))


@router.get("/scorecards", response_class=HTMLResponse, include_in_schema=False)
def ranking_page(request: Request, at: Optional[str] = None):
    rows = desk(request).ranking(parse_day(at))
    return page(request, "tasks/ranking.html", rows=rows, synthetic=desk(request).synthetic(), **_ctx(request))


@router.get("/scorecards/{unit}", response_class=HTMLResponse, include_in_schema=False)
def scorecard_page(request: Request, unit: str, at: Optional[str] = None):
    card = desk(request).scorecard(unit, parse_day(at))
    return page(request, "tasks/scorecard.html", c=card, synthetic=card["synthetic"], **_ctx(request))


@router.get("/projects", response_class=HTMLResponse, include_in_schema=False)
def projects_page(request: Request, cluster: Optional[str] = None, region: Optional[str] = None,
                  at: Optional[str] = None):
    return page(request, "tasks/projects.html", **projects_ctx(request, cluster, region, at))


def projects_ctx(request: Request, cluster: Optional[str] = None, region: Optional[str] = None,
                 at: Optional[str] = None) -> dict:
    from luoshi.web.task_forms import project_rights

    d = desk(request)
    day = parse_day(at)
    data = {"by_cluster": d.portfolio(at=day, by="cluster", region=region),
            "by_region": d.portfolio(at=day, by="region", cluster=cluster),
            "projects": d.projects(day, cluster_code=cluster, region_code=region)}
    rights = project_rights(request, d.projects(day))
    return {"data": data, "cluster": cluster or "", "region": region or "", "rights": rights, "who": rights["who"],
            "csrf": getattr(request.state, "csrf", ""), "done": request.query_params.get("done", ""),
            "month": d.today.strftime("%Y-%m"), "synthetic": any(p["synthetic"] for p in data["projects"]),
            **_ctx(request)}


# --- JSON API -------------------------------------------------------------------------------------
@api.get("/tasks", summary="Tasks with pace judgement (filter by unit, node, region, category, light)")
def api_tasks(request: Request, unit: Optional[str] = UNIT, node: Optional[str] = NODE,
              region: Optional[str] = REGION, category: Optional[str] = CATEGORY, light: Optional[str] = LIGHT,
              at: Optional[str] = AT):
    return _json(desk(request).tasks(parse_day(at), **_filters(unit, node, region, category, light)))


@api.get("/tasks/{task_id}", summary="One task with milestones, reports, evidence, requests and audit trail",
         responses=errors(404))
def api_task(request: Request, task_id: TaskId, at: Optional[str] = AT):
    return _json(desk(request).task(task_id, parse_day(at)))


@api.get("/wallchart", summary="The wall chart: units x time, milestones as flags")
def api_wallchart(request: Request, unit: Optional[str] = UNIT, node: Optional[str] = NODE,
                  start: Optional[str] = day("first day shown (default: the year's start)"),
                  end: Optional[str] = day("last day shown (default: the year's end)"), at: Optional[str] = AT):
    return _json(desk(request).wallchart(parse_day(at), start=parse_day(start), end=parse_day(end), unit=unit,
                                         node=node))


@api.get("/scorecards", summary="Units ranked by on-time reporting and share of tasks not behind")
def api_ranking(request: Request, at: Optional[str] = AT):
    return _json(desk(request).ranking(parse_day(at)))


@api.get("/scorecards/{unit}", summary="A unit's scorecard", responses=errors(404))
def api_scorecard(request: Request, unit: str = named("unit code", "gd-iit", path=True), at: Optional[str] = AT):
    return _json(desk(request).scorecard(unit, parse_day(at)))


@api.get("/doublehalf", summary="The mid-year double-half check")
def api_doublehalf(request: Request, at: Optional[str] = AT):
    return _json(desk(request).doublehalf(parse_day(at)))


@api.get("/digest", summary="Overdue, due soon, newly done and newly behind since a date")
def api_digest(request: Request, since: str = day("changes since this day", default=...), unit: Optional[str] = UNIT,
               at: Optional[str] = AT):
    day = parse_day(since)
    if day is None:
        raise Refusal("missing-value", column="since")
    return _json(desk(request).digest(day, unit=unit, at=parse_day(at)))


@api.get("/projects", summary="Major projects with this year's investment against the plan")
def api_projects(request: Request, cluster: Optional[str] = None, region: Optional[str] = REGION,
                 unit: Optional[str] = UNIT, at: Optional[str] = AT):
    return _json(desk(request).projects(parse_day(at), cluster_code=cluster, region_code=region, lead_unit=unit))


@api.get("/projects/portfolio", summary="Investment rolled up by cluster, region or plan node")
def api_portfolio(request: Request, by: str = Query("cluster", examples=["cluster", "region", "node"]),
                  year: Annotated[Year, Query(description="the year whose plans to compare (default: the year of "
                                                          "`at`)", examples=[2025])] = None,
                  at: Optional[str] = AT):
    if by not in ("cluster", "region", "node"):
        raise Refusal("bad-value", column="by", value=by, detail="cluster, region or node",
                      detail_zh="可选 cluster、region、node")
    return _json(desk(request).portfolio(year=year, at=parse_day(at), by=by))


@api.get("/projects/{project_id}", summary="One project with months and milestones", responses=errors(404))
def api_project(request: Request, project_id: str = named("project id", "P-2025-001", path=True),
                at: Optional[str] = AT):
    return _json(desk(request).project(project_id, parse_day(at)))


@api.post("/tasks/{task_id}/reports", summary="Submit a progress report (lead unit), with evidence files",
          status_code=201, responses=errors(404, 409))
async def api_report(request: Request, task_id: TaskId, percent: float = Form(...), period: Optional[str] = Form(None),
                     text: str = Form(""), problems: str = Form(""), next_steps: str = Form(""),
                     files: list[UploadFile] = File(default=[]), who: Actor = Depends(task_actor)):
    limit = Limits.of(request.app.state.ws.setting, "evidence_max_mb").file
    uploads = [Upload(f.filename or "file", await upload_bytes(f, limit, "evidence_max_mb")) for f in files if f.filename]
    out = await run_in_threadpool(desk(request).report, task_id, who, percent=percent, period=period, text=text,
                                  problems=problems, next_steps=next_steps, uploads=uploads)
    return _json(out, 201)


class ExtensionIn(BaseModel):
    new_deadline: date
    reason: str


class DecisionIn(BaseModel):
    approve: bool
    note: str = ""
    percent: Optional[float] = None


@api.post("/tasks/{task_id}/extension", summary="Request an extension (lead unit)", status_code=201,
          responses=errors(404, 409, 422))
def api_extension(request: Request, task_id: TaskId, body: ExtensionIn, who: Actor = Depends(task_actor)):
    return _json(desk(request).request_extension(task_id, who, new_deadline=body.new_deadline, reason=body.reason),
                 201)


@api.post("/tasks/{task_id}/extension/decision", summary="Approve or reject an extension (supervising unit)",
          responses=errors(404, 409, 422))
def api_extension_decision(request: Request, task_id: TaskId, body: DecisionIn, who: Actor = Depends(task_actor)):
    return _json(desk(request).decide_extension(task_id, who, approve=body.approve, note=body.note))


@api.post("/tasks/{task_id}/closure", summary="Request closure after reporting 100% (lead unit)", status_code=201,
          responses=errors(404, 409))
def api_closure(request: Request, task_id: TaskId, who: Actor = Depends(task_actor)):
    return _json(desk(request).request_closure(task_id, who), 201)


@api.post("/tasks/{task_id}/closure/decision", summary="Close the task or return it with a reason (supervisor)",
          responses=errors(404, 409, 422))
def api_closure_decision(request: Request, task_id: TaskId, body: DecisionIn, who: Actor = Depends(task_actor)):
    return _json(desk(request).decide_closure(task_id, who, close=body.approve, reason=body.note,
                                              percent=body.percent))


def install(app: FastAPI, dependencies=()) -> None:
    """Add the task pages and API to an app from ``create_app``, each route with ``dependencies`` (who may read)."""
    if not hasattr(app.state, "ws"):
        app.state.ws = app.state.dash.ws
    app.include_router(api, dependencies=list(dependencies))
    app.include_router(router, dependencies=list(dependencies))
    from luoshi.web import inbox, task_forms  # the task and project forms; each user's inbox of notices
    app.include_router(task_forms.router)
    inbox.install(app)
