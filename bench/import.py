"""Import benchmark: 1,000,000 observation rows from CSV with full validation, and 100,000 rows
from XLSX.  Goals: >= 200,000 rows/s for the CSV, < 20 s for the XLSX.

    python bench/import.py [--rows 1000000] [--xlsx-rows 100000] [--keep DIR]

Data are synthetic (cities and counties of the bundled Guangdong divisions, every non-formula
indicator at its own and coarser periods); city values are the sums of their counties so that the
children-sum rule passes, series are flat so that the jump rule passes, and values stay inside
each indicator's range.  The file is valid: every row is accepted.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from luoshi.workspace import Workspace

TODAY = date(2025, 12, 31)


def make_rows(ws: Workspace, path: Path, n: int) -> int:
    """Write up to n rows as CSV with DuckDB (set-based, deterministic)."""
    target = str(path).replace("'", "''")
    ws.db.cursor().execute(f"""
    COPY (
      WITH ind AS (SELECT iid, code, frequency, region_agg, unit, min_value, max_value FROM indicators
                   WHERE numerator IS NULL),
      per AS (SELECT key, code, type FROM periods WHERE year BETWEEN 2000 AND 2025 AND "end" <= DATE '{TODAY}'),
      pairs AS (SELECT ind.*, per.key AS pkey, per.code AS pcode FROM ind JOIN per
                ON per.type = ind.frequency OR (ind.frequency = 'M' AND per.type IN ('Q', 'Y'))
                   OR (ind.frequency = 'Q' AND per.type = 'Y')),
      county AS (SELECT r.rid, r.code, p.code AS parent FROM regions r
                 JOIN region_links l ON l.rid = r.rid JOIN regions p ON p.rid = l.parent_rid WHERE r.level = 'county'),
      cv AS (SELECT pairs.code AS indicator, c.code AS region, c.parent, pairs.pcode AS period, pairs.region_agg,
                    CASE WHEN pairs.unit = '%' THEN 5 + (hash(c.code || pairs.code) % 100) / 100.0
                         -- bounded indicators (pm25 0..500, a mean) stay inside their range
                         WHEN pairs.max_value IS NOT NULL
                         THEN coalesce(pairs.min_value, 0) + (pairs.max_value - coalesce(pairs.min_value, 0))
                              * (0.1 + (hash(c.code || pairs.code) % 80) / 100.0)
                         ELSE 100 + (hash(c.code || pairs.code) % 1000) END AS value
             FROM pairs CROSS JOIN county c),
      city AS (SELECT indicator, parent AS region, period,
                      CASE WHEN any_value(region_agg) = 'sum' THEN sum(value) ELSE avg(value) END AS value
               FROM cv GROUP BY indicator, parent, period)
      SELECT indicator, region, period, value FROM (
          SELECT indicator, region, period, value FROM cv UNION ALL SELECT * FROM city)
      ORDER BY indicator, region, period LIMIT {n}
    ) TO '{target}' (FORMAT CSV, HEADER)""")
    return ws.db.scalar(f"SELECT count(*) FROM read_csv('{target}')")


def fresh(base: Path, where: Path) -> Workspace:
    p = where / f"ws-{time.monotonic_ns()}.duckdb"
    shutil.copy(base, p)
    return Workspace.open(p, today=TODAY)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--xlsx-rows", type=int, default=100_000)
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args()
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="luoshi-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    base = tmp / "base.duckdb"
    if not base.exists():
        from luoshi.data.bundle import load_bundled
        ws = Workspace.create(base, today=TODAY)
        load_bundled(ws)
        ws.close()
    ws = fresh(base, tmp)
    csv_path = tmp / "obs.csv"
    n = make_rows(ws, csv_path, args.rows)
    print(f"CSV: {n:,} rows, {csv_path.stat().st_size / 2**20:.1f} MB")
    for dry in (True, False):
        t = time.perf_counter()
        res = ws.reporting.import_file(csv_path, actor=ws.reporting.actor(), dry_run=dry)
        dt = time.perf_counter() - t
        print(f"  {'validate only' if dry else 'validate+store+rollup':22s} {dt:6.2f} s  {n / dt:10,.0f} rows/s  "
              f"status={res['status']} accepted={res['accepted']:,} problems={sum(res['problem_counts'].values())}")
    ws.close()

    ws = fresh(base, tmp)
    xlsx = tmp / "obs.xlsx"
    from openpyxl import Workbook
    import csv as csvmod
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("data")
    with open(csv_path, encoding="utf-8") as f:
        for i, row in enumerate(csvmod.reader(f)):
            if i > args.xlsx_rows:
                break
            sheet.append(row if i == 0 else [row[0], row[1], row[2], float(row[3])])
    wb.save(xlsx)
    t = time.perf_counter()
    res = ws.reporting.import_file(xlsx, actor=ws.reporting.actor())
    dt = time.perf_counter() - t
    print(f"XLSX: {args.xlsx_rows:,} rows  {dt:6.2f} s  status={res['status']} accepted={res['accepted']:,} "
          f"problems={sum(res['problem_counts'].values())}")
    ws.close()


if __name__ == "__main__":
    main()
