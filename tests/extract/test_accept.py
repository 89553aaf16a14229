"""Accepting a commitment: a target through the targets importer, a task through the task list
import, an outcome through the observation pipeline; each refusal with its stable code and the
workspace left exactly as it was (every table's rows compared before and after)."""

from datetime import date

import pytest

from luoshi.domain.problems import InputError, Refusal
from luoshi.workspace import Workspace

# a Shenzhen work report (test text): two tasks, two targets; and the next year's outcomes
PLAN_2025 = ("二、2025年工作安排\n今年，全市新建改扩建公办学校20所，推动9000家工业企业开展技术改造，"
             "城镇新增就业15万人以上，地区生产总值增长5.5%左右。\n")
REVIEW_2024 = "一、2024年工作回顾\n全市地区生产总值增长5.8%，城镇新增就业12万人，粮食产量130万吨。\n"
# the sentence as the document writes it (full-width commas): quotes keep the document's own characters
SCHOOLS = "今年，全市新建改扩建公办学校20所，推动9000家工业企业开展技术改造，城镇新增就业15万人以上，地区生产总值增长5.5%左右。"


@pytest.fixture()
def ws(tmp_path):
    w = Workspace(tmp_path / "accept.duckdb", today=date(2025, 6, 30))
    with w.db.write() as con:
        con.execute("INSERT INTO regions (rid, code, level, depth, name_zh, name_en, valid_from) VALUES "
                    "(1, '440000', 'province', 0, '广东省', 'Guangdong', DATE '1988-01-01'), "
                    "(2, '440300', 'city', 1, '深圳市', 'Shenzhen', DATE '1988-01-01'), "
                    "(3, '440100', 'city', 1, '广州市', 'Guangzhou', DATE '1988-01-01')")
        con.execute("INSERT INTO region_links VALUES (2, 1, DATE '1988-01-01', NULL), (3, 1, DATE '1988-01-01', NULL)")
        con.execute("INSERT INTO indicators (iid, code, name_zh, name_en, unit, direction, frequency, region_agg, "
                    "time_agg) VALUES (1, 'gdp_growth', '地区生产总值增长', 'GDP growth', '%', 'higher', 'Q', 'mean', "
                    "'last'), (2, 'new_urban_jobs', '城镇新增就业', 'New urban jobs', '万人', 'higher', 'M', 'sum', "
                    "'sum'), (3, 'grain_output', '粮食产量', 'Grain output', '万吨', 'higher', 'Y', 'sum', 'sum'), "
                    "(4, 'tech_transform', '工业企业技术改造', 'Technological transformation', '家', 'higher', 'Y', "
                    "'sum', 'sum')")
        con.execute("INSERT INTO plans (id, owner_region, name_zh, name_en) "
                    "VALUES ('gd-1310', '440000', '1310', '1310')")
        con.execute("INSERT INTO plan_nodes (plan_id, code, parent_code, kind, seq) VALUES "
                    "('gd-1310', 'G', NULL, 'goal', 0), ('gd-1310', 'B2', 'G', 'breakthrough', 2), "
                    "('gd-1310', 'B8', 'G', 'breakthrough', 8)")
        # 广州 has no unit: a task there has no lead unit
        con.execute("INSERT INTO units (code, name_zh, name_en, kind, region_code) VALUES "
                    "('gd-gov-office', '广东省人民政府办公厅', 'General Office', 'government_office', '440000'), "
                    "('gd-edu', '广东省教育厅', 'Department of Education', 'department', '440000'), "
                    "('gov-440300', '深圳市人民政府', 'Shenzhen Municipal People''s Government', 'city_government', "
                    "'440300')")
    yield w
    w.close()


def added(ws, text: str, day: str) -> dict:
    """The commitments of a document by (class, indicator or value)."""
    did = ws.documents.add_text(text, title=f"深圳市政府工作报告 {day}", doc_date=day, issuer="440300",
                                kind="work-report")["did"]
    return {(c["class"], c["indicator"] or c["value"]): c for c in ws.documents.commitments(did)}


