"""Formula injection: no export hands a spreadsheet a formula to run (OWASP "CSV injection").

Names, comments and task titles that start with each of = + - @ tab and carriage return go out
through every door: in CSV (the CLI's exports, DHIS2 and SDMX CSV, the web's downloads) as text with
a single quote before it; in XLSX (template, task list, digest) as text cells holding the stored text
exactly.  Numbers stay numbers (-3.5 is written -3.5), the stored values are unchanged, and a CSV
export imported again stores the text it was exported from.  docs/exports.md states the rule.

The workspace: regions, indicators and units of tests/data/formats/hostile, where the names are
formulas; county 900101 reports num = -3.5 for 2024-01..06, each month with one hostile comment, and
den = 2 for 2024-01; six tasks (one hostile title each) were due 2024-03-31 and are not done."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.roles import Actor
from luoshi.services.interchange import dhis2_import
from luoshi.services.taskdesk import TaskDesk
from luoshi.services.units import load_units
from luoshi.store.csv_files import csv_text
from luoshi.web import create_app
from luoshi.workspace import Workspace

DATA = Path(__file__).resolve().parents[1] / "data"
HOSTILE = ("=1+1", "+1+1", "-1+1", "@SUM(1)", "\t=1+1", "\r=1+1")  # one for each dangerous first character
QUOTED = ["'" + s for s in HOSTILE]
MAPPING = {"dataElements": {"DEnum": "num"}, "orgUnits": {"OUk11": "900101"}}


def build(path: Path, *, data: bool = True) -> Path:
    ws = Workspace(path, today=date(2026, 11, 20))
    ws.load_regions(DATA / "formats" / "hostile" / "regions.csv")
    ws.load_plans(DATA / "foundation" / "tiny_plan.yaml")
    ws.load_indicators(DATA / "formats" / "hostile" / "indicators.yaml")
    load_units(ws.db, DATA / "formats" / "hostile" / "units.csv")
    for name in ("jump_ratio", "jump_points", "children_tolerance"):
        ws.set_setting(name, "1e12")
    if data:
        ws.record([{"indicator": "num", "region": "900101", "period": f"2024-{m:02d}", "value": -3.5, "comment": c}
                   for m, c in enumerate(HOSTILE, start=1)]
                  + [{"indicator": "den", "region": "900101", "period": "2024-01", "value": 2}])
        TaskDesk(ws).add_tasks([
            {"id": f"T-B1-00{n}", "plan_id": "tp", "node_code": "B1", "title_zh": title, "content": "内容", "lead_unit": "u-lead",
             "co_units": ["u-co"], "start_date": date(2024, 1, 1), "deadline": date(2024, 3, 31),
             "region_code": "900000"} for n, title in enumerate(HOSTILE, start=1)])
    ws.close()
    return path


@pytest.fixture(scope="module")
def _hostile(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("hostile") / "hostile.duckdb")


@pytest.fixture
def db(_hostile, tmp_path) -> str:
    """A copy of the hostile workspace, closed (the CLI opens it)."""
    shutil.copy(_hostile, tmp_path / "ws.duckdb")
    return str(tmp_path / "ws.duckdb")


def cli(db: str, *args) -> None:
    run = CliRunner().invoke(app, ["--db", db, *map(str, args)])
    assert run.exit_code == 0, run.output


def rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def stored(db: str) -> dict:
    ws = Workspace.open(db)
    try:
        return {"comments": [r["comment"] for r in ws.db.all("SELECT comment FROM observations WHERE comment IS "
                                                               "NOT NULL ORDER BY pkey")],
                "regions": ws.db.all("SELECT code, name_zh, name_en FROM regions ORDER BY code"),
                "indicators": ws.db.all("SELECT code, name_zh, name_en, unit FROM indicators ORDER BY code"),
                "titles": [r["title_zh"] for r in ws.db.all("SELECT title_zh FROM tasks ORDER BY id")]}
    finally:
        ws.close()


def test_the_writer_quotes_formula_text_and_keeps_numbers():
    text = csv_text(["name", "value"], [["=1+1", -3.5], ["-3.5", 2], ["'=1", 0.25], ["a=b", None]])
    # by hand: text cells that start with = or - (or quotes and then =) get one quote more; numbers do not
    assert text == "\ufeffname,value\r\n'=1+1,-3.5\r\n'-3.5,2\r\n''=1,0.25\r\na=b,\r\n"


def test_a_carriage_return_in_a_cell_does_not_split_its_row():
    text = csv_text(["comment", "value"], [["a\rb", 1], ["\r=1", 2]])
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))) == [
        ["comment", "value"], ["a\rb", "1"], ["'\r=1", "2"]]


def test_cli_csv_exports_quote_formula_text_and_keep_negative_numbers(db, tmp_path):
    before = stored(db)
    cli(db, "export", "observations", "-o", tmp_path / "obs.csv")
    obs = rows(tmp_path / "obs.csv")
    assert [r["comment"] for r in obs if r["indicator"] == "num"] == QUOTED
    assert {r["value"] for r in obs if r["indicator"] == "num"} == {"-3.5"}
    cli(db, "export", "rollup", "-o", tmp_path / "rollup.csv")
    rollup = {(r["indicator"], r["region"], r["period"]): r["value"] for r in rows(tmp_path / "rollup.csv")}
    assert rollup[("num", "900101", "2024-01")] == rollup[("num", "900000", "2024-01")] == "-3.5"
    assert stored(db) == before


def test_an_observations_export_imports_again_as_it_was_stored(db, tmp_path):
    cli(db, "export", "observations", "-o", tmp_path / "obs.csv")
    other = build(tmp_path / "other.duckdb", data=False)
    cli(str(other), "import", "observations", tmp_path / "obs.csv")
    assert stored(str(other))["comments"] == list(HOSTILE) == stored(db)["comments"]


def test_dhis2_csv_quotes_comments_keeps_values_and_imports_again(db, tmp_path):
    (tmp_path / "map.json").write_text(json.dumps(MAPPING))
    cli(db, "dhis2", "export", "--mapping", tmp_path / "map.json", "-o", tmp_path / "dv.csv")
    values = rows(tmp_path / "dv.csv")
    assert [(v["value"], v["comment"]) for v in values] == [("-3.5", q) for q in QUOTED]
    other = build(tmp_path / "other.duckdb", data=False)
    ws = Workspace.open(other)
    try:
        result = dhis2_import(ws.reporting, tmp_path / "dv.csv", tmp_path / "map.json", actor=Actor.local())
        assert result["summary"]["imported"] == 6
    finally:
        ws.close()
    assert stored(str(other))["comments"] == list(HOSTILE)


def test_dhis2_json_keeps_the_text_as_stored(db, tmp_path):
    # JSON is read by programs, not run by spreadsheets: the comment goes out exactly as stored
    (tmp_path / "map.json").write_text(json.dumps(MAPPING))
    cli(db, "dhis2", "export", "--mapping", tmp_path / "map.json", "-o", tmp_path / "dv.json")
    values = json.loads((tmp_path / "dv.json").read_text(encoding="utf-8"))["dataValues"]
    assert [(v["value"], v["comment"]) for v in values] == [("-3.5", c) for c in HOSTILE]


def test_sdmx_csv_quotes_a_formula_unit_and_keeps_the_number(db, tmp_path):
    cli(db, "export-sdmx", "-o", tmp_path / "sdmx.csv")
    data = tmp_path / "sdmx.csv"
    assert not data.read_bytes().startswith(b"\xef\xbb\xbf")
    got = {(r["INDICATOR"], r["REF_AREA"], r["TIME_PERIOD"]): (r["OBS_VALUE"], r["UNIT_MEASURE"]) for r in rows(data)}
    assert got[("den", "900101", "2024-01")] == ("2.0", "'@个")
    assert got[("num", "900000", "2024-01")] == ("-3.5", "个")


def test_web_csv_downloads_quote_formula_names_and_keep_numbers(db):
    ws = Workspace.open(db, today=date(2026, 11, 20))
    try:
        with TestClient(create_app(ws), raise_server_exceptions=False) as client:
            def table(url: str) -> list[dict]:
                r = client.get(url)
                assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
                return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))

            names = {r["code"]: (r["name_zh"], r["name_en"]) for r in table("/api/indicators?format=csv")}
            assert names == {"num": ("'=1+1", "'+1+1"), "den": ("'-1+1", "'@SUM(1)"), "pct": ("'\t=1+1", "'\r=1+1")}
            children = {r["code"]: (r["name_zh"], r["name_en"], r["value"]) for r in
                        table("/api/indicators/num?region=900100&period=2024-01&format=csv")}
            assert children["900101"] == ("'=2+2", "'+2+2", "-3.5")
            assert children["900102"][:2] == ("'-2+2", "'@SUM(2)")
            region = {r["code"]: (r["name_zh"], r["value"]) for r in
                      table("/api/regions/900101?period=2024-01&format=csv")}
            assert region["num"] == ("'=1+1", "-3.5") and region["den"] == ("'-1+1", "2.0")
            # the JSON twin gives the names as stored
            listed = {i["code"]: i["name_zh"] for i in client.get("/api/indicators").json()["indicators"]}
            assert listed == {"num": "=1+1", "den": "-1+1", "pct": "\t=1+1"}
    finally:
        ws.close()


def cells(path: Path) -> list:
    """Every cell of every sheet of a workbook."""
    return [c for sheet in load_workbook(path).worksheets for row in sheet.iter_rows() for c in row]


def test_task_list_xlsx_holds_formula_text_as_text_and_imports_again(db, tmp_path):
    before = stored(db)
    cli(db, "tasks", "export", tmp_path / "tasks.xlsx", "--at", "2024-06-30")
    got = cells(tmp_path / "tasks.xlsx")
    assert [c.coordinate for c in got if c.data_type == "f"] == []
    texts = {c.value for c in got if c.data_type == "s"}
    assert set(HOSTILE) | {"=牵头", "+配合"} <= texts  # titles and unit names, with no quote added
    other = build(tmp_path / "other.duckdb", data=False)
    cli(str(other), "tasks", "import", tmp_path / "tasks.xlsx")
    assert stored(db)["titles"] == before["titles"] == list(HOSTILE)
    # no quote to take off; the task importer trims a cell's spaces, tabs and line breaks as ever
    assert stored(str(other))["titles"] == [s.strip() for s in HOSTILE]


def test_digest_xlsx_holds_formula_titles_as_text(db, tmp_path):
    cli(db, "digest", "--since", "2024-06-01", "--at", "2024-06-30", "--format", "xlsx", "-o", tmp_path / "d.xlsx")
    got = cells(tmp_path / "d.xlsx")
    assert [c.coordinate for c in got if c.data_type == "f"] == []
    assert set(HOSTILE) | {"=牵头"} <= {c.value for c in got if c.data_type == "s"}


def test_template_xlsx_holds_formula_names_as_text(db, tmp_path):
    cli(db, "template", "--region", "900101", "--period", "2024-07", "-o", tmp_path / "t.xlsx")
    got = cells(tmp_path / "t.xlsx")
    assert [c.coordinate for c in got if c.data_type == "f"] == []
    data = load_workbook(tmp_path / "t.xlsx")["data"]
    names = {r[0].value: (r[1].value, r[1].data_type, r[5].value, r[5].data_type) for r in data.iter_rows(min_row=2)}
    # the names as stored, as text; last period's value (num: -3.5 in 2024-06) a number
    assert names == {"num": ("=1+1 +1+1", "s", -3.5, "n"), "den": ("-1+1 @SUM(1)", "s", None, "n"),
                     "pct": ("\t=1+1 \r=1+1", "s", None, "n")}
