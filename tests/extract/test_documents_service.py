"""Documents service on a small workspace: add (dedup), review, accept with provenance, outcomes."""

from datetime import date
from pathlib import Path

import pytest

from luoshi.domain.problems import InputError
from luoshi.services.documents import DocumentService, met
from luoshi.workspace import Workspace

DATA = Path(__file__).resolve().parent.parent / "data" / "documents"
REPORT_2024 = """一、2023年工作回顾
全省地区生产总值增长4.8%。
二、2024年工作安排
今年的主要预期目标是：地区生产总值增长5%左右，城镇新增就业110万人以上。
"""
REPORT_2025 = """一、2024年工作回顾
全省地区生产总值增长3.5%，城镇新增就业143万人。
"""


@pytest.fixture()
def svc(tmp_path):
    ws = Workspace(tmp_path / "docs.duckdb", today=date(2026, 11, 20))
    db = ws.db
    with db.write() as con:
        con.execute("INSERT INTO regions (rid, code, level, depth, name_zh, name_en, valid_from) VALUES "
                    "(1, '440000', 'province', 0, '广东省', 'Guangdong', DATE '1988-01-01')")
        con.execute("INSERT INTO indicators (iid, code, name_zh, name_en, unit, direction, frequency, region_agg, "
                    "time_agg) VALUES (1, 'gdp_growth', '地区生产总值增长', 'GDP growth', '%', 'higher', 'Q', 'mean', "
                    "'last'), (2, 'new_urban_jobs', '城镇新增就业', 'New urban jobs', '万人', 'higher', 'M', 'sum', 'sum')")
    yield DocumentService(ws)
    ws.close()


def test_add_is_deduplicated_and_extracts(svc):
    a = svc.add_text(REPORT_2024, doc_date="2024-01-23", issuer="440000", kind="work-report")
    b = svc.add_text(REPORT_2024, doc_date="2024-01-23", issuer="440000", kind="work-report")
    assert a["commitments"] == 3 and not a["duplicate"]
    assert b == {**a, "duplicate": True}
    rows = svc.commitments(a["did"])
    first = rows[0]
    assert (first["class"], first["value"], first["period"]) == ("outcome", 4.8, "2023")
    assert first["sentence"]["text"][slice(*first["spans"]["value"]["in_sentence"])] == "4.8%"


def test_accept_makes_targets_and_observations_with_provenance(svc):
    did = svc.add_text(REPORT_2024, doc_date="2024-01-23", issuer="440000", kind="work-report")["did"]
    rows = {(r["indicator"], r["class"]): r for r in svc.commitments(did)}
    t = svc.accept(rows[("new_urban_jobs", "target")]["cid"], by="analyst")
    target = svc.db.one("SELECT comparator, value, document, source FROM targets WHERE tid = ?", [t["target_id"]])
    assert target["comparator"] == "at_least" and target["value"] == pytest.approx(110)  # 万人
    assert target["document"] == f"document:{did}" and '"sentence"' in target["source"]
    o = svc.accept(rows[("gdp_growth", "outcome")]["cid"])
    obs = svc.db.one("SELECT value, source FROM observations WHERE oid = ?", [o["observation_id"]])
    assert obs["value"] == pytest.approx(4.8) and f'"document": {did}' in obs["source"]
    assert svc.commitment(rows[("gdp_growth", "outcome")]["cid"])["status"] == "accepted"


def test_edit_and_reject(svc):
    did = svc.add_text(REPORT_2024, doc_date="2024-01-23", issuer="440000")["did"]
    cid = svc.commitments(did)[1]["cid"]
    assert svc.edit(cid, value=5.5, comparator="at_least")["status"] == "edited"
    assert svc.reject(cid, note="duplicate")["status"] == "rejected"
    with pytest.raises(InputError):
        svc.edit(cid, colour="red")


def test_bad_file_stores_nothing(svc):
    with pytest.raises(InputError) as exc:
        svc.add(DATA / "binary.txt")
    assert exc.value.report.errors[0].code == "binary-file"
    assert svc.documents() == []


def test_targets_vs_outcomes(svc):
    svc.add_text(REPORT_2024, doc_date="2024-01-23", issuer="440000", kind="work-report")
    svc.add_text(REPORT_2025, doc_date="2025-01-15", issuer="440000", kind="work-report")
    table = {(r["indicator"], r["year"]): r for r in svc.outcomes()}
    gdp = table[("gdp_growth", "2024")]
    assert (gdp["target"], gdp["outcome"], gdp["met"]) == (5.0, 3.5, False)
    jobs = table[("new_urban_jobs", "2024")]
    assert (jobs["target"], jobs["outcome"], jobs["met"]) == (1_100_000, 1_430_000, True)


def test_met():
    assert met("around", 3, None, 0.2, lower_is_better=True) is True
    assert met("range", 4.5, 5, 4.6) is True
    assert met("at_least", 5, None, None) is None


def test_a_one_line_commitment_with_its_own_year_is_stored(svc):
    # issue 14 §1.8: "The province will create 1.2 million new urban jobs in 2026." crashed `docs add`
    # ('tuple' object has no attribute 'start'): a year stated in the sentence kept a bare (start, end)
    text = "The province will create 1.2 million new urban jobs in 2026."
    out = svc.add_text(text, doc_date="2026-01-20", issuer="440000", kind="work-report")
    [c] = svc.commitments(out["did"])
    # the year's span is where "2026" stands in the text (counted by hand: 55..59)
    assert (c["period"], c["spans"]["period"]["start"], c["spans"]["period"]["end"]) == ("2026", 55, 59)
    assert text[55:59] == "2026"
