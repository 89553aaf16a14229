"""One data file per bad-input case: each names row, field and a stable code, and changes nothing."""

from __future__ import annotations


import pytest
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.problems import CATALOGUE, InputError

from ..conftest import DATA

BAD = DATA / "foundation" / "bad"

CASES = [
    ("import", "unknown-region.csv", [[3, "region", "unknown-region"]]),
    ("import", "unknown-indicator.csv", [[2, "indicator", "unknown-indicator"]]),
    ("import", "bad-period.csv", [[2, "period", "bad-period"]]),
    ("import", "not-a-number.csv", [[2, "value", "not-a-number"]]),
    ("import", "wrong-unit.csv", [[2, "unit", "wrong-unit"]]),
    ("import", "missing-column.csv", [[1, "value", "missing-column"]]),
    ("import", "wrong-frequency.csv", [[2, "period", "wrong-frequency"]]),
    ("import", "extra-cell.csv", [[2, None, "ragged-row"]]),
    ("import", "out-of-range.csv", [[2, "value", "out-of-range"]]),
    ("import", "duplicate-rows.csv", [[3, "period", "duplicate-row"]]),
    ("import", "binary.csv", [[None, None, "bad-format"]]),
    ("import", "empty.csv", [[None, None, "empty-file"]]),
    ("plan", "plan-unknown-parent.yaml", [[None, "plans[1].nodes[2].parent", "unknown-parent"]]),
    ("plan", "plan-malformed.yaml", [[None, None, "bad-format"]]),
    ("indicators", "indicator-bad-agg.yaml", [[None, "indicators[1].region_agg", "bad-value"]]),
    ("regions", "region-unknown-parent.csv", [[2, "parent_code", "unknown-parent"]]),
    ("targets", "target-bad-comparator.csv", [[2, "comparator", "bad-comparator"]]),
]


def snapshot(ws):
    return {t: ws.db.scalar(f"SELECT count(*) FROM {t}") for t in
            ("regions", "plan_nodes", "indicators", "targets", "observations", "obs_current", "rollup")}


def load(ws, kind, path):
    return {"import": ws.import_observations, "plan": ws.load_plans, "indicators": ws.load_indicators,
            "regions": ws.load_regions, "targets": ws.load_targets}[kind](path)


@pytest.mark.parametrize("kind,name,expected", CASES, ids=[c[1] for c in CASES])
def test_bad_file_is_reported_and_changes_nothing(tiny_ws, kind, name, expected):
    tiny_ws.record([{"indicator": "jobs", "region": "900101", "period": "2024-02", "value": 1}])
    before = snapshot(tiny_ws)
    with pytest.raises(InputError) as exc:
        load(tiny_ws, kind, BAD / name)
    assert exc.value.report.flatten() == expected
    assert all(p.code in CATALOGUE and p.message_zh for p in exc.value.report.problems)
    assert snapshot(tiny_ws) == before


def test_coarser_period_is_accepted(tiny_ws):
    assert tiny_ws.import_observations(BAD / "coarser-period-ok.csv")["added"] == 1


@pytest.mark.parametrize("name", ["unknown-region.csv", "bad-period.csv", "not-a-number.csv"])
def test_cli_exits_non_zero_naming_file_row_field_and_code(tiny_ws, name):
    path = tiny_ws.path
    tiny_ws.close()
    result = CliRunner().invoke(app, ["--db", path, "import", "observations", str(BAD / name)])
    assert result.exit_code == 2
    [case] = [c for c in CASES if c[1] == name]
    row, field, code = case[2][0]
    out = result.output
    assert name in out and f"row {row}" in out and f"field {field}" in out and code in out


def test_unknown_names_in_commands_are_clean_errors(tiny_ws):
    path = tiny_ws.path
    tiny_ws.close()
    runner = CliRunner()
    r = runner.invoke(app, ["--db", path, "status", "--plan", "nope"])
    assert r.exit_code == 2 and "unknown-plan" in r.output
    assert "no plan with id 'nope'; plans: tc1, tp" in r.stderr and "不存在编号为 'nope' 的规划" in r.stderr
    r = runner.invoke(app, ["--db", path, "rank", "jobs", "--period", "2024Q9"])
    assert r.exit_code == 2 and "bad-period" in r.output
    r = runner.invoke(app, ["--db", path, "status", "--plan", "tp", "--region", "123456"])
    assert r.exit_code == 2 and "unknown-region" in r.output
    r = runner.invoke(app, ["--db", path, "status", "--at", "2024-02-30"])
    assert r.exit_code == 2 and "bad-date" in r.output
