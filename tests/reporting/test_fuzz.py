"""Random bytes and random tables never crash an importer: the result is always a report."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIELDS = ["indicator", "region", "period", "value", "unit", "comment", "state", "junk"]
cell = st.one_of(st.sampled_from(["gdp", "tech_transform", "440103", "440100", "2024-03", "2024Q1", "1.2万", "5%",
                                  "1e400", "-0", "亿元", "", " ", "=A1", "nan"]), st.text(max_size=12))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".json"]))
def test_random_bytes(ws, tmp_path_factory, data, suffix):
    f = tmp_path_factory.mktemp("fz") / f"x{suffix}"
    f.write_bytes(data)
    res = ws.reporting.import_file(f, actor=ws.reporting.actor(), dry_run=True)
    assert res["status"] in ("valid", "invalid")


@SETTINGS
@given(header=st.lists(st.sampled_from(FIELDS), min_size=1, max_size=8),
       rows=st.lists(st.lists(cell, max_size=9), max_size=8))
def test_random_tables(ws, tmp_path_factory, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    f = tmp_path_factory.mktemp("fz") / "x.csv"
    f.write_text(buf.getvalue(), encoding="utf-8")
    res = ws.reporting.import_file(f, actor=ws.reporting.actor(), dry_run=True, mode="accept-valid")
    assert res["status"] in ("valid", "invalid")
    assert all(p["code"] for p in res["problems"])
