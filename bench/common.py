"""Shared by the benchmarks: build a workspace from generated data, measure time and peak memory."""

from __future__ import annotations

import asyncio
import os
import platform
import re
import resource
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import yaml

from luoshi.analytics import rollup
from luoshi.domain.periods import ptype_sql
from luoshi.services import observations, reference
from luoshi.workspace import Workspace

ROOT = Path(__file__).resolve().parent
BUNDLED = ROOT.parent / "src" / "luoshi" / "data"
OUT = ROOT / "out"
IND_FIELDS = ("code", "name_zh", "name_en", "unit", "frequency", "direction", "region_agg", "time_agg", "weight",
              "numerator", "denominator", "factor")


class Meter:
    """Wall time and peak RSS of this process over a block (RSS sampled every 20 ms)."""

    def __init__(self):
        self.proc = psutil.Process()
        self.results: dict[str, dict] = {}

    @contextmanager
    def measure(self, name: str):
        peak = [self.proc.memory_info().rss]
        stop = threading.Event()

        def sample():
            while not stop.wait(0.02):
                peak[0] = max(peak[0], self.proc.memory_info().rss)

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        t0 = time.perf_counter()
        try:
            yield self.results.setdefault(name, {})
        finally:
            secs = time.perf_counter() - t0
            stop.set()
            th.join()
            peak[0] = max(peak[0], self.proc.memory_info().rss)
            self.results[name].update(seconds=round(secs, 3), peak_rss_gb=round(peak[0] / 2**30, 3))

    @staticmethod
    def lifetime_peak_gb() -> float:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 3)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = psutil.virtual_memory().total / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM, {platform.system()} {platform.release()}, " \
           f"Python {platform.python_version()}"


def build_workspace(data: Path, path: Path, memory_limit: str = "3GB") -> Workspace:
    """A fresh workspace at ``path`` holding the generated province in ``data`` (no rollup yet)."""
    for p in (path, Path(str(path) + ".wal")):
        if p.exists():
            p.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    ws = Workspace.create(path)
    ws.db.con.execute(f"SET memory_limit = '{memory_limit}'")
    ws.db.con.execute("SET preserve_insertion_order = false")
    ws.load_regions(BUNDLED / "divisions_guangdong.csv")
    ws.load_plans(BUNDLED / "plans.yaml")
    regs = pq.read_table(data / "regions.parquet").to_pylist()
    reference.bulk_regions(ws.db, [
        {"code": r["code"], "parent": r["parent_code"], "level": r["level"], "kind": r["level"],
         "name_zh": r["name_zh"], "name_en": r["name_en"], "valid_from": reference_from(), "synthetic": True,
         "source": "bench/generate.py (synthetic)"} for r in regs if r["synthetic"]])
    inds = pq.read_table(data / "indicators.parquet").to_pylist()
    spec = path.parent / "bench_indicators.yaml"
    spec.write_text(yaml.safe_dump({"indicators": [
        {k: r[k] for k in IND_FIELDS if r[k] is not None} | {"synthetic": True, "status": "illustrative"}
        for r in inds]}, allow_unicode=True), encoding="utf-8")
    ws.load_indicators(spec)
    glob = str(data / "observations_*.parquet")
    bulk_load(ws, f"""
        SELECT i.iid, r.rid, CAST(o.pkey AS INTEGER) AS pkey, o.value FROM read_parquet('{glob}') o
        JOIN indicators i ON i.code = o.indicator JOIN regions r ON r.code = o.region
    """)
    with ws.db.write() as con:
        con.execute(f"""
            INSERT INTO targets (iid, rid, pkey, comparator, value, synthetic, source, status, created_at)
            SELECT i.iid, r.rid, t.pkey, t.comparator, t.value, true, 'bench/generate.py (synthetic)', 'synthetic',
                   now()
            FROM read_parquet('{data / "targets.parquet"}') t
            JOIN indicators i ON i.code = t.indicator JOIN regions r ON r.code = t.region
            ORDER BY r.rid, t.pkey  -- as a province's target files arrive: region by region
        """)
    ws.db.con.execute("CHECKPOINT")
    return ws


def reference_from():
    from luoshi.ingest.regions import DEFAULT_FROM
    return DEFAULT_FROM


def bulk_load(ws: Workspace, query: str) -> int:
    """Load the generated observations (10^7 to 10^8 first revisions, approved) straight into the
    store: the benchmark's fixture, not a way into luoshi.  Users' values, the demo's included, go
    through the one write path (services/observations.py), whose validation would dominate the
    set-up time at this scale; the caller runs a full rollup afterwards."""
    with ws.db.write() as con:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _bulk AS SELECT iid, rid, pkey, value, "
                    f"nextval('observation_ids') AS oid FROM ({query})")
        con.execute("INSERT INTO observations SELECT oid, iid, rid, pkey, value, 'approved', 1, 'bench', now(), ?, "
                    "NULL, NULL FROM _bulk", [observations.SYNTHETIC_SOURCE])
        con.execute(f"""
            INSERT INTO obs_current SELECT iid, rid, pkey, oid, value, 'approved', 1, oid, value, ?,
                CAST({ptype_sql('pkey')} AS TINYINT), true
            FROM _bulk ORDER BY {rollup.CLUSTER}
        """, [observations.SYNTHETIC_SOURCE])
        n = con.execute("SELECT count(*) FROM _bulk").fetchone()[0]
        con.execute("DROP TABLE _bulk")
    return n


def start_server(db: Path, today: date, *options: str) -> tuple[subprocess.Popen, str]:
    """A real `luoshi serve` on a free loopback port over ``db`` with that ``today``; returns the process
    and its base URL once it listens."""
    proc = subprocess.Popen([sys.executable, "-m", "luoshi.cli.main", "serve", "--db", str(db), "--port", "0",
                             "--today", today.isoformat(), *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not m:
        proc.kill()
        raise SystemExit(f"server did not start: {line}{proc.stderr.read()}")
    return proc, m.group(1)


class Connection:
    """A minimal HTTP/1.1 keep-alive client on a raw socket: the load generator shares the 2 cores
    with the server, so it must cost far less per request than the server does (an HTTP library's
    client costs about as much as the server's work on a cached page)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    @classmethod
    def to(cls, base: str) -> "Connection":
        host, port = base.removeprefix("http://").split(":")
        return cls(host, int(port))

    async def request(self, method: str, path: str, headers: dict | None = None, body: bytes = b"") -> tuple[int, bytes]:
        """The status and body of one request (raises OSError or asyncio.IncompleteReadError when the
        server does not answer)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAccept: text/html\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        if body:
            head += f"Content-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
            lines = raw.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            got = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
            content = b""
            if "content-length" in got:
                content = await self.reader.readexactly(int(got["content-length"]))
            elif got.get("transfer-encoding") == "chunked":
                chunks = []
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                    chunks.append((await self.reader.readexactly(size + 2))[:-2])
                    if size == 0:
                        break
                content = b"".join(chunks)
        except BaseException:
            self.close()
            raise
        if got.get("connection") == "close":
            self.close()
        return status, content

    async def get(self, path: str, headers: dict | None = None) -> int:
        return (await self.request("GET", path, headers))[0]

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
