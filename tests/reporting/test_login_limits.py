"""Login limits that slow a guesser without locking the owner out, one Argon2 verification per
login whoever the user, and forwarded addresses believed only from configured proxies (issue 17,
items 5 and 6).  Time is a fake clock (access.now), so no test sleeps or measures time; the
timing figures are in bench/login_timing.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from luoshi.domain.problems import InputError
from luoshi.services import access
from luoshi.web import create_app

RIGHT, WRONG = "correct horse battery", "wrong password!"
A, B = "192.0.2.1", "198.51.100.2"  # documentation addresses (RFC 5737)
TODAY = date(2025, 6, 30)  # the fixture workspace's (conftest)


@pytest.fixture
def clock(monkeypatch):
    """access.now, moved on by hand: clock.advance(seconds)."""
    class Clock:
        t = access.now()

        def advance(self, seconds):
            self.t += timedelta(seconds=seconds)
    c = Clock()
    monkeypatch.setattr(access, "now", lambda: c.t)
    return c


def client(ws, address=A):
    return TestClient(create_app(ws), base_url="http://127.0.0.1", client=(address, 50000))


def login(c, user="rita", password=RIGHT, headers=None):
    page = c.get("/login")  # the login form's token (the header's sign-out form carries the session's)
    token = page.text.split('data-form="login"')[1].split('name="csrf_token" value="')[1].split('"')[0]
    return c.post("/login", data={"username": user, "password": password, "csrf_token": token},
                  headers=headers or {}, follow_redirects=False)


# --- item 6: slow the guesser, never lock the owner out -------------------------------------------------
def test_failures_from_one_address_do_not_stop_the_owner_at_another(ws, people, clock):
    attacker = client(ws, A)
    for _ in range(6):
        assert login(attacker, password=WRONG).status_code == 401
        clock.advance(access.PAIR_MAX_WAIT)  # the guesser waits out every delay: 6 failures stand
    assert login(client(ws, B)).status_code == 303  # the owner, elsewhere, at once
    # nor does it stop another user at the attacker's address
    assert login(client(ws, A), user="rui").status_code == 303


def test_the_guesser_waits_longer_after_each_failure(ws, people, clock):
    c = client(ws, A)
    for _ in range(access.PAIR_FREE_FAILURES):  # 3 free
        assert login(c, password=WRONG).status_code == 401
    r = login(c, password=WRONG)
    assert r.status_code == 429 and r.json()["code"] == "rate-limited"
    assert r.headers["retry-after"] == "2"  # 2 s after the 3rd failure
    assert "2 seconds" in r.json()["message"]
    assert login(c).status_code == 429  # the right password waits too: the pair is slowed, not told
    clock.advance(2)
    assert login(c, password=WRONG).status_code == 401  # the 4th failure: now 4 s
    clock.advance(3)
    r = login(c, password=WRONG)
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    clock.advance(1)
    assert login(c).status_code == 303  # the owner gets in after the wait: never locked out


def test_waits_double_up_to_the_cap():
    assert [access.pair_wait(n) for n in range(9)] == [0, 0, 0, 2, 4, 8, 16, 32, 64]
    assert access.pair_wait(20) == access.PAIR_MAX_WAIT == 300


def test_a_success_clears_the_pair_and_old_failures_are_forgotten(ws, people, clock):
    c = client(ws, A)
    for _ in range(3):
        login(c, password=WRONG)
    clock.advance(2)
    assert login(c).status_code == 303
    assert login(c, password=WRONG).status_code == 401  # counting starts again after the success
    assert login(c, password=WRONG).status_code == 401
    for _ in range(2):
        login(c, user="rui", password=WRONG)
    clock.advance(access.RATE_WINDOW.total_seconds())
    assert access.login_wait(ws.db, "rui", A) == 0 and access.login_wait(ws.db, "rita", A) == 0


def test_one_address_is_capped_over_every_name(ws, people, clock, monkeypatch):
    monkeypatch.setattr(access, "ADDRESS_MAX_FAILURES", 4)  # 100 in use; 4 keeps the test short
    c = client(ws, A)
    for name in ["u1", "u2", "u3", "u4"]:  # one failure per name: no pair waits
        assert login(c, user=name, password=WRONG).status_code == 401
        clock.advance(10)
    r = login(c, user="sam")
    assert r.status_code == 429
    # the oldest of the 4 failures (40 s ago) leaves the 15-minute window in 900 - 40 s
    assert r.headers["retry-after"] == str(900 - 40)
    assert login(client(ws, B), user="sam").status_code == 303  # other addresses are not capped


def test_an_unknown_name_is_slowed_like_a_known_one(ws, people, clock):
    """The limits key on the name as typed, so a 429 does not tell whether a user exists."""
    for name in ("rita", "nobody"):
        c = client(ws, A)
        codes = [login(c, user=name, password=WRONG).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429], name


# --- item 5: the same work whether or not the user exists ---------------------------------------------
class CountingHasher(PasswordHasher):
    calls = 0

    def verify(self, hash, password):
        type(self).calls += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch):
    h = CountingHasher()
    CountingHasher.calls = 0
    monkeypatch.setattr(access, "HASHER", h)
    return h


@pytest.mark.parametrize("user,password,ok", [
    ("rita", RIGHT, True), ("rita", WRONG, False), ("nobody", WRONG, False), ("nobody", RIGHT, False),
    ("disabled", RIGHT, False), ("nopassword", RIGHT, False), ("", RIGHT, False)])
def test_every_login_verifies_one_hash(ws, people, hasher, clock, user, password, ok):
    with ws.db.write() as con:
        con.execute("INSERT INTO users VALUES ('disabled', NULL, ?, ?, true)", [access.HASHER.hash(RIGHT), clock.t])
        con.execute("INSERT INTO users VALUES ('nopassword', NULL, NULL, ?, false)", [clock.t])
    access._dummy_hash()  # made once per process (it is a hash, not a verification)
    CountingHasher.calls = 0
    result = access.login(ws.db, user, password, A)
    assert (result is not None) == ok
    assert CountingHasher.calls == 1


def test_a_slowed_login_verifies_nothing(ws, people, hasher, clock):
    for _ in range(3):
        access.login(ws.db, "nobody", WRONG, A)
    CountingHasher.calls = 0
    with pytest.raises(access.Refusal):
        access.login(ws.db, "nobody", WRONG, A)
    assert CountingHasher.calls == 0


# --- forwarded addresses: only from configured proxies -------------------------------------------------
def test_x_forwarded_for_from_an_unconfigured_peer_is_ignored(ws, people, clock):
    c = client(ws, A)  # a client at A claiming to be a fresh address each time
    codes = [login(c, password=WRONG, headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
             for i in range(4)]
    assert codes == [401, 401, 401, 429]  # all counted against A
    assert ws.db.scalar("SELECT count(*) FROM login_attempts WHERE who LIKE '%203.0.113.%'") == 0


def test_loopback_is_not_a_proxy_unless_configured(ws, people, clock):
    c = client(ws, "127.0.0.1")
    codes = [login(c, password=WRONG, headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
             for i in range(4)]
    assert codes == [401, 401, 401, 429]


def test_x_forwarded_for_from_a_configured_proxy_names_the_client(ws, people, clock):
    ws.set_setting("trusted_proxies", "10.0.0.0/8, 192.0.2.1")
    proxy = client(ws, A)
    for i in range(4):  # four clients behind the proxy, one failure each: nobody waits
        assert login(proxy, password=WRONG, headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code == 401
    keys = {r["who"] for r in ws.db.all("SELECT who FROM login_attempts")}
    assert keys == {f"pair:203.0.113.{i} rita" for i in range(4)} | {f"ip:203.0.113.{i}" for i in range(4)}
    for _ in range(2):  # one client behind the proxy is slowed like any other
        login(proxy, password=WRONG, headers={"X-Forwarded-For": "203.0.113.0"})
    assert login(proxy, headers={"X-Forwarded-For": "203.0.113.0"}).status_code == 429
    assert login(proxy, headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 303
    # a chain: the client is the last address not itself a trusted proxy
    inner = client(ws, "10.1.2.3")
    assert login(inner, password=WRONG, headers={"X-Forwarded-For": "203.0.113.50, 10.9.9.9"}).status_code == 401
    assert ws.db.scalar("SELECT count(*) FROM login_attempts WHERE who = 'ip:203.0.113.50'") == 1


def test_x_forwarded_proto_from_a_configured_proxy_means_tls(ws, people):
    https = {"X-Forwarded-Proto": "https"}
    assert "strict-transport-security" not in client(ws, A).get("/login", headers=https).headers
    ws.set_setting("trusted_proxies", A)
    r = client(ws, A).get("/login", headers=https)
    assert r.headers["strict-transport-security"] == "max-age=31536000"
    assert "secure" in r.headers["set-cookie"].lower()


@pytest.mark.parametrize("value", ["localhost", "10.0.0.0/33", "192.0.2.1;10.0.0.1", "*"])
def test_trusted_proxies_must_be_addresses_or_networks(ws, value):
    with pytest.raises(InputError) as e:
        ws.set_setting("trusted_proxies", value)
    assert e.value.code == "bad-setting"
    assert ws.setting("trusted_proxies") == ""


def test_a_real_server_ignores_x_forwarded_for_from_loopback(ws_path):
    """`luoshi serve` itself: uvicorn's own proxy handling (which believed any loopback peer) is off."""
    import httpx

    from luoshi.workspace import Workspace
    from tests.serving import serve
    w = Workspace.open(ws_path, today=TODAY)
    w.reporting.add_user("rita", RIGHT, actor=w.reporting.actor(), admin=True)
    w.close()
    with serve(ws_path, TODAY) as url, httpx.Client(base_url=url) as c:
        codes = [login(c, password=WRONG, headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                 for i in range(4)]
    assert codes == [401, 401, 401, 429]
