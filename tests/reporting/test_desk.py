"""The reporting desk at service level: the entry form (rows by schedule, refusals through the one
write path), draft > submit > return > resubmit > approve, bottom-up waiting, completeness shares on
a hand-made case, and a template sent back unchanged.  Expected values are worked out by hand."""

from __future__ import annotations

import pytest

from luoshi.domain.problems import Refusal

LIWAN, HAIZHU, GUANGZHOU = "440103", "440105", "440100"
THREE = ("fai_growth", "tech_transform", "key_project_investment")  # monthly, in bundled order (iid)


@pytest.fixture
def desk(ws, people):
    """Counties report three monthly indicators (the schedule); Liwan's April values are approved."""
    with ws.db.write() as con:
        con.executemany("INSERT INTO report_schedule VALUES (?, 'county', 15)", [[c] for c in THREE])
    ws.record([{"indicator": "fai_growth", "region": LIWAN, "period": "2025-04", "value": 4.0},
               {"indicator": "tech_transform", "region": LIWAN, "period": "2025-04", "value": 10},
               {"indicator": "key_project_investment", "region": LIWAN, "period": "2025-04", "value": 2.5}])
    return ws


def _states(ws, period="2025-05", region=LIWAN):
    return {r["code"]: r["state"] for r in ws.reporting.entry(region, period, actor=ws.reporting.actor("ada"))["rows"]}


def test_entry_rows_follow_the_schedule(desk, people):
    form = desk.reporting.entry(LIWAN, "2025-05", actor=people["rita"])
    assert [r["code"] for r in form["rows"]] == list(THREE)
    assert [r["previous"] for r in form["rows"]] == [4.0, 10, 2.5]
    assert all(r["state"] is None and r["editable"] for r in form["rows"])
    assert form["previous_period"] == "2025-04"
    with pytest.raises(Refusal) as exc:  # Shenzhen's reporter may not open Liwan's form
        desk.reporting.entry(LIWAN, "2025-05", actor=people["sam"])
    assert (exc.value.code, exc.value.status) == ("not-permitted", 403)


def test_a_jump_without_comment_is_refused_and_nothing_stored(desk, people):
    r = desk.reporting
    before = desk.db.scalar("SELECT count(*) FROM observations")
    # 10 -> 30 is +200 % (the threshold is 50 %); 150 % is above fai_growth's maximum of 100
    res = r.enter(LIWAN, "2025-05", [{"indicator": "tech_transform", "value": "30"},
                                     {"indicator": "fai_growth", "value": "150"},
                                     {"indicator": "key_project_investment", "value": "2.6"}],
                  actor=people["rita"], action="draft")
    assert res["status"] == "rejected"
    codes = {k: [p["code"] for p in f["problems"]] for k, f in res["fields"].items()}
    assert codes == {"tech_transform": ["jump-without-comment"], "fai_growth": ["out-of-range"],
                     "key_project_investment": []}
    assert desk.db.scalar("SELECT count(*) FROM observations") == before
    # a check is a dry run: with the comment and a value in range it is valid, and still nothing is stored
    res = r.enter(LIWAN, "2025-05", [{"indicator": "tech_transform", "value": "30", "comment": "new plant"},
                                     {"indicator": "fai_growth", "value": "5"}], actor=people["rita"], action="check")
    assert res["status"] == "valid" and res["fields"]["tech_transform"]["problems"][0]["code"] == "jump-explained"
    assert desk.db.scalar("SELECT count(*) FROM observations") == before
    with pytest.raises(Refusal) as exc:
        r.enter(LIWAN, "2025-05", [{"indicator": "fai_growth", "value": " "}], actor=people["rita"], action="draft")
    assert exc.value.code == "missing-value"


