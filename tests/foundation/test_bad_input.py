"""One reference file (plan, indicators, regions, targets) per bad-input case: each names row, field
and a stable code, and changes nothing.  Observation files: tests/reporting/test_bad_inputs.py,
through every door of the one write path."""

from __future__ import annotations


import pytest
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.problems import CATALOGUE, InputError

from ..conftest import DATA

BAD = DATA / "foundation" / "bad"

CASES = [
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
