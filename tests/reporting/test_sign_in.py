"""One site: who may read the dashboards (the setting dashboards_public), where a browser is sent
when a page needs sign-in, where signing in leads, and the header that names the caller."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from luoshi.web import create_app

PASSWORD = "correct horse battery"
HTML = {"accept": "text/html"}


def client(ws) -> TestClient:
    return TestClient(create_app(ws), base_url="http://127.0.0.1")


def sign_in(c, user="rita", password=PASSWORD, next_="/", headers=None):
    page = c.get("/login")
    token = page.text.split('data-form="login"')[1].split('name="csrf_token" value="')[1].split('"')[0]
    return c.post("/login", data={"username": user, "password": password, "csrf_token": token, "next": next_},
                  headers=headers or {}, follow_redirects=False)


def test_by_default_the_dashboards_need_a_signed_in_user_once_users_exist(ws, people):
    c = client(ws)
    for url in ("/api/overview", "/api/regions/440100", "/api/tasks", "/api/documents"):
        r = c.get(url)
        assert (r.status_code, r.json()["code"]) == (401, "not-authenticated"), url
    r = c.get("/indicators/tech_transform?region=440100", headers=HTML, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=%2Findicators%2Ftech_transform%3Fregion%3D440100")
    # the sign-in page itself, its stylesheet and the API's description stay open
    assert c.get("/login").status_code == 200 and c.get("/static/app.css").status_code == 200
    assert c.get("/openapi.json").status_code == 200


def test_a_token_or_a_session_reads_them(ws, people):
    c = client(ws)
    token = ws.reporting.token("vic", actor=people["ada"], days=1)["token"]
    assert c.get("/api/overview", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert sign_in(c, "vic").status_code == 303
    page = c.get("/", headers=HTML)
    assert page.status_code == 200
    assert 'data-account="vic"' in page.text and 'data-grant="viewer@440100"' in page.text
    assert 'data-sign-out' in page.text and "data-sign-in" not in page.text


def test_public_dashboards_show_a_sign_in_link_that_comes_back(ws, people):
    ws.set_setting("dashboards_public", True)
    c = client(ws)
    page = c.get("/rankings?level=city", headers=HTML)
    assert page.status_code == 200
    assert 'href="/login?next=/rankings%3Flevel%3Dcity"' in page.text and 'data-account=""' in page.text
    # the reporting pages still need sign-in
    r = c.get("/reporting/imports", headers=HTML, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=%2Freporting%2Fimports")


def test_a_cached_page_does_not_carry_one_callers_name_to_another(ws, people):
    ws.set_setting("dashboards_public", True)
    app = create_app(ws)
    signed, anonymous = TestClient(app, base_url="http://127.0.0.1"), TestClient(app, base_url="http://127.0.0.1")
    sign_in(signed, "rui")
    assert 'data-account="rui"' in signed.get("/coverage", headers=HTML).text
    other = anonymous.get("/coverage", headers=HTML).text  # the same URL, from the page cache
    assert "rui" not in other and "data-sign-in" in other


def test_without_users_the_local_user_reads_everything_and_no_sign_in_is_offered(ws):
    page = client(ws).get("/", headers=HTML)
    assert page.status_code == 200
    assert 'data-who="local"' in page.text and "data-sign-in" not in page.text


@pytest.mark.parametrize("asked, lands", [
    ("/indicators/tech_transform?region=440100", "/indicators/tech_transform?region=440100"),
    ("/reporting/imports", "/reporting/imports"),
    ("//evil.example/x", "/"),            # another host: never
    ("https://evil.example/", "/"),
    ("/\\evil.example", "/"),             # browsers read /\ as //
    ("", "/"),
])
def test_signing_in_leads_back_to_the_page_asked_for_and_never_off_site(ws, people, asked, lands):
    r = sign_in(client(ws), next_=asked)
    assert (r.status_code, r.headers["location"]) == (303, lands)


def test_a_wrong_password_shows_the_form_again_with_the_reason_in_the_page_language(ws, people):
    c = client(ws)
    r = sign_in(c, password="wrong password!", headers=HTML | {"accept-language": "en"})
    assert r.status_code == 401 and r.headers["content-type"].startswith("text/html")
    assert 'data-error="bad-login"' in r.text and "用户名或密码错误" in r.text  # the site's default language: zh
    assert 'value="rita"' in r.text  # the name is kept, the password is not
    r = c.get("/login?lang=en")
    r = sign_in(c, password="wrong password!", headers=HTML)
    assert "wrong user name or password" in r.text
    # a script is answered the envelope, as before
    r = sign_in(c, password="wrong password!")
    assert (r.status_code, r.json()["code"]) == (401, "bad-login")


def test_the_reporting_pages_are_pages_of_the_site(ws, people):
    c = client(ws)
    sign_in(c, "rita")
    for url in ("/reporting/imports", "/reporting/history", "/login"):
        page = c.get(url, headers=HTML).text
        assert 'href="/static/app.css"' in page and 'data-lang-switch' in page and 'data-nav="tasks"' in page, url
        assert 'data-account="rita"' in page, url