def test_draft_submit_return_resubmit_approve(desk, people):
    r, rita, rui = desk.reporting, people["rita"], people["rui"]
    values = [{"indicator": "fai_growth", "value": "4.5"},
              {"indicator": "tech_transform", "value": "30", "comment": "new plant"},
              {"indicator": "key_project_investment", "value": "2.6"}]
    assert r.enter(LIWAN, "2025-05", values, actor=rita, action="draft")["added"] == 3
    assert _states(desk) == dict.fromkeys(THREE, "draft")
    assert r.inbox(actor=rui) == []  # drafts are not the reviewer's yet
    assert r.enter(LIWAN, "2025-05", values, actor=rita, action="submit")["revised"] == 3
    assert _states(desk) == dict.fromkeys(THREE, "submitted")
    box = {x["indicator"]: x for x in r.inbox(actor=rui)}
    assert set(box) == set(THREE)
    tt = box["tech_transform"]
    assert (tt["value"], tt["previous"], tt["jump"], tt["comment"]) == (30, 10, True, "new plant")
    assert box["fai_growth"]["jump"] is False  # 4.0 -> 4.5 is 0.5 points, under 10
    with pytest.raises(Refusal) as exc:
        r.decide("return", [{"region": LIWAN, "indicator": "tech_transform", "period": "2025-05"}], actor=rui)
    assert exc.value.code == "missing-reason"
    r.decide("return", [{"region": LIWAN, "indicator": "tech_transform", "period": "2025-05"}], actor=rui,
             reason="count the plants again")
    row = {x["code"]: x for x in r.entry(LIWAN, "2025-05", actor=rita)["rows"]}["tech_transform"]
    assert (row["state"], row["returned"], row["reason"], row["returned_by"]) == ("draft", True,
                                                                                 "count the plants again", "rui")
    assert row["comment"] == "new plant" and row["editable"]  # the reporter's comment stays with the value
    res = r.enter(LIWAN, "2025-05", [{"indicator": "tech_transform", "value": "12"}], actor=rita, action="submit")
    assert (res["status"], res["revised"]) == ("committed", 1)
    row = {x["code"]: x for x in r.entry(LIWAN, "2025-05", actor=rita)["rows"]}["tech_transform"]
    assert (row["state"], row["returned"], row["value"]) == ("submitted", False, 12)
    box = {x["indicator"]: x for x in r.inbox(actor=rui)}
    assert (box["tech_transform"]["before"], box["tech_transform"]["change"]) == (30, -18)
    assert r.decide("approve", [{"region": LIWAN, "period": "2025-05"}], actor=rui)["changed"] == 3
    form = r.entry(LIWAN, "2025-05", actor=rita)["rows"]
    assert [(x["state"], x["editable"]) for x in form] == [("approved", False)] * 3


def test_a_value_returned_after_approval_can_be_corrected(desk, people):
    r, rita, rui = desk.reporting, people["rita"], people["rui"]
    r.enter(LIWAN, "2025-05", [{"indicator": "fai_growth", "value": "4.5"}], actor=rita, action="submit")
    r.decide("approve", [{"region": LIWAN, "period": "2025-05"}], actor=rui)
    res = r.enter(LIWAN, "2025-05", [{"indicator": "fai_growth", "value": "4.7"}], actor=rita, action="check")
    assert [p["code"] for p in res["problems"]] == ["approved-exists"]  # approved: the reviewer's now
    r.decide("return", [{"region": LIWAN, "indicator": "fai_growth", "period": "2025-05"}], actor=rui,
             reason="use the revised bulletin")
    res = r.enter(LIWAN, "2025-05", [{"indicator": "fai_growth", "value": "4.7"}], actor=rita, action="submit")
    assert res["status"] == "committed" and _states(desk)["fai_growth"] == "submitted"


def test_bottom_up_approval_waits_for_the_children(desk, people):
    r, ada = desk.reporting, people["ada"]
    desk.set_setting("approval_bottom_up", True)
    n_children = desk.db.scalar("SELECT count(*) FROM region_links l JOIN regions p ON p.rid = l.parent_rid "
                                "WHERE p.code = ? AND l.valid_to IS NULL", [GUANGZHOU])
    assert n_children == 11  # Guangzhou's eleven districts
    item = {"indicator": "tech_transform", "period": "2025-05"}
    for region, value in ((GUANGZHOU, 100), (LIWAN, 9)):
        r.enter(region, "2025-05", [{"indicator": "tech_transform", "value": value, "comment": "test"}], actor=ada,
                action="submit")
    city = {x["region"]: x for x in r.inbox(actor=ada, period="2025-05")}[GUANGZHOU]
    assert (city["waits_for_children"], city["children_waiting"]) == (True, 11)
    res = r.decide("approve", [item | {"region": GUANGZHOU}], actor=ada)
    assert (res["changed"], res["waiting_for_children"]) == (0, 1)
    r.decide("approve", [item | {"region": LIWAN}], actor=ada)
    city = {x["region"]: x for x in r.inbox(actor=ada, period="2025-05")}[GUANGZHOU]
    assert city["children_waiting"] == 10


