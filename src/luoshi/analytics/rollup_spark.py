"""The full rollup as an Apache Spark job, for when one machine is not enough.

The workspace's structure and base values go to Parquet (written by DuckDB, with the same helper
tables the DuckDB engine makes: rollup.prepare), Spark runs the shared steps (rollup_steps.py) on
them, and the result is written as Parquet under the output folder:

- ``rollup/``: every value, reported and derived, with the columns of ``luoshi export rollup``
  (rollup_rules.EXPORT_COLUMNS), partitioned by period (``period=2025-03/``), for analysts;
- ``derived/``: the derived rows as the workspace stores them (rollup_rules.COLS), sorted by
  period and region, what ``luoshi rollup --attach`` makes the workspace read;
- ``manifest.json``: what it was made from (the structure's fingerprint, the value basis, the
  workspace's observation count and latest change), so a rollup is never attached to a workspace
  it does not describe.

Below the counties the work is local to county partitions (``_members_sql``): groups of them go
to one task each, which runs the shared steps in DuckDB; above the counties the shared steps run
in Spark SQL (``run``).  docs/scale.md has the measurements and the projection for a cluster.

Spark runs in local mode (``local[2]``) unless a master URL names a cluster; the same job runs on
both.  PySpark is an optional dependency (``pip install '.[spark]'``) and needs a Java runtime.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from luoshi.analytics import judgement, rollup, rollup_steps
from luoshi.analytics.rollup_rules import COLS, EXPORT_COLUMNS
from luoshi.analytics.sql_dialect import DUCKDB, SPARK
from luoshi.domain.problems import Refusal
from luoshi.domain.regions import DEPTH
from luoshi.domain.rules import Rules

_C = ", ".join(COLS)
# the small tables the steps and the export read, as DuckDB holds them after rollup.prepare
_INPUTS = {
    "_ind": "SELECT * FROM _ind",
    "_lk": "SELECT rid, parent_rid, cdepth, pdepth, ptype, kfrom, kto FROM _lk",
    "periods": 'SELECT key, parent_key, code, type, start, "end", days FROM periods',
    "regions": "SELECT rid, code, depth, valid_from, valid_to FROM regions",
    "indicators": """SELECT iid, code, decimals, frequency, time_agg, direction, numerator, denominator, factor
                     FROM indicators""",
    # what the judgement reads (judgement.judgement_sql)
    "targets": f"SELECT iid, rid, pkey, {', '.join(judgement.TARGET_COLUMNS)} FROM targets",
    "target_trajectory": "SELECT tid, pkey, value FROM target_trajectory",
}
COUNTY_DEPTH = DEPTH["county"]  # the level the work is partitioned by
ROWS_PER_GROUP = 1_000_000  # base values per task below the counties, about (memory: see run)


@dataclass
class SparkStats:
    master: str
    seconds: float = 0.0
    rows: int = 0
    derived: int = 0
    partitions: int = 0
    groups: int = 0  # tasks the county partitions were dealt to
    judged: int = 0  # targets
    steps: dict = field(default_factory=dict)


def fingerprint(con: duckdb.DuckDBPyConnection, basis: str) -> dict:
    """What a rollup is made from: the structure (rollup.prepare's fingerprint of indicators,
    links and regions), the value basis, and the base values' count and latest change."""
    made_of = rollup.prepare(con)
    n, latest = con.execute("SELECT count(*), max(reported_at) FROM observations").fetchone()
    return {"structure": made_of, "basis": basis, "observations": n, "latest": str(latest)}


def export_inputs(con: duckdb.DuckDBPyConnection, basis: str, folder: Path) -> dict:
    """Write the steps' inputs to Parquet under ``folder``: the base values, the small tables, and
    which county partitions each region at county depth or below belongs to (``members``).
    Returns the fingerprint."""
    made = fingerprint(con, basis)
    folder.mkdir(parents=True, exist_ok=True)
    for name, sql in _INPUTS.items():
        _copy(con, sql, folder / _file(name))
    _copy(con, rollup.base_sql(basis), folder / _file("_b"))
    _copy(con, _members_sql(), folder / _file("members"))
    return made


def _members_sql() -> str:
    """The county partitions: one per county, and one per region below the counties that is never
    under a county (a town of a city without counties, such as Dongguan).  A partition holds its
    county and every region ever linked under it, at any time, with the whole subtree: a town that
    moved is in the partitions of both its counties.  So the value of a region at any period
    depends only on regions in every partition that holds it, and any of them computes it alike."""
    c = COUNTY_DEPTH
    return f"""
        WITH RECURSIVE roots AS (
            SELECT rid FROM regions WHERE depth = {c}
            UNION
            SELECT g.rid FROM regions g WHERE g.depth > {c}
              AND NOT EXISTS (SELECT 1 FROM _lk l WHERE l.rid = g.rid AND l.pdepth >= {c})
        ),
        m(part, rid) AS (
            SELECT rid, rid FROM roots
            UNION
            SELECT m.part, l.rid FROM m JOIN region_links l ON l.parent_rid = m.rid
        )
        SELECT part, rid FROM m"""


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
        # the tasks' Python: this one, with luoshi and its dependencies
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        b = b.config("spark.pyspark.python", sys.executable)
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


