"""Policy-document pages and their JSON API: the document list with an upload form, one
document's proposed commitments with the fields highlighted and accept / edit / reject forms, and
targets against outcomes across documents (issue 6 §4).

``install(app)`` adds the routers to an app from ``create_app``.  Reading is open like the rest of
the dashboard; every write takes the caller from ``web.auth`` and, for a session, its CSRF token.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from luoshi.domain.problems import InputError, Refusal, Report, editable
from luoshi.domain.roles import Actor
from luoshi.ingest.limits import Limits
from luoshi.services.documents import EDITABLE, KINDS
from luoshi.web import auth, i18n
from luoshi.web.body import posted, text, upload_bytes
from luoshi.web.documents_text import STRINGS, marked, quantity, unit_name
from luoshi.web.openapi import CSV, JSON, errors, fields_body, named, success
from luoshi.web.pages import page
from luoshi.web.render import asks_for_html, request_lang, to_json
from luoshi.web.tables import OUTCOME_COLUMNS, csv_response

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/documents", tags=["documents"])
Format = Literal["json", "csv"]
COMMITMENT = named("commitment id", 1, path=True)
# accept: nothing; reject: a note; edit: the fields to correct (numbers may come as text, "1,200")
REVIEW_BODY = fields_body(note=("string", "number"),
                          **{k: ("number", "string") if k in ("value", "value_high") else "string" for k in EDITABLE})
LIST_COLUMNS = ["did", "title", "doc_date", "issuer", "kind", "language", "sha256", "chars", "commitments",
                "proposed", "accepted", "edited", "rejected"]


def _svc(request: Request):
    return request.app.state.ws.documents


def _json(data, status: int = 200) -> Response:
    return Response(to_json(data), media_type="application/json", status_code=status)


def _csrf(request: Request) -> str:
    """The session's CSRF token for the forms ('' for token or local callers, who need none)."""
    try:
        auth.actor(request)
    except Refusal:
        return ""
    return getattr(request.state, "csrf", "")


def _ctx(request: Request) -> dict:
    lang, _ = request_lang(request)
    zh = lang == "zh"
    return {"csrf": _csrf(request), "marked": marked, "kinds": KINDS,
            "qty": lambda v, u: quantity(v, u, zh), "unit_name": lambda u: unit_name(u, zh)}


def _regions(request: Request) -> dict[str, dict]:
    """The names of issuers and scopes: the regions down to the counties (a town's code shows as is)."""
    return {r["code"]: r for r in request.app.state.ws.regions(retired=True, down_to="county")}


# --- shared steps ---------------------------------------------------------------------------------
async def _add(request: Request, who: Actor, file: UploadFile, title: str, date: str, issuer: str,
               kind: str) -> dict:
    """Store an uploaded file under its own name (so that format and title come from it) and extract."""
    name = re.sub(r"[^\w.\-]+", "_", Path(file.filename or "document.txt").name)[-120:] or "document.txt"
    data = await upload_bytes(file, Limits.of(request.app.state.ws.setting, "document_max_mb").file, "document_max_mb")
    with tempfile.TemporaryDirectory(prefix="luoshi-doc-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            out = await run_in_threadpool(_svc(request).add, path, by=who.name,
                                          title=title.strip() or Path(file.filename or name).stem,
                                          doc_date=date.strip() or None, issuer=issuer.strip() or None,
                                          kind=kind.strip() or None)
        except InputError as exc:  # the report names the temporary copy: name the upload instead
            problems = [replace(p, file=name) for p in exc.report.problems]
            raise InputError(Report(file=name, problems=problems)) from None
    request.app.state.dash.invalidate()
    return out


def _edit_fields(raw: dict) -> dict:
    """Form or JSON fields to edit: blanks dropped, numbers parsed, names that are not editable refused."""
    fields, report = {}, Report(file="edit")
    for k, v in raw.items():
        if k == "csrf_token" or v is None or (isinstance(v, str) and not v.strip()):
            continue
        if k not in EDITABLE:
            report.add("bad-value", field=k, column=k, value=v, **editable(EDITABLE))
            continue
        if k in ("value", "value_high") and not isinstance(v, (int, float)):
            try:
                v = float(str(v).replace(",", ""))
            except ValueError:
                report.add("bad-value", field=k, column=k, value=v, detail="a number", detail_zh="应为数字")
                continue
        fields[k] = v.strip() if isinstance(v, str) else v
    if not report.ok:
        raise InputError(report)
    return fields


# --- pages ----------------------------------------------------------------------------------------
def _list(request: Request, problems: list | None = None, status: int = 200) -> HTMLResponse:
    resp = page(request, "documents/list.html", docs=_svc(request).documents(), regions=_regions(request),
                problems=problems or [], synthetic=False, csv_url="/api/documents?format=csv",
                json_url="/api/documents", **_ctx(request))
    resp.status_code = status
    return resp


@router.get("/documents", response_class=HTMLResponse)
def list_page(request: Request):
    return _list(request)