def test_completeness_shares(desk, people):
    r, rita, rui = desk.reporting, people["rita"], people["rui"]
    # Liwan: 2 of its 3 values reported, 1 of them approved; Haizhu: nothing
    r.enter(LIWAN, "2025-05", [{"indicator": "fai_growth", "value": "4.5"},
                               {"indicator": "key_project_investment", "value": "2.6"}], actor=rita, action="submit")
    r.decide("approve", [{"region": LIWAN, "indicator": "fai_growth", "period": "2025-05"}], actor=rui)
    # values arrive now (the clock), long after 2025-05 ended: with 15 days they are late, and the
    # missing ones overdue (today, 2025-06-30, is after the due day 2025-06-15)
    rows = {x["region"]: x for x in r.completeness("2025-05", actor=rui, level="county")}
    liwan, haizhu = rows[LIWAN], rows[HAIZHU]
    assert (liwan["expected"], liwan["arrived"], liwan["approved"], liwan["on_time"], liwan["late"]) == (3, 2, 1, 0, 2)
    assert (liwan["completeness_pct"], liwan["approved_pct"], liwan["on_time_pct"]) == (66.7, 33.3, 0.0)
    assert (liwan["overdue"], liwan["missing_indicators"], str(liwan["due"])) == (1, ["tech_transform"], "2025-06-15")
    assert (haizhu["arrived"], haizhu["overdue"], haizhu["completeness_pct"]) == (0, 3, 0.0)
    assert len(rows) == 11  # the reviewer reads Guangzhou's districts only
    # Guangzhou reports through its 11 districts, 3 scheduled indicators each: 33 expected, Liwan's 2 in,
    # 1 approved, the other 31 overdue, and every district still missing something
    (gz,) = r.completeness("2025-05", actor=rui, level="city")
    assert (gz["region"], gz["expected"], gz["arrived"], gz["approved"], gz["overdue"]) == ("440100", 33, 2, 1, 31)
    assert (gz["reports_itself"], len(gz["reporters"]), len(gz["missing_regions"])) == (False, 11, 11)
    # Dongguan has no counties: it reports itself, every entered monthly indicator (no city schedule)
    dongguan = {x["region"]: x for x in r.completeness("2025-05", actor=people["ada"], level="city")}["441900"]
    assert (dongguan["expected"], dongguan["reports_itself"], dongguan["reporters"]) == (20, True, ["441900"])
    with desk.db.write() as con:  # the schedule's days: due in the 23rd century, what came is on time
        con.execute("UPDATE report_schedule SET due_days = 100000")
    liwan = {x["region"]: x for x in r.completeness("2025-05", actor=rui, level="county")}[LIWAN]
    assert (liwan["on_time"], liwan["on_time_pct"], liwan["overdue"]) == (2, 66.7, 0)


def test_due_days_setting_without_a_schedule(ws, people):
    """Without a schedule a county reports every entered monthly indicator (20 in the bundle: 21 monthly,
    one a formula), due report_due_days after the month."""
    r = ws.reporting
    assert ws.setting("report_due_days") == 15
    liwan = {x["region"]: x for x in r.completeness("2025-05", actor=people["rui"], level="county")}["440103"]
    assert (liwan["expected"], liwan["overdue"], str(liwan["due"])) == (20, 20, "2025-06-15")
    ws.set_setting("report_due_days", 45)  # due 2025-07-15, after today (2025-06-30): nothing overdue yet
    liwan = {x["region"]: x for x in r.completeness("2025-05", actor=people["rui"], level="county")}["440103"]
    assert (liwan["expected"], liwan["overdue"], str(liwan["due"])) == (20, 0, "2025-07-15")


def test_an_unchanged_template_reports_unchanged(desk, people, tmp_path):
    """The May template holds the approved values and their comments; sent back as it is, every row is
    unchanged: no revision, no approved-exists, no jump to explain again (10 -> 30 was explained)."""
    desk.record([{"indicator": "fai_growth", "region": LIWAN, "period": "2025-05", "value": 4.5},
                 {"indicator": "tech_transform", "region": LIWAN, "period": "2025-05", "value": 30,
                  "comment": "new plant"},
                 {"indicator": "key_project_investment", "region": LIWAN, "period": "2025-05", "value": 2.6}])
    r = desk.reporting
    path = tmp_path / "liwan-2025-05.xlsx"
    assert r.template(LIWAN, "2025-05", path, actor=people["rita"])["indicators"] == 3
    before = desk.db.scalar("SELECT count(*) FROM observations")
    res = r.import_file(path, actor=people["rita"])
    assert (res["status"], res["unchanged"], res["added"], res["revised"]) == ("committed", 3, 0, 0)
    assert res["problems"] == []
    assert desk.db.scalar("SELECT count(*) FROM observations") == before


