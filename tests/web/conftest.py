"""Fixtures for the web tests: one workspace built once; an in-process client; a real server."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from luoshi.web import create_app
from luoshi.workspace import Workspace

from ..serving import serve
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
    with serve(copy, fixtures.TODAY) as url:
        yield url
