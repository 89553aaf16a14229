"""A split and a merge keep history: values of a retired county roll up for the periods it existed."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.domain.problems import InputError
from luoshi.workspace import Workspace


def v(ws, ind, region, period):
    row = ws.db.one("""SELECT r.value FROM rollup r JOIN indicators i ON i.iid = r.iid JOIN regions g ON g.rid = r.rid
                       JOIN periods p ON p.key = r.pkey WHERE i.code = ? AND g.code = ? AND p.code = ?""",
                    [ind, region, period])
    return None if row is None else row["value"]


def new(code, name):
    return {"code": code, "parent": "900100", "name_zh": name, "name_en": name, "level": "county"}


def test_split_then_merge(tiny_ws):
    ws = tiny_ws
    ws.change_regions(date=date(2024, 2, 1), kind="split", from_codes=["900102"],
                      into=[new("900103", "K13"), new("900104", "K14")])
    ws.change_regions(date=date(2024, 3, 1), kind="merge", from_codes=["900103", "900104"],
                      into=[new("900105", "K15")])
    ws.record([
        {"indicator": "jobs", "region": "900101", "period": m, "value": x}
        for m, x in (("2024-01", 10), ("2024-02", 20), ("2024-03", 30))
    ] + [
        {"indicator": "jobs", "region": "900102", "period": "2024-01", "value": 5},
        {"indicator": "jobs", "region": "900103", "period": "2024-02", "value": 7},
        {"indicator": "jobs", "region": "900104", "period": "2024-02", "value": 8},
        {"indicator": "jobs", "region": "900105", "period": "2024-03", "value": 15},
    ])
    assert v(ws, "jobs", "900100", "2024-01") == 15
    assert v(ws, "jobs", "900100", "2024-02") == 35
    assert v(ws, "jobs", "900100", "2024-03") == 45
    assert v(ws, "jobs", "900100", "2024Q1") == 95
    assert v(ws, "jobs", "900102", "2024-01") == 5  # the retired county stays attributable
    assert [c["code"] for c in ws.children("900100", date(2024, 1, 15))] == ["900101", "900102"]
    assert [c["code"] for c in ws.children("900100", date(2024, 2, 15))] == ["900101", "900103", "900104"]
    assert [c["code"] for c in ws.children("900100", date(2024, 3, 15))] == ["900101", "900105"]


def test_import_rejects_a_value_for_a_region_that_did_not_exist(tiny_ws, tmp_path):
    tiny_ws.change_regions(date=date(2024, 2, 1), kind="merge", from_codes=["900102"], into=[new("900103", "K13")])
    f = tmp_path / "late.csv"
    f.write_text("indicator,region,period,value\njobs,900102,2024-03,4\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        tiny_ws.import_observations(f)
    assert exc.value.report.flatten() == [[2, "region", "region-not-valid"]]


def test_valid_to_is_the_last_day_valid(tiny_ws, tmp_path):
    """County 900102 is valid up to and including 2024-04-01: April starts on a day it is valid, so
    its April value is accepted and rolls up to the city (10 + 5 = 15, by hand); May starts after its
    last day, so a May value is refused."""
    f = tmp_path / "end.csv"
    f.write_text("code,parent_code,level,name_zh,name_en,valid_from,valid_to\n"
                 "900102,900100,county,甲二县,County 1-2,2000-01-01,2024-04-01\n", encoding="utf-8")
    tiny_ws.load_regions(f)
    tiny_ws.record([{"indicator": "jobs", "region": "900101", "period": "2024-04", "value": 10},
                    {"indicator": "jobs", "region": "900102", "period": "2024-04", "value": 5}])
    assert v(tiny_ws, "jobs", "900100", "2024-04") == 15
    assert [c["code"] for c in tiny_ws.children("900100", date(2024, 4, 1))] == ["900101", "900102"]
    assert [c["code"] for c in tiny_ws.children("900100", date(2024, 4, 2))] == ["900101"]
    with pytest.raises(InputError) as exc:
        tiny_ws.record([{"indicator": "jobs", "region": "900102", "period": "2024-05", "value": 5}])
    assert exc.value.report.flatten() == [[1, "region", "region-not-valid"]]


def test_a_valid_to_before_valid_from_is_refused(tiny_ws, tmp_path):
    f = tmp_path / "backwards.csv"
    f.write_text("code,parent_code,level,name_zh,name_en,valid_from,valid_to\n"
                 "900103,900100,county,甲三县,County 1-3,2024-05-01,2024-04-30\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        tiny_ws.load_regions(f)
    assert exc.value.report.flatten() == [[2, "valid_to", "bad-value"]]


def test_migration_moves_stored_ends_to_the_last_day(tiny_ws):
    """A workspace written before valid_to was inclusive stored the first day no longer valid
    (2024-07-01); after the migration it holds the last day valid, 2024-06-30."""
    rid = tiny_ws.region("900102")["rid"]
    with tiny_ws.db.write() as con:
        con.execute("UPDATE regions SET valid_to = DATE '2024-07-01' WHERE rid = ?", [rid])
        con.execute("UPDATE region_links SET valid_to = DATE '2024-07-01' WHERE rid = ?", [rid])
        con.execute("DELETE FROM luoshi_migrations WHERE id = '0003_inclusive_valid_to'")
    path = tiny_ws.path
    tiny_ws.close()
    ws = Workspace(path)
    try:
        assert ws.region("900102")["valid_to"] == date(2024, 6, 30)
        assert ws.db.all("SELECT valid_to FROM region_links WHERE rid = ?", [rid]) == [{"valid_to": date(2024, 6, 30)}]
        assert ws.region("900101")["valid_to"] is None
    finally:
        ws.close()