def test_the_json_twins(ws):
    """Over the web (no users: the local user): a refused save is the one envelope with its fields and
    stores nothing; a check answers its verdict; the completeness API carries the new shares."""
    from fastapi.testclient import TestClient

    from luoshi.web import create_app

    with ws.db.write() as con:
        con.executemany("INSERT INTO report_schedule VALUES (?, 'county', 15)", [[c] for c in THREE])
    ws.record([{"indicator": "tech_transform", "region": LIWAN, "period": "2025-04", "value": 10}])
    client = TestClient(create_app(ws))
    body = {"region": LIWAN, "period": "2025-05", "values": [{"indicator": "tech_transform", "value": 30}]}
    before = ws.db.scalar("SELECT count(*) FROM observations")
    resp = client.post("/api/reporting/entry", json=body | {"action": "submit"})
    assert (resp.status_code, resp.json()["code"]) == (422, "jump-without-comment")
    assert resp.json()["import"]["fields"]["tech_transform"]["outcome"] == "rejected"
    resp = client.post("/api/reporting/entry", json=body | {"action": "check"})
    assert (resp.status_code, resp.json()["status"]) == (200, "invalid")
    assert ws.db.scalar("SELECT count(*) FROM observations") == before
    assert client.get("/api/reporting/entry", params={"region": LIWAN, "period": "2025-05"}).json()["rows"][1][
        "previous"] == 10
    resp = client.post("/api/reporting/review", json={"action": "approve", "items": "all"})
    assert (resp.status_code, resp.json()["code"]) == (400, "bad-value")
    row = {r["region"]: r for r in client.get("/api/completeness", params={"period": "2025-05", "level": "county"})
           .json()}[LIWAN]
    assert (row["expected"], row["approved_pct"], row["on_time_pct"], row["overdue"]) == (3, 0.0, 0.0, 3)


def test_the_bundled_towns_report_only_when_the_report_level_reaches_them(desk, people):
    """The bundled workspace holds Liwan's 22 towns (jq over the npm package, tests/foundation/
    test_divisions.py).  By default (report_level county) Liwan reports itself, bottom-up approval does
    not wait for its towns, and the entry form does not list them; at report_level town the towns
    report: 22 towns x the 20 entered monthly indicators (no schedule for towns) = 440 expected."""
    from luoshi.services.desk import report_regions

    r, ada = desk.reporting, people["ada"]
    desk.set_setting("approval_bottom_up", True)
    liwan = {x["region"]: x for x in r.completeness("2025-05", actor=ada, level="county")}[LIWAN]
    assert (liwan["reporters"], liwan["reports_itself"], liwan["expected"]) == ([LIWAN], True, 3)
    assert [x["level"] for x in report_regions(desk, ada)].count("town") == 0
    r.enter(LIWAN, "2025-05", [{"indicator": "tech_transform", "value": 9, "comment": "test"}], actor=ada,
            action="submit")
    assert {x["region"]: x for x in r.inbox(actor=ada, period="2025-05")}[LIWAN]["children_waiting"] == 0

    desk.set_setting("report_level", "town")
    liwan = {x["region"]: x for x in r.completeness("2025-05", actor=ada, level="county")}[LIWAN]
    assert (len(liwan["reporters"]), liwan["reports_itself"], liwan["expected"]) == (22, False, 440)
    assert all(c.startswith(LIWAN) and len(c) == 9 for c in liwan["reporters"])
    assert [x["code"] for x in report_regions(desk, ada)].count("440103001") == 1
    res = r.decide("approve", [{"region": LIWAN, "indicator": "tech_transform", "period": "2025-05"}], actor=ada)
    assert (res["changed"], res["waiting_for_children"]) == (0, 1)  # its towns have not reported
    desk.set_setting("report_level", "county")
    res = r.decide("approve", [{"region": LIWAN, "indicator": "tech_transform", "period": "2025-05"}], actor=ada)
    assert (res["changed"], res["waiting_for_children"]) == (1, 0)
