"""The same Spark job on a cluster, through a master URL: a Spark standalone master and one worker
started here on loopback (separate JVMs, the executor a third, its Python workers this venv's),
and `luoshi rollup --engine spark --master spark://127.0.0.1:PORT` run as a user would, in its own
process.  Its rollup and judgement must equal the workspace's own.  On a real cluster DIR must be
on storage that every executor reaches; here they share this machine's disk."""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from luoshi.analytics.rollup_rules import COLS
from luoshi.domain.rules import Rules
from tests.scale.test_spark_rollup import JUDGED, _build, _judged_here, _parquet, _rows, _targets
from tests.test_incremental import _apply

pyspark = pytest.importorskip("pyspark")
SPARK_HOME = Path(pyspark.__file__).parent
AT = date(2025, 2, 10)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """spark://127.0.0.1:PORT with one worker of 2 cores; both stopped afterwards."""
    home = tmp_path_factory.mktemp("cluster")
    port = _port()
    env = {**os.environ, "SPARK_HOME": str(SPARK_HOME), "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable,
           "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false", "SPARK_LOG_DIR": str(home)}
    spark_class = str(SPARK_HOME / "bin" / "spark-class")
    procs = []
    try:
        procs.append(subprocess.Popen(
            [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
             "--webui-port", str(_port())], env=env, stdout=open(home / "master.log", "w"), stderr=subprocess.STDOUT))
        procs.append(subprocess.Popen(
            [spark_class, "org.apache.spark.deploy.worker.Worker", f"spark://127.0.0.1:{port}", "--host", "127.0.0.1",
             "--cores", "2", "--memory", "3g", "--webui-port", str(_port()), "--work-dir", str(home / "work")],
            env=env, stdout=open(home / "worker.log", "w"), stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 120
        while "Registering worker" not in (home / "master.log").read_text():
            assert time.monotonic() < deadline, (home / "master.log").read_text()[-2000:]
            assert all(p.poll() is None for p in procs), (home / "worker.log").read_text()[-2000:]
            time.sleep(0.5)
        yield f"spark://127.0.0.1:{port}", env, home
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_the_rollup_and_judgement_run_on_a_cluster(tmp_path, cluster):
    master, env, home = cluster
    rng = random.Random(31)
    ws, rids, iids = _build(tmp_path / "ws.duckdb", rng)
    _apply(ws, _rows(rng, rids, iids, 900), refresh=False)
    n_targets = _targets(rng, ws, tmp_path, rids)
    ws.rollup_full()
    cols = ", ".join(COLS)
    local = sorted(ws.db.con.execute(f"SELECT {cols} FROM rollup_derived").fetchall(), key=repr)
    judged = _judged_here(ws, AT, Rules())
    ws.close()

    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "luoshi.cli.main", "--db", str(tmp_path / "ws.duckdb"), "rollup",
                           "--engine", "spark", "--master", master, "-o", str(out), "--at", AT.isoformat(), "--json"],
                          capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    made = json.loads(done.stdout)
    assert made["master"] == master and made["judged"] == n_targets
    assert json.loads((out / "manifest.json").read_text())["master"] == master
    assert list((home / "work").glob("app-*/*/stderr")), "the tasks ran in the worker's executor"
    assert _parquet(str(out / "derived" / "*.parquet"), cols) == local
    there = _parquet(str(out / "judgement" / "*" / "*.parquet"), JUDGED)
    names = JUDGED.split(", ")
    assert [r[:4] for r in there] == [r[:4] for r in judged]
    for a, b in zip(there, judged):
        for name, x, y in zip(names, a, b):
            assert x == (pytest.approx(y, rel=1e-12, abs=1e-12) if isinstance(y, float) and x is not None else y), \
                (name, a, b)
