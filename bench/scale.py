"""Province-scale benchmark: luoshi against pandas and PostgreSQL on the same data, in one run.

    python bench/scale.py --size M            (S, M or L; writes bench/RESULTS.md for M, RESULTS-<size>.md otherwise)

Measures (a) full rollup plus judgement, (b) an incremental update after 10,000 new or revised
observations through ``Workspace.record`` (the one write path: validated, stored, rolled up, audited; the median of five such
batches), (c) dashboard queries p50/p95.  Baselines compute the same rollups: (i) pandas groupby
written plainly; (ii) PostgreSQL started here in a temporary directory on a unix socket, loaded
with COPY, with an org-unit structure table (one column per level) and a GROUP BY per level, the
way DHIS2 builds its analytics tables.  Their results are checked against luoshi's rollup table.

Comparable semantics: every indicator is reported at one level, and every series reports every
month, so luoshi's stepwise rollup (children to parent, month to quarter to half to year) equals
the flat aggregation of leaves for sum, last, min, max, weighted mean and ratio formulas.  A
``mean`` over regions is a mean of the children's means in luoshi and a flat mean of the leaves
in DHIS2; those indicators are computed by the baselines but left out of the equality check.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

import generate
from common import OUT, ROOT, Meter, build_workspace, machine

from luoshi.analytics.judgement import judge
from luoshi.domain.periods import ptype_sql
from luoshi.domain.rules import Rules
from luoshi.services import observations

AS_OF = date(2025, 7, 15)
PG_BIN = Path("/usr/lib/postgresql/15/bin")
TOL = 1e-9


# --- shared inputs for the baselines --------------------------------------------------------------
def baseline_inputs(ws, data: Path) -> dict[str, pd.DataFrame]:
    """Observations by id, the org-unit structure (ancestor at each level), month -> quarter/half/year,
    indicator rules.  Prepared outside the timed sections, as DHIS2 prepares its resource tables."""
    con = ws.db.cursor()
    glob = str(data / "observations_*.parquet")
    obs = con.execute(f"""
        SELECT i.iid, r.rid, CAST(o.pkey AS INTEGER) AS pkey, o.value FROM read_parquet('{glob}') o
        JOIN indicators i ON i.code = o.indicator JOIN regions r ON r.code = o.region""").df()
    ous = con.execute("""
        WITH RECURSIVE up(rid, anc, depth) AS (
            SELECT r.rid, r.rid, r.depth FROM regions r
            UNION ALL
            SELECT up.rid, l.parent_rid, p.depth FROM up JOIN region_links l ON l.rid = up.anc
            JOIN regions p ON p.rid = l.parent_rid WHERE l.valid_to IS NULL)
        SELECT rid, max(anc) FILTER (WHERE depth = 1) AS l1, max(anc) FILTER (WHERE depth = 2) AS l2,
               max(anc) FILTER (WHERE depth = 3) AS l3, max(anc) FILTER (WHERE depth = 4) AS l4,
               max(anc) FILTER (WHERE depth = 5) AS l5
        FROM up GROUP BY rid""").df()
    pm = con.execute("""SELECT key AS month, quarter_key AS q, half_key AS s, year_key AS y FROM periods
                        WHERE type = 'M' AND year BETWEEN 2020 AND 2027""").df()
    ind = con.execute("""
        SELECT i.iid, i.region_agg, i.time_agg, w.iid AS weight_iid, n.iid AS num_iid, d.iid AS den_iid,
               coalesce(i.factor, 1.0) AS factor, i.numerator IS NOT NULL AS formula
        FROM indicators i LEFT JOIN indicators w ON w.code = i.weight_code
        LEFT JOIN indicators n ON n.code = i.numerator LEFT JOIN indicators d ON d.code = i.denominator""").df()
    return {"obs": obs, "ous": ous, "pm": pm, "ind": ind}


# --- (i) pandas -----------------------------------------------------------------------------------
def pandas_rollup(obs: pd.DataFrame, ous: pd.DataFrame, pm: pd.DataFrame, ind: pd.DataFrame) -> pd.DataFrame:
    keys = ["iid", "rid", "pkey"]
    o = obs.merge(ind[["iid", "time_agg"]], on="iid").merge(pm, left_on="pkey", right_on="month")
    o = o.sort_values("pkey", kind="stable")
    leaf = [obs[keys + ["value"]]]
    for col in ("q", "s", "y"):
        for how in ("sum", "last", "mean"):
            part = o[o.time_agg == how].groupby(["iid", "rid", col], sort=False)["value"].agg(how).reset_index()
            leaf.append(part.rename(columns={col: "pkey"}))
    leaf = pd.concat(leaf, ignore_index=True)
    rules = ind[~ind.formula.astype(bool)][["iid", "region_agg", "weight_iid"]]
    lv = leaf.merge(ous, on="rid").merge(rules, on="iid")
    weights = leaf.rename(columns={"iid": "weight_iid", "value": "w"})
    out = [leaf]
    for lvl in ("l1", "l2", "l3", "l4"):
        sub = lv[lv[lvl].notna() & (lv[lvl] != lv.rid)]
        for how in ("sum", "mean", "min", "max"):
            part = sub[sub.region_agg == how].groupby(["iid", lvl, "pkey"], sort=False)["value"].agg(how)
            out.append(part.reset_index().rename(columns={lvl: "rid"}))
        wm = sub[sub.region_agg == "wmean"].merge(weights, on=["weight_iid", "rid", "pkey"])
        wm = wm.assign(vw=wm.value * wm.w).groupby(["iid", lvl, "pkey"], sort=False)[["vw", "w"]].sum()
        wm = wm[wm.w != 0]
        out.append((wm.vw / wm.w).rename("value").reset_index().rename(columns={lvl: "rid"}))
    allv = pd.concat(out, ignore_index=True)
    allv["rid"] = allv["rid"].astype("int64")
    f = ind[ind.formula.astype(bool)][["iid", "num_iid", "den_iid", "factor"]]
    num = allv.rename(columns={"iid": "num_iid", "value": "n"}).merge(f, on="num_iid")
    both = num.merge(allv.rename(columns={"iid": "den_iid", "value": "d"}), on=["den_iid", "rid", "pkey"])
    both = both[both.d != 0]
    formula = both.assign(value=both.n / both.d * both.factor)[keys + ["value"]]
    return pd.concat([allv[keys + ["value"]], formula], ignore_index=True)


# --- (ii) PostgreSQL ------------------------------------------------------------------------------
class Postgres:
    """A throw-away PostgreSQL 15 cluster on a unix socket in a temporary directory."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="luoshi-pg-"))
        self.data, self.sock = self.dir / "data", self.dir / "sock"
        self.sock.mkdir()
        as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if as_pg:
            shutil.chown(self.dir, "postgres")
            shutil.chown(self.sock, "postgres")
        self.as_pg = as_pg
        subprocess.run(as_pg + [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "bench", "-A", "trust",
                                "-E", "UTF8", "--no-locale"], check=True, capture_output=True)
        opts = (f"-k {self.sock} -c listen_addresses='' -c port=5439 -c shared_buffers=2GB -c work_mem=512MB "
                "-c maintenance_work_mem=1GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_parallel_workers_per_gather=2 -c max_wal_size=8GB")
        subprocess.run(as_pg + [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l",
                                str(self.dir / "log"), "-w", "start"], check=True, capture_output=True)
        import psycopg
        self.con = psycopg.connect(host=str(self.sock), port=5439, user="bench", dbname="postgres", autocommit=True)

    def run(self, sql: str) -> None:
        self.con.execute(sql)

    def copy_in(self, table: str, df: pd.DataFrame) -> None:
        with self.con.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as cp:
            step = 1_000_000
            for i in range(0, len(df), step):
                cp.write(df.iloc[i:i + step].to_csv(index=False, header=False, na_rep=""))

    def fetch(self, sql: str) -> pd.DataFrame:
        with self.con.cursor() as cur:
            cur.execute(sql)
            return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])

    def stop(self) -> None:
        self.con.close()
        subprocess.run(self.as_pg + [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


PG_SCHEMA = """
CREATE UNLOGGED TABLE obs (iid int, rid int, pkey int, value float8);
CREATE UNLOGGED TABLE ous (rid int PRIMARY KEY, l1 int, l2 int, l3 int, l4 int, l5 int);
CREATE UNLOGGED TABLE pm (month int PRIMARY KEY, q int, s int, y int);
CREATE UNLOGGED TABLE ind (iid int PRIMARY KEY, region_agg text, time_agg text, weight_iid int, num_iid int,
                           den_iid int, factor float8, formula boolean);
"""


def pg_rollup(pg: Postgres) -> None:
    """The DHIS2 way: period-aggregated leaf table, then one GROUP BY per org-unit level."""
    time_parts = " UNION ALL ".join(f"""
        SELECT o.iid, o.rid, pm.{c} AS pkey,
               CASE i.time_agg WHEN 'sum' THEN sum(o.value) WHEN 'mean' THEN avg(o.value)
                    ELSE (array_agg(o.value ORDER BY o.pkey DESC))[1] END AS value
        FROM obs o JOIN pm ON pm.month = o.pkey JOIN ind i ON i.iid = o.iid
        GROUP BY o.iid, o.rid, pm.{c}, i.time_agg""" for c in ("q", "s", "y"))
    pg.run("DROP TABLE IF EXISTS leafp, agg, allv")
    pg.run(f"CREATE UNLOGGED TABLE leafp AS SELECT iid, rid, pkey, value FROM obs UNION ALL {time_parts}")
    pg.run("ANALYZE leafp")
    levels = []
    for lvl in ("l1", "l2", "l3", "l4"):
        levels.append(f"""
            SELECT l.iid, s.{lvl} AS rid, l.pkey,
                   CASE i.region_agg WHEN 'sum' THEN sum(l.value) WHEN 'mean' THEN avg(l.value)
                        WHEN 'min' THEN min(l.value) ELSE max(l.value) END AS value
            FROM leafp l JOIN ous s ON s.rid = l.rid JOIN ind i ON i.iid = l.iid
            WHERE s.{lvl} IS NOT NULL AND s.{lvl} <> l.rid AND NOT i.formula
              AND i.region_agg IN ('sum', 'mean', 'min', 'max')
            GROUP BY l.iid, s.{lvl}, l.pkey, i.region_agg
            UNION ALL
            SELECT l.iid, s.{lvl}, l.pkey, sum(l.value * w.value) / nullif(sum(w.value), 0)
            FROM leafp l JOIN ous s ON s.rid = l.rid JOIN ind i ON i.iid = l.iid AND i.region_agg = 'wmean'
            JOIN leafp w ON w.iid = i.weight_iid AND w.rid = l.rid AND w.pkey = l.pkey
            WHERE s.{lvl} IS NOT NULL AND s.{lvl} <> l.rid AND NOT i.formula AND w.value IS NOT NULL
            GROUP BY l.iid, s.{lvl}, l.pkey""")
    pg.run(f"CREATE UNLOGGED TABLE agg AS {' UNION ALL '.join(levels)}")
    pg.run("CREATE UNLOGGED TABLE allv AS SELECT * FROM leafp UNION ALL SELECT * FROM agg")
    pg.run("ANALYZE allv")
    pg.run("""INSERT INTO allv
              SELECT f.iid, n.rid, n.pkey, n.value / d.value * f.factor FROM ind f
              JOIN allv n ON n.iid = f.num_iid
              JOIN allv d ON d.iid = f.den_iid AND d.rid = n.rid AND d.pkey = n.pkey
              WHERE f.formula AND d.value <> 0""")


# --- checking -------------------------------------------------------------------------------------
def compare(ws, result: pd.DataFrame, ind: pd.DataFrame) -> dict:
    """Values of comparable indicators (not region mean) at month..year: equal within 1e-9 relative?"""
    skip = ind[ind.region_agg == "mean"].iid.tolist() or [-1]
    con = duckdb.connect()
    con.register("base", result)
    lu = ws.db.cursor().execute(f"""SELECT iid, rid, pkey, value FROM rollup
                                     WHERE ptype BETWEEN 0 AND 3 AND iid NOT IN ({','.join(map(str, skip))})""").df()
    con.register("lu", lu)
    return dict(zip(("compared", "missing_in_baseline", "missing_in_luoshi", "different"), con.execute(f"""
        WITH b AS (SELECT * FROM base WHERE iid NOT IN ({','.join(map(str, skip))}))
        SELECT count(*) FILTER (WHERE lu.iid IS NOT NULL AND b.iid IS NOT NULL),
               count(*) FILTER (WHERE b.iid IS NULL), count(*) FILTER (WHERE lu.iid IS NULL),
               count(*) FILTER (WHERE abs(lu.value - b.value) > {TOL} * greatest(1, abs(lu.value)))
        FROM lu FULL JOIN b ON lu.iid = b.iid AND lu.rid = b.rid AND lu.pkey = b.pkey""").fetchone()))


# --- luoshi phases --------------------------------------------------------------------------------
# random synthetic values jump from month to month: the comment explains them to the import's
# plausibility check, as a reporter would
COMMENT = "bench: synthetic value"


def incremental_batch(ws, n: int = 10_000, seed: int = 7, spread: str = "month") -> list[dict]:
    """Half revisions of existing values, half new values for 2026-01 of existing series.

    spread="month": the revisions are late corrections of the last month reported (2025-12), as
    a monthly import brings; spread="random": they are drawn from the whole history (worst case).
    """
    rng = random.Random(seed)
    cur = ws.db.cursor()
    total = cur.execute("SELECT count(*) FROM obs_current").fetchone()[0]
    where = "WHERE pkey = 20253012" if spread == "month" else ""
    revised = cur.execute(f"""SELECT iid, rid, pkey, latest_value FROM (SELECT * FROM obs_current {where})
                              USING SAMPLE reservoir({n // 2} ROWS) REPEATABLE ({seed})""").fetchall()
    series = cur.execute(f"""SELECT iid, rid FROM (SELECT iid, rid FROM obs_current WHERE pkey = 20253012)
                             USING SAMPLE reservoir({n - n // 2} ROWS) REPEATABLE ({seed + 1})""").fetchall()
    codes = {"i": dict(cur.execute("SELECT iid, code FROM indicators").fetchall()),
             "r": dict(cur.execute("SELECT rid, code FROM regions").fetchall()),
             "p": dict(cur.execute("SELECT key, code FROM periods").fetchall())}
    rows = [{"indicator": codes["i"][i], "region": codes["r"][r], "period": codes["p"][p],
             "value": round(v * (0.9 + 0.2 * rng.random()), 2), "comment": COMMENT} for i, r, p, v in revised]
    rows += [{"indicator": codes["i"][i], "region": codes["r"][r], "period": "2026-01",
              "value": round(10 + 90 * rng.random(), 2), "comment": COMMENT} for i, r in series]
    assert total >= n
    return rows


def dashboard(ws, rounds: int) -> dict:
    rng = random.Random(3)
    cities = [r["code"] for r in ws.db.all("SELECT code FROM regions WHERE level = 'city' ORDER BY code")]
    inds = [r["code"] for r in ws.db.all(
        "SELECT code FROM indicators WHERE synthetic AND code LIKE 'syn_%' AND numerator IS NULL ORDER BY code")]
    with_counties = [c["code"] for c in ws.db.all("""SELECT DISTINCT p.code FROM regions p
        JOIN region_links l ON l.parent_rid = p.rid JOIN regions c ON c.rid = l.rid
        WHERE p.level = 'city' AND c.level = 'county' ORDER BY p.code""")]
    queries = {
        "region_indicators": lambda: ws.region_indicators(rng.choice(cities), "2025", at=AS_OF),
        "indicator_across_cities": lambda: ws.rank(rng.choice(inds), level="city", within="440000",
                                                   period="2025-06"),
        "county_ranking": lambda: ws.rank(rng.choice(inds), level="county", within=rng.choice(with_counties),
                                          period="2025-06"),
    }
    out, every = {}, []
    for name, q in queries.items():
        q()  # warm
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            q()
            times.append((time.perf_counter() - t0) * 1000)
        every += times
        out[name] = {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(_p95(times), 1)}
    out["all"] = {"p50_ms": round(statistics.median(every), 1), "p95_ms": round(_p95(every), 1)}
    return out


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=generate.SIZES, default="M")
    ap.add_argument("--memory-limit", default="3GB", help="DuckDB memory_limit of the workspace")
    ap.add_argument("--rounds", type=int, default=40, help="dashboard queries per kind")
    ap.add_argument("--skip-baselines", action="store_true")
    a = ap.parse_args()
    n = generate.SIZES[a.size]
    data = generate.ensure(n)
    meter = Meter()
    R = meter.results
    with meter.measure("load"):
        ws = build_workspace(data, OUT / f"scale_{a.size}.duckdb", a.memory_limit)
    nobs = ws.db.scalar("SELECT count(*) FROM obs_current")
    print(f"loaded {nobs:,} observations in {R['load']['seconds']} s", flush=True)
    with meter.measure("a_full_rollup_and_judgement") as m:
        stats = ws.rollup_full()
        cur = ws.db.cursor()
        t0 = time.perf_counter()
        m["judged"] = cur.execute(f"SELECT count(*) FROM {judge(cur, AS_OF, Rules())}").fetchone()[0]
        m["judgement_seconds"] = round(time.perf_counter() - t0, 3)
        m["rollup_seconds"], m["rollup_rows"], m["steps"] = stats.seconds, stats.rows, stats.steps
    print("(a)", R["a_full_rollup_and_judgement"], flush=True)
    # (b): five batches of a month's corrections (other seeds, other values), reported by their
    # median, since one figure of about a second moves with the load of a shared machine; (b'): one
    batches = (("b_incremental_10k", "month", (7, 8, 9, 10, 11)), ("b_incremental_10k_random", "random", (7,)))
    for name, spread, seeds in batches:
        runs = []
        for seed in seeds:
            rows = incremental_batch(ws, seed=seed, spread=spread)
            with meter.measure(f"{name}_{seed}") as m:
                m.update({k: v for k, v in ws.record(rows, by="bench", source=observations.SYNTHETIC_SOURCE).items()
                          if k in ("added", "revised", "unchanged", "rollup_seconds")})
            runs.append(R.pop(f"{name}_{seed}"))
            print("(b)", spread, seed, runs[-1], flush=True)
        R[name] = {k: statistics.median(r[k] for r in runs) for k in ("seconds", "rollup_seconds", "peak_rss_gb")}
        R[name]["runs"] = runs
    with meter.measure("c_dashboard") as m:
        m.update(dashboard(ws, a.rounds))
    print("(c)", R["c_dashboard"], flush=True)
    base_note = "luoshi's rollup recomputed on the generated data (without the batch of (b)) for the checks"
    if not a.skip_baselines:
        inputs = baseline_inputs(ws, data)
        ws.db.con.register("inputs_obs", inputs["obs"])
        with ws.db.write() as con:  # back to the generated values, so all three see the same data
            con.execute("DELETE FROM obs_current")
            con.execute(f"""INSERT INTO obs_current SELECT iid, rid, pkey, NULL, value, 'approved', 1, NULL, value,
                            '{observations.SYNTHETIC_SOURCE}', CAST({ptype_sql('pkey')} AS TINYINT), true
                            FROM inputs_obs""")
        ws.rollup_full()
        print(base_note, flush=True)
        with meter.measure("pandas_a") as m:
            result = pandas_rollup(**inputs)
            m["rows"] = len(result)
        m.update(compare(ws, result, inputs["ind"]))
        print("(i) pandas", R["pandas_a"], flush=True)
        del result
        pg = Postgres()
        try:
            with meter.measure("postgres_load"):
                pg.run(PG_SCHEMA)
                for t in ("obs", "ous", "pm", "ind"):
                    pg.copy_in(t, inputs[t])
                pg.run("ANALYZE")
            with meter.measure("postgres_a") as m:
                pg_rollup(pg)
            res = pg.fetch("SELECT iid, rid, pkey, value FROM allv")
            m["rows"] = len(res)
            m.update(compare(ws, res, inputs["ind"]))
            print("(ii) postgres", R["postgres_a"], flush=True)
        finally:
            pg.stop()
    ws.close()
    R["lifetime_peak_rss_gb"] = Meter.lifetime_peak_gb()
    write_results(a.size, nobs, R)
    return 0


def write_results(size: str, nobs: int, R: dict) -> None:
    a, b, c = R["a_full_rollup_and_judgement"], R["b_incremental_10k"], R["c_dashboard"]
    lines = [
        "# luoshi benchmark results",
        "",
        "Generated by `python bench/scale.py` — do not edit by hand.",
        "",
        f"- date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {machine()} (shared with other work while running)",
        f"- size: {size}, {nobs:,} observations; rollup rows {a['rollup_rows']:,}; targets judged {a['judged']:,}",
        "",
        "| measure | figure | goal |",
        "|---|---|---|",
        f"| load into workspace | {R['load']['seconds']} s | |",
        f"| (a) full rollup + judgement | {a['seconds']} s (rollup {a['rollup_seconds']} s, judgement "
        f"{a['judgement_seconds']} s), peak RSS {a['peak_rss_gb']} GB | ≤ 20 s, ≤ 4 GB (M) |",
        f"| (b) incremental, 10,000 values via record(): last month's corrections + a new month | median of "
        f"{len(b['runs'])} batches {b['seconds']} s (rollup part {b['rollup_seconds']} s); each: "
        f"{', '.join(str(r['seconds']) for r in b['runs'])} s | ≤ 1 s |",
        f"| (b') the same with the corrections spread over the whole history (worst case) | "
        f"{R['b_incremental_10k_random']['seconds']} s (rollup part {R['b_incremental_10k_random']['rollup_seconds']} s)"
        f" | |",
        f"| (c) dashboard p50 / p95 (all kinds) | {c['all']['p50_ms']} / {c['all']['p95_ms']} ms | p95 ≤ 50 ms |",
    ]
    for k in ("region_indicators", "indicator_across_cities", "county_ranking"):
        lines.append(f"| (c) {k} p50 / p95 | {c[k]['p50_ms']} / {c[k]['p95_ms']} ms | |")
    for name, key in (("pandas", "pandas_a"), ("PostgreSQL 15", "postgres_a")):
        if key in R:
            x = R[key]
            ok = "equal" if x.get("different") == 0 and not x.get("missing_in_baseline") and \
                not x.get("missing_in_luoshi") else "DIFFERENT"
            lines.append(f"| {name} (a) rollup | {x['seconds']} s, peak RSS {x['peak_rss_gb']} GB; luoshi / {name} = "
                         f"{a['seconds'] / x['seconds']:.2f} (luoshi {x['seconds'] / a['seconds']:.2f}x faster) | "
                         f"{'≥ 5x' if key == 'postgres_a' else '≥ 3x'} |")
            lines.append(f"| {name} check | {ok}: {x['compared']:,} values compared, {x['different']} different, "
                         f"{x['missing_in_baseline']} missing in baseline, {x['missing_in_luoshi']} missing in luoshi | |")
    if "postgres_load" in R:
        lines.append(f"| PostgreSQL COPY load | {R['postgres_load']['seconds']} s | |")
    baselines = " (includes the pandas baseline)" if "pandas_a" in R else " (baselines not run)"
    lines += ["", f"Process lifetime peak RSS: {R['lifetime_peak_rss_gb']} GB{baselines}.",
              "", f"Rollup steps (s): {a['steps']}", ""]
    # size M is the reference run (make bench); other sizes are kept beside it
    (ROOT / ("RESULTS.md" if size == "M" else f"RESULTS-{size}.md")).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
