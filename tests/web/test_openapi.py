"""The OpenAPI document tells every answer the app gives: each route's error statuses (with the one
envelope as their model), every content type a route sends (CSV, XLSX, SDMX-CSV, HTML beside JSON), and
nothing it never sends (FastAPI's own 422).  The requests here are worked out from what the routes do;
test_fuzz.py checks the same over generated requests."""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient

from luoshi.domain.roles import Actor
from luoshi.web import create_app
from luoshi.workspace import Workspace

from . import fixtures
from .test_error_shape import CASES, assert_envelope, guarded  # noqa: F401 (guarded: a fixture used here)

ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"
NAMES = {"code": "440100", "task_id": "T-none", "did": "1", "cid": "1", "action": "accept"}
CSV_UPLOAD = b"indicator,region,period,value\ntech_transform,440103,2025-05,40\n"


@pytest.fixture(scope="module")
def admin(tmp_path_factory, web_db):
    """A client holding an administrator's bearer token, over a copy of the web workspace."""
    path = tmp_path_factory.mktemp("openapi") / "ws.duckdb"
    shutil.copy(web_db, path)
    ws = Workspace(path, today=fixtures.TODAY)
    ws.reporting.add_user("ada", "correct horse battery", actor=Actor.local(), admin=True)
    token = ws.reporting.token("ada", actor=ws.reporting.actor("ada"), days=1)["token"]
    with TestClient(create_app(ws), raise_server_exceptions=False,
                    headers={"Authorization": f"Bearer {token}"}) as c:
        c.doc = c.get("/openapi.json").json()
        yield c
    ws.close()


def operation(doc: dict, method: str, route_path: str) -> dict | None:
    """The document's operation for a route ({did:int} is {did} there), or None (pages, static files)."""
    return doc["paths"].get(re.sub(r":\w+}", "}", route_path), {}).get(method.lower())


def documented(op: dict, status: int) -> set[str]:
    """The media types (without parameters) the operation documents for ``status``."""
    content = op["responses"].get(str(status), {}).get("content", {})
    return {m.split(";")[0].strip() for m in content}


def media(r) -> str:
    return r.headers["content-type"].split(";")[0].strip()


def test_every_failing_request_of_error_shape_answers_a_documented_status_and_type(guarded):
    """CASES holds a request that must fail for every route: its status and content type are documented
    (for a page asked for by a browser, the error page too)."""
    doc = guarded.get("/openapi.json").json()
    checked = 0
    for (method, path), (sent, url, options, status, code) in CASES.items():
        op = operation(doc, method, path)
        if op is None or sent != method:  # a wrong method's 405 belongs to no operation
            continue
        r = guarded.request(sent, url or re.sub(r"{(\w+)(:\w+)?}", lambda m: NAMES[m[1]], path), **options)
        assert_envelope(r, status, code)
        assert media(r) in documented(op, status), (method, path, status, list(op["responses"]))
        if sent == "GET" and not path.startswith("/api"):
            page = guarded.get(r.request.url, headers={"accept": "text/html"})
            assert media(page) == "text/html" and "text/html" in documented(op, status), (method, path)
        checked += 1
    assert checked > 30


def test_the_document_names_no_answer_the_app_never_gives(admin):
    """FastAPI documents a 422 {detail: [...]} for every route with parameters; this app answers a
    malformed request 400 in the envelope, so the 422s left are the routes' own, in the envelope."""
    doc = admin.doc
    assert "HTTPValidationError" not in str(doc)
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                if status[0] == "4":
                    assert answer["content"]["application/json"]["schema"] == {"$ref": ENVELOPE_REF}, \
                        (method, path, status)
            if op.get("parameters") or op.get("requestBody") or method == "post":
                assert "400" in op["responses"], (method, path)


def samples(doc: dict) -> list[tuple[str, str, dict, int]]:
    """Requests that succeed, one for each content type an operation documents for its success:
    every table in JSON and CSV, the downloads, the pages, an upload answered to a script and to a browser."""
    out = []
    for path, ops in doc["paths"].items():
        if "get" in ops and any(p["name"] == "format" for p in ops["get"].get("parameters", [])):
            url = re.sub(r"{(\w+)}", lambda m: NAMES[m[1]], path)
            url = url.replace("/indicators/440100", "/indicators/tech_transform")
            out += [("GET", f"{url}?format={f}", {}, 200) for f in ("json", "csv")]
    upload = {"files": {"file": ("values.csv", CSV_UPLOAD)}, "data": {"dry_run": "true"}}
    return out + [
        ("GET", "/api/template?region=440103&period=2025-05", {}, 200),
        ("GET", "/api/export/sdmx", {}, 200),
        ("GET", "/login", {}, 200),
        ("GET", "/reporting/imports", {}, 200),
        ("GET", "/reporting/history", {}, 200),
        ("POST", "/reporting/imports", upload, 200),
        ("POST", "/reporting/imports", upload | {"headers": {"accept": "text/html"}}, 200),
        ("POST", "/api/imports", upload, 200),
    ]


def test_every_content_type_a_route_sends_is_documented_and_every_documented_one_is_sent(admin):
    doc, sent = admin.doc, set()
    for method, url, options, status in samples(doc):
        r = admin.request(method, url, **options)
        assert r.status_code == status, (url, r.text[:200])
        op = operation(doc, method, url.split("?")[0].replace("/tech_transform", "/{code}")
                       .replace("/440100", "/{code}"))
        assert media(r) in documented(op, status), (method, url, media(r), documented(op, status))
        sent.add((method, url.split("?")[0], media(r)))
    others = {(method.upper(), path, m) for path, ops in doc["paths"].items() for method, op in ops.items()
              for status, answer in op["responses"].items() if status[0] == "2"
              for m in {m.split(";")[0] for m in answer.get("content", {})} - {"application/json"}}
    concrete = {(m, re.sub(r"{(\w+)}", lambda x: NAMES[x[1]], p), t) for m, p, t in others}
    concrete = {(m, p.replace("/indicators/440100", "/indicators/tech_transform"), t) for m, p, t in concrete}
    assert concrete <= sent, concrete - sent
    assert {t for _, _, t in concrete} == {"text/csv", "text/html", "application/vnd.sdmx.data+csv",
                                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@pytest.mark.parametrize("path, allowed", [("/api/documents", "GET, POST"), ("/login", "GET, POST"),
                                           ("/api/imports", "GET, POST"), ("/api", "GET")])
def test_a_wrong_method_names_every_method_the_path_takes(admin, path, allowed):
    """405's Allow lists the methods of every route on the path (Starlette's named the first route's only:
    GET for /api/documents, which also takes POST)."""
    r = admin.request("OPTIONS", path)
    assert_envelope(r, 405, "method-not-allowed")
    assert r.headers["allow"] == allowed


def test_downloads_leave_nothing_behind(admin, tmp_path, monkeypatch):
    """The template and the SDMX export are written to a temporary folder removed once sent (they were
    left in the system's temporary folder, one per download)."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    assert admin.get("/api/template?region=440103&period=2025-05").content[:2] == b"PK"  # a zip: XLSX
    assert admin.get("/api/export/sdmx").status_code == 200
    assert admin.get("/api/template?region=440103&period=2025/../05").status_code == 400
    assert list(tmp_path.iterdir()) == []
