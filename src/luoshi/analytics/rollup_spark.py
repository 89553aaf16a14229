"""The full rollup as an Apache Spark job, for when one machine is not enough.

The workspace's structure and base values go to Parquet (written by DuckDB, with the same helper
tables the DuckDB engine makes: rollup.prepare), Spark runs the shared steps (rollup_steps.py) on
them, and the result is written as Parquet under the output folder:

- ``rollup/``: every value, reported and derived, with the columns of ``luoshi export rollup``
  (rollup_rules.EXPORT_COLUMNS), partitioned by period (``period=2025-03/``), for analysts;
- ``derived/``: the derived rows as the workspace stores them (rollup_rules.COLS), what
  ``luoshi rollup attach`` reads;
- ``manifest.json``: what it was made from (the structure's fingerprint, the value basis, the
  workspace's observation count and latest change), so a rollup is never attached to a workspace
  it does not describe.

The base values are partitioned by county (the county each value's region belongs to in the
value's period, or the region itself above the counties): each partition then holds the whole
subtree of its counties, and the steps below the counties read one partition's rows.

Spark runs in local mode (``local[2]``) unless a master URL names a cluster; the same job runs on
both.  PySpark is an optional dependency (``pip install '.[spark]'``) and needs a Java runtime.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from luoshi.analytics import rollup, rollup_steps
from luoshi.analytics.rollup_rules import COLS, EXPORT_COLUMNS
from luoshi.analytics.rollup_steps import SPARK
from luoshi.domain.problems import Refusal
from luoshi.domain.regions import DEPTH

_C = ", ".join(COLS)
# the small tables the steps and the export read, as DuckDB holds them after rollup.prepare
_INPUTS = {
    "_ind": "SELECT * FROM _ind",
    "_lk": "SELECT rid, parent_rid, cdepth, pdepth, ptype, kfrom, kto FROM _lk",
    "periods": "SELECT key, parent_key, code, type FROM periods",
    "regions": "SELECT rid, code, depth FROM regions",
    "indicators": "SELECT iid, code, decimals FROM indicators",
}
COUNTY_DEPTH = DEPTH["county"]  # the level the work is partitioned by


@dataclass
class SparkStats:
    master: str
    seconds: float = 0.0
    rows: int = 0
    derived: int = 0
    partitions: int = 0
    steps: dict = field(default_factory=dict)


def fingerprint(con: duckdb.DuckDBPyConnection, basis: str) -> dict:
    """What a rollup is made from: the structure (rollup.prepare's fingerprint of indicators,
    links and regions), the value basis, and the base values' count and latest change."""
    made_of = rollup.prepare(con)
    n, latest = con.execute("SELECT count(*), max(reported_at) FROM observations").fetchone()
    return {"structure": made_of, "basis": basis, "observations": n, "latest": str(latest)}


def export_inputs(con: duckdb.DuckDBPyConnection, basis: str, folder: Path) -> dict:
    """Write the steps' inputs to Parquet under ``folder``: the base values partitioned by county
    (column ``part``) and the small tables.  Returns the fingerprint."""
    made = fingerprint(con, basis)
    folder.mkdir(parents=True, exist_ok=True)
    for name, sql in _INPUTS.items():
        _copy(con, sql, folder / _file(name))
    _copy(con, f"""
        WITH b AS ({rollup.base_sql(basis)})
        SELECT b.*, coalesce(c.county, b.rid) AS part FROM b
        LEFT JOIN ({_county_sql()}) c ON c.rid = b.rid AND c.ptype = b.ptype AND b.pkey >= c.kfrom AND b.pkey < c.kto
        ORDER BY part, pkey""", folder / _file("_b"))
    return made


def _county_sql() -> str:
    """Per region below the counties, type and key range: its county then (links walked up one
    level at a time, each step keeping the overlap of the key ranges)."""
    up = f"""SELECT a.rid, a.ptype, greatest(a.kfrom, l.kfrom) AS kfrom, least(a.kto, l.kto) AS kto,
                    l.parent_rid AS above, l.pdepth AS depth
             FROM walk a JOIN _lk l ON l.rid = a.above AND l.ptype = a.ptype
                                    AND l.kfrom < a.kto AND a.kfrom < l.kto
             WHERE a.depth > {COUNTY_DEPTH}"""
    return f"""
        WITH RECURSIVE walk AS (
            SELECT rid, ptype, kfrom, kto, parent_rid AS above, pdepth AS depth FROM _lk WHERE cdepth > {COUNTY_DEPTH}
            UNION ALL {up})
        SELECT rid, ptype, kfrom, kto, above AS county FROM walk WHERE depth = {COUNTY_DEPTH}"""


