"""Exit codes scripts can rely on: an import that stored every row exits 0, an accept-valid import
that stored the valid rows but refused some exits 1 (a dry run exits as the import would), and a
refused import exits 2; `tasks import --json` prints its report whatever the outcome."""

from __future__ import annotations

import json
import shutil

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.data.bundle import path as bundled
from luoshi.services.units import load_units
from luoshi.workspace import Workspace

GOOD = "new_urban_jobs,440103,2025-03,1.2\n"
BAD = "new_urban_jobs,449999,2025-03,0.8\n"  # no region 449999


@pytest.fixture
def db(_bundled_template, tmp_path) -> str:
    p = tmp_path / "cli.duckdb"
    shutil.copy(_bundled_template, p)
    ws = Workspace(p)
    load_units(ws.db, bundled("units.csv"))  # for the task lists
    ws.close()
    return str(p)


def cli(db: str, *args: str):
    return CliRunner().invoke(app, ["--db", db, *args])


@pytest.mark.parametrize("rows,options,code,status", [
    (GOOD, [], 0, "committed"),
    (GOOD + BAD, ["--mode", "accept-valid"], 1, "partial"),          # before: 0, scripts could not tell
    (GOOD + BAD, ["--mode", "accept-valid", "--dry-run"], 1, "valid"),
    (GOOD + BAD, [], 2, "rejected"),
    (BAD, ["--mode", "accept-valid"], 2, "rejected"),                # nothing valid: nothing stored
])
def test_import_exit_codes(db, tmp_path, rows, options, code, status):
    f = tmp_path / "obs.csv"
    f.write_text("indicator,region,period,value\n" + rows, encoding="utf-8")
    run = cli(db, "import", "observations", str(f), "--json", *options)
    assert run.exit_code == code, run.output
    out = json.loads(run.stdout)
    assert out["status"] == status
    assert out["accepted"] == (1 if status in ("committed", "partial", "valid") else 0)


def task_list(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "任务内容", "牵头单位", "完成时限", "所属部署"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


TASKS = [[1, "推进技术改造", "广东省工业和信息化厅", "2024-12-31", "B2"],
         [2, "某任务", "不存在的厅", "2024-12-31", "B2"]]  # an unknown lead unit


def test_tasks_import_dry_run_json_prints_the_report_of_invalid_rows(db, tmp_path):
    # before: nothing on stdout (the refusal went to stderr only)
    run = cli(db, "tasks", "import", str(task_list(tmp_path / "t.xlsx", TASKS)), "--dry-run", "--json")
    assert run.exit_code == 2, run.output
    out = json.loads(run.stdout)
    assert (out["ok"], out["imported"], out["dry_run"]) == (False, 0, True)
    assert [(p["row"], p["code"]) for p in out["problems"]] == [(3, "unknown-unit")]


def test_tasks_import_json_exit_codes(db, tmp_path):
    f = task_list(tmp_path / "t.xlsx", TASKS)
    run = cli(db, "tasks", "import", str(f), "--json")  # all or nothing: refused, the report printed
    assert run.exit_code == 2 and json.loads(run.stdout)["imported"] == 0
    run = cli(db, "tasks", "import", str(f), "--json", "--partial")  # the good row stored, one skipped
    assert run.exit_code == 1
    assert (json.loads(run.stdout)["imported"], json.loads(run.stdout)["skipped"]) == (1, 1)
    good = task_list(tmp_path / "good.xlsx", [[1, "推进数字化转型", "广东省工业和信息化厅", "2024-12-31", "B2"]])
    run = cli(db, "tasks", "import", str(good), "--json")
    assert run.exit_code == 0 and json.loads(run.stdout)["ok"] is True
