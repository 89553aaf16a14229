"""XLSX percent cells: "5.2%" typed into Excel, WPS or LibreOffice is stored as 0.052 with a percent
number format; luoshi reads the format and takes the percent the cell shows (as the same workbook
saved as CSV would give it), so that an indicator in % stores 5.2 and any other refuses the sign.

Expected values by hand: fai_growth is in %, so 0.052 shown as 5.2% is 5.2, 0.05 in ``0%`` is 5,
0.0525 in ``0.00%`` is 5.25; a ``0%`` cell holding 0.052 shows "5%" but holds 5.2%, which is what is
read; a cell 5.2 whose format only writes a sign (``0.0"%"``) is 5.2; new_urban_jobs is in 万人,
so a percent there is wrong-unit."""

from __future__ import annotations

import openpyxl
import pytest

from luoshi.ingest import xlsx, xlsx_rows
from luoshi.ingest.xlsx_rows import is_percent_format

ROWS = [  # indicator, region, period, value in the cell, its number format
    ("fai_growth", "440103", "2025-01", 0.052, "0.0%"),
    ("fai_growth", "440103", "2025-02", 0.05, "0%"),
    ("fai_growth", "440103", "2025-03", 0.0525, "0.00%"),   # a built-in format (id 10), as LibreOffice saves it
    ("fai_growth", "440103", "2025-04", 0.052, "0%"),
    ("fai_growth", "440104", "2025-01", 5.2, '0.0"%"'),     # a sign as text: the number is not scaled
    ("fai_growth", "440104", "2025-02", -0.031, "0.0%;[Red]-0.0%"),
]
EXPECTED = {("440103", "2025-01"): 5.2, ("440103", "2025-02"): 5.0, ("440103", "2025-03"): 5.25,
            ("440103", "2025-04"): 5.2, ("440104", "2025-01"): 5.2, ("440104", "2025-02"): -3.1}


def workbook(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(["indicator", "region", "period", "value"])
    for ind, region, period, value, fmt in rows:
        ws.append([ind, region, period, value])
        ws.cell(ws.max_row, 4).number_format = fmt
    wb.save(path)
    return path


def stored(ws) -> dict:
    rows = ws.db.all("""SELECT r.code AS region, p.code AS period, o.latest_value AS value
                        FROM obs_current o JOIN indicators i USING (iid) JOIN regions r USING (rid)
                        JOIN periods p ON p.key = o.pkey
                        WHERE i.code = 'fai_growth' AND r.code IN ('440103', '440104')""")
    return {(r["region"], r["period"]): r["value"] for r in rows}


@pytest.mark.parametrize("reader", ["fast", "openpyxl"])
def test_percent_cells_are_read_as_the_percent_they_show(bundled_ws, tmp_path, monkeypatch, reader):
    if reader == "openpyxl":  # the fallback for files the fast reader does not expect
        monkeypatch.setattr(xlsx_rows, "open_book", lambda data: (_ for _ in ()).throw(xlsx_rows.Unsupported()))
    out = bundled_ws.reporting.import_file(workbook(tmp_path / "pct.xlsx", ROWS), actor=bundled_ws.reporting.actor())
    assert (out["status"], out["accepted"], out["problems"]) == ("committed", len(ROWS), [])
    assert stored(bundled_ws) == pytest.approx(EXPECTED)


def test_a_percent_cell_for_an_indicator_in_another_unit_is_wrong_unit(bundled_ws, tmp_path):
    path = workbook(tmp_path / "jobs.xlsx", [("new_urban_jobs", "440103", "2025-01", 0.052, "0.0%")])
    out = bundled_ws.reporting.import_file(path, actor=bundled_ws.reporting.actor(), dry_run=True)
    assert [(p["row"], p["code"]) for p in out["problems"]] == [(2, "wrong-unit")]
    assert out["problems"][0]["message"] == "unit '%' does not match new_urban_jobs's unit '万人'"


@pytest.mark.parametrize("fmt,percent", [
    ("0%", True), ("0.0%", True), ("#,##0.00%", True), ("0.0%;[Red]-0.0%", True), ("[$-804]0.0%", True),
    ('0.0"%"', False), ("0.0\\%", False), ("General", False), ("@", False), ("yyyy-mm-dd", False), (None, False),
    ('"增长"0.0', False),
])
def test_a_percent_format_scales_a_sign_in_quotes_does_not(fmt, percent):
    assert is_percent_format(fmt) is percent


@pytest.mark.parametrize("value,text", [(0.052, "5.2%"), (0.07, "7%"), (1, "100%"), (-0.0005, "-0.05%"),
                                        (0.123456789, "12.3456789%")])
def test_percent_text_keeps_the_stored_precision_without_float_noise(value, text):
    # 0.07 * 100 is 7.000000000000001 in binary floating point; the text is scaled in decimal
    assert xlsx.percent_text(value) == text


def test_a_target_in_a_percent_cell_is_its_percent(bundled_ws, tmp_path):
    # gdp_growth is in %: a target typed 5.5% (0.055 in 0.0%) is 5.5, not 0.055; gdp (亿元) refuses a %
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator", "region", "period", "comparator", "value"])
    for ind, value in (("gdp_growth", 0.055), ("gdp", 0.05)):
        ws.append([ind, "440000", "2028", "at_least", value])
        ws.cell(ws.max_row, 5).number_format = "0.0%"
    wb.save(tmp_path / "targets.xlsx")
    out = bundled_ws.reporting.import_file(tmp_path / "targets.xlsx", actor=bundled_ws.reporting.actor(),
                                           kind="targets", mode="accept-valid")
    assert [(p["row"], p["field"], p["code"]) for p in out["problems"]] == [(3, "value", "wrong-unit")]
    assert bundled_ws.db.scalar("""SELECT t.value FROM targets t JOIN indicators i USING (iid)
                                   JOIN periods p ON p.key = t.pkey
                                   WHERE i.code = 'gdp_growth' AND p.code = '2028'""") == 5.5
