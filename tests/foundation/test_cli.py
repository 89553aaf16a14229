"""CLI --json output equals the Python API's result."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.cli.render import to_json
from luoshi.workspace import Workspace

from .test_rollup import rows


@pytest.fixture
def path(tiny_ws, tmp_path):
    tiny_ws.record(rows())
    f = tmp_path / "t.csv"
    f.write_text("indicator,region,period,comparator,value\njobs,900100,2024,at_least,300\n"
                 "jobs,900101,2024,at_least,200\n", encoding="utf-8")
    tiny_ws.load_targets(f)
    p = tiny_ws.path
    tiny_ws.close()
    return p


def cli_json(path, *args):
    result = CliRunner().invoke(app, ["--db", path, *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def api(path, fn):
    ws = Workspace(path)
    try:
        return json.loads(to_json(fn(ws)))
    finally:
        ws.close()


def test_status_json_equals_api(path):
    out = cli_json(path, "status", "--plan", "tp", "--region", "900100", "--period", "2024", "--at", "2024-04-15")
    assert out == api(path, lambda ws: ws.status("tp", "900100", "2024", date(2024, 4, 15)))
    b1 = [n for n in out["nodes"][0]["children"] if n["code"] == "B1"][0]
    jobs = [i for i in b1["indicators"] if i["code"] == "jobs"][0]
    assert jobs["value"] == 75 and jobs["target"] == 300


def test_rank_json_equals_api(path):
    out = cli_json(path, "rank", "jobs", "--level", "county", "--within", "900000", "--period", "2024Q1")
    assert out == api(path, lambda ws: ws.rank("jobs", level="county", within="900000", period="2024Q1"))
    assert [(r["code"], r["rank"]) for r in out["rows"]] == [("900201", 1), ("900101", 2), ("900102", 3)]


def test_coverage_json_equals_api_and_shows_gaps(path):
    out = cli_json(path, "coverage", "tp")
    assert out == api(path, lambda ws: ws.coverage("tp"))
    cells = {(r["node"], c["region"]): c for r in out["rows"] for c in r["cells"]}
    assert cells[("B1", "900100")]["aligned_nodes"] == ["X1"] and cells[("B1", "900100")]["targets"] == 1
    assert "no-aligned-node" in cells[("B2", "900100")]["gaps"]
    assert "no-plan" in cells[("B1", "900200")]["gaps"]
    assert "no-targets" in cells[("B1", "900200")]["gaps"]


def test_export_roundtrip(path, tmp_path):
    out = tmp_path / "rollup.csv"
    result = CliRunner().invoke(app, ["--db", path, "export", "rollup", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())  # UTF-8 with a mark, so that Excel shows Chinese
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("indicator,region,period")
    assert any(line.startswith("jobs,900000,2024Q1,Q,225") for line in lines)
