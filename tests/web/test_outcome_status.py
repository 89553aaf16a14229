"""A target without an outcome says whether its outcome is not published yet (the year's outcomes are
public by the end of March of the next year: work report in January or February, statistical bulletin
by March) or was published long ago and is simply not recorded in luoshi."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from lxml import html

from luoshi.services.outcomes import outcome_status, published_by
from luoshi.web import create_app
from luoshi.workspace import Workspace


@pytest.mark.parametrize("year, today, expected", [
    (2024, date(2024, 12, 31), "not_published"),   # the year is not over
    (2024, date(2025, 3, 31), "not_published"),    # the statistical bulletin may come out until today
    (2024, date(2025, 4, 1), "not_recorded"),
    (2023, date(2025, 6, 30), "not_recorded"),
])
def test_the_status_of_a_missing_outcome(year, today, expected):
    assert published_by(year) == date(year + 1, 3, 31)
    assert outcome_status({"year": year, "outcome": None}, today) == expected
    assert outcome_status({"year": year, "outcome": 4.8}, today) == "recorded"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    from luoshi.data.bundle import load_bundled

    path = tmp_path_factory.mktemp("outcome-status") / "ws.duckdb"
    ws = Workspace.create(path, today=date(2025, 6, 30))
    load_bundled(ws)
    ws.close()
    return path


def test_the_outcomes_page_tells_the_two_apart(bundled):
    ws = Workspace.open(bundled, today=date(2025, 6, 30))
    try:
        with TestClient(create_app(ws), raise_server_exceptions=False) as c:
            data = c.get("/api/outcomes").json()
            page = html.fromstring(c.get("/outcomes?lang=zh", headers={"Accept": "text/html"}).text)
    finally:
        ws.close()
    missing = [r for r in data["rows"] if r["outcome"] is None]
    assert {r["outcome_status"] for r in missing if r["year"] <= 2024} == {"not_recorded"}
    assert {r["outcome_status"] for r in missing if r["year"] == 2025} == {"not_published"}
    assert data["summary"]["2024"]["not_recorded"] == sum(1 for r in missing if r["year"] == 2024) > 0
    # the page: a 2024 target without outcome reads "published, not recorded", a 2025 one "not yet published"
    cells = {(tr.get("data-row").split(":")[1], tr.xpath("./td[@data-outcome-status]")[0].text_content().strip())
             for tr in page.xpath("//tr[@data-outcome-status='not_recorded' or @data-outcome-status='not_published']")}
    assert {text for year, text in cells if year == "2024"} == {"已公布，未录入"}
    assert {text for year, text in cells if year == "2025"} == {"… 尚未公布"}
    assert "待公布" not in page.text_content()
