"""One named input file per case (tests/data/bad/), each with the exact codes and rows it must
produce and what it stores, through every door of the one write path: the Python API, the CLI
(`luoshi import observations --json`), the web upload (POST /api/imports) and, for a plain CSV,
``Workspace.record`` of its rows.  Every door must give the same report, and a refused file must
leave the workspace exactly as it was."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.problems import InputError
from luoshi.web.app import create_app
from luoshi.workspace import Workspace

from tests.reporting.conftest import BAD, TODAY

# file: (status, [(row, field, code), ...] in report order, {indicator: value stored for 440103})
EXPECTED = {
    "bom.csv": ("committed", [], {"tech_transform": 12}),
    "gbk.csv": ("committed", [], {"tech_transform": 12}),
    "text-in-number.csv": ("rejected", [(2, "value", "not-a-number")], {}),
    "bad-grouping.csv": ("rejected", [(2, "value", "not-a-number")], {}),  # not 123: commas group by three
    # 1.2万 firms = 12,000 firms (the indicator counts 家)
    "wan-unit.csv": ("committed", [(2, "value", "scale-in-value")], {"tech_transform": 12000}),
    # 1.2万 people for an indicator in 万人 is 1.2, not 12,000 (the indicator's own scale)
    "wan-in-wan-unit.csv": ("committed", [(2, "value", "scale-in-value")], {"new_urban_jobs": 1.2}),
    # 1.2亿 yuan for an indicator in 亿元 is 1.2
    "yi-in-yi-unit.csv": ("committed", [(2, "value", "scale-in-value")], {"key_project_investment": 1.2}),
    "fullwidth-comma.csv": ("committed", [], {"tech_transform": 1234}),
    "approved-state.csv": ("committed", [], {"tech_transform": 12}),
    "coarser-period.csv": ("committed", [], {}),
    # names (zh and en) instead of codes, in a GBK file: 荔湾区 is 440103
    "names-gbk.csv": ("committed", [], {"tech_transform": 12}),
    # spellings of μg/m³ that a GBK save keeps
    "gbk-safe-unit.csv": ("committed", [], {"pm25": 25}),
    "wrong-unit.csv": ("rejected", [(2, "unit", "wrong-unit")], {}),
    "future-period.csv": ("rejected", [(2, "period", "future-period")], {}),
    "unknown-region.csv": ("rejected", [(2, "region", "unknown-region")], {}),
    "unknown-indicator.csv": ("rejected", [(2, "indicator", "unknown-indicator")], {}),
    "bad-period.csv": ("rejected", [(2, "period", "bad-period")], {}),
    "wrong-frequency.csv": ("rejected", [(2, "period", "wrong-frequency")], {}),
    "duplicate-rows.csv": ("rejected", [(3, "period", "duplicate-row")], {}),
    "huge-number.csv": ("rejected", [(2, "value", "implausible-number")], {}),
    "negative-count.csv": ("rejected", [(2, "value", "out-of-range")], {}),
    "missing-value.csv": ("rejected", [(2, "value", "missing-value")], {}),
    "ragged-row.csv": ("rejected", [(2, None, "ragged-row")], {}),
    "jump-without-comment.csv": ("rejected", [(3, "value", "jump-without-comment")], {}),
    "children-sum.csv": ("rejected", [(13, "value", "children-sum-mismatch")], {}),
    "missing-column.csv": ("rejected", [(1, "period", "missing-column")], {}),
    "binary.csv": ("rejected", [(None, None, "bad-format")], {}),
    "empty.csv": ("rejected", [(None, None, "empty-file")], {}),
    "merged-cells.xlsx": ("rejected", [(2, "region", "merged-cells"), (3, "region", "merged-cells")], {}),
    "formula-cells.xlsx": ("rejected", [(3, "value", "formula-cell")], {}),
    "empty.xlsx": ("rejected", [(None, None, "empty-file")], {}),
    "corrupt.xlsx": ("rejected", [(None, None, "bad-format")], {}),
}
# the files whose rows Workspace.record can also be given (plain, readable CSV)
ROWS_TOO = [n for n in EXPECTED if n.endswith(".csv") and n not in (
    "binary.csv", "empty.csv", "ragged-row.csv", "missing-column.csv")]
TABLES = ("observations", "obs_current", "rollup", "audit_log", "targets")


def test_every_bad_file_is_listed():
    on_disk = {p.name for p in BAD.iterdir() if p.suffix in (".csv", ".xlsx", ".json")}
    assert on_disk == set(EXPECTED)


def _python(path, name):
    ws = Workspace.open(path, today=TODAY)
    try:
        return ws.reporting.import_file(BAD / name, actor=ws.reporting.actor())
    finally:
        ws.close()


def _cli(path, name):
    result = CliRunner().invoke(app, ["--db", str(path), "import", "observations", str(BAD / name), "--json"])
    assert result.exit_code == (0 if EXPECTED[name][0] == "committed" else 2), result.output
    return json.loads(result.stdout)


def _web(path, name):
    ws = Workspace.open(path, today=TODAY)
    try:
        r = TestClient(create_app(ws)).post("/api/imports", files={"file": (name, (BAD / name).read_bytes())})
        body = r.json()
        assert r.status_code == (200 if EXPECTED[name][0] == "committed" else 422), body
        return body if r.status_code == 200 else body["import"] | {"problems": body["problems"]}
    finally:
        ws.close()


def _counts(path) -> dict:
    ws = Workspace.open(path, today=TODAY)
    try:
        return {t: ws.db.scalar(f"SELECT count(*) FROM {t}") for t in TABLES}
    finally:
        ws.close()


def _stored(path, indicator) -> float:
    ws = Workspace.open(path, today=TODAY)
    try:
        return ws.db.scalar("""SELECT o.latest_value FROM obs_current o JOIN indicators i USING (iid)
                               JOIN regions r USING (rid) WHERE i.code = ? AND r.code = '440103'""", [indicator])
    finally:
        ws.close()


@pytest.mark.parametrize("door", [_python, _cli, _web], ids=["python", "cli", "web"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file(base_db, tmp_path, name, door):
    path = tmp_path / "ws.duckdb"
    shutil.copy(base_db, path)
    status, problems, stored = EXPECTED[name]
    before = _counts(path)
    result = door(path, name)
    got = [(p.get("row"), p.get("field"), p["code"]) for p in result["problems"]]
    assert got == problems
    assert result["status"] == status
    assert all(p["message"] and p["message_zh"] for p in result["problems"])
    after = _counts(path)
    if status == "committed":
        assert after["observations"] > before["observations"]
    else:  # only the import record's audit entry is added
        assert {t: after[t] for t in TABLES if t != "audit_log"} == {t: before[t] for t in TABLES if t != "audit_log"}
        assert after["audit_log"] == before["audit_log"] + 1
    for indicator, value in stored.items():
        assert _stored(path, indicator) == pytest.approx(value)


@pytest.mark.parametrize("name", ROWS_TOO)
def test_the_same_rows_given_in_python(base_db, tmp_path, name):
    """Workspace.record numbers its rows from 1 where a file's data start on line 2."""
    path = tmp_path / "ws.duckdb"
    shutil.copy(base_db, path)
    raw = (BAD / name).read_bytes()
    text = raw.decode("utf-8-sig") if not name.startswith(("gbk", "names-gbk")) else raw.decode("gb18030")
    rows = [{k: v for k, v in r.items() if v} for r in csv.DictReader(io.StringIO(text))]
    if name == "gbk.csv":  # its headers are the template's Chinese ones
        rows = [{"indicator": r["指标代码"], "region": r["地区代码"], "period": r["期间"], "value": r["数值"],
                 "comment": r["备注"]} for r in rows]
    status, problems, stored = EXPECTED[name]
    ws = Workspace.open(path, today=TODAY)
    try:
        if status == "committed":
            out = ws.record(rows)
            assert [(p.get("row") + 1, p.get("field"), p["code"]) for p in out["problems"]] == problems
        else:
            with pytest.raises(InputError) as exc:
                ws.record(rows)
            assert [(p.row + 1, p.field, p.code) for p in exc.value.report.problems] == problems
    finally:
        ws.close()
    for indicator, value in stored.items():
        assert _stored(path, indicator) == pytest.approx(value)


@pytest.mark.parametrize("name", ["unknown-region.csv", "bad-period.csv", "text-in-number.csv"])
def test_the_cli_names_file_row_field_and_code(base_db, tmp_path, name):
    path = tmp_path / "ws.duckdb"
    shutil.copy(base_db, path)
    result = CliRunner().invoke(app, ["--db", str(path), "import", "observations", str(BAD / name)])
    assert result.exit_code == 2
    [(row, field, code)] = EXPECTED[name][1]
    assert name in result.output and f"row {row}" in result.output and f"field {field}" in result.output
    assert code in result.output


def test_an_approved_state_in_any_case_is_stored_approved(ws):
    ws.reporting.import_file(BAD / "approved-state.csv", actor=ws.reporting.actor(), state="submitted")
    assert ws.db.scalar("SELECT latest_state FROM obs_current o JOIN indicators i USING (iid) "
                        "WHERE i.code = 'tech_transform'") == "approved"


def test_gbk_comment_survives(ws):
    ws.reporting.import_file(BAD / "gbk.csv", actor=ws.reporting.actor())
    assert ws.db.scalar("SELECT comment FROM observations ORDER BY oid DESC LIMIT 1") == "技术改造完成情况良好"
