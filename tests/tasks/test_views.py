"""Scorecards, ranking, the double-half check, the digest and the project rollups, hand-computed."""

from datetime import date

import pytest

from luoshi.domain.problems import Refusal
from luoshi.domain.roles import Actor
from luoshi.services import digest as render
from tests.tasks.conftest import EDU, IIT, OFFICE, lead_of, ms, task


def test_on_time_reporting_rate_and_rank(desk):
    desk.add_tasks([task("T-1", start=date(2024, 1, 10)), task("T-2", lead=EDU, co=(), start=date(2024, 1, 10))])
    # at 10 April the reports for January, February and March are due (5 Feb, 5 Mar, 5 Apr)
    desk.report("T-1", lead_of(IIT), percent=5, on=date(2024, 2, 3), period="2024-01")   # on time
    desk.report("T-1", lead_of(IIT), percent=10, on=date(2024, 3, 7), period="2024-02")  # late
    # March: missing
    for m, on in (("2024-01", date(2024, 2, 5)), ("2024-02", date(2024, 3, 5)), ("2024-03", date(2024, 4, 1))):
        desk.report("T-2", lead_of(EDU), percent=30, on=on, period=m)
    card = desk.scorecard(IIT, at=date(2024, 4, 10))
    assert card["reporting"] == {"due": 3, "on_time": 1, "late": 1, "missing": 1, "rate": 33.33}
    assert (card["rank"], card["of"]) == (2, 2)
    assert [t["id"] for t in card["lead_tasks"]] == ["T-1"] and card["co_tasks"] == []
    assert desk.scorecard(EDU, at=date(2024, 4, 10))["reporting"]["rate"] == 100.0
    assert [t["id"] for t in desk.scorecard(EDU, at=date(2024, 4, 10))["co_tasks"]] == ["T-1"]
    with pytest.raises(Refusal) as exc:
        desk.scorecard("nobody")
    assert (exc.value.code, exc.value.status) == ("unknown-unit", 404)


def test_scorecard_of_a_unit_leading_no_task(desk):
    """A unit that leads nothing has no report due and no rank (its page once failed on the missing rate)."""
    desk.add_tasks([task("T-1", start=date(2024, 1, 10))])
    card = desk.scorecard(OFFICE, at=date(2024, 4, 10))
    assert card["reporting"] == {"due": 0, "on_time": 0, "late": 0, "missing": 0, "rate": None}
    assert (card["rank"], card["of"], card["lead_tasks"]) == (None, 1, [])


def test_double_half(desk):
    y = dict(start=date(2024, 1, 1), deadline=date(2024, 12, 31))
    desk.add_tasks([task("T-1", **y), task("T-2", lead=EDU, node="B3", **y), task("T-3", node="B2", **y),
                    task("T-4", node="B3", start=date(2024, 7, 1), deadline=date(2024, 12, 31)),
                    task("T-5", node="B2", start=date(2024, 1, 1), deadline=date(2024, 5, 31))])
    desk.report("T-1", lead_of(IIT), percent=55, on=date(2024, 6, 3), period="2024-05")  # 182/366 = 49.7: on pace
    desk.report("T-2", lead_of(EDU), percent=30, on=date(2024, 6, 3), period="2024-05")  # 19.7 behind: yellow
    desk.report("T-3", lead_of(IIT), percent=10, on=date(2024, 6, 3), period="2024-05")  # 39.7 behind: red
    desk.report("T-5", lead_of(IIT), percent=100, on=date(2024, 5, 20), period="2024-05")
    dh = desk.doublehalf(date(2024, 6, 30))
    assert dh["total"] == 4  # T-4 starts after the check
    assert dh["totals"] == {"ahead": 0, "on_pace": 1, "behind": 2, "done": 1, "done_early": 0, "overdue": 0}
    assert dh["half_done"] == 2
    assert [b["id"] for b in dh["behind"]] == ["T-3", "T-2"]
    by_b = {r["key"]: r for r in dh["by_breakthrough"]}
    assert (by_b["B2"]["total"], by_b["B2"]["behind"], by_b["B3"]["behind"]) == (3, 1, 1)
    by_u = {r["key"]: r for r in dh["by_unit"]}
    assert (by_u[IIT]["total"], by_u[EDU]["total"]) == (3, 1)
    assert dh["by_region"][0]["key"] == "440000"


