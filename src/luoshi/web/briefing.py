"""The monthly briefing on the web: the page /briefing (a month and a region to choose, the PDF to
download), the PDF itself at /briefing.pdf and the data at /api/briefing; all three from
services.briefing.assemble, cached with the data like every view."""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from luoshi.domain.periods import containing
from luoshi.services.briefing import assemble
from luoshi.web.api import json_response
from luoshi.web.briefing_doc import document, to_pdf
from luoshi.web.openapi import errors, named
from luoshi.web.pages import page
from luoshi.web.render import request_lang

router = APIRouter()
PERIOD = named("the month briefed, e.g. 2025-05, or any period (default: the last complete month)", "2025-05")
REGION = named("region code (default: the plan's owner, the province)", "440100")


def _period(request: Request, period: str | None) -> str:
    return period or containing(request.app.state.dash.ws.today, "M").previous().code


def _data(request: Request, period: str | None, region: str | None) -> dict:
    return request.app.state.dash.view(assemble, period=_period(request, period), region=region or None)


def _query(period: str, region: str | None, **more) -> str:
    return urlencode({k: v for k, v in {"period": period, "region": region, **more}.items() if v})


@router.get("/briefing", response_class=HTMLResponse, include_in_schema=False)
async def briefing_page(request: Request, period: Optional[str] = None, region: Optional[str] = None):
    lang, _ = request_lang(request)
    p = _period(request, period)
    data = await run_in_threadpool(_data, request, p, region)
    ws = request.app.state.dash.ws
    province = ws.province()
    regions = [province] + ws.children(province["code"], ws.today)
    return page(request, "briefing.html", data=data, doc=document(data, lang), period=p, regions=regions,
                pdf_url=f"/briefing.pdf?{_query(p, region, lang=lang)}", json_url=f"/api/briefing?{_query(p, region)}",
                synthetic=data["synthetic"])


@router.get("/briefing.pdf", include_in_schema=False)
async def briefing_pdf(request: Request, period: Optional[str] = None, region: Optional[str] = None):
    lang, _ = request_lang(request)
    p = _period(request, period)
    data = await run_in_threadpool(_data, request, p, region)
    pdf = await request.app.state.dash.amemo(("briefing.pdf", p, region, lang), lambda: to_pdf(data, lang))
    name = f"briefing-{data['region']['code']}-{data['period']}-{lang}.pdf"
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/api/briefing", summary="The monthly briefing's content (the /briefing page and its PDF)",
            tags=["api"], responses=errors(400, 404))
async def briefing_api(request: Request, period: Optional[str] = PERIOD, region: Optional[str] = REGION):
    return json_response(await run_in_threadpool(_data, request, period, region))
