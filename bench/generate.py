"""Generate a deterministic synthetic province for the benchmarks, as Parquet under bench/data/<size>/.

    python bench/generate.py --size S|M|L        (or --observations N)

The 144 real regions (province, 21 cities, 122 counties) come from the bundled divisions file;
below them 1,609 towns and 26,500 villages are generated and labelled synthetic (9- and 12-digit
codes under the real counties; Dongguan 441900 and Zhongshan 442000 have towns directly under the
city).  100 synthetic indicators of mixed aggregation types, monthly 2021-01 to 2025-12, and a
target per region (province down to town), indicator and year.

Every indicator is reported at one level only (village, town or county; a county-level indicator
is reported by Dongguan and Zhongshan as cities), so every coarser value is derived and the
baselines in scale.py can reproduce luoshi's rollup semantics exactly.  The size sets the share
of (indicator family, region) series that report; a series reports all 60 months.  Observations
are written one year per file by DuckDB, so memory stays bounded at any size.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from luoshi.domain.periods import MONTH, TYPE_DIGIT, YEAR, Sql, make_key, year_sql

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
DIVISIONS = ROOT.parent / "src" / "luoshi" / "data" / "divisions_guangdong.csv"
SIZES = {"S": 1_000_000, "M": 10_000_000, "L": 100_000_000}
SEED = 20230601
N_TOWNS, N_VILLAGES = 1_609, 26_500
CITY_TOWNS = {"441900": 32, "442000": 23}  # Dongguan, Zhongshan: towns directly under the city
YEARS = range(2021, 2026)
MONTHS = 60
SOURCE = "synthetic-bench"

# Indicator families: (kind, count).  A family's indicators report together at the same regions.
FAMILIES = [("ratio", 12), ("weighted", 10), ("flow", 14), ("stock", 10), ("mean", 8), ("mean_last", 6),
            ("max", 3), ("min", 3)]
# Observed indicators reported up to each level (cumulative), in order; the rest of the families report at county level.
LEVEL_QUOTA = (("village", 62), ("town", 78))  # cumulative


def regions() -> list[dict]:
    """Real divisions down to county plus synthetic towns and villages, parents before children."""
    rng = random.Random(SEED)
    with open(DIVISIONS, encoding="utf-8-sig", newline="") as fh:
        real = list(csv.DictReader(fh))
    level = {"province": "province", "prefecture_city": "city"}
    out = [{"code": r["code"], "parent_code": r["parent_code"] or None,
            "level": level.get(r["level"], "county"), "name_zh": r["name_zh"], "name_en": r["name_en"],
            "synthetic": False} for r in real]
    counties = [r["code"] for r in out if r["level"] == "county"]
    town_parents = [(c, 1) for c in counties] + [(c, n) for c, n in CITY_TOWNS.items()]
    # Towns per county: random weights over the counties, the two cities fixed.
    rest = N_TOWNS - sum(CITY_TOWNS.values()) - len(counties)
    extra = [0] * len(counties)
    for _ in range(rest):
        extra[rng.randrange(len(counties))] += 1
    towns = []
    for i, (parent, n) in enumerate(town_parents):
        n = n + extra[i] if i < len(counties) else n
        for k in range(1, n + 1):
            code = f"{parent}{k:03d}"
            towns.append(code)
            out.append({"code": code, "parent_code": parent, "level": "town", "name_zh": f"合成镇{code}",
                        "name_en": f"Synthetic town {code}", "synthetic": True})
    extra = [0] * len(towns)
    for _ in range(N_VILLAGES - len(towns)):
        extra[rng.randrange(len(towns))] += 1
    for i, town in enumerate(towns):
        for k in range(1, extra[i] + 2):
            code = f"{town}{k:03d}"
            out.append({"code": code, "parent_code": town, "level": "village", "name_zh": f"合成村{code}",
                        "name_en": f"Synthetic village {code}", "synthetic": True})
    return out


RULES = {"flow": ("sum", "sum"), "stock": ("sum", "last"), "mean": ("mean", "mean"), "mean_last": ("mean", "last"),
         "max": ("max", "last"), "min": ("min", "last")}  # a plain family's rules over regions and time


def family(add, base: str, kind: str, **kw) -> int:
    """The indicators of one family through ``add``: a ratio's numerator, denominator and rate; a
    weighted mean's weight and growth; else one indicator of the kind's RULES (with ``kw``).
    Returns how many of them are observed (not formulas)."""
    if kind == "ratio":
        add(f"{base}_num", "num", "sum", "sum")
        add(f"{base}_den", "den", "sum", "sum")
        add(f"{base}_rate", "rate", "sum", "sum", numerator=f"{base}_num", denominator=f"{base}_den",
            factor=100.0, unit="%")
        return 2
    if kind == "weighted":
        add(f"{base}_w", "weight", "sum", "last")
        add(f"{base}_g", "growth", "wmean", "last", weight=f"{base}_w", unit="%")
        return 2
    add(base, kind, *RULES[kind], **kw)
    return 1


def indicators() -> list[dict]:
    """100 indicators; each dict also carries its family, kind and reporting level (not stored by luoshi)."""
    out, fam = [], 0
    families = [(kind, k) for kind, n in FAMILIES for k in range(n)]
    random.Random(SEED).shuffle(families)
    observed, quota = 0, list(LEVEL_QUOTA)

    def add(code, kind, region_agg, time_agg, **kw):
        out.append({"code": code, "name_zh": f"合成指标 {code}", "name_en": f"Synthetic indicator {code}",
                    "unit": kw.pop("unit", "单位"), "frequency": "M", "direction": kw.pop("direction", "higher"),
                    "region_agg": region_agg, "time_agg": time_agg, "weight": kw.pop("weight", None),
                    "numerator": kw.pop("numerator", None), "denominator": kw.pop("denominator", None),
                    "factor": kw.pop("factor", None), "family": fam, "kind": kind, "level": level})

    for kind, k in families:
        fam += 1
        level = "county"
        while quota and observed >= quota[0][1]:
            quota.pop(0)
        if quota:
            level = quota[0][0]
        observed += family(add, f"syn_{kind}{k + 1:02d}", kind, direction="lower" if kind == "mean" else "higher")
    return out


# Value of one observation from integer hashes, in SQL: deterministic on every platform.
HASH_MACROS = """
    CREATE OR REPLACE MACRO lehmer(x) AS (x * 48271) % 2147483647;
    CREATE OR REPLACE MACRO unit_hash(a, b, c) AS
        lehmer(xor(lehmer((a * 73856093 + b * 19349663 + c * 83492791) % 2147483647),
                   lehmer((a * 73856093 + b * 19349663 + c * 83492791) % 2147483647) >> 11)) / 2147483647.0;
