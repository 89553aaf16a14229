"""Rollups checked against values computed by hand on the tiny hierarchy (see conftest.tiny_ws)."""

from __future__ import annotations

import pytest

OBS = {
    # indicator: {county: [Jan, Feb, Mar 2024]}
    "jobs": {"900101": [10, 20, 30], "900102": [5, 5, 5], "900201": [100, 0, 50]},
    "price": {"900101": [10, 12, 14], "900102": [20, 20, 20], "900201": [30, None, None]},
    "pop": {"900101": [100, 100, 100], "900102": [300, 300, 300], "900201": [600, 600, 600]},
    "growth": {"900101": [2.0, None, None], "900102": [6.0, None, None], "900201": [1.0, None, None]},
    "num": {"900101": [1, None, None], "900102": [1, None, None]},
    "den": {"900101": [2, None, None], "900102": [8, None, None]},
    "local": {"900101": [7, None, None]},
    "peak": {"900101": [3, None, None], "900102": [9, None, None]},
}


def rows():
    out = []
    for ind, by_region in OBS.items():
        for region, values in by_region.items():
            for month, v in zip(("2024-01", "2024-02", "2024-03"), values):
                if v is not None:
                    out.append({"indicator": ind, "region": region, "period": month, "value": v})
    return out


@pytest.fixture
def ws(tiny_ws):
    tiny_ws.record(rows())
    return tiny_ws


def value(ws, ind, region, period):
    row = ws.db.one("""SELECT r.value, r.n_reporting, r.src FROM rollup r JOIN indicators i ON i.iid = r.iid
                       JOIN regions g ON g.rid = r.rid JOIN periods p ON p.key = r.pkey
                       WHERE i.code = ? AND g.code = ? AND p.code = ?""", [ind, region, period])
    return row


def v(ws, ind, region, period):
    row = value(ws, ind, region, period)
    return None if row is None else row["value"]


def test_sum_over_regions_and_time(ws):
    assert v(ws, "jobs", "900100", "2024-01") == 15
    assert v(ws, "jobs", "900200", "2024-02") == 0
    assert v(ws, "jobs", "900000", "2024-03") == 85
    assert v(ws, "jobs", "900100", "2024Q1") == 75
    assert v(ws, "jobs", "900000", "2024Q1") == 225
    assert v(ws, "jobs", "900000", "2024S1") == 225
    assert v(ws, "jobs", "900000", "2024") == 225


def test_mean_is_mean_of_child_regions_and_of_months(ws):
    assert v(ws, "price", "900100", "2024-01") == 15  # (10 + 20) / 2
    assert v(ws, "price", "900000", "2024-01") == 22.5  # mean of cities (15, 30), not of counties (20)
    assert v(ws, "price", "900100", "2024Q1") == 16  # mean of 15, 16, 17
    assert v(ws, "price", "900101", "2024Q1") == 12
    # completeness: only one of two cities reported in February
    assert value(ws, "price", "900000", "2024-02")["n_reporting"] == 1


def test_last_over_time(ws):
    assert v(ws, "pop", "900000", "2024-03") == 1000
    assert v(ws, "pop", "900000", "2024Q1") == 1000


def test_weighted_mean_by_another_indicator(ws):
    assert v(ws, "growth", "900100", "2024-01") == pytest.approx(5.0)  # (2*100 + 6*300) / 400
    assert v(ws, "growth", "900000", "2024-01") == pytest.approx(2.6)  # (5*400 + 1*600) / 1000


def test_ratio_formula_is_a_ratio_of_sums(ws):
    assert v(ws, "share", "900101", "2024-01") == 50.0
    assert v(ws, "share", "900102", "2024-01") == 12.5
    assert v(ws, "share", "900100", "2024-01") == pytest.approx(20.0)  # (1+1)/(2+8), not (50+12.5)/2
    assert value(ws, "share", "900100", "2024-01")["src"] == 3


def test_none_is_not_rolled_up_and_max(ws):
    assert v(ws, "local", "900101", "2024-01") == 7
    assert v(ws, "local", "900100", "2024-01") is None
    assert v(ws, "peak", "900100", "2024-01") == 9


def test_reported_value_takes_precedence_and_revisions_are_kept(ws):
    ws.record([{"indicator": "jobs", "region": "900200", "period": "2024-01", "value": 999}])
    assert v(ws, "jobs", "900200", "2024-01") == 999
    assert v(ws, "jobs", "900000", "2024-01") == 15 + 999
    ws.record([{"indicator": "jobs", "region": "900101", "period": "2024-01", "value": 11}])
    assert v(ws, "jobs", "900100", "2024-01") == 16
    assert v(ws, "jobs", "900000", "2024Q1") == 225 + 899 + 1
    revisions = ws.db.all("""SELECT o.value, o.revision FROM observations o JOIN regions r ON r.rid = o.rid
                             JOIN indicators i ON i.iid = o.iid WHERE r.code = '900101' AND i.code = 'jobs'
                             AND o.pkey = 20243001 ORDER BY o.revision""")
    assert [(r["value"], r["revision"]) for r in revisions] == [(10, 1), (11, 2)]


def test_latest_unapproved_value_is_used_only_by_setting(ws):
    ws.record([{"indicator": "jobs", "region": "900101", "period": "2024-01", "value": 50}], state="submitted")
    assert v(ws, "jobs", "900100", "2024-01") == 15  # approved values only (default)
    ws.set_setting("value_basis", "latest")
    ws.rollup_full()
    assert v(ws, "jobs", "900100", "2024-01") == 55


def test_incremental_equals_full(ws):
    ws.record([{"indicator": "pop", "region": "900102", "period": "2024-01", "value": 100},
               {"indicator": "den", "region": "900102", "period": "2024-01", "value": 2}])
    incremental = ws.db.all("SELECT * FROM rollup ORDER BY iid, rid, pkey")
    ws.rollup_full()
    assert ws.db.all("SELECT * FROM rollup ORDER BY iid, rid, pkey") == incremental
    assert v(ws, "growth", "900100", "2024-01") == pytest.approx((2 * 100 + 6 * 100) / 200)
