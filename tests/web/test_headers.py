"""Security headers on every kind of response: pages, API, static files, downloads, refusals, unknown
routes and crashes (issue 17, item 4); HSTS only when the request came over TLS."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from luoshi.web import create_app

SAMPLE = [  # (method, path, accept, expected status)
    ("GET", "/", "text/html", 200),
    ("GET", "/indicators/tech_transform", "text/html", 200),
    ("GET", "/wallchart", "text/html", 200),
    ("GET", "/login", "text/html", 200),
    ("GET", "/api/indicators", "application/json", 200),
    ("GET", "/openapi.json", "application/json", 200),
    ("GET", "/static/app.css", "*/*", 200),
    ("GET", "/static/app.js", "*/*", 200),
    ("GET", "/static/nothing.css", "*/*", 404),
    ("GET", "/regions/999999", "text/html", 404),  # the error page
    ("GET", "/api/regions/999999", "application/json", 404),  # the envelope
    ("GET", "/no/such/page", "text/html", 404),
    ("POST", "/login", "text/html", 400),  # no form
    ("DELETE", "/api/indicators", "application/json", 405),
    ("GET", "/api/broken", "application/json", 500),
]


@pytest.fixture(scope="module")
def app(ws):
    broken = APIRouter()

    @broken.get("/api/broken")
    def boom():
        raise RuntimeError("crash")
    return create_app(ws, extra_routers=[broken])


def _headers_of(client, method, path, accept):
    r = client.request(method, path, headers={"accept": accept})
    return r.status_code, {k.lower(): v for k, v in r.headers.items()}


@pytest.mark.parametrize("method,path,accept,status", SAMPLE)
def test_every_response_carries_the_security_headers(app, method, path, accept, status):
    with TestClient(app, raise_server_exceptions=False) as c:
        got, h = _headers_of(c, method, path, accept)
    assert got == status
    csp = {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in h["content-security-policy"].split("; ")}
    assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "unsafe-inline" not in csp["script-src"] + csp["style-src"]
    assert h["x-frame-options"] == "DENY"
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in h  # plain http


@pytest.mark.parametrize("method,path,accept,status", SAMPLE[::3])
def test_hsts_only_over_tls(app, method, path, accept, status):
    with TestClient(app, base_url="https://luoshi.example", raise_server_exceptions=False) as c:
        got, h = _headers_of(c, method, path, accept)
    assert got == status
    assert h["strict-transport-security"] == "max-age=31536000"
    assert h["x-frame-options"] == "DENY"


def test_pages_need_no_inline_script_or_style_element(app):
    """What the policy forbids is not on the pages (the browser test sees the policy enforced)."""
    with TestClient(app) as c:
        for path in ("/", "/regions/440100", "/indicators/tech_transform", "/tasks", "/wallchart", "/login",
                     "/documents", "/docs"):
            html = c.get(path, headers={"accept": "text/html"}).text.lower()
            assert "<style" not in html, path
            scripts = html.split("<script")[1:]
            assert all(s.split(">")[0].strip().startswith(("src=", 'type="application/json"')) for s in scripts), path
            assert " onclick=" not in html and " onload=" not in html and "javascript:" not in html, path
