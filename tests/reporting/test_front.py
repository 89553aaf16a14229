"""The front process of `luoshi serve` (web/front.py): a copy of a shared answer is given again only
while no commit came between, and for at most its TTL; anything else reaches the workspace's process
as the client sent it, with the client's real address; the front dies with that process; and when
that process does not answer the client gets the error envelope (503)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import psutil
import pytest
import uvicorn

from luoshi.web import front
from luoshi.web.front import CLIENT, SHARED, Front, Generation
from luoshi.workspace import Workspace
from tests.serving import serve

PASSWORD = "correct horse battery"


# --- the front against a small owner of its own: what it keeps, and what it passes on -----------------
class Owner:
    """An ASGI app on a Unix socket that counts the requests reaching it and says what it saw."""

    def __init__(self):
        self.seen: list[dict] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.seen.append({"path": scope["path"], "method": scope["method"], "headers": headers, "body": body})
        out = [(b"content-type", b"application/json")]
        if scope["path"].startswith("/shared"):
            out.append((SHARED.encode(), b"1"))
        if scope["path"] == "/shared-cookie":
            out.append((b"set-cookie", b"lang=en"))
        answer = json.dumps({"n": len(self.seen), "headers": headers, "body": body.decode()}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send({"type": "http.response.body", "body": answer})


@pytest.fixture
def owner():
    """The owner served by uvicorn on a Unix socket in a private folder; yields (app, socket path, generation)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "owner.sock")
        app = Owner()
        server = uvicorn.Server(uvicorn.Config(app, uds=path, lifespan="off", log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        yield app, path, Generation(os.path.join(folder, "generation"), create=True)
        server.should_exit = True
        thread.join(10)


def ask(app: Front, *requests: tuple) -> list[dict]:
    """Send the requests one after another through ``app``; each is (method, path, headers[, body])."""
    async def run():
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://luoshi.test") as client:
            out = []
            for method, path, headers, *body in requests:
                r = await client.request(method, path, headers=headers, content=body[0] if body else None)
                client.cookies.clear()  # each request as from a client of its own
                out.append({"status": r.status_code, "json": r.json(), "headers": r.headers})
            return out
    return asyncio.run(run())


def test_a_shared_answer_is_given_again_until_a_commit(owner):
    app, path, generation = owner
    f = Front(path, generation, ttl=60)
    a, b = ask(f, ("GET", "/shared", {}), ("GET", "/shared", {}))
    assert a["json"]["n"] == b["json"]["n"] == 1 and len(app.seen) == 1  # the second never reached the owner
    assert SHARED not in b["headers"]  # the mark stays between the two processes
    generation.bump()  # what the owner does on every commit, before it answers the write
    (c,) = ask(f, ("GET", "/shared", {}))
    assert c["json"]["n"] == 2


def test_a_copy_is_given_for_its_ttl_at_most(owner):
    app, path, generation = owner
    f = Front(path, generation, ttl=0.2)
    ask(f, ("GET", "/shared", {}))
    time.sleep(0.3)
    (again,) = ask(f, ("GET", "/shared", {}))
    assert again["json"]["n"] == 2


def test_what_is_not_marked_shared_or_sets_a_cookie_or_differs_in_a_header_is_never_given_from_a_copy(owner):
    app, path, generation = owner
    f = Front(path, generation, ttl=60)
    answers = ask(f, ("GET", "/private", {}), ("GET", "/private", {}),
                  ("GET", "/shared-cookie", {}), ("GET", "/shared-cookie", {}),
                  ("GET", "/shared", {"Authorization": "Bearer a"}), ("GET", "/shared", {"Authorization": "Bearer b"}),
                  ("GET", "/shared?x=1", {}), ("GET", "/shared?x=2", {}))
    assert [a["json"]["n"] for a in answers] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert answers[3]["headers"]["set-cookie"] == "lang=en"
    # a cookie the owner set goes to its client only, never with the requests of others
    assert not any("cookie" in seen["headers"] for seen in app.seen)


def test_a_post_reaches_the_owner_with_its_body_and_the_real_client(owner):
    app, path, generation = owner
    f = Front(path, generation, ttl=60)
    sent = {"Content-Type": "text/csv", CLIENT: "10.0.0.1:1", "x-luoshi-scheme": "https"}  # claimed by the client
    (a,) = ask(f, ("POST", "/shared", sent, b"indicator,region\n"))
    (b,) = ask(f, ("POST", "/shared", sent, b"indicator,region\n"))
    assert (a["json"]["n"], b["json"]["n"]) == (1, 2)  # a POST is never answered from a copy
    seen = app.seen[0]
    assert seen["body"] == b"indicator,region\n"
    assert seen["headers"][CLIENT] == "203.0.113.7:5555"  # what the front saw, not what the client claimed
    assert seen["headers"]["x-luoshi-scheme"] == "http"


def test_an_owner_that_does_not_answer_gives_the_error_envelope(tmp_path):
    f = Front(str(tmp_path / "nobody.sock"), Generation(tmp_path / "g", create=True))
    (a,) = ask(f, ("GET", "/api/overview", {}))
    assert a["status"] == 503 and a["json"]["code"] == "server-unavailable"
    assert a["json"]["message_zh"] and a["headers"]["retry-after"]


def test_from_front_takes_the_address_from_the_front_and_drops_its_headers():
    seen = {}

    async def app(scope, receive, send):
        seen.update(scope)

    scope = {"type": "http", "client": None, "server": ("/x/owner.sock", None), "scheme": "http",
             "headers": [(b"x-luoshi-client", b"192.0.2.1:4000"), (b"x-luoshi-server", b"127.0.0.1:8000"),
                         (b"x-luoshi-scheme", b"https"), (b"accept", b"*/*")]}
    asyncio.run(front.from_front(app)(scope, None, None))
    assert seen["client"] == ("192.0.2.1", 4000) and seen["server"] == ("127.0.0.1", 8000)
    assert seen["scheme"] == "https" and seen["headers"] == [(b"accept", b"*/*")]


# --- the real server ----------------------------------------------------------------------------------
def _token(ws_path: Path) -> str:
    """An administrator's token; the rollups use the latest value whatever its state (a reported one shows)."""
    ws = Workspace.open(ws_path, today=date(2025, 6, 30))
    try:
        ws.set_setting("value_basis", "latest")
        r = ws.reporting
        r.add_user("ada", PASSWORD, actor=r.actor(), role="admin", region="440000")
        return r.token("ada", actor=r.actor("ada"), days=1)["token"]
    finally:
        ws.close()


def _gdp(client: httpx.Client) -> float:
    rows = client.get("/api/regions/440103", params={"period": "2025Q1"}).json()["indicators"]
    return next(r["value"] for r in rows if r["code"] == "gdp")


def test_a_value_written_is_read_at_once_through_the_front(ws_path):
    """Each read comes right after the write it must show, well within a copy's TTL: a front that kept
    its copy across the commit would answer the value before."""
    token = _token(ws_path)
    with serve(ws_path, date(2025, 6, 30), "--cache-size", "0") as url, \
            httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        for value in (401.5, 402.25, 403.125):
            _gdp(client)  # a copy of the answer before the write
            answer = client.post("/api/imports", files={"file": ("q1.csv", f"indicator,region,period,value\n"
                                                                          f"gdp,440103,2025Q1,{value}\n")})
            assert answer.status_code == 200 and answer.json()["status"] == "committed", answer.text
            assert _gdp(client) == value


def test_the_front_dies_with_the_workspace_process(ws_path):
    with serve(ws_path, date(2025, 6, 30)) as url:
        port = int(url.rsplit(":", 1)[1])
        owner = next(p for p in psutil.process_iter(["cmdline"])
                     if "serve" in (p.info["cmdline"] or []) and str(ws_path) in (p.info["cmdline"] or []))
        deadline = time.monotonic() + 20  # the front may still be between fork and exec (the owner's cmdline)
        while True:
            children = owner.children()
            if len(children) == 1 and "luoshi.web.front" in " ".join(children[0].cmdline()) or \
                    time.monotonic() > deadline:
                break
            time.sleep(0.05)
        (child,) = children
        assert "luoshi.web.front" in " ".join(child.cmdline())
        assert httpx.get(url + "/api/overview", timeout=30).status_code == 200
        owner.send_signal(signal.SIGKILL)
        psutil.wait_procs([child], timeout=5)
        assert not child.is_running()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