def snapshot(ws) -> dict:
    """Every table's row count and a digest of its rows."""
    cur = ws.db.cursor()
    names = [r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()]
    return {n: cur.execute(f'SELECT count(*), sum(hash(CAST(t AS VARCHAR))) FROM "{n}" t').fetchone() for n in names}


def test_a_target_goes_through_the_targets_importer(ws):
    c = added(ws, PLAN_2025, "2025-01-20")[("target", "new_urban_jobs")]
    assert (c["value"], c["unit"], c["comparator"], c["scope"], c["period"]) == (150000, "person", "at_least",
                                                                                  "440300", "2025")
    out = ws.documents.accept(c["cid"], by="analyst")
    t = ws.db.one("SELECT t.*, i.code, g.code AS region FROM targets t JOIN indicators i USING (iid) "
                  "JOIN regions g USING (rid) WHERE tid = ?", [out["target_id"]])
    # 150000 person in the indicator's unit 万人: 15
    assert (t["code"], t["region"], t["comparator"], t["value"], t["plan_id"]) == (
        "new_urban_jobs", "440300", "at_least", 15.0, "gd-1310")
    assert (t["document"], t["status"], t["quote"]) == (f"document:{c['did']}", "accepted", SCHOOLS)
    assert out == {"cid": c["cid"], "class": "target", "target_id": t["tid"]}
    # the importer's audit trail: the target's audit row and its import record, by the reviewer
    audit = ws.db.all("SELECT actor, action, new_value FROM audit_log WHERE action = 'target'")
    assert audit == [{"actor": "analyst", "action": "target", "new_value": 15.0}]
    imp = ws.db.one("SELECT kind, status, added, by_user FROM imports")
    assert imp == {"kind": "targets", "status": "committed", "added": 1, "by_user": "analyst"}
    after = ws.documents.commitment(c["cid"])
    assert (after["status"], after["target_id"], after["reviewed_by"]) == ("accepted", t["tid"], "analyst")


def test_a_range_target_keeps_both_ends(ws):
    c = added(ws, PLAN_2025, "2025-01-20")[("target", "gdp_growth")]
    ws.documents.edit(c["cid"], comparator="range", value=5.0, value_high=5.5)
    tid = ws.documents.accept(c["cid"])["target_id"]
    t = ws.db.one("SELECT comparator, value, value_high FROM targets WHERE tid = ?", [tid])
    assert t == {"comparator": "between", "value": 5.0, "value_high": 5.5}


def test_a_task_becomes_a_task_not_a_target(ws):
    c = added(ws, PLAN_2025, "2025-01-20")[("task", 20.0)]
    out = ws.documents.accept(c["cid"], by="analyst")
    assert out == {"cid": c["cid"], "class": "task", "task_ref": "T-B2-001"}
    t = ws.db.one("SELECT * FROM tasks")
    assert (t["id"], t["plan_id"], t["node_code"], t["title_zh"]) == ("T-B2-001", "gd-1310", "B2", "全市新建改扩建公办学校20所")
    assert (t["content"], t["lead_unit"], t["region_code"]) == (SCHOOLS, "gov-440300", "440300")
    assert (t["start_date"], t["deadline"]) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (t["source"], t["source_kind"]) == ("深圳市政府工作报告 2025-01-20", "document")
    assert t["source_ref"] == (f'{{"document": {c["did"]}, "commitment": {c["cid"]}, "sentence": '
                               f'{c["sentence"]["span"]}, "value": {{"start": {c["spans"]["value"]["start"]}, '
                               f'"end": {c["spans"]["value"]["end"]}, "text": "20所", '
                               f'"in_sentence": {c["spans"]["value"]["in_sentence"]}}}}}')
    assert ws.db.all("SELECT * FROM task_units") == [{"task_id": "T-B2-001", "unit_code": "gov-440300", "role": "lead"}]
    assert ws.db.all("SELECT task_id, action, actor FROM task_events") == [
        {"task_id": "T-B2-001", "action": "create", "actor": "analyst"}]
    assert ws.db.scalar("SELECT count(*) FROM task_indicators") == 0  # schools: no indicator
    assert ws.db.scalar("SELECT count(*) FROM targets") == 0
    after = ws.documents.commitment(c["cid"])
    assert (after["status"], after["task_ref"], after["target_id"]) == ("accepted", "T-B2-001", None)
    assert ws.tasks.task("T-B2-001")["title_zh"] == "全市新建改扩建公办学校20所"