class _Local:
    """The DuckDB engine of the shared steps inside one Spark task, over its partition's rows."""

    dialect = DUCKDB

    def __init__(self, con):
        self.con = con

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def make(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE TEMP TABLE {name} AS {sql}")


def _below(ind, periods):
    """The steps at county depth and below for one group (grp) of county partitions (the base values
    and links of its regions, as Arrow tables), in DuckDB; its derived rows with their depth."""
    def steps(base, links):
        con = duckdb.connect()
        try:
            for name, table in (("_b", base), ("_lk", links), ("_ind", ind), ("periods", periods)):
                con.register(f"{name}_in", table)
                con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_in")
            con.execute("""CREATE TEMP TABLE regions AS SELECT DISTINCT rid, depth FROM (
                SELECT rid, depth FROM _b UNION ALL SELECT rid, cdepth FROM _lk
                UNION ALL SELECT parent_rid, pdepth FROM _lk)""")
            names = rollup_steps.run(_Local(con), {})
            group = base["bgrp"][0].as_py() if base.num_rows else links["lgrp"][0].as_py()
            union = " UNION ALL ".join(f"SELECT {_C} FROM {n}" for n in names) or f"SELECT {_C} FROM _b WHERE false"
            out = con.sql(f"""SELECT CAST({group} AS INTEGER) AS grp, d.*, g.depth
                              FROM ({union}) d JOIN regions g ON g.rid = d.rid""").to_arrow_table()
            return out.cast(_arrow_schema())
        finally:
            con.close()
    return steps


def _spark_schema():
    from pyspark.sql.types import (BooleanType, ByteType, DoubleType, IntegerType, StructField, StructType)
    return StructType([StructField("grp", IntegerType()), StructField("iid", IntegerType()),
                       StructField("rid", IntegerType()), StructField("pkey", IntegerType()),
                       StructField("ptype", ByteType()), StructField("value", DoubleType()),
                       StructField("src", ByteType()), StructField("n_reporting", IntegerType()),
                       StructField("synthetic", BooleanType()), StructField("depth", IntegerType())])


def _arrow_schema():
    import pyarrow as pa
    return pa.schema([("grp", pa.int32()), ("iid", pa.int32()), ("rid", pa.int32()), ("pkey", pa.int32()),
                      ("ptype", pa.int8()), ("value", pa.float64()), ("src", pa.int8()), ("n_reporting", pa.int32()),
                      ("synthetic", pa.bool_()), ("depth", pa.int32())])


def run(con: duckdb.DuckDBPyConnection, out: Path, basis: str = "approved", master: str = "local[2]",
        spark=None, at: date | None = None, rules: Rules = Rules()) -> SparkStats:
    """The full rollup of the workspace on ``con`` as a Spark job, written under ``out``.

    Below the counties the work is local to each county partition (_members_sql): the partitions
    are dealt to groups, each group's base values and links go to one task, which runs the shared
    steps on them (in DuckDB), and a region's rows are kept from one group only (the first that
    holds it).  Above the counties, the shared steps run in Spark SQL over the counties' rows.
    Then every target is judged at ``at`` (default today) under ``rules`` (judgement.judgement_sql)."""
    import pyarrow.parquet as pq

    stats = SparkStats(master)
    t0 = time.perf_counter()
    out = Path(out)
    inputs, work = out / "inputs", out / "work"
    at = at or date.today()
    for d in (inputs, work, out / "rollup", out / "derived", out / "judgement"):
        shutil.rmtree(d, ignore_errors=True)
    made = export_inputs(con, basis, inputs)
    stats.steps["export"] = round(time.perf_counter() - t0, 3)
    spark = spark or session(master)
    for name in (*_INPUTS, "_b", "members"):
        spark.read.parquet(str(inputs / _file(name))).createOrReplaceTempView(name)
    c = COUNTY_DEPTH
    stats.partitions = spark.sql("SELECT count(DISTINCT part) FROM members").collect()[0][0]
    # four groups per core, and more when the data would make a task's share large: a task holds
    # its group's rows twice (Arrow and DuckDB), so about a million base values each
    rows_below = spark.sql(f"SELECT count(*) FROM _b WHERE depth >= {c}").collect()[0][0]
    groups = max(1, min(stats.partitions, max(spark.sparkContext.defaultParallelism * 4,
                                              -(-rows_below // ROWS_PER_GROUP))))
    stats.groups = groups
    # each region at county depth or below in every group of partitions that holds it
    spark.sql(f"SELECT DISTINCT rid, CAST(part % {groups} AS INTEGER) AS grp FROM members"
              ).createOrReplaceTempView("_in")
    # (named apart: both come from _in, and Spark refuses a column it cannot tell from its twin)
    base = spark.sql(f"SELECT b.*, m.grp AS bgrp FROM _b b JOIN _in m ON m.rid = b.rid WHERE b.depth >= {c}")
    links = spark.sql(f"""SELECT l.*, m.grp AS lgrp FROM _lk l JOIN _in m ON m.rid = l.rid
                          JOIN _in p ON p.rid = l.parent_rid AND p.grp = m.grp WHERE l.pdepth >= {c}""")
    t1 = time.perf_counter()
    local = base.groupBy("bgrp").cogroup(links.groupBy("lgrp")).applyInArrow(
        _below(pq.read_table(inputs / _file("_ind")), pq.read_table(inputs / _file("periods"))), _spark_schema())
    local.createOrReplaceTempView("_local")
    cols = ", ".join(f"l.{c}" for c in COLS)
    below = spark.sql(f"""SELECT /*+ BROADCAST(f) */ {cols}, l.depth FROM _local l
                          JOIN (SELECT rid, min(grp) AS home FROM _in GROUP BY rid) f ON f.rid = l.rid AND f.home = l.grp""")
    below.write.mode("overwrite").parquet(str(work / "below"))
    spark.read.parquet(str(work / "below")).createOrReplaceTempView("_below")
    stats.steps["below"] = round(time.perf_counter() - t1, 3)
    done = {(g, d): f"_below_{g}_{d}" for g, d in
            spark.sql("SELECT DISTINCT ptype, depth FROM _below").collect()}
    for (g, d), name in done.items():
        spark.sql(f"SELECT {_C} FROM _below WHERE ptype = {g} AND depth = {d}").createOrReplaceTempView(name)
    t2 = time.perf_counter()
    above = [r[0] for r in spark.sql(f"SELECT DISTINCT depth FROM regions WHERE depth < {c}").collect()]
    tables = rollup_steps.run(_Spark(spark, work), stats.steps, depths=above, made=done)
    stats.steps["above"] = round(time.perf_counter() - t2, 3)
    t3 = time.perf_counter()
    derived = " UNION ALL ".join(f"SELECT {_C} FROM {t}" for t in ["_below", *tables])
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
    stats.steps["write"] = round(time.perf_counter() - t3, 3)
    t4 = time.perf_counter()
    stats.judged = _judge(spark, work, out / "judgement", at, rules)
    stats.steps["judgement"] = round(time.perf_counter() - t4, 3)
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(inputs, ignore_errors=True)
    stats.seconds = round(time.perf_counter() - t0, 3)
    (out / "manifest.json").write_text(json.dumps({**made, "rows": stats.rows, "derived": stats.derived,
                                                   "judged": stats.judged, "at": at.isoformat(),
                                                   "rules": asdict(rules), "engine": "spark", "master": master},
                                                  indent=2))
    return stats


def _judge(spark, work: Path, folder: Path, at: date, rules: Rules) -> int:
    """Every target judged at ``at`` over the rollup just written, in Spark SQL (the steps the
    workspace runs in DuckDB, judgement.judgement_steps: those computed once kept as tables, the
    others as views), written under ``folder`` with the columns of ``luoshi export judgement``,
    partitioned by period; returns how many."""
    spark.sql(f"SELECT {_C} FROM _b UNION ALL SELECT {_C} FROM _derived").createOrReplaceTempView("rollup")
    keys = [r[0] for r in spark.sql("SELECT DISTINCT pkey FROM targets").collect()]
    steps, final = judgement.judgement_steps(SPARK, at, rules, keys)
    engine = _Spark(spark, work)
    for name, once, sql in steps:
        bare = name.split("(")[0]
        if bare != name:  # a list of values with its columns named
            sql = f"WITH {name} AS ({sql}) SELECT * FROM {bare}"
        if once:
            engine.make(bare, sql)
        else:
            spark.sql(sql).createOrReplaceTempView(bare)
    engine.make("_judged", final)
    judged = spark.sql(f"""
        SELECT {judgement.EXPORT_COLUMNS}
        FROM _judged j
        JOIN indicators i ON i.iid = j.iid JOIN regions r ON r.rid = j.rid JOIN periods p ON p.key = j.pkey""")
    judged.write.mode("overwrite").partitionBy("period").parquet(str(folder))  # without targets: no files
    return spark.table("_judged").count()