"""


def _h(a: str, b: str, c: str = "0") -> str:
    return f"unit_hash(CAST({a} AS BIGINT), CAST({b} AS BIGINT), CAST({c} AS BIGINT))"


VALUE_SQL = f"""
    CASE s.kind
      WHEN 'num'    THEN (100 + 900 * {_h('s.family', 's.ridx')}) * (0.05 + 0.25 * {_h('s.family', 's.ridx', '7')})
                         * (0.8 + 0.4 * {_h('s.iidx', 's.ridx', 'm.m')})
      WHEN 'den'    THEN (100 + 900 * {_h('s.family', 's.ridx')}) * (0.8 + 0.4 * {_h('s.iidx', 's.ridx', 'm.m')})
      WHEN 'weight' THEN (50 + 450 * {_h('s.family', 's.ridx')}) * (1 + 0.002 * m.m)
      WHEN 'growth' THEN -2 + 12 * {_h('s.iidx', 's.ridx', 'm.m')}
      WHEN 'flow'   THEN (10 + 90 * {_h('s.family', 's.ridx')}) * (1 + 0.04 * (m.m // 12))
                         * (0.8 + 0.4 * {_h('s.iidx', 's.ridx', 'm.m')})
      WHEN 'stock'  THEN (100 + 900 * {_h('s.family', 's.ridx')}) * (1 + 0.005 * m.m)
      WHEN 'mean'   THEN 20 + 60 * {_h('s.family', 's.ridx')} + 10 * {_h('s.iidx', 's.ridx', 'm.m')}
      WHEN 'mean_last' THEN 40 + 40 * {_h('s.family', 's.ridx')} + 10 * {_h('s.iidx', 's.ridx', 'm.m')}
      ELSE 100 * {_h('s.iidx', 's.ridx', 'm.m')}
    END"""

# Expected monthly leaf value per kind (targets are set around it), and whether it adds up over regions.
EXPECT = {"num": (93.5, True), "den": (550.0, True), "rate": (17.0, False), "weight": (290.0, True),
          "growth": (4.0, False), "flow": (60.0, True), "stock": (620.0, True), "mean": (55.0, False),
          "mean_last": (65.0, False), "max": (95.0, False), "min": (5.0, False)}


def generate(n_obs: int, out: Path) -> dict:
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    regs = regions()
    inds = indicators()
    pq.write_table(pa.Table.from_pylist(regs), out / "regions.parquet")
    pq.write_table(pa.Table.from_pylist(inds), out / "indicators.parquet")
    con = duckdb.connect()
    con.execute("SET memory_limit = '3GB'; SET preserve_insertion_order = false")
    con.execute(HASH_MACROS)
    con.execute(f"CREATE TABLE r AS SELECT row_number() OVER (ORDER BY code) AS ridx, * FROM '{out}/regions.parquet'")
    con.execute(f"CREATE TABLE i AS SELECT row_number() OVER (ORDER BY code) AS iidx, * FROM '{out}/indicators.parquet'")
    # Leaf units per level: a county-level indicator is reported by the two cities without counties.
    con.execute(f"""
        CREATE TABLE leaf AS
        SELECT level, ridx, code FROM r WHERE level IN ('village', 'town', 'county')
        UNION ALL SELECT 'county', ridx, code FROM r WHERE code IN ({','.join(repr(c) for c in CITY_TOWNS)})
    """)
    full = con.execute("""SELECT sum(n) * 60 FROM (SELECT count(*) AS n FROM i JOIN leaf USING (level)
                          WHERE i.numerator IS NULL)""").fetchone()[0]
    share = min(1.0, n_obs / full)
    con.execute(f"""
        CREATE TABLE s AS
        SELECT i.iidx, i.code AS indicator, i.kind, i.family, l.ridx, l.code AS region
        FROM i JOIN leaf l USING (level)
        WHERE i.numerator IS NULL AND {_h('i.family', 'l.ridx', '11')} < {share}
    """)
    month_key = make_key(Sql("(2021 + range // 12)"), TYPE_DIGIT[MONTH], Sql("(range % 12 + 1)"))
    con.execute(f"CREATE TABLE months AS SELECT range AS m, {month_key} AS pkey FROM range(60)")
    total = 0
    for y in YEARS:
        path = out / f"observations_{y}.parquet"
        con.execute(f"""
            COPY (SELECT s.indicator, s.region, m.pkey, round({VALUE_SQL}, 2) AS value
                  FROM s CROSS JOIN months m WHERE {year_sql('m.pkey')} = {y}
                  ORDER BY m.pkey, s.indicator, s.region)
            TO '{path}' (FORMAT PARQUET, ROW_GROUP_SIZE 1000000)
        """)
        total += con.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0]
    # Targets: province down to town, each indicator and year, around the expected value.
    con.execute("""CREATE TABLE anc AS  -- region -> each ancestor (and itself), for counting leaves
        WITH RECURSIVE a(code, anc) AS (SELECT code, code FROM r UNION ALL
            SELECT a.code, r.parent_code FROM a JOIN r ON r.code = a.anc WHERE r.parent_code IS NOT NULL)
        SELECT * FROM a""")
    expect = ", ".join(f"('{k}', {v}, {str(add).lower()})" for k, (v, add) in EXPECT.items())
    con.execute(f"""
        COPY (
            WITH e(kind, monthly, additive) AS (VALUES {expect}),
            cnt AS (SELECT a.anc AS region, s.family, count(DISTINCT s.region) AS n FROM s JOIN anc a ON a.code = s.region
                    GROUP BY ALL)
            SELECT i.code AS indicator, r.code AS region, {make_key(Sql('y.y'), TYPE_DIGIT[YEAR], 1)} AS pkey,
                   CASE WHEN i.direction = 'lower' THEN 'at_most' ELSE 'at_least' END AS comparator,
                   round(e.monthly * CASE WHEN i.time_agg = 'sum' AND e.additive THEN 12 ELSE 1 END
                         * CASE WHEN e.additive THEN c.n ELSE 1 END
                         * (0.85 + 0.3 * {_h('i.iidx', 'r.ridx', 'y.y')}), 2) AS value
            FROM i JOIN e ON e.kind = i.kind CROSS JOIN r CROSS JOIN (SELECT unnest(range(2021, 2026)) AS y) y
            JOIN cnt c ON c.region = r.code AND c.family = i.family
            WHERE r.level IN ('province', 'city', 'county', 'town')
            ORDER BY indicator, region, pkey
        ) TO '{out}/targets.parquet' (FORMAT PARQUET)
    """)
    n_targets = con.execute(f"SELECT count(*) FROM '{out}/targets.parquet'").fetchone()[0]
    info = {"observations": total, "share": round(share, 6), "regions": len(regs), "indicators": len(inds),
            "targets": n_targets, "seconds": round(time.perf_counter() - t0, 1)}
    (out / "DONE").write_text(repr(info))
    return info


def data_dir(n_obs: int) -> Path:
    name = next((k for k, v in SIZES.items() if v == n_obs), str(n_obs))
    return DATA / name


def ensure(n_obs: int) -> Path:
    """The data directory for n_obs observations, generated if missing."""
    out = data_dir(n_obs)
    if not (out / "DONE").exists():
        print(f"generating {n_obs:,} observations into {out} ...", flush=True)
        print(generate(n_obs, out), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--size", choices=SIZES, default="S")
    g.add_argument("--observations", type=int)
    a = ap.parse_args()
    n = a.observations or SIZES[a.size]
    print(generate(n, data_dir(n)))


if __name__ == "__main__":
    main()
