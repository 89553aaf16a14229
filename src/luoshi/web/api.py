"""The JSON API: every page's data under /api/..., each table also as CSV (``format=csv``)."""

from __future__ import annotations

from typing import Literal, Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from luoshi.web import tables, views
from luoshi.web.front import SHARED
from luoshi.web.openapi import CSV, day, errors, named, success
from luoshi.web.render import to_json

router = APIRouter(prefix="/api", tags=["api"])

Format = Literal["json", "csv"]
AT = day("as-of date, YYYY-MM-DD (default: today)")
PERIOD = named("target period, e.g. 2025, 2025Q2, 2025-03 (default: the year of `at`)", "2025", "2025Q1")
PLAN = named("plan id (default: the workspace's default_plan setting)", "gd-1310")
FORMAT = Query("json", description="json, or csv for the page's table")
REGION = named("region code (default: the province, or the plan's owner)", "440100", "440103")
REGION_CODE = named("region code (GB/T 2260)", "440100", "440103", path=True)
INDICATOR_CODE = named("indicator code", "tech_transform", "gdp_growth", path=True)

TABLE = success(CSV)  # every table also as CSV (format=csv)
NAMED = errors(404) | TABLE  # and unknown names refused


def json_response(data) -> Response:
    return Response(to_json(data), media_type="application/json")


async def respond(request: Request, name: str, fn, fmt: str, filename: str, **params) -> Response:
    """The view as JSON or as its table in CSV; the encoded body is cached with the view."""
    dash = request.app.state.dash

    def produce() -> tuple[bytes, str, dict]:
        data = dash.view(fn, **params)
        if fmt == "csv":
            rows, columns = tables.table(name, data)
            r = tables.csv_response(rows, filename, columns)
            return r.body, r.media_type, {"Content-Disposition": r.headers["content-disposition"]}
        return to_json(data).encode(), "application/json", {}

    body, media, headers = await dash.amemo(("api", name, request.url.path, request.url.query), produce)
    return Response(body, media_type=media, headers={**headers, SHARED: "1"})  # until the data change (web/front.py)


@router.get("", summary="Index of the API")
async def index():
    return json_response({"endpoints": [
        {"path": r.path, "summary": r.summary} for r in router.routes if r.path != "/api"],
        "errors": "every error is {status, code, message, message_zh}", "docs": "/docs", "openapi": "/openapi.json"})


@router.get("/plans", summary="Plans", responses=TABLE)
async def plans(request: Request, format: Format = FORMAT):
    return await respond(request, "plans", views.plans, format, "plans.csv")


@router.get("/settings", summary="The workspace settings: value, default, allowed values, meaning", responses=TABLE)
async def settings(request: Request, format: Format = FORMAT):
    return await respond(request, "settings", views.settings, format, "settings.csv")


@router.get("/overview", summary="Plan tree with lights and counts (overview page)", responses=NAMED)
async def overview(request: Request, plan: Optional[str] = PLAN, region: Optional[str] = REGION,
                   period: Optional[str] = PERIOD, at: Optional[str] = AT, format: Format = FORMAT):
    return await respond(request, "overview", views.overview, format, f"overview-{plan}.csv", plan=plan,
                         region=region, period=period, at=at)


@router.get("/regions/{code}", summary="A region: breadcrumbs, children, indicators (region page)",
            responses=NAMED)
async def region(request: Request, code: str = REGION_CODE, period: Optional[str] = PERIOD, at: Optional[str] = AT,
                 plan: Optional[str] = PLAN, format: Format = FORMAT):
    return await respond(request, "region", views.region, format, f"region-{code}.csv", code=code, period=period,
                         at=at, plan=plan)


@router.get("/indicators", summary="Indicators", responses=TABLE)
async def indicators(request: Request, format: Format = FORMAT):
    return await respond(request, "indicators", views.indicator_list, format, "indicators.csv")


@router.get("/indicators/{code}", summary="An indicator: chart data, child regions, city map (indicator page)",
            responses=NAMED)
async def indicator(request: Request, code: str = INDICATOR_CODE, region: Optional[str] = REGION,
                    period: Optional[str] = PERIOD, at: Optional[str] = AT, plan: Optional[str] = PLAN,
                    format: Format = FORMAT):
    return await respond(request, "indicator", views.indicator, format, f"indicator-{code}.csv", code=code,
                         region=region, period=period, at=at, plan=plan)


@router.get("/indicators/{code}/series", summary="An indicator's series, targets and pace in one region",
            responses=NAMED)
async def series(request: Request, code: str = INDICATOR_CODE, region: Optional[str] = REGION, at: Optional[str] = AT,
                 format: Format = FORMAT):
    return await respond(request, "series", views.series, format, f"series-{code}-{region or 'province'}.csv",
                         code=code, region=region, at=at)


@router.get("/rankings", summary="Cities, or counties of a city, ranked (比学赶超)", responses=NAMED)
async def rankings(request: Request,
                   indicator: Optional[list[str]] = Query(None, description="one indicator, or several for a "
                                                          "composite (default: the headline composite)",
                                                          examples=[["tech_transform"]]),
                   level: str = Query("city", description="city or county", examples=["city", "county"]),
                   within: Optional[str] = named("parent region (a city for level=county)", "440100"),
                   period: Optional[str] = PERIOD,
                   weight: Optional[list[str]] = Query(None, description="composite weights, one per indicator"),
                   at: Optional[str] = AT, format: Format = FORMAT):
    return await respond(request, "rankings", views.rankings, format, "rankings.csv", indicator=indicator,
                         level=level, within=within, period=period, weight=weight, at=at)


@router.get("/coverage", summary="Cascade coverage matrix with gaps", responses=NAMED)
async def coverage(request: Request, plan: Optional[str] = PLAN, format: Format = FORMAT):
    return await respond(request, "coverage", views.coverage, format, f"coverage-{plan or 'default-plan'}.csv", plan=plan)


@router.get("/outcomes", summary="Work-report targets against outcomes, met or not", responses=TABLE)
async def outcomes(request: Request, format: Format = FORMAT):
    return await respond(request, "outcomes", views.outcomes, format, "targets-outcomes.csv")


@router.get("/glossary", summary="Terms of the judgement (expected pace, lights, completeness, staleness) with the "
            "thresholds in force for a plan", responses=errors(404))
async def glossary(request: Request, plan: Optional[str] = PLAN):
    return await respond(request, "glossary", views.glossary, "json", "glossary.json", plan=plan)
