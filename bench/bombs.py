"""Hostile XLSX files: the time and peak memory from an import's start to its answer, through the
Python door (``ws.reporting.import_file``, as ``Workspace.import_observations`` and the CLI call it).
Goal for the 2 GiB bomb: refused in <= 2 s and <= 300 MB peak memory.

    python bench/bombs.py [--keep DIR] [--cap-mb 8192] [--timeout 300] [--only NAME ...]

The files are built on the fly by tests/formats/bombs.py (nothing large is committed):

    bomb-419MB   about 1 MB (padded with 0.56 MB of random bytes) that unpacks to 419 MB
    bomb-2GiB    about 2.4 MB that unpacks to 2 GiB
    liar-2GiB    a valid one-row workbook whose sheet declares 523 bytes and hides 2 GiB after them
    laughs       a sheet XML declaring the billion laughs (10^9 "ha" from 10 nested entities)
    under-limits just inside both default limits: 97 MB of blank rows and 1.1 MB of random bytes in a
                 1.2 MB file (ratio 81),
                 which is parsed: the most an upload can cost before the limits refuse it
    rows-100k    100,000 observation rows (in the empty workspace every row is refused): the reading cost

Each case runs in a fresh process with an empty workspace; its peak is that process's ru_maxrss, and
"grew" is the peak less its RSS just before the import.  The parent watches the child's RSS and kills
it past --cap-mb (reported as "killed"), so that an unguarded reader cannot take the machine.
To measure the code before a change, run this script with PYTHONPATH pointing at that code's src/.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.formats import bombs  # noqa: E402  (the builders the tests use)

CASES = {
    "bomb-419MB": lambda p: bombs.bomb(p, 419_000_000, filler=560_000),
    "bomb-2GiB": lambda p: bombs.bomb(p, 2 << 30),
    "liar-2GiB": lambda p: bombs.liar(p, 2 << 30),
    "laughs": bombs.laughs,
    "under-limits": lambda p: bombs.bomb(p, 97 << 20, filler=1_100_000),
    "rows-100k": lambda p: bombs.write_xlsx(p, bombs.sheet(
        bombs.row("tech_transform", f"44{k % 9000 + 1000:04d}", "2024-03", str(k)) for k in range(100_000))),
}

CHILD = """
import json, resource, sys, time
import psutil
from luoshi.workspace import Workspace
ws = Workspace(sys.argv[1])
before = psutil.Process().memory_info().rss
t = time.perf_counter()
out = ws.reporting.import_file(sys.argv[2], actor=ws.reporting.actor(), dry_run=True)
dt = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
codes = sorted({p["code"] for p in out["problems"]})
import luoshi
print(json.dumps({"seconds": dt, "peak_mb": peak / 2**20, "grew_mb": (peak - before) / 2**20, "status": out["status"],
                  "codes": codes, "message": out["problems"][0]["message"][:140] if out["problems"] else "",
                  "code_from": luoshi.__file__}))
"""


def run(case: Path, tmp: Path, cap_mb: int, timeout: float) -> dict:
    import psutil

    ws = tmp / f"ws-{time.monotonic_ns()}.duckdb"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(ws), str(case)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    watch, start, seen = psutil.Process(proc.pid), time.perf_counter(), 0
    while proc.poll() is None:
        try:
            seen = max(seen, watch.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        elapsed = time.perf_counter() - start
        if seen > cap_mb * 2**20 or elapsed > timeout:
            proc.kill()
            proc.wait()
            why = f"RSS over {cap_mb} MB" if seen > cap_mb * 2**20 else f"over {timeout:.0f} s"
            return {"killed": f"{why} after {elapsed:.1f} s", "peak_mb": seen / 2**20}
        time.sleep(0.02)
    out, err = proc.communicate()
    ws.unlink(missing_ok=True)
    if proc.returncode:
        return {"failed": (err.strip().splitlines() or ["?"])[-1][:200], "peak_mb": seen / 2**20}
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="build the files here (and keep them)")
    ap.add_argument("--cap-mb", type=int, default=8192)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--only", nargs="*", choices=sorted(CASES))
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    figures = {}
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="luoshi-bombs-"))
    tmp.mkdir(parents=True, exist_ok=True)
    for name in args.only or CASES:
        path = tmp / f"{name}.xlsx"
        if not path.exists():
            CASES[name](path)
        r = run(path, tmp, args.cap_mb, args.timeout)
        size = path.stat().st_size / 2**20
        figures[name] = r | {"file_mb": round(size, 2)}
        if "seconds" in r:
            print(f"{name:11s} {size:5.2f} MB  {r['seconds']:7.2f} s  peak {r['peak_mb']:7.0f} MB  "
                  f"grew {r['grew_mb']:7.0f} MB  {r['status']} {','.join(r['codes'])}: {r['message']}")
        else:
            print(f"{name:11s} {size:5.2f} MB  {r.get('killed') or r.get('failed')}  (peak seen {r['peak_mb']:.0f} MB)")
    if args.json:
        args.json.write_text(json.dumps({"cases": figures}, indent=2, default=str) + "\n", encoding="utf-8")
    if not args.keep:
        for p in tmp.iterdir():
            p.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
