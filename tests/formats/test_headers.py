"""Offices' spreadsheets: the Chinese and English headers they write (地区, 指标, 期间, 数值; Region
name, Time), with names in the cells, import through the one write path; a header that could be two
columns, and two columns for one field, are refused rather than guessed, except that a column of
codes wins over a column of names.

Expected values by hand: new_urban_jobs is kept in 万人, so a cell 1.2 is stored as 1.2; 荔湾区 is
440103 and 越秀 (越秀区's short name) is 440104 in the bundled divisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.domain.problems import Report
from luoshi.ingest.columns import ALIASES, BY_NAME, OBSERVATION_FIELDS, column_index

DATA = Path(__file__).resolve().parents[1] / "data" / "formats"


def stored(ws, region: str, period: str = "2025-03", indicator: str = "new_urban_jobs"):
    return ws.db.scalar("""SELECT o.latest_value FROM obs_current o JOIN indicators i USING (iid)
                           JOIN regions r USING (rid) JOIN periods p ON p.key = o.pkey
                           WHERE i.code = ? AND r.code = ? AND p.code = ?""", [indicator, region, period])


def run(ws, name: str, **kw) -> dict:
    return ws.reporting.import_file(DATA / name, actor=ws.reporting.actor(), **kw)


def test_an_office_gbk_file_with_chinese_headers_and_names_imports(bundled_ws):
    # before: missing-column indicator and region (地区 and 指标 were not headers luoshi knew)
    out = run(bundled_ws, "office-gbk.csv")
    assert (out["status"], out["accepted"], out["problems"]) == ("committed", 2, [])
    assert stored(bundled_ws, "440103") == 1.2
    assert stored(bundled_ws, "440104") == 0.8


def test_english_headers_with_names_import(bundled_ws):
    out = run(bundled_ws, "office-en.csv")
    assert (out["status"], out["accepted"]) == ("committed", 1)
    assert stored(bundled_ws, "440103") == 1.2


def test_json_keys_are_read_as_headers(bundled_ws):
    out = run(bundled_ws, "office.json")
    assert (out["status"], out["accepted"]) == ("committed", 1)
    assert stored(bundled_ws, "440103") == 1.2


def test_a_code_column_wins_over_a_name_column_whatever_the_order(bundled_ws):
    # 地区 says 越秀区 (440104) but 地区代码 says 440103: the code is read, the name is a note
    out = run(bundled_ws, "code-and-name.csv")
    assert (out["status"], out["accepted"]) == ("committed", 1)
    assert stored(bundled_ws, "440103") == 1.2
    assert stored(bundled_ws, "440104") is None


@pytest.mark.parametrize("name,problem", [
    # one header naming two fields: not silently the first of them
    ("ambiguous-header.csv", [1, None, "ambiguous-column"]),
    # two value columns, and two region-name columns, of the same rank
    ("two-value-columns.csv", [1, "value", "duplicate-column"]),
    ("two-name-columns.csv", [1, "region", "duplicate-column"]),
])
def test_a_header_is_never_guessed(bundled_ws, name, problem):
    out = run(bundled_ws, name, dry_run=True)
    assert out["status"] == "invalid"
    assert [[p.get("row"), p.get("field"), p["code"]] for p in out["problems"]] == [problem]
    assert stored(bundled_ws, "440103") is None


def test_the_ambiguous_header_says_which_fields_in_both_languages():
    report = Report()
    assert column_index(["地区", "指标", "期间", "数值", "单位/备注"], "observations", (), report, row=1) is None
    p = report.problems[0]
    assert p.message == "header '单位/备注' names several columns (unit, comment); rename it to one of them"
    assert p.message_zh == "列名 '单位/备注' 可能指多个列（单位、备注），请改为其中之一"


def test_every_alias_maps_to_its_own_field_alone():
    # a header table that is not ambiguous in itself: each alias names one field, also word by word
    seen: dict[str, str] = {}
    for field, aliases in ALIASES.items():
        for alias in aliases:
            assert seen.setdefault(alias.lower(), field) == field, alias
            report = Report()
            index = column_index([alias], "observations" if field != "comparator" else "targets", (), report, row=1)
            assert index == {field: 0} and report.problems == [], alias
    assert BY_NAME <= set(seen)  # the name headers are headers
    assert {seen[h] for h in BY_NAME} == {"region", "indicator"}
    assert list(ALIASES)[:len(OBSERVATION_FIELDS)] == list(OBSERVATION_FIELDS)
