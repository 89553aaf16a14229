"""The administrator's pages at /admin/users in-process: who may see and post them, what each form
changes, and how a refusal is shown (in the page's language) or answered (the envelope for JSON)."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from luoshi.domain.roles import Actor
from luoshi.services import access
from luoshi.web import create_app
from luoshi.web.auth import SESSION_COOKIE
from luoshi.workspace import Workspace

from . import fixtures

PW = "correct horse battery"
HTML = {"accept": "text/html"}
UNIT = "gd-iit"  # a unit of the bundled list


@pytest.fixture
def ws(web_db, tmp_path):
    """A copy of the web workspace with ada (administrator of the province) and rita (reporter of Liwan)."""
    path = tmp_path / "ws.duckdb"
    shutil.copy(web_db, path)
    w = Workspace(path, today=fixtures.TODAY)
    w.reporting.add_user("ada", PW, actor=Actor.local(), admin=True)
    w.reporting.add_user("rita", PW, actor=Actor.local(), role="reporter", region="440103")
    yield w
    w.close()


def signed_in(ws, name: str) -> TestClient:
    """A client holding a session of ``name``; its CSRF token as ``c.csrf``."""
    s = access.login(ws.db, name, PW)
    c = TestClient(create_app(ws), base_url="http://127.0.0.1", raise_server_exceptions=False)
    c.cookies.set(SESSION_COOKIE, s["sid"])
    c.csrf = s["csrf"]
    c.sid = s["sid"]
    return c


def users(ws) -> dict:
    return {u["name"]: u for u in ws.reporting.user_overview(actor=Actor.local())}


POSTS = [("/admin/users", {"name": "newbie", "password": "long enough pw"}),
         ("/admin/users/rita/grants", {"role": "admin", "region": "440000"}),
         ("/admin/users/ada/grants/1/revoke", {}),
         ("/admin/users/rita/units", {"unit": UNIT}),
         ("/admin/users/rita/units/gd-iit/remove", {}),
         ("/admin/users/ada/password", {"password": "taken over now!"}),
         ("/admin/users/ada/disable", {}),
         ("/admin/users/ada/enable", {}),
         ("/admin/tokens/abc/revoke", {})]


def test_anonymous_is_not_signed_in(ws):
    c = TestClient(create_app(ws), raise_server_exceptions=False)
    r = c.get("/admin/users", headers=HTML, follow_redirects=False)  # a browser is sent to sign in first
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=%2Fadmin%2Fusers")
    assert c.get("/api/admin/users").json()["code"] == "not-authenticated"


def test_a_non_admin_is_refused_the_page_and_every_form(ws):
    before = users(ws)
    c = signed_in(ws, "rita")
    r = c.get("/admin/users", headers=HTML)
    assert r.status_code == 403 and 'data-error-code="not-permitted"' in r.text and "data-user-row" not in r.text
    assert (c.get("/api/admin/users").status_code, c.get("/api/admin/users").json()["code"]) == (403, "not-permitted")
    for url, form in POSTS:
        for headers in (HTML, {}):
            r = c.post(url, data=form | {"csrf_token": c.csrf}, headers=headers)
            assert (r.status_code, r.json()["code"]) == (403, "not-permitted"), url
    assert users(ws) == before
    assert access.login(ws.db, "ada", PW) is not None  # ada's password is unchanged


def test_a_form_without_the_csrf_token_is_refused(ws):
    c = signed_in(ws, "ada")
    r = c.post("/admin/users", data={"name": "newbie", "password": "long enough pw"}, headers=HTML)
    assert (r.status_code, r.json()["code"]) == (403, "csrf") and "newbie" not in users(ws)


def test_the_admin_creates_grants_and_manages_a_user_through_the_forms(ws):
    c = signed_in(ws, "ada")
    page = c.get("/admin/users?lang=en", headers=HTML)
    assert page.status_code == 200 and page.text.count("data-user-row=") == 2
    assert f'value="{c.csrf}"' in page.text  # every form carries the session's CSRF token

    def post(url, **form):
        r = c.post(url, data=form | {"csrf_token": c.csrf}, headers=HTML)
        assert r.status_code == 200 and "data-outcome" in r.text, (url, r.text[-600:])
        return r

    r = post("/admin/users", name="rui", display_name="Rui", password="long enough pw", role="reviewer",
             region="440100")
    assert "User rui created" in r.text and 'data-user-row="rui"' in r.text
    assert [(g["role"], g["region_code"]) for g in users(ws)["rui"]["grants"]] == [("reviewer", "440100")]
    post("/admin/users/rui/grants", role="reporter", region="440103", indicators="tech_transform, gdp_growth")
    grants = users(ws)["rui"]["grants"]
    assert [(g["role"], g["region_code"], g["indicators"]) for g in grants] == [
        ("reviewer", "440100", []), ("reporter", "440103", ["tech_transform", "gdp_growth"])]
    post(f"/admin/users/rui/grants/{grants[0]['gid']}/revoke")
    assert [g["role"] for g in users(ws)["rui"]["grants"]] == ["reporter"]
    post("/admin/users/rui/units", unit=UNIT)
    assert [m["unit_code"] for m in users(ws)["rui"]["units"]] == [UNIT]
    post(f"/admin/users/rui/units/{UNIT}/remove")
    assert users(ws)["rui"]["units"] == []
    post("/admin/users/rui/password", password="a new long password")
    assert access.login(ws.db, "rui", "a new long password") is not None
    token = ws.reporting.token("rui", actor=ws.reporting.actor("rui"))
    session = access.login(ws.db, "rui", "a new long password")
    r = post("/admin/users/rui/disable")
    assert 'data-user-row="rui" data-enabled="false"' in r.text
    assert access.session(ws.db, session["sid"]) is None and access.check_token(ws.db, token["token"]) is None
    post("/admin/users/rui/enable")
    assert users(ws)["rui"]["enabled"] is True
    second = ws.reporting.token("rui", actor=ws.reporting.actor("rui"))
    r = post(f"/admin/tokens/{second['token_id']}/revoke")
    assert access.check_token(ws.db, second["token"]) is None
    assert second["token"].split("_", 2)[2] not in r.text  # the page never shows a secret
    actions = [a["action"] for a in ws.db.all(
        "SELECT action FROM audit_log WHERE actor = 'ada' AND action <> 'login' ORDER BY seq")]
    assert actions == ["user-add", "grant", "grant", "revoke", "user-password", "user-disable", "user-enable",
                       "token-revoke"]  # unit memberships are the task desk's steps (task_events)
    assert [e["action"] for e in ws.db.all("SELECT action FROM task_events WHERE actor = 'ada' ORDER BY id")] == [
        "member-add", "member-remove"]


@pytest.mark.parametrize("lang, message", [("en", "passwords need at least 10 characters"),
                                           ("zh", "密码至少需要 10 个字符")])
def test_a_refusal_is_shown_on_the_page_in_its_language(ws, lang, message):
    c = signed_in(ws, "ada")
    c.cookies.set("lang", lang)
    r = c.post("/admin/users", data={"name": "shorty", "password": "short", "csrf_token": c.csrf}, headers=HTML)
    assert r.status_code == 400 and 'data-refused="weak-password"' in r.text and message in r.text
    assert "shorty" not in users(ws)


def test_the_last_admin_cannot_be_disabled_from_the_page(ws):
    c = signed_in(ws, "ada")
    r = c.post("/admin/users/ada/disable", data={"csrf_token": c.csrf}, headers=HTML)
    assert r.status_code == 409 and 'data-refused="last-admin"' in r.text
    r = c.post("/admin/users/ada/disable", data={"csrf_token": c.csrf})  # a script: the envelope
    assert (r.status_code, r.json()["code"]) == (409, "last-admin") and users(ws)["ada"]["enabled"] is True


def test_json_clients_get_results_and_the_list(ws):
    c = signed_in(ws, "ada")
    r = c.post("/admin/users/rita/units", data={"unit": UNIT, "csrf_token": c.csrf})
    assert r.json() == {"user": "rita", "unit": UNIT}
    r = c.post("/admin/users/nobody/units", data={"unit": UNIT, "csrf_token": c.csrf})
    assert (r.status_code, r.json()["code"]) == (404, "unknown-user")
    r = c.post("/admin/users/rita/units/gd-none/remove", data={"csrf_token": c.csrf})
    assert (r.status_code, r.json()["code"]) == (404, "not-a-member")
    listed = {u["name"]: u for u in c.get("/api/admin/users").json()}
    assert sorted(listed) == ["ada", "rita"]
    assert [(g["role"], g["region_code"]) for g in listed["rita"]["grants"]] == [("reporter", "440103")]
    assert [m["unit_code"] for m in listed["rita"]["units"]] == [UNIT]
    assert listed["ada"]["root_admin"] is True and listed["rita"]["root_admin"] is False
    assert "password_hash" not in listed["ada"] and "secret_hash" not in str(listed)


def test_without_users_the_local_page_makes_the_first_admin(web_db, tmp_path):
    path = tmp_path / "ws.duckdb"
    shutil.copy(web_db, path)
    w = Workspace(path, today=fixtures.TODAY)
    try:
        c = TestClient(create_app(w), raise_server_exceptions=False)
        page = c.get("/admin/users?lang=en", headers=HTML)
        assert page.status_code == 200 and "data-first-admin" in page.text
        r = c.post("/admin/users", data={"name": "bob", "password": "long enough pw"}, headers=HTML)
        assert r.status_code == 409 and 'data-refused="first-user-not-admin"' in r.text
        r = c.post("/admin/users", data={"name": "ada", "password": "long enough pw", "role": "admin"})
        assert r.json() == {"user": "ada", "created": True, "grant": 1, "role": "admin", "region": "440000"}
        r = c.get("/admin/users", headers=HTML, follow_redirects=False)  # a user exists: the local mode is over
        assert (r.status_code, r.headers["location"]) == (303, "/login?next=%2Fadmin%2Fusers")
    finally:
        w.close()
