"""A bundled workspace built once per session and copied for each test (fixed 'today')."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from luoshi.workspace import Workspace

TODAY = date(2025, 6, 30)
BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


@pytest.fixture(scope="session")
def base_db(tmp_path_factory) -> Path:
    from luoshi.data.bundle import load_bundled

    path = tmp_path_factory.mktemp("base") / "base.duckdb"
    ws = Workspace.create(path, today=TODAY)
    load_bundled(ws)
    ws.db.con.execute("CHECKPOINT")
    ws.close()
    return path


@pytest.fixture
def ws_path(base_db, tmp_path) -> Path:
    p = tmp_path / "ws.duckdb"
    shutil.copy(base_db, p)
    return p


@pytest.fixture
def ws(ws_path):
    w = Workspace.open(ws_path, today=TODAY)
    yield w
    w.close()


@pytest.fixture
def people(ws):
    """admin@province, reviewer@Guangzhou, reporter@Liwan, viewer@Guangzhou, reporter@Shenzhen."""
    r = ws.reporting
    local = r.actor()
    for name, role, region in (("ada", "admin", "440000"), ("rui", "reviewer", "440100"),
                               ("rita", "reporter", "440103"), ("vic", "viewer", "440100"),
                               ("sam", "reporter", "440300")):
        r.add_user(name, "correct horse battery", actor=local, role=role, region=region)
    return {n: r.actor(n) for n in ("ada", "rui", "rita", "vic", "sam")}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