def test_digest(desk, tmp_path):
    desk.add_tasks([task("T-1", deadline=date(2024, 6, 28)), task("T-2", deadline=date(2024, 7, 3)),
                    task("T-3", lead=EDU, co=(IIT,), deadline=date(2024, 12, 31)),
                    task("T-4", deadline=date(2024, 12, 31)),
                    task("T-5", start=date(2024, 5, 1), deadline=date(2024, 8, 30))])
    desk.report("T-5", lead_of(), percent=20, on=date(2024, 5, 31), period="2024-05")
    desk.report("T-2", lead_of(), percent=99, on=date(2024, 6, 3), period="2024-05")
    desk.report("T-3", lead_of(EDU), percent=60, on=date(2024, 5, 3), period="2024-04")
    desk.report("T-3", lead_of(EDU), percent=100, on=date(2024, 6, 20), period="2024-06")
    desk.report("T-4", lead_of(), percent=45, on=date(2024, 6, 1), period="2024-05")
    d = desk.digest(since=date(2024, 6, 1), at=date(2024, 7, 1))
    assert [r["id"] for r in d["overdue"]] == ["T-1"]
    assert [r["id"] for r in d["due_soon"]] == ["T-2"]
    assert [r["id"] for r in d["newly_done"]] == ["T-3"]
    # T-1 was already behind on 1 June.  T-4: 153/366 = 41.8 % expected on 1 June, 183/366 = 50 % on
    # 1 July: on pace at 45 % both times.  T-5 (122 days): 32/122 = 26.2 % then 62/122 = 50.8 % at 20 %.
    assert [r["id"] for r in d["newly_behind"]] == ["T-5"]
    assert [r["id"] for r in desk.digest(since=date(2024, 6, 1), unit=EDU, at=date(2024, 7, 1))["newly_done"]] \
        == ["T-3"]
    md = render.to_markdown(d)
    assert "## 已逾期 Overdue (1)" in md and "| T-1 |" in md
    html = render.to_html(d)
    assert "data-task='T-2'" in html
    render.to_xlsx(d, tmp_path / "d.xlsx")
    from openpyxl import load_workbook
    assert load_workbook(tmp_path / "d.xlsx").sheetnames[0] == "已逾期 Overdue"


def test_wallchart_flags(desk):
    desk.add_tasks([task("T-1", milestones=[ms(1, date(2024, 3, 29), 20), ms(2, date(2024, 7, 3), 30),
                                            ms(3, date(2024, 9, 30), 30)])])
    desk.report("T-1", lead_of(), percent=20, on=date(2024, 4, 3), period="2024-03",
                milestones_done={1: date(2024, 3, 28)})
    w = desk.wallchart(date(2024, 6, 30))
    (row,) = w["rows"]
    assert row["unit"] == IIT and len(w["months"]) == 12
    flags = [(f["kind"], f["state"]) for f in row["tasks"][0]["flags"]]
    assert flags == [("milestone", "done"), ("milestone", "due"), ("milestone", "upcoming"), ("deadline", "upcoming")]
    late = desk.wallchart(date(2024, 7, 4))["rows"][0]["tasks"][0]["flags"]
    assert late[1]["state"] == "overdue"


def _projects(desk):
    desk.add_projects([
        {"id": "P-A", "name_zh": "甲项目", "region_code": "440100", "cluster_code": "P01", "node_code": "B2",
         "lead_unit": "gov-440100", "total_investment": 50, "plans": {2024: 12}},
        {"id": "P-B", "name_zh": "乙项目", "region_code": "440305", "cluster_code": "P01", "node_code": "B2",
         "lead_unit": "gov-440300", "total_investment": 80, "plans": {2024: 24},
         "milestones": {"construction_start": (date(2024, 2, 1), date(2024, 2, 10)),
                        "completion": (date(2024, 3, 1), None)}},
    ])
    for pid, month, amount in (("P-A", "2024-01", 1), ("P-A", "2024-02", 2), ("P-A", "2024-03", 3),
                               ("P-B", "2024-01", 4), ("P-B", "2024-02", 4), ("P-B", "2024-07", 10)):
        desk.record_investment(pid, month, amount)


def test_project_rollups_against_the_annual_plan(desk):
    _projects(desk)
    at = date(2024, 3, 31)  # three months complete: 25 % expected
    (cl,) = desk.portfolio(at=at, by="cluster")
    assert (cl["key"], cl["planned"], cl["completed"]) == ("P01", 36, 14)
    assert cl["completion"] == pytest.approx(1400 / 36) and cl["expected"] == 25.0
    regions = {r["key"]: r for r in desk.portfolio(at=at, by="region")}
    assert set(regions) == {"440100", "440300"}  # the Nanshan district project counts for Shenzhen
    assert regions["440100"]["completion"] == pytest.approx(50.0)
    assert regions["440300"]["completion"] == pytest.approx(100 / 3)
    assert regions["440300"]["light"] == "green"  # 8.3 points ahead of 25 %
    (node,) = desk.portfolio(at=at, by="node")
    assert node["key"] == "B2"
    early = {r["key"]: r for r in desk.portfolio(at=date(2024, 3, 30), by="project")}
    assert early["P-A"]["completed"] == 3 and early["P-A"]["expected"] == pytest.approx(200 / 12, abs=1e-3)
    p = desk.project("P-B", at=at)
    assert [m["state"] for m in p["milestones"]] == ["done", "overdue"]
    assert [m["cumulative"] for m in p["months"]] == [4, 8, 18]
    assert [r["id"] for r in desk.projects(at=at, region_code="440100")] == ["P-A"]


def test_investment_permissions_and_revision(desk):
    _projects(desk)
    with pytest.raises(Refusal) as exc:
        desk.record_investment("P-A", "2024-04", 1, Actor("someone", unit="gov-440300"))
    assert exc.value.code == "not-lead-unit"
    desk.record_investment("P-A", "2024-03", 5, Actor("gz", unit="gov-440100"))
    assert desk.portfolio(at=date(2024, 3, 31), by="project")[0]["completed"] == 8
    events = desk.db.all("SELECT detail FROM task_events WHERE project_id = 'P-A' AND action = 'investment' "
                         "ORDER BY id")
    assert '"previous": 3' in events[-1]["detail"]