def _file(name: str) -> str:
    """A table's file name: Spark skips files whose names start with _ or ."""
    return f"{name.lstrip('_')}.parquet"


def _copy(con, sql: str, path: Path) -> None:
    target = str(path).replace("'", "''")
    con.execute(f"COPY ({sql}) TO '{target}' (FORMAT PARQUET)")


def session(master: str = "local[2]"):
    """A Spark session: local mode on loopback (unless ``master`` names a cluster), no web UI."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise Refusal("no-spark", 503)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise Refusal("no-spark", 503) from None
    b = (SparkSession.builder.appName("luoshi-rollup").master(master)
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.shuffle.partitions", "8")
         .config("spark.sql.adaptive.enabled", "true"))
    if master.startswith("local"):
        b = b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        b = b.config("spark.driver.memory", os.environ.get("LUOSHI_SPARK_MEMORY", "4g"))
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class _Spark:
    """The Spark engine of the shared steps: each step's rows written to Parquet and read back, so
    no step's plan carries the steps before it."""

    dialect = SPARK

    def __init__(self, spark, work: Path):
        self.spark, self.work = spark, work

    def rows(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def make(self, name: str, sql: str) -> None:
        path = str(self.work / _file(name))
        self.spark.sql(sql).write.mode("overwrite").parquet(path)
        self.spark.read.parquet(path).createOrReplaceTempView(name)


def run(con: duckdb.DuckDBPyConnection, out: Path, basis: str = "approved", master: str = "local[2]",
        spark=None) -> SparkStats:
    """The full rollup of the workspace on ``con`` as a Spark job, written under ``out``."""
    stats = SparkStats(master)
    t0 = time.perf_counter()
    out = Path(out)
    inputs, work = out / "inputs", out / "work"
    for d in (inputs, work, out / "rollup", out / "derived"):
        shutil.rmtree(d, ignore_errors=True)
    made = export_inputs(con, basis, inputs)
    stats.steps["export"] = round(time.perf_counter() - t0, 3)
    spark = spark or session(master)
    for name in (*_INPUTS, "_b"):
        spark.read.parquet(str(inputs / _file(name))).createOrReplaceTempView(name)
    # the base values by county: each task's rows are the subtrees of a few counties
    stats.partitions = spark.sql("SELECT count(DISTINCT part) FROM _b").collect()[0][0]
    spark.sql("SELECT * FROM _b").repartition("part").createOrReplaceTempView("_b")
    tables = rollup_steps.run(_Spark(spark, work), stats.steps, below=COUNTY_DEPTH)
    t1 = time.perf_counter()
    derived = " UNION ALL ".join(f"SELECT {_C} FROM {t}" for t in tables) or f"SELECT {_C} FROM _b WHERE false"
    # by period, then region, as the workspace stores its own (rollup.CLUSTER): a reader of an
    # attached rollup asking for a few periods or one region skips the other files and row groups
    d = spark.sql(derived).repartitionByRange("pkey").sortWithinPartitions("pkey", "rid")
    d.write.mode("overwrite").parquet(str(out / "derived"))
    spark.read.parquet(str(out / "derived")).createOrReplaceTempView("_derived")
    spark.sql(f"""
        SELECT {EXPORT_COLUMNS}
        FROM (SELECT {_C} FROM _b UNION ALL SELECT {_C} FROM _derived) ro
        JOIN indicators i ON i.iid = ro.iid JOIN regions r ON r.rid = ro.rid JOIN periods p ON p.key = ro.pkey
    """).write.mode("overwrite").partitionBy("period").parquet(str(out / "rollup"))
    stats.derived = spark.read.parquet(str(out / "derived")).count()
    stats.rows = stats.derived + spark.table("_b").count()
    stats.steps["write"] = round(time.perf_counter() - t1, 3)
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(inputs, ignore_errors=True)
    stats.seconds = round(time.perf_counter() - t0, 3)
    (out / "manifest.json").write_text(json.dumps({**made, "rows": stats.rows, "derived": stats.derived,
                                                   "engine": "spark", "master": master}, indent=2))
    return stats
