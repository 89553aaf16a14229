"""One error shape, {status, code, message, message_zh}, for every error; 404 for unknown names, 400
for malformed queries, and never a traceback."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from luoshi.web import create_app

CASES = [
    ("/api/regions/999999", 404, "unknown-region"),
    ("/api/indicators/no_such_thing", 404, "unknown-indicator"),
    ("/api/indicators/no_such_thing/series", 404, "unknown-indicator"),
    ("/api/indicators/gdp?region=123", 404, "unknown-region"),
    ("/api/overview?plan=no-plan", 404, "unknown-plan"),
    ("/api/coverage?plan=no-plan", 404, "unknown-plan"),
    ("/api/overview?period=1999", 404, "unknown-period"),  # a period, but before the workspace's 2000
    ("/api/rankings?indicator=nope", 404, "unknown-indicator"),
    ("/api/rankings?indicator=gdp&level=county&within=999999", 404, "unknown-region"),
    ("/api/nothing/here", 404, "not-found"),
    ("/api/overview?period=20x5", 400, "bad-period"),
    ("/api/overview?at=2025-02-30", 400, "bad-date"),
    ("/api/regions/440100?at=yesterday", 400, "bad-date"),
    ("/api/rankings?level=village", 400, "bad-level"),
    ("/api/rankings?indicator=gdp&weight=heavy", 400, "bad-weight"),
    ("/api/rankings?indicator=gdp&indicator=cpi&weight=1", 400, "bad-weight"),
    ("/api/outcomes?format=xlsx", 400, "bad-query"),
]


@pytest.mark.parametrize("url, status, code", CASES)
def test_error_shape(client, url, status, code):
    r = client.get(url)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"status", "code", "message", "message_zh"}
    assert (body["status"], body["code"]) == (status, code)
    assert body["message"] and "Traceback" not in r.text


def test_unknown_names_get_a_helpful_message(client):
    assert "440000" in client.get("/api/regions/999999").json()["message"]
    assert "gd-1310" in client.get("/api/overview?plan=x").json()["message"]
    assert "2024Q1" in client.get("/api/overview?period=abc").json()["message"]


def test_wrong_method(client):
    body = client.post("/api/overview").json()
    assert (body["status"], body["code"]) == (405, "method-not-allowed")


def test_pages_answer_errors_in_html_with_the_same_fields(client):
    r = client.get("/regions/999999", headers={"accept": "text/html"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert 'data-error-code="unknown-region"' in r.text


def test_a_crash_is_a_500_without_traceback(ws):
    broken = APIRouter()

    @broken.get("/api/broken")
    def boom():
        raise RuntimeError("secret internals")

    with TestClient(create_app(ws, extra_routers=[broken]), raise_server_exceptions=False) as c:
        r = c.get("/api/broken")
    assert r.status_code == 500
    assert r.json() == {"status": 500, "code": "internal-error",
                        "message": "internal error; the server log has the details",
                        "message_zh": "服务器内部错误，详情见服务器日志"}
    assert "secret" not in r.text


def test_the_error_page_speaks_the_pages_language(client):
    zh = client.get("/regions/999999?lang=zh", headers={"accept": "text/html"}).text
    en = client.get("/regions/999999?lang=en", headers={"accept": "text/html"}).text
    assert "不存在代码或名称为 &#39;999999&#39; 的地区" in zh and "no region with code or name &#39;999999&#39;" in en


def test_a_form_post_without_a_browser_gets_the_envelope(client):
    # the documents form shows its problems on the page to a browser; a script gets the envelope
    files = {"file": ("a.exe", b"MZ", "application/octet-stream")}
    body = client.post("/documents", files=files).json()
    assert (body["status"], body["code"], body["problems"][0]["file"]) == (400, "unsupported-format", "a.exe")
