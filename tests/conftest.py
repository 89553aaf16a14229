"""Shared fixtures: an empty migrated workspace (copied from one made per session, since building
the period dimension takes a second) and the small hand-checkable hierarchy used by the tests."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from luoshi.workspace import Workspace

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def _template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    Workspace(path).close()
    return path


@pytest.fixture
def empty_ws(_template, tmp_path):
    path = tmp_path / "ws.duckdb"
    shutil.copy(_template, path)
    ws = Workspace(path, today=date(2026, 11, 20))
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def _bundled_template(tmp_path_factory, _template) -> Path:
    from luoshi.data.bundle import load_bundled

    path = tmp_path_factory.mktemp("bundled") / "bundled.duckdb"
    shutil.copy(_template, path)
    ws = Workspace(path, today=date(2026, 11, 20))
    load_bundled(ws)
    ws.close()
    return path


@pytest.fixture
def bundled_ws(_bundled_template, tmp_path):
    path = tmp_path / "ws.duckdb"
    shutil.copy(_bundled_template, path)
    ws = Workspace(path, today=date(2026, 11, 20))
    yield ws
    ws.close()


@pytest.fixture
def tiny_ws(empty_ws):
    """Province P (900000) > cities C1 (900100), C2 (900200) > counties K11, K12 under C1, K21 under C2."""
    ws = empty_ws
    ws.load_regions(DATA / "foundation" / "tiny_regions.csv")
    ws.load_plans(DATA / "foundation" / "tiny_plan.yaml")
    ws.load_indicators(DATA / "foundation" / "tiny_indicators.yaml")
    # the hand-made values jump from month to month and do not add up to reported parents on
    # purpose: the import's plausibility checks (tested on their own in tests/reporting) are off
    for name in ("jump_ratio", "jump_points", "children_tolerance"):
        ws.set_setting(name, "1e12")
    return ws
