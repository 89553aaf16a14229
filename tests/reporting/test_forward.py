"""While `luoshi serve` holds a workspace, luoshi commands on the file run through the server
(cli/forward.py, web/local_cli.py): the same output and exit code as on a copy of the file without a
server, relative paths meaning the caller's directory, --password-env the caller's variable, and the
data changed in the server.  Commands that make or replace the file are refused (workspace-busy,
exit 4) saying that a server holds it; a stale serve file is ignored; the route refuses anyone
without the secret (local-cli-only, 403).  No traceback anywhere."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import httpx
import pytest

from luoshi.cli.forward import ROUTE, SECRET_HEADER, serve_file
from tests.serving import serve

LUOSHI = str(Path(sys.executable).with_name("luoshi"))
PASSWORD = "a long client-side passphrase"
OBSERVATION = "indicator,region,period,value\ngdp,440100,2025Q1,7532.5\n"  # Guangzhou's GDP, first quarter


def luoshi(db: Path, *args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command in a process of its own; ``env`` adds variables to this one's, or (None) removes them."""
    env = {k: v for k, v in {**os.environ, **(env or {})}.items() if v is not None}
    done = subprocess.run([LUOSHI, "--db", str(db), *args], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env=env)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def same(a: subprocess.CompletedProcess, b: subprocess.CompletedProcess) -> None:
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)


