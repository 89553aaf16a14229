"""Full rollup plus judgement over the Guangdong hierarchy: wall time and peak memory.

    python bench/rollup.py --observations 10000000

Generates (or reuses) N synthetic observations with bench/generate.py, loads them into a fresh
workspace under bench/out/, then times ``Workspace.rollup_full()`` followed by judging every target.
Goal at 10 million observations on the 2-core machine: under 30 s and 4 GB.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import generate
from common import OUT, Meter, build_workspace, machine

from luoshi.analytics.judgement import judge
from luoshi.domain.rules import Rules

AS_OF = date(2025, 7, 15)  # mid-year: cumulative targets are judged against the pace (序时进度)


def run(n_obs: int, memory_limit: str = "3GB", meter: Meter | None = None):
    meter = meter or Meter()
    data = generate.ensure(n_obs)
    with meter.measure("load"):
        ws = build_workspace(data, OUT / f"rollup_{data.name}.duckdb", memory_limit)
    with meter.measure("full_rollup_and_judgement") as m:
        stats = ws.rollup_full()
        cur = ws.db.cursor()
        with meter.measure("judgement"):
            table = judge(cur, AS_OF, Rules())
            m["judged"] = cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        m["rollup_seconds"] = stats.seconds
        m["rollup_rows"] = stats.rows
        m["steps"] = stats.steps
    m["observations"] = ws.db.scalar("SELECT count(*) FROM obs_current")
    return ws, meter


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--observations", type=int, default=1_000_000)
    ap.add_argument("--memory-limit", default="3GB", help="DuckDB memory_limit for the workspace")
    a = ap.parse_args()
    ws, meter = run(a.observations, a.memory_limit)
    ws.close()
    r = meter.results
    full, j = r["full_rollup_and_judgement"], r["judgement"]
    print(f"machine: {machine()}")
    print(f"observations: {full['observations']:,}   rollup rows: {full['rollup_rows']:,}   "
          f"targets judged: {full['judged']:,}")
    print(f"load: {r['load']['seconds']} s (peak {r['load']['peak_rss_gb']} GB)")
    print(f"full rollup + judgement: {full['seconds']} s (rollup {full['rollup_seconds']} s, "
          f"judgement {j['seconds']} s), peak RSS {full['peak_rss_gb']} GB; steps {full['steps']}")
    print(f"process lifetime peak RSS: {Meter.lifetime_peak_gb()} GB")
    ok = a.observations < 10_000_000 or (full["seconds"] < 30 and full["peak_rss_gb"] < 4)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