def test_a_task_with_a_known_indicator_is_linked_to_it(ws):
    c = added(ws, PLAN_2025, "2025-01-20")[("task", "tech_transformation")]  # the lexicon's code for tech_transform
    task = ws.documents.accept(c["cid"])["task_ref"]
    assert ws.db.all("SELECT * FROM task_indicators") == [{"task_id": task, "indicator_code": "tech_transform"}]
    assert ws.db.scalar("SELECT title_zh FROM tasks") == "推动9000家工业企业开展技术改造"


def test_an_outcome_goes_through_the_observation_pipeline(ws):
    c = added(ws, REVIEW_2024, "2025-01-15")[("outcome", "new_urban_jobs")]
    out = ws.documents.accept(c["cid"], by="analyst")
    o = ws.db.one("SELECT * FROM observations WHERE oid = ?", [out["observation_id"]])
    # 120000 person is 12 万人, approved, by the reviewer, with the sentence as its comment
    assert (o["value"], o["state"], o["reported_by"], o["revision"]) == (12.0, "approved", "analyst", 1)
    assert o["comment"] == "全市地区生产总值增长5.8%，城镇新增就业12万人，粮食产量130万吨。"
    assert o["source"].startswith(f'{{"document": {c["did"]}, "commitment": {c["cid"]}')
    assert ws.db.one("SELECT kind, status, added FROM imports") == {"kind": "observations", "status": "committed",
                                                                   "added": 1}
    assert ws.documents.commitment(c["cid"])["observation_id"] == o["oid"]


def test_an_outcome_equal_to_the_stored_value_points_at_it(ws):
    stored = ws.record([{"indicator": "gdp_growth", "region": "440300", "period": "2024", "value": 5.8}])
    assert stored["added"] == 1
    oid = ws.db.scalar("SELECT oid FROM observations")
    c = added(ws, REVIEW_2024, "2025-01-15")[("outcome", "gdp_growth")]
    assert ws.documents.accept(c["cid"])["observation_id"] == oid
    assert ws.db.scalar("SELECT count(*) FROM observations") == 1  # no second revision of the same value


FAILURES = [  # class and indicator (or value) of the commitment, the edit that breaks it, (code, field) of each error
    (("target", "new_urban_jobs"), {"indicator": "no_such"}, [("unknown-indicator", "indicator")]),
    (("target", "new_urban_jobs"), {"scope": "999999"}, [("unknown-region", "region")]),
    (("target", "new_urban_jobs"), {"period": "20x5"}, [("bad-period", "period")]),
    (("target", "new_urban_jobs"), {"unit": "tonne"}, [("wrong-unit", "unit")]),
    (("target", "gdp_growth"), {"comparator": "in_step"}, [("missing-value", "step_indicator")]),
    (("outcome", "new_urban_jobs"), {"indicator": "no_such"}, [("unknown-indicator", "indicator")]),
    (("outcome", "new_urban_jobs"), {"scope": "999999"}, [("unknown-region", "region")]),
    (("outcome", "new_urban_jobs"), {"period": "2024Q9"}, [("bad-period", "period")]),
    (("outcome", "grain_output"), {"unit": "person"}, [("wrong-unit", "unit")]),
    # an unknown region has no unit to lead the task either
    (("task", 20.0), {"scope": "999999"}, [("missing-value", "lead"), ("unknown-region", "region")]),
    (("task", 20.0), {"plan_node": "B99"}, [("unknown-node", "node")]),
    (("task", 20.0), {"period": "20x5"}, [("bad-period", "period")]),
    (("task", 20.0), {"scope": "440100"}, [("missing-value", "lead")]),  # no unit in 广州 to lead it
]