def rows(path: Path) -> list[dict]:
    """An export's rows without the time each revision was stored (the two files stored theirs apart)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k: v for k, v in r.items() if k != "reported_at"} for r in csv.DictReader(fh)]


@pytest.fixture
def copy(ws_path, tmp_path) -> Path:
    """The same workspace in another file, never served: what each command does without a server."""
    other = tmp_path / "copy" / "ws.duckdb"
    other.parent.mkdir()
    shutil.copy(ws_path, other)
    return other


def test_commands_on_a_served_workspace_run_in_the_server_as_they_would_without_it(ws_path, copy, tmp_path,
                                                                                  monkeypatch):
    elsewhere = tmp_path / "elsewhere"  # the caller's directory, not the server's
    (elsewhere / "data").mkdir(parents=True)
    (elsewhere / "data" / "obs.csv").write_text(OBSERVATION, encoding="utf-8")
    (elsewhere / "out").mkdir()
    # the server's own environment has other values: a command must see its caller's, never these
    monkeypatch.setenv("PW_CLIENT", "the server's own value")
    monkeypatch.setenv("LUOSHI_USER", "ada")
    with serve(ws_path, date.today()) as url:  # today as the commands on the copy see it
        monkeypatch.delenv("PW_CLIENT")
        monkeypatch.delenv("LUOSHI_USER")
        assert stat.S_IMODE(serve_file(str(ws_path)).stat().st_mode) == 0o600

        for args in (["status"], ["status", "--json"], ["indicators"], ["settings", "--json"]):
            same(luoshi(ws_path, *args), luoshi(copy, *args))
        assert json.loads(luoshi(ws_path, "status", "--json").stdout)["plan"] == "gd-1310"

        # a file named relative to the caller's directory
        served = luoshi(ws_path, "import", "observations", "data/obs.csv", "--json", cwd=elsewhere)
        alone = luoshi(copy, "import", "observations", "data/obs.csv", "--json", cwd=elsewhere)
        assert served.returncode == alone.returncode == 0, served.stderr
        volatile = ("import_id", "rollup_seconds")
        report = {k: v for k, v in json.loads(served.stdout).items() if k not in volatile}
        assert report == {k: v for k, v in json.loads(alone.stdout).items() if k not in volatile}
        assert (report["status"], report["added"], report["file"]) == ("committed", 1, "obs.csv")
        series = httpx.get(f"{url}/api/indicators/gdp/series", params={"region": "440100"}).text
        assert "7532.5" in series  # the server's own pages see the value at once

        # an output named relative to the caller's directory
        served = luoshi(ws_path, "export", "observations", "-o", "out/served.csv", cwd=elsewhere)
        alone = luoshi(copy, "export", "observations", "-o", "out/alone.csv", cwd=elsewhere)
        assert served.returncode == alone.returncode == 0, served.stderr
        assert not (Path.cwd() / "out" / "served.csv").exists()
        assert rows(elsewhere / "out" / "served.csv") == rows(elsewhere / "out" / "alone.csv")
        assert {"indicator": "gdp", "region": "440100", "period": "2025Q1", "value": "7532.5"}.items() <= \
            [r for r in rows(elsewhere / "out" / "served.csv") if r["indicator"] == "gdp"
             and r["region"] == "440100" and r["period"] == "2025Q1"][0].items()

        # an error inside the command: the same message and exit code
        args = ["rank", "gdp_growth", "--period", "2025", "--within", "999999"]
        served, alone = luoshi(ws_path, *args), luoshi(copy, *args)
        same(served, alone)
        assert served.returncode == 2 and "unknown-region" in served.stderr

        # the password from the caller's environment
        added = luoshi(ws_path, "user", "add", "ada", "--admin", "--password-env", "PW_CLIENT",
                       env={"PW_CLIENT": PASSWORD})
        assert added.returncode == 0, added.stderr
        unset = luoshi(ws_path, "user", "add", "bea", "--password-env", "PW_CLIENT", "--as", "ada")
        assert unset.returncode == 2 and "missing-value" in unset.stderr and "PW_CLIENT" in unset.stderr
        # who acts: the caller's LUOSHI_USER, never the server's
        listed = luoshi(ws_path, "user", "list", "--json", env={"LUOSHI_USER": "ada"})
        assert [u["name"] for u in json.loads(listed.stdout)] == ["ada"]
        nobody = luoshi(ws_path, "user", "list")
        assert nobody.returncode == 2 and "no-user" in nobody.stderr
        with httpx.Client(base_url=url) as web:  # ada signs in on the server with the caller's password
            page = web.get("/login").text
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            login = web.post("/login", data={"username": "ada", "password": PASSWORD, "csrf_token": token,
                                             "next": "/"})
            assert login.status_code == 303, login.text[:300]

        # a command that needs the file to itself: refused, saying a server holds it and must stop
        demo = luoshi(ws_path, "demo")
        assert demo.returncode == 4 and "workspace-busy" in demo.stderr
        assert url in demo.stderr and "stop the server" in demo.stderr
        assert luoshi(ws_path, "user", "list", "--as", "ada").returncode == 0  # and the file is as it was
    assert not serve_file(str(ws_path)).exists()  # removed when the server stopped


def test_the_route_runs_a_command_only_for_the_secret_from_this_machine(ws_path):
    with serve(ws_path, date.today()) as url:
        secret = json.loads(serve_file(str(ws_path)).read_text())["secret"]
        body = {"argv": ["--db", str(ws_path), "status", "--json"], "cwd": str(ws_path.parent), "env": {}}
        for headers in ({}, {SECRET_HEADER: "not-the-secret"}, {SECRET_HEADER: secret + "x"}):
            r = httpx.post(url + ROUTE, json=body, headers=headers)
            assert r.status_code == 403 and r.json()["code"] == "local-cli-only", r.text
        r = httpx.post(url + ROUTE, json=body, headers={SECRET_HEADER: secret})
        assert r.status_code == 200 and r.json()["exit_code"] == 0
        assert json.loads(r.json()["stdout"])["plan"] == "gd-1310"
        # sent straight to the route, a command that makes or replaces the file is refused there too
        for argv in (["demo"], ["--db", str(ws_path), "init"], ["serve", "--port", "0"]):
            r = httpx.post(url + ROUTE, json={**body, "argv": argv}, headers={SECRET_HEADER: secret})
            assert r.json()["exit_code"] == 4 and "workspace-busy" in r.json()["stderr"], (argv, r.json())
        r = httpx.post(url + ROUTE, json={**body, "cwd": "relative/dir"}, headers={SECRET_HEADER: secret})
        assert r.status_code == 400 and r.json()["code"] == "bad-query"


def test_commands_sent_at_once_each_get_their_own_output(ws_path, copy):
    """Commands run one at a time, each printing into its own capture, while the pages keep answering."""
    from concurrent.futures import ThreadPoolExecutor

    commands = [["status", "--json"], ["indicators", "--json"], ["settings", "--json"]] * 3
    expected = {tuple(c): luoshi(copy, *c).stdout for c in commands[:3]}
    with serve(ws_path, date.today()) as url, ThreadPoolExecutor(len(commands) + 1) as pool:
        sent = [pool.submit(luoshi, ws_path, *c) for c in commands]
        pages = pool.submit(lambda: [httpx.get(f"{url}/api/overview", timeout=60).status_code for _ in range(5)])
        for c, done in zip(commands, sent):
            assert done.result().returncode == 0 and done.result().stdout == expected[tuple(c)], c
        assert pages.result() == [200] * 5


HOLD = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(60)"


def test_a_stale_serve_file_is_ignored(ws_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = {"pid": int(gone.stdout), "url": "http://127.0.0.1:9", "secret": "s", "path": os.path.realpath(ws_path)}
    target = serve_file(str(ws_path))
    target.write_text(json.dumps(stale))
    target.chmod(0o600)
    ok = luoshi(ws_path, "status", "--json")  # nobody holds the file: the command runs here
    assert ok.returncode == 0 and json.loads(ok.stdout)["plan"] == "gd-1310"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(ws_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        for args in (["status"], ["demo"]):  # held by another program: refused as before, no server named
            busy = luoshi(ws_path, *args)
            assert busy.returncode == 4 and "workspace-busy" in busy.stderr, busy.stderr
            assert f"PID {holder.pid}" in busy.stderr and "luoshi serve" not in busy.stderr
    finally:
        holder.kill()
        holder.wait()


def test_a_serve_file_others_could_write_is_not_trusted(ws_path):
    """A serve file readable (or planted) by others could send the command and its secrets anywhere."""
    from luoshi.cli.forward import live

    with serve(ws_path, date.today()):
        target = serve_file(str(ws_path))
        assert live(str(ws_path)) is not None
        target.chmod(0o644)
        assert live(str(ws_path)) is None
        busy = luoshi(ws_path, "status")
        assert busy.returncode == 4 and "workspace-busy" in busy.stderr
        target.chmod(0o600)
        assert luoshi(ws_path, "status").returncode == 0


def test_the_serve_file_names_a_loopback_address_for_a_wildcard_bind():
    from luoshi.cli.forward import loopback_url

    assert loopback_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert loopback_url("::", 8000) == "http://[::1]:8000"
    assert loopback_url("127.0.0.1", 8001) == "http://127.0.0.1:8001"
    assert re.fullmatch(r"http://\[::1\]:1", loopback_url("::1", 1))


def test_the_right_secret_from_another_machine_is_refused(ws):
    from fastapi.testclient import TestClient

    from luoshi.web import create_app

    app = create_app(ws)
    app.state.cli_secret = "the secret"
    body = {"argv": ["status"], "cwd": "/"}
    with TestClient(app, client=("203.0.113.5", 40000)) as far:  # a documentation address: not this machine
        r = far.post(ROUTE, json=body, headers={SECRET_HEADER: "the secret"})
        assert r.status_code == 403 and r.json()["code"] == "local-cli-only"
    with TestClient(app, client=("127.0.0.1", 40000)) as near:  # a malformed body is read only after the secret
        r = near.post(ROUTE, json={"argv": "status"}, headers={SECRET_HEADER: "the secret"})
        assert r.status_code == 400 and r.json()["code"] == "bad-query"
        r = near.post(ROUTE, content=b"{", headers={SECRET_HEADER: "wrong", "content-type": "application/json"})
        assert r.status_code == 403
