"""The HTML pages: each renders the same view as its /api twin, in the request's language."""

from __future__ import annotations

import json
from typing import Optional

from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from luoshi.web import views
from luoshi.web.front import SHARED
from luoshi.web.i18n import COOKIE
from luoshi.web.render import request_lang

router = APIRouter(include_in_schema=False)
YEAR = 365 * 24 * 3600


def page(request: Request, template: str, **ctx) -> HTMLResponse:
    lang, chosen = request_lang(request)
    html = request.app.state.renderer.page(request, template, lang, **ctx)
    return _html(html, lang, chosen)


async def cached_page(request: Request, template: str, build) -> HTMLResponse:
    """Render ``template`` with ``build()``'s context; the HTML is cached per URL and language."""
    lang, chosen = request_lang(request)
    dash, renderer = request.app.state.dash, request.app.state.renderer
    html = await dash.amemo(("page", request.url.path, request.url.query, lang),
                            lambda: renderer.shared(request, template, lang, **build()))
    resp = _html(renderer.personal(request, html, lang), lang, chosen)
    resp.headers[SHARED] = "1"  # the same request gets the same page until the data change (web/front.py)
    return resp


def _html(html: str, lang: str, chosen: bool) -> HTMLResponse:
    resp = HTMLResponse(html)
    if chosen:  # remembered across pages
        resp.set_cookie(COOKIE, lang, max_age=YEAR, samesite="lax")
    return resp


def api_url(request: Request, path: str, fmt: str = "csv") -> str:
    """The /api twin of this page with the same query, as CSV (or JSON)."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "format")]
    items.append(("format", fmt))
    return f"{path}?{urlencode(items)}"


async def view_page(request: Request, template: str, fn, api_path: str, **params) -> HTMLResponse:
    """A page showing one view, with links to its JSON and CSV twins."""
    def build():
        data = request.app.state.dash.view(fn, **params)
        return {"data": data, "synthetic": bool(data.get("synthetic")),
                "csv_url": api_url(request, api_path), "json_url": api_url(request, api_path, "json")}

    return await cached_page(request, template, build)


@router.get("/", response_class=HTMLResponse)
async def overview(request: Request, plan: Optional[str] = None, region: Optional[str] = None,
                   period: Optional[str] = None, at: Optional[str] = None):
    return await view_page(request, "overview.html", views.overview, "/api/overview", plan=plan, region=region,
                     period=period, at=at)


@router.get("/regions", response_class=HTMLResponse)
def regions_root(request: Request):
    code = request.app.state.dash.ws.province()["code"]
    return RedirectResponse(f"/regions/{code}", status_code=307)


@router.get("/regions/{code}", response_class=HTMLResponse)
async def region(request: Request, code: str, period: Optional[str] = None, at: Optional[str] = None,
           plan: Optional[str] = None):
    return await view_page(request, "region.html", views.region, f"/api/regions/{code}", code=code, period=period, at=at,
                     plan=plan)


@router.get("/indicators", response_class=HTMLResponse)
async def indicators(request: Request):
    return await view_page(request, "indicators.html", views.indicator_list, "/api/indicators")


@router.get("/indicators/{code}", response_class=HTMLResponse)
async def indicator(request: Request, code: str, region: Optional[str] = None,
                    period: Optional[str] = None, at: Optional[str] = None, plan: Optional[str] = None):
    return await view_page(request, "indicator.html", views.indicator, f"/api/indicators/{code}", code=code, region=region,
                     period=period, at=at, plan=plan)


@router.get("/rankings", response_class=HTMLResponse)
async def rankings(request: Request, indicator: Optional[list[str]] = Query(None), level: str = "city",
             within: Optional[str] = None, period: Optional[str] = None, weight: Optional[list[str]] = Query(None),
             at: Optional[str] = None):
    return await view_page(request, "rankings.html", views.rankings, "/api/rankings", indicator=indicator, level=level,
                     within=within, period=period, weight=weight, at=at)


@router.get("/coverage", response_class=HTMLResponse)
async def coverage(request: Request, plan: Optional[str] = None):
    return await view_page(request, "coverage.html", views.coverage, "/api/coverage", plan=plan)


@router.get("/outcomes", response_class=HTMLResponse)
async def outcomes(request: Request):
    return await view_page(request, "outcomes.html", views.outcomes, "/api/outcomes")


@router.get("/glossary", response_class=HTMLResponse)
async def glossary(request: Request, plan: Optional[str] = None):
    """The terms of the judgement, with the thresholds of the plan (no table, so no CSV twin)."""
    def build():
        return {"data": request.app.state.dash.view(views.glossary, plan=plan), "synthetic": False}

    return await cached_page(request, "glossary.html", build)


def _pretty(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


@router.get("/docs", response_class=HTMLResponse)
async def docs(request: Request):
    """A locally rendered API reference from the OpenAPI document (no Swagger UI from a CDN)."""
    def build():
        endpoints = []
        for path, ops in request.app.openapi().get("paths", {}).items():
            for method, op in ops.items():
                ok = op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
                endpoints.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                                  "summary_zh": op.get("x-summary-zh", ""), "parameters": op.get("parameters", []),
                                  "responses": sorted(op.get("responses", {}).keys()),
                                  "schema": _pretty(ok["schema"]) if ok.get("schema") else None,
                                  "example": _pretty(ok["example"]) if "example" in ok else None})
        return {"endpoints": endpoints, "synthetic": False}

    return await cached_page(request, "docs.html", build)