@router.post("/documents", response_class=HTMLResponse)
async def upload_page(request: Request, file: UploadFile = File(...), title: str = Form(""), date: str = Form(""),
                      issuer: str = Form(""), kind: str = Form(""), who: Actor = Depends(auth.csrf_checked)):
    try:
        out = await _add(request, who, file, title, date, issuer, kind)
    except InputError as exc:
        if not asks_for_html(request):
            raise
        return _list(request, problems=exc.report.problems, status=400)
    flag = "duplicate" if out["duplicate"] else "added"
    return RedirectResponse(f"/documents/{out['did']}?{flag}=1", status_code=303)


@router.get("/documents/outcomes", response_class=HTMLResponse)
def outcomes_page(request: Request):
    return page(request, "documents/outcomes.html", rows=_svc(request).outcomes(), regions=_regions(request),
                synthetic=False, csv_url="/api/documents/outcomes?format=csv", json_url="/api/documents/outcomes",
                **_ctx(request))


def _document(request: Request, did: int, refused: dict | None = None, status: int = 200) -> HTMLResponse:
    svc = _svc(request)
    doc = svc.document(did)
    resp = page(request, "documents/document.html", doc=doc, rows=svc.commitments(did), regions=_regions(request),
                refused=refused or {}, editable=EDITABLE, added="added" in request.query_params,
                duplicate="duplicate" in request.query_params, synthetic=False,
                csv_url=None, json_url=f"/api/documents/{did}", **_ctx(request))
    resp.status_code = status
    return resp


@router.get("/documents/{did:int}", response_class=HTMLResponse)
def document_page(request: Request, did: int):
    return _document(request, did)


@router.post("/documents/commitments/{cid:int}/{action}", response_class=HTMLResponse)
async def review_page(request: Request, cid: int, action: str, who: Actor = Depends(auth.csrf_checked)):
    svc = _svc(request)
    did = svc.commitment(cid)["did"]
    form = dict(await request.form())
    try:
        await run_in_threadpool(_review, request, cid, action, who, form)
    except InputError as exc:
        if not asks_for_html(request):
            raise
        return _document(request, did, refused={cid: exc.report.problems}, status=400)
    return RedirectResponse(f"/documents/{did}#c{cid}", status_code=303)


def _review(request: Request, cid: int, action: str, who: Actor, body: dict) -> dict:
    svc = _svc(request)
    if action == "accept":
        out = svc.accept(cid, by=who.name)
    elif action == "reject":
        out = svc.reject(cid, by=who.name, note=text(body, "note") or None)
    elif action == "edit":
        out = svc.edit(cid, by=who.name, **_edit_fields(body))
    else:
        raise Refusal("not-found", 404, path=request.url.path)
    request.app.state.dash.invalidate()
    return out


# --- JSON API -------------------------------------------------------------------------------------
@api.get("", summary="Policy documents with proposals by status", responses=success(CSV))
def api_list(request: Request, format: Format = "json"):
    rows = _svc(request).documents()
    return csv_response(rows, "documents.csv", LIST_COLUMNS) if format == "csv" else _json(rows)


@api.post("", summary="Add a document (multipart: file, title, date, issuer, kind) and extract it",
          status_code=201, responses=success(JSON, description="already stored: the stored document"))
async def api_add(request: Request, file: UploadFile = File(...), title: str = Form(""), date: str = Form(""),
                  issuer: str = Form(""), kind: str = Form(""), who: Actor = Depends(auth.csrf_checked)):
    out = await _add(request, who, file, title, date, issuer, kind)
    return _json(out, 200 if out["duplicate"] else 201)


@api.get("/outcomes", summary="Targets stated in documents against their outcomes (the rows of /api/outcomes)",
         responses=success(CSV))
def api_outcomes(request: Request, format: Format = "json"):
    rows = _svc(request).outcomes()
    return csv_response(rows, "document-outcomes.csv", OUTCOME_COLUMNS) if format == "csv" else _json(rows)


@api.get("/{did:int}", summary="One document with its proposed commitments and their spans",
         responses=errors(404))
def api_document(request: Request, did: int = named("document id", 1, path=True)):
    svc = _svc(request)
    return _json({**svc.document(did), "commitments": svc.commitments(did)})


@api.get("/commitments/{cid:int}", summary="One commitment with its sentence and spans", responses=errors(404))
def api_commitment(request: Request, cid: int = COMMITMENT):
    return _json(_svc(request).commitment(cid))


@api.post("/commitments/{cid:int}/{action}", summary="Review a commitment: accept, reject (note) or edit (fields)",
          responses=errors(404, 409), openapi_extra=REVIEW_BODY)
async def api_review(request: Request, cid: int = COMMITMENT,
                     action: str = named("accept, reject or edit", "accept", "reject", "edit", path=True),
                     who: Actor = Depends(auth.csrf_checked)):
    body = await posted(request)
    return _json(await run_in_threadpool(_review, request, cid, action, who, body))


def install(app: FastAPI, dependencies=()) -> None:
    """Add the document pages and API to an app from ``create_app``, each route with ``dependencies`` (who may read)."""
    i18n.STRINGS.update({k: v for k, v in STRINGS.items() if k not in i18n.STRINGS})
    app.include_router(api, dependencies=list(dependencies))
    app.include_router(router, dependencies=list(dependencies))
