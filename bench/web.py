"""Latency of every page and API endpoint of `luoshi serve` on the demo workspace.

For each URL: p50 and p95 over the requests completed with 1 and with 20 concurrent clients on
loopback, each measurement bounded by --seconds and --max-requests; the first (cold) request is
reported apart.  Goal: p95 < 150 ms at 20 clients for every page.

    python bench/web.py [--db bench/out/web-demo.duckdb] [--seconds 2] [--no-cache] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import date
from pathlib import Path

from common import Connection, start_server

ROOT = Path(__file__).resolve().parent
TODAY = date(2025, 6, 30)
URLS = [
    "/", "/regions/440000", "/regions/440100", "/regions/440103", "/indicators", "/indicators/tech_transform",
    "/indicators/gdp_growth?region=440100", "/rankings", "/rankings?indicator=gdp&level=county&within=440300",
    "/coverage", "/outcomes", "/docs",
    "/api/overview", "/api/regions/440100", "/api/indicators", "/api/indicators/tech_transform",
    "/api/indicators/gdp/series?region=440300", "/api/rankings", "/api/coverage", "/api/outcomes",
    "/api/regions/440100?format=csv",
]


def demo_workspace(path: Path) -> Path:
    if not path.exists():
        from luoshi.data.demo import build_demo
        from luoshi.workspace import Workspace

        path.parent.mkdir(parents=True, exist_ok=True)
        ws = Workspace(path, today=TODAY)
        try:
            build_demo(ws)
        finally:
            ws.close()
    return path


async def measure(host: str, port: int, url: str, clients: int, seconds: float, max_requests: int) -> dict:
    times: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal errors
        conn = Connection(host, port)
        while time.perf_counter() < deadline and len(times) < max_requests:
            t = time.perf_counter()
            status = await conn.get(url)
            times.append((time.perf_counter() - t) * 1000)
            errors += status != 200
        conn.close()

    await asyncio.gather(*(worker() for _ in range(clients)))
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"n": len(times), "p50": round(statistics.median(times), 1), "p95": round(p95, 1), "errors": errors}


async def run(base: str, seconds: float, max_requests: int) -> list[dict]:
    host, port = base.removeprefix("http://").split(":")
    port = int(port)
    out = []
    for url in URLS:
        t = time.perf_counter()
        status = await Connection(host, port).get(url)
        cold = round((time.perf_counter() - t) * 1000, 1)
        row = {"url": url, "status": status, "cold_ms": cold}
        for n in (1, 20):
            row[f"c{n}"] = await measure(host, port, url, n, seconds, max_requests)
        out.append(row)
        print(f"{url:55s} cold {cold:7.1f} | 1: p50 {row['c1']['p50']:6.1f} p95 {row['c1']['p95']:6.1f} "
              f"| 20: p50 {row['c20']['p50']:6.1f} p95 {row['c20']['p95']:6.1f} (n={row['c20']['n']})",
              flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=ROOT / "out" / "web-demo.duckdb")
    ap.add_argument("--seconds", type=float, default=2.0, help="time bound of each measurement")
    ap.add_argument("--max-requests", type=int, default=400, help="request bound of each measurement")
    ap.add_argument("--no-cache", action="store_true", help="serve without the view cache")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    db = demo_workspace(args.db)
    proc, base = start_server(db, TODAY, "--cache-size", str(0 if args.no_cache else 256))
    try:
        rows = asyncio.run(run(base, args.seconds, args.max_requests))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    worst = max(r["c20"]["p95"] for r in rows)
    print(f"worst p95 at 20 clients: {worst} ms (goal < 150 ms){'' if worst < 150 else '  — NOT MET'}")
    if args.json:
        args.json.write_text(json.dumps({"cache": not args.no_cache, "today": TODAY.isoformat(), "rows": rows},
                                        indent=2))


if __name__ == "__main__":
    main()
