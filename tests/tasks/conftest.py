"""Fixtures for the task tests: a bundled workspace built once, copied per test, with a fixed today."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from luoshi.data.bundle import load_bundled, path
from luoshi.domain.roles import Actor
from luoshi.domain.tasks import Milestone
from luoshi.services.taskdesk import TaskDesk
from luoshi.services.units import load_units
from luoshi.workspace import Workspace

TODAY = date(2024, 6, 30)
IIT, EDU, OFFICE = "gd-iit", "gd-edu", "gd-gov-office"


@pytest.fixture(scope="session")
def base_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("base") / "base.duckdb"
    ws = Workspace.create(p)
    load_bundled(ws)
    load_units(ws.db, path("units.csv"))
    ws.close()
    return p


@pytest.fixture
def ws(base_file, tmp_path):
    p = tmp_path / "ws.duckdb"
    shutil.copy(base_file, p)
    w = Workspace.open(p, today=TODAY)
    yield w
    w.close()


@pytest.fixture
def desk(ws):
    return TaskDesk(ws)


def task(id_="T-1", *, lead=IIT, co=(EDU,), start=date(2024, 1, 1), deadline=date(2024, 12, 31), milestones=(),
         node="B2", supervisor=OFFICE) -> dict:
    return {"id": id_, "plan_id": "gd-1310", "node_code": node, "title_zh": f"测试任务 {id_}", "content": "测试内容",
            "lead_unit": lead, "co_units": list(co), "supervisor_unit": supervisor, "start_date": start,
            "deadline": deadline, "milestones": list(milestones), "region_code": "440000"}


def ms(seq, due, share, title=None, done_on=None) -> Milestone:
    return Milestone(seq, title or f"节点{seq}", due, share, done_on)


def lead_of(unit=IIT) -> Actor:
    return Actor(f"reporter-{unit}", unit=unit)


SUPERVISOR = Actor("督查室-张", unit=OFFICE)
