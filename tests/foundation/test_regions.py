"""A split and a merge keep history: values of a retired county roll up for the periods it existed."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.domain.problems import InputError


def v(ws, ind, region, period):
    row = ws.db.one("""SELECT r.value FROM rollup r JOIN indicators i ON i.iid = r.iid JOIN regions g ON g.rid = r.rid
                       JOIN periods p ON p.key = r.pkey WHERE i.code = ? AND g.code = ? AND p.code = ?""",
                    [ind, region, period])
    return None if row is None else row["value"]


def new(code, name):
    return {"code": code, "parent": "900100", "name_zh": name, "name_en": name, "level": "county"}


def test_split_then_merge(tiny_ws):
    ws = tiny_ws
    ws.change_regions(date=date(2024, 2, 1), kind="split", retire=["900102"],
                      create=[new("900103", "K13"), new("900104", "K14")])
    ws.change_regions(date=date(2024, 3, 1), kind="merge", retire=["900103", "900104"],
                      create=[new("900105", "K15")])
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
    tiny_ws.change_regions(date=date(2024, 2, 1), kind="split", retire=["900102"], create=[new("900103", "K13")])
    f = tmp_path / "late.csv"
    f.write_text("indicator,region,period,value\njobs,900102,2024-03,4\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        tiny_ws.import_observations(f)
    assert exc.value.report.flatten() == [[2, "region", "region-not-valid"]]
