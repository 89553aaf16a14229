"""`luoshi rollup`: either engine from the command line, a rollup made by Spark attached and read
by the workspace, and what is refused while it is attached or when it does not fit."""

from __future__ import annotations

import json
import random
import shutil

import pytest
from typer.testing import CliRunner

from luoshi.analytics import rollup_spark
from luoshi.cli.main import app
from luoshi.domain.problems import Refusal
from luoshi.services.rollups import attach_folder
from luoshi.workspace import Workspace
from tests.scale.test_spark_rollup import _build, _parquet, _rows, _targets
from tests.test_incremental import _apply


def cli(db, *args):
    return CliRunner().invoke(app, ["--db", str(db), *args])


def _view(ws) -> list[tuple]:
    return ws.db.con.execute("SELECT iid, rid, pkey, ptype, value, src, n_reporting, synthetic FROM rollup "
                             "ORDER BY iid, rid, pkey").fetchall()


@pytest.mark.parametrize("args,column", [(("--engine", "flink"), "engine"), (("--engine", "spark"), "output"),
                                         (("--attach",), "attach")])
def test_a_rollup_command_that_cannot_run_says_why(tmp_path, args, column):
    ws, _, _ = _build(tmp_path / "ws.duckdb", random.Random(1))
    ws.close()
    result = cli(tmp_path / "ws.duckdb", "rollup", *args)
    assert result.exit_code == 2, result.output
    assert "bad-value" in result.output and column in result.output


def test_without_java_the_spark_engine_is_refused_with_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(Refusal) as e:
        rollup_spark.session()
    assert e.value.code == "no-spark"


def test_an_attached_spark_rollup_is_what_the_workspace_reads_until_it_rolls_up_again(tmp_path):
    db, out = tmp_path / "ws.duckdb", tmp_path / "out"
    rng = random.Random(21)
    ws, rids, iids = _build(db, rng)
    _apply(ws, _rows(rng, rids, iids, 600), refresh=False)
    n_targets = _targets(rng, ws, tmp_path, rids)
    ws.rollup_full()
    before = _view(ws)
    ws.export("rollup", "csv", tmp_path / "before.csv")
    ws.close()

    result = cli(db, "rollup", "--engine", "spark", "-o", str(out), "--attach", "--at", "2025-03-20", "--json")
    assert result.exit_code == 0, result.output
    made = json.loads(result.output)
    assert made["attached"] == str(out.resolve()) and made["partitions"] > 0
    assert made["judged"] == n_targets and made["at"] == "2025-03-20"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["observations"] > 0 and manifest["engine"] == "spark" and manifest["judged"] == n_targets
    # the workspace, reading the attached rollup, judges every target as the Spark job did
    assert cli(db, "export", "judgement", "--at", "2025-03-20", "--format", "parquet", "-o",
               str(tmp_path / "judged.parquet")).exit_code == 0
    spark_judged = _parquet(str(out / "judgement" / "*" / "*.parquet"), "indicator, region, period, category, light, met")
    assert spark_judged == _parquet(str(tmp_path / "judged.parquet"), "indicator, region, period, category, light, met")
    assert len(spark_judged) == n_targets

    ws = Workspace.open(db)
    assert ws.rollup_attached() == str(out.resolve())
    assert ws.db.scalar("SELECT count(*) FROM rollup_derived") == 0  # read from the Parquet only
    assert _view(ws) == before
    ws.export("rollup", "csv", tmp_path / "after.csv")
    assert (tmp_path / "after.csv").read_bytes() == (tmp_path / "before.csv").read_bytes()

    # while attached, a new value would make the snapshot wrong: refused, nothing changed
    with pytest.raises(Refusal) as e:
        _apply(ws, [{"iid": iids["flow"], "rid": rids["C1"], "pkey": 20243001, "value": 2.5}])
    assert e.value.code == "rollup-attached"
    assert _view(ws) == before
    ws.close()

    # rolling up here detaches it (and with -o writes the same folders as Spark); the folder no
    # longer describes the data once a value changes
    assert cli(db, "rollup", "--engine", "duckdb", "-o", str(tmp_path / "here"), "--at", "2025-03-20").exit_code == 0
    assert _parquet(str(tmp_path / "here" / "judgement" / "*" / "*.parquet"),
                    "indicator, region, period, category, light, met") == spark_judged
    ws = Workspace.open(db)
    assert ws.rollup_attached() is None and _view(ws) == before
    _apply(ws, [{"iid": iids["flow"], "rid": rids["C1"], "pkey": 20243001, "value": 2.5}])
    changed = _view(ws)
    with ws.db.write() as con:  # and without targets, nothing to judge is not a failure
        con.execute("DELETE FROM target_trajectory")
        con.execute("DELETE FROM targets")
    ws.close()
    result = cli(db, "rollup", "--engine", "spark", "-o", str(out), "--attach", "--json")  # made again, attached
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["judged"] == 0
    ws = Workspace.open(db)
    assert _view(ws) == changed
    ws.close()

    # an attached folder that has gone is said at once, not as a failing query
    shutil.copytree(out, tmp_path / "kept")
    shutil.rmtree(out)
    ws = Workspace.open(db)
    with pytest.raises(Refusal) as e:
        ws.rollup_attached()
    assert e.value.code == "rollup-missing"
    ws.close()
    assert cli(db, "rollup").exit_code == 0  # the DuckDB engine repairs it

    # a folder made from other data is not attached
    ws = Workspace.open(db)
    _apply(ws, [{"iid": iids["flow"], "rid": rids["C1"], "pkey": 20243002, "value": 4.0}])
    with pytest.raises(Refusal) as e:
        attach_folder(ws, tmp_path / "kept")
    assert e.value.code == "rollup-mismatch" and "observations differs" in e.value.problem.message
    assert ws.rollup_attached() is None
    ws.close()
