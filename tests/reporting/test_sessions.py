"""Sessions, CSRF and tokens (expiry, revocation); login limits: test_login_limits; serve's loopback rule:
test_serve_address."""

from __future__ import annotations


from fastapi.testclient import TestClient

from luoshi.services import access
from luoshi.web import create_app


def client(ws, base_url="http://127.0.0.1"):
    return TestClient(create_app(ws), base_url=base_url)


def login(c, user="rita", password="correct horse battery"):
    page = c.get("/login")  # the login form's token (the header's sign-out form carries the session's)
    token = page.text.split('data-form="login"')[1].split('name="csrf_token" value="')[1].split('"')[0]
    return c.post("/login", data={"username": user, "password": password, "csrf_token": token},
                  follow_redirects=False)


def test_login_sets_a_strict_httponly_cookie(ws, people):
    c = client(ws)
    r = login(c)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert c.get("/reporting/imports").status_code == 200


def test_secure_flag_when_not_loopback(ws, people):
    c = client(ws, base_url="https://luoshi.example")
    r = login(c)
    assert "secure" in r.headers["set-cookie"].lower()


def test_login_form_needs_csrf(ws, people):
    c = client(ws)
    r = c.post("/login", data={"username": "rita", "password": "correct horse battery", "csrf_token": "x"})
    assert r.status_code == 403


def test_forms_need_the_session_csrf_token(ws, people):
    c = client(ws)
    login(c)
    files = {"file": ("x.csv", b"indicator,region,period,value\ntech_transform,440103,2024-03,7\n")}
    assert c.post("/api/imports", files=files).status_code == 403
    page = c.get("/reporting/imports").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert c.post("/api/imports", files=files, data={"csrf_token": csrf}).status_code == 200
    assert c.post("/api/imports", files=files, headers={"X-CSRF-Token": csrf}).status_code == 200


def test_a_wrong_password_is_refused_and_the_right_one_then_accepted(ws, people):
    c = client(ws)
    assert login(c, password="wrong password!").status_code == 401
    assert login(c).status_code == 303  # the limits: test_login_limits


def test_logout_ends_the_session(ws, people):
    c = client(ws)
    login(c)
    page = c.get("/reporting/imports").text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    c.post("/logout", data={"csrf_token": csrf})
    assert c.get("/reporting/imports").status_code == 401


def test_token_expiry_and_revocation(ws, people):
    t = ws.reporting.token("rita", actor=people["ada"], days=1)
    h = {"Authorization": f"Bearer {t['token']}"}
    c = client(ws)
    assert c.get("/api/history", headers=h).status_code == 200
    assert ws.db.scalar("SELECT secret_hash FROM api_tokens") not in t["token"]  # hashed at rest
    with ws.db.write() as con:
        con.execute("UPDATE api_tokens SET expires_at = expires_at - INTERVAL 2 DAY")
    assert c.get("/api/history", headers=h).status_code == 401
    t2 = ws.reporting.token("rita", actor=people["rita"])
    h2 = {"Authorization": f"Bearer {t2['token']}"}
    assert c.get("/api/history", headers=h2).status_code == 200
    ws.reporting.revoke_token(t2["token_id"], actor=people["rita"])
    assert c.get("/api/history", headers=h2).status_code == 401
    assert c.get("/api/history", headers={"Authorization": "Bearer lsk_nope_nope"}).status_code == 401


def test_token_scope_narrows(ws, people):
    t = ws.reporting.token("rui", actor=people["ada"], role="reporter", region="440103")
    a = access.check_token(ws.db, t["token"])
    # Liwan's subtree: the county, its towns and their villages (their codes start with its own)
    liwan = {r["rid"] for r in ws.db.all("SELECT rid FROM regions WHERE starts_with(code, '440103')")}
    assert ws.region("440103")["rid"] in liwan and len(liwan) > 22
    assert a.rids("report") == liwan and not a.rids("approve")


def test_passwords_are_argon2id(ws, people):
    assert ws.db.scalar("SELECT password_hash FROM users WHERE name = 'rita'").startswith("$argon2id$")


def test_no_users_means_local_single_user(ws):
    assert ws.reporting.actor().superuser
    assert client(ws).get("/api/history").status_code == 200