@pytest.mark.parametrize("key, edit, expected", FAILURES, ids=[f"{k[0]}-{e[-1][0]}-{e[-1][1]}" for k, _, e in FAILURES])
def test_a_refused_accept_answers_the_code_and_writes_nothing(ws, key, edit, expected):
    by = added(ws, PLAN_2025, "2025-01-20") | added(ws, REVIEW_2024, "2025-01-15")
    cid = by[key]["cid"]
    ws.documents.edit(cid, **edit)
    before = snapshot(ws)
    with pytest.raises(InputError) as exc:
        ws.documents.accept(cid, by="analyst")
    assert [(p.code, p.field) for p in exc.value.report.errors] == expected
    assert snapshot(ws) == before
    assert ws.documents.commitment(cid)["status"] == "edited"


def test_a_target_that_exists_is_refused_not_replaced(ws):
    ws.set_targets([{"indicator": "new_urban_jobs", "region": "440300", "period": "2025", "comparator": "at_least",
                     "value": 16}])
    tid = ws.db.scalar("SELECT tid FROM targets")
    c = added(ws, PLAN_2025, "2025-01-20")[("target", "new_urban_jobs")]
    before = snapshot(ws)
    with pytest.raises(InputError) as exc:
        ws.documents.accept(c["cid"])
    (p,) = exc.value.report.errors
    assert (p.code, p.field) == ("duplicate-target", "period")
    assert p.message == f"new_urban_jobs already has a target for 440300 in 2025 (target {tid})"
    assert snapshot(ws) == before
    assert ws.db.scalar("SELECT value FROM targets") == 16  # a targets file would have replaced it; accepting does not


@pytest.mark.parametrize("key", [("target", "new_urban_jobs"), ("task", 20.0), ("outcome", "new_urban_jobs")])
def test_accepting_twice_is_refused(ws, key):
    by = added(ws, PLAN_2025, "2025-01-20") | added(ws, REVIEW_2024, "2025-01-15")
    ws.documents.accept(by[key]["cid"])
    before = snapshot(ws)
    with pytest.raises(Refusal) as exc:
        ws.documents.accept(by[key]["cid"])
    assert (exc.value.code, exc.value.status) == ("already-accepted", 409)
    assert snapshot(ws) == before


@pytest.mark.parametrize("key", [("target", "new_urban_jobs"), ("task", 20.0), ("outcome", "new_urban_jobs")])
def test_accepted_meanwhile_rolls_back_what_it_made(ws, key, monkeypatch):
    """Another reviewer accepts the commitment between the read and the write: the write's own check
    (in the same transaction as the target, task or observation) refuses it and rolls it all back."""
    by = added(ws, PLAN_2025, "2025-01-20") | added(ws, REVIEW_2024, "2025-01-15")
    svc = ws.documents
    stale = svc.commitment(by[key]["cid"])
    with ws.db.write() as con:
        con.execute("UPDATE commitments SET status = 'accepted' WHERE cid = ?", [stale["cid"]])
    before = snapshot(ws)
    monkeypatch.setattr(svc, "commitment", lambda cid: stale)
    with pytest.raises(Refusal) as exc:
        svc.accept(stale["cid"])
    assert exc.value.code == "already-accepted"
    assert snapshot(ws) == before


def test_a_commitment_of_no_class_is_refused(ws):
    c = added(ws, PLAN_2025, "2025-01-20")[("target", "gdp_growth")]
    ws.documents.edit(c["cid"], **{"class": "none"})
    before = snapshot(ws)
    with pytest.raises(InputError) as exc:
        ws.documents.accept(c["cid"])
    assert [(p.code, p.field) for p in exc.value.report.errors] == [("bad-value", "class")]
    assert snapshot(ws) == before
