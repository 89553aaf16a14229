"""Fixtures for the web tests: one workspace built once; an in-process client; a real server."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient

from luoshi.web import create_app
from luoshi.workspace import Workspace

from . import fixtures


@pytest.fixture(scope="session")
def web_db(tmp_path_factory):
    return fixtures.build(tmp_path_factory.mktemp("web") / "web.duckdb")


@pytest.fixture(scope="session")
def ws(web_db):
    w = Workspace(web_db, today=fixtures.TODAY)
    yield w
    w.close()


@pytest.fixture(scope="session")
def client(ws):
    with TestClient(create_app(ws), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def server(web_db, tmp_path_factory):
    """`luoshi serve` in a subprocess on a free port, over a copy of the fixture workspace."""
    copy = tmp_path_factory.mktemp("served") / "served.duckdb"
    shutil.copy(web_db, copy)
    proc = subprocess.Popen([sys.executable, "-m", "luoshi.cli.main", "serve", "--db", str(copy), "--port", "0",
                             "--today", fixtures.TODAY.isoformat()],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline, url = time.monotonic() + 60, None
    while time.monotonic() < deadline and url is None:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        url = m.group(1) if m else None
    if url is None:
        proc.kill()
        raise RuntimeError(f"luoshi serve did not start: {proc.stderr.read()}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
