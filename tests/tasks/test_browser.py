"""The task list and the wall chart in a real browser (Debian's chromium via Playwright) against a
real `luoshi serve` over the synthetic demo task list.  Selectors are data-* attributes."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest

from luoshi.data.demo_tasks import build_task_demo
from luoshi.workspace import Workspace

from ..serving import chromium, serve

pytestmark = pytest.mark.browser
TODAY = date(2025, 9, 15)


@pytest.fixture(scope="module")
def server(base_file, tmp_path_factory):
    db = tmp_path_factory.mktemp("served") / "tasks.duckdb"
    shutil.copy(base_file, db)
    ws = Workspace.open(db, today=TODAY)
    build_task_demo(ws)
    ws.close()
    with serve(db, TODAY, "--cache-size", "0") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, server):
    pg = browser.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield pg
    pg.close()
    assert errors == []


def test_task_list_filters_by_light_and_unit(page, server):
    page.goto(f"{server}/tasks")
    rows = page.locator("[data-task-row]")
    total = rows.count()
    assert total == 100
    assert page.locator("[data-synthetic-banner]").count() == 1
    page.select_option("[data-filter='light']", "red")
    page.click("[data-apply]")
    page.wait_for_url(re.compile(r"light=red"))
    lights = page.locator("[data-task-row]").evaluate_all("rs => rs.map(r => r.dataset.rowLight)")
    assert lights and set(lights) == {"red"} and len(lights) < total
    page.select_option("[data-filter='light']", "")
    page.select_option("[data-filter='unit']", "gd-iit")
    page.click("[data-apply]")
    page.wait_for_url(re.compile(r"unit=gd-iit"))
    assert page.locator("[data-task-row]").count() >= page.locator("[data-row-unit='gd-iit']").count() > 0
    page.locator("[data-task-link]").first.click()
    page.wait_for_url(re.compile(r"/tasks/T-"))
    assert page.locator("[data-history] [data-event='create']").count() == 1


def test_wall_chart_shows_units_time_and_flags(page, server):
    page.goto(f"{server}/wallchart")
    chart = page.locator("[data-wallchart]")
    assert chart.get_attribute("data-from") == "2025-01-01" and chart.get_attribute("data-to") == "2025-12-31"
    assert page.locator("[data-month]").count() == 12
    units = page.locator("[data-unit-row]").evaluate_all("rs => rs.map(r => r.dataset.unitRow)")
    assert "gd-iit" in units and "gd-cpc-org" in units
    states = set(page.locator("[data-flag]").evaluate_all("fs => fs.map(f => f.dataset.flagState)"))
    assert {"done", "overdue"} <= states <= {"done", "due", "overdue", "upcoming"}
    # a bar runs from the task's start to its deadline; its deadline flag sits at the bar's right end
    lane = page.locator("[data-task-lane]").first
    bar = lane.locator("[data-task-bar]").bounding_box()
    flag = lane.locator("[data-flag='deadline']").bounding_box()
    assert bar["width"] > 0 and abs((flag["x"] + flag["width"] / 2) - (bar["x"] + bar["width"])) < 12
    assert page.locator("[data-today]").count() == page.locator("[data-task-lane]").count()
    page.select_option("[data-filter='unit']", "gd-iit")
    page.locator("form.controls button").click()
    page.wait_for_url(re.compile(r"unit=gd-iit"))
    assert page.locator("[data-unit-row]").count() >= 1
    page.goto(f"{server}/wallchart?lang=en")
    assert "Wall chart" in page.locator("h1").inner_text()
