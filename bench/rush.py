"""The month-end rush (issue 16): many reporters at once against a real `luoshi serve`, dashboards read
meanwhile, and every acknowledged value checked against the database afterwards.

A demo workspace is built with `luoshi demo` in a temporary directory (data up to 2025-05); users
and tokens are made through the Workspace API; then the server runs on loopback with today =
2025-07-03, so that June and the second quarter have just ended:

- (a) ``--reporters`` reporters (one county each) post one-row imports to POST /api/imports with a
  Bearer token as fast as they are answered, while ``--readers`` clients read dashboard pages,
  for ``--seconds-a``;
- (b) each of the 122 counties posts one file of its month (21 monthly indicators for 2025-06 and
  9 quarterly ones for 2025Q2: 30 values) at a seeded random moment within ``--window-b``, with
  the readers running;
- (c) load (a) again; the server is killed with SIGKILL ``--kill-after`` seconds in, restarted, and
  must answer again.

Afterwards (server stopped) every acknowledged write is looked up by its import id: lost (no row),
doubled (more rows than sent) or altered (another value, key or state).  Every count and time is
bounded.  Writes ``bench/RESULTS-rush.md`` (a section per ``--label``, others kept).

    python bench/rush.py [--label after] [--seconds-a 120] [--window-b 300] [--phases abc]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
import psutil
from common import Connection, start_server

ROOT = Path(__file__).resolve().parent
BUILT = date(2025, 6, 30)  # the demo holds monthly data up to 2025-05
TODAY = date(2025, 7, 3)  # the server's today: June and Q2 ended three days ago
MONTH, QUARTER = "2025-06", "2025Q2"
PREV_MONTH, PREV_QUARTER = 20253005, 20252001  # the period keys of 2025-05 and 2025Q1
PAGES = ["/", "/regions/440100", "/indicators/tech_transform", "/rankings", "/api/overview",
         "/api/regions/440100"]
PASSWORD = "rush-password-2025"


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, int(round(q * (len(s) - 1))))], 1)


# --- the workspace ---------------------------------------------------------------------------------
@dataclass
class Plan:
    """Who reports what: tokens by user and the previous values the new ones are derived from."""
    reporters: list[dict]  # {token, region, base: {indicator: may value}}
    counties: list[dict]  # {token, region, month: {ind: may value}, quarter: {ind: q1 value}}
    reader_token: str
    before: set = field(default_factory=set)  # import ids already in the workspace (the demo's own)


def prepare(tmp: Path, reporters: int) -> tuple[Path, Plan]:
    db = tmp / "rush.duckdb"
    subprocess.run([sys.executable, "-m", "luoshi.cli.main", "--db", str(db), "demo", "--today", BUILT.isoformat()],
                   check=True, stdout=subprocess.DEVNULL, timeout=600)
    from luoshi.domain.roles import Actor
    from luoshi.workspace import Workspace

    ws = Workspace(db, today=TODAY)
    try:
        local = Actor.local()
        rp = ws.reporting
        counties = [r["code"] for r in ws.regions() if r["level"] == "county"]
        prev = ws.db.all("""SELECT i.code AS ind, r.code AS region, i.frequency AS freq, o.latest_value AS v
                            FROM obs_current o JOIN indicators i USING (iid) JOIN regions r USING (rid)
                            WHERE r.level = 'county' AND o.pkey IN (?, ?) AND o.latest_value > 0""",
                         [PREV_MONTH, PREV_QUARTER])
        by_region: dict[str, dict] = {}
        for p in prev:
            by_region.setdefault(p["region"], {"M": {}, "Q": {}})[p["freq"]][p["ind"]] = p["v"]

        def user(name: str, role: str, region: str) -> str:
            rp.add_user(name, PASSWORD, actor=local)
            rp.grant(name, role, region, actor=local)
            return rp.token(name, actor=local)["token"]

        rp.add_user("rushadmin", PASSWORD, actor=local, admin=True)  # the first user is an administrator
        plan_counties = []
        for n, code in enumerate(counties):
            vals = by_region.get(code, {"M": {}, "Q": {}})
            quarter = dict(sorted(vals["Q"].items())[:30 - len(vals["M"])])
            plan_counties.append({"token": user(f"county{n:03d}", "reporter", code), "region": code,
                                  "month": vals["M"], "quarter": quarter})
        plan_reporters = [{"token": user(f"rush{n:02d}", "reporter", c["region"]), "region": c["region"],
                           "base": c["month"]} for n, c in enumerate(plan_counties[:reporters])]
        reader = user("rushreader", "viewer", "440000")
        before = {r["import_id"] for r in ws.db.all("SELECT import_id FROM imports")}
    finally:
        ws.close()
    return db, Plan(plan_reporters, plan_counties, reader, before)


# --- the server ------------------------------------------------------------------------------------
def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# --- load ------------------------------------------------------------------------------------------
@dataclass
class Phase:
    name: str
    writes: list[float] = field(default_factory=list)  # latency (ms) of acknowledged writes
    acked: list[dict] = field(default_factory=list)  # {import_id, values: [(ind, region, period, value)]}
    refused: dict = field(default_factory=dict)  # status -> count (4xx other than a server error)
    fivexx: int = 0
    failed: int = 0  # no answer (connection refused or reset: the killed server)
    reads: dict = field(default_factory=dict)  # page -> [ms]
    seconds: float = 0.0
    values_acked: int = 0
    cpu: str = "—"  # processor seconds of the server and of this load generator during the phase


def csv_of(rows: list[tuple]) -> bytes:
    return ("indicator,region,period,value\n" + "".join(f"{i},{r},{p},{v!r}\n" for i, r, p, v in rows)).encode()


def multipart(name: str, content: bytes) -> tuple[str, bytes]:
    """A multipart/form-data body with one file field (what POST /api/imports takes)."""
    boundary = f"rush{secrets.token_hex(8)}"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


async def post(conn: Connection, phase: Phase, token: str, name: str, rows: list[tuple]) -> bool:
    t = time.perf_counter()
    kind, body = multipart(name, csv_of(rows))
    try:
        status, content = await conn.request("POST", "/api/imports", {"Authorization": f"Bearer {token}",
                                                                     "Content-Type": kind}, body)
    except (OSError, asyncio.IncompleteReadError):
        phase.failed += 1
        return False
    ms = (time.perf_counter() - t) * 1000
    if status >= 500:
        phase.fivexx += 1
    elif status != 200:
        phase.refused[status] = phase.refused.get(status, 0) + 1
        if sum(phase.refused.values()) <= 3:
            print(f"  refused {status}: {content[:300]!r}", flush=True)
    else:
        answer = json.loads(content)
        if answer["status"] == "committed":
            phase.writes.append(ms)
            phase.acked.append({"import_id": answer["import_id"], "values": rows,
                                "answer": {k: answer.get(k) for k in ("added", "revised", "unchanged")}})
            phase.values_acked += len(rows)
            return True
    return False


async def reporter(base: str, phase: Phase, r: dict, n: int, deadline: float, max_writes: int) -> None:
    conn = Connection.to(base)
    inds = sorted(r["base"])
    while time.perf_counter() < deadline and len(phase.acked) < max_writes:
        k = r["k"] = r.get("k", -1) + 1  # counted across phases: (c) never repeats a value of (a)
        ind = inds[k % len(inds)]
        # every write of a key differs from the one before (else it would be "unchanged", not stored)
        # and stays within the indicator's range and the jump check's 50 % of the May value
        # (12 significant digits, not 6 decimals: a May value of 0.0079 would repeat itself)
        value = float(f'{r["base"][ind] * (1 - 0.0001 * (k // len(inds) + 1) - 0.000001 * n):.12g}')
        failed = phase.failed
        await post(conn, phase, r["token"], f"rush{n:02d}-{k:05d}.csv", [(ind, r["region"], MONTH, value)])
        if phase.failed > failed:  # no server (killed in (c)): try again a little later
            await asyncio.sleep(0.05)
    conn.close()


async def county(base: str, phase: Phase, c: dict, n: int, at: float) -> None:
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    rows = [(i, c["region"], MONTH, round(v * 0.99, 6)) for i, v in sorted(c["month"].items())]
    rows += [(i, c["region"], QUARTER, round(v * 0.99, 6)) for i, v in sorted(c["quarter"].items())]
    conn = Connection.to(base)
    await post(conn, phase, c["token"], f"county{n:03d}-{MONTH}.csv", rows)
    conn.close()


async def reader(base: str, phase: Phase, token: str, stop: asyncio.Event, offset: int) -> None:
    conn = Connection.to(base)
    k = offset
    while not stop.is_set():
        page = PAGES[k % len(PAGES)]
        k += 1
        t = time.perf_counter()
        try:
            status = await conn.get(page, {"Authorization": f"Bearer {token}"})
        except (OSError, asyncio.IncompleteReadError):
            phase.failed += 1
            await asyncio.sleep(0.05)
            continue
        phase.reads.setdefault(page, []).append((time.perf_counter() - t) * 1000)
        if status >= 500:
            phase.fivexx += 1
        elif status != 200:
            phase.refused[status] = phase.refused.get(status, 0) + 1
    conn.close()


async def run_a(base: str, plan: Plan, phase: Phase, seconds: float, readers: int, max_writes: int,
                kill: tuple[subprocess.Popen, float] | None = None) -> None:
    stop = asyncio.Event()
    t0 = time.perf_counter()
    deadline = t0 + seconds
    rtasks = [asyncio.create_task(reader(base, phase, plan.reader_token, stop, k)) for k in range(readers)]
    wtasks = [asyncio.create_task(reporter(base, phase, r, n, deadline, max_writes))
              for n, r in enumerate(plan.reporters)]
    if kill:
        await asyncio.sleep(kill[1])
        kill[0].send_signal(signal.SIGKILL)
        print(f"  SIGKILL at {time.perf_counter() - t0:.1f} s after {len(phase.acked)} acknowledged writes",
              flush=True)
    await asyncio.gather(*wtasks)
    stop.set()
    await asyncio.gather(*rtasks)
    phase.seconds = time.perf_counter() - t0


async def run_b(base: str, plan: Plan, phase: Phase, window: float, readers: int, seed: int) -> None:
    rnd = random.Random(seed)
    stop = asyncio.Event()
    t0 = time.perf_counter()
    rtasks = [asyncio.create_task(reader(base, phase, plan.reader_token, stop, k)) for k in range(readers)]
    await asyncio.gather(*(county(base, phase, cty, n, t0 + rnd.uniform(0, window))
                           for n, cty in enumerate(plan.counties)))
    stop.set()
    await asyncio.gather(*rtasks)
    phase.seconds = time.perf_counter() - t0


# --- the check -------------------------------------------------------------------------------------
def check(db: Path, phases: list[Phase], before: set) -> dict:
    """Lost, doubled and altered acknowledged writes, looked up by import id in the stopped workspace."""
    from luoshi.domain.periods import parse
    from luoshi.workspace import Workspace

    ws = Workspace(db, today=TODAY)
    try:
        stored: dict[str, list[tuple]] = {}
        for r in ws.db.all("""SELECT o.import_id, i.code AS ind, g.code AS region, o.pkey, o.value, o.state
                              FROM observations o JOIN indicators i USING (iid) JOIN regions g USING (rid)
                              WHERE o.import_id IS NOT NULL"""):
            stored.setdefault(r["import_id"], []).append((r["ind"], r["region"], r["pkey"], r["value"], r["state"]))
        imports = {r["import_id"]: r["status"] for r in ws.db.all("SELECT import_id, status FROM imports")}
    finally:
        ws.close()
    out = {}
    for ph in phases:
        lost = doubled = altered = 0
        for a in ph.acked:
            sent = sorted((i, r, parse(p).key, v, "submitted") for i, r, p, v in a["values"])
            got = sorted(stored.get(a["import_id"], []))
            if imports.get(a["import_id"]) != "committed" or not got:
                lost += len(sent)
                print(f"  lost: {a['import_id']} ({imports.get(a['import_id'])}) answered {a.get('answer')}, "
                      f"sent {sent}", flush=True)
            elif len(got) > len(sent):
                doubled += 1
            elif got != sent:
                missing = [s for s in sent if s not in got]
                altered += len(missing) if len(got) == len(sent) else 0
                lost += len(sent) - len(got)
        acked_ids = {a["import_id"] for a in ph.acked}
        out[ph.name] = {"lost": lost, "doubled": doubled, "altered": altered, "acked_ids": acked_ids}
    out["unanswered_committed"] = len(set(stored) - before - set().union(*(o["acked_ids"] for o in out.values())))
    return out


# --- report ----------------------------------------------------------------------------------------
def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_seconds(pid: int | None = None) -> float:
    """Processor seconds (user and system, every thread) of a process, this one by default, with its
    running children (the server's front process)."""
    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc] + (proc.children(recursive=True) if pid else []):
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system
    return total


def section(label: str, args, phases: list[Phase], checked: dict, loads: dict) -> str:
    lines = [f"## {label}", "",
             f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores shared with other work; "
             f"reporters {args.reporters}, readers {args.readers}, (a) {args.seconds_a:g} s, "
             f"(b) window {args.window_b:g} s, (c) {args.seconds_c:g} s with SIGKILL at {args.kill_after:g} s.", "",
             "| phase | load (1/5/15 min) before → after | s | CPU s: server / load generator | "
             "acknowledged writes (values) | writes/s | "
             "write p50 ms | write p95 ms | 5xx | refused | no answer | lost | doubled | altered |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for ph in phases:
        c = checked[ph.name]
        lines.append(f"| {ph.name} | {loads[ph.name]} | {ph.seconds:.1f} | {ph.cpu} | {len(ph.acked)} ({ph.values_acked}) | "
                     f"{len(ph.acked) / ph.seconds:.1f} | {pct(ph.writes, .5)} | {pct(ph.writes, .95)} | "
                     f"{ph.fivexx} | {sum(ph.refused.values())} | {ph.failed} | {c['lost']} | {c['doubled']} | "
                     f"{c['altered']} |")
    lines += ["", "Dashboard reads during the load (ms):", "",
              "| page | " + " | ".join(f"{ph.name} n | p50 | p95" for ph in phases) + " |",
              "|---|" + "---|---|---|" * len(phases)]
    for page in PAGES:
        cells = []
        for ph in phases:
            t = ph.reads.get(page, [])
            cells.append(f"{len(t)} | {pct(t, .5)} | {pct(t, .95)}")
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    lines += ["", f"Committed imports that no client saw answered (in flight at the SIGKILL): "
                  f"{checked['unanswered_committed']}.", ""]
    return "\n".join(lines)


def write_results(path: Path, label: str, text: str) -> None:
    head = ("# The month-end rush (bench/rush.py)\n\nProduced by `python bench/rush.py`; one section per "
            "`--label`. Goals (issue 16): read p95 ≤ 100 ms during (a) and (b); write p95 ≤ 1 s; ≥ 50 "
            "acknowledged writes/s in (a); 0 5xx; 0 lost, doubled or altered in (a), (b), (c).\n\n")
    old = path.read_text(encoding="utf-8") if path.exists() else head
    parts = re.split(r"(?m)^(?=## )", old)
    kept = [p for p in parts[1:] if not p.startswith(f"## {label}\n")]
    path.write_text(parts[0] + "".join(kept) + text + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--label", default="run", help="the section of the results file to (re)write")
    ap.add_argument("--phases", default="abc", help="which of a, b, c to run")
    ap.add_argument("--reporters", type=int, default=20)
    ap.add_argument("--readers", type=int, default=3)
    ap.add_argument("--seconds-a", type=float, default=120.0)
    ap.add_argument("--window-b", type=float, default=300.0)
    ap.add_argument("--seconds-c", type=float, default=20.0)
    ap.add_argument("--kill-after", type=float, default=8.0)
    ap.add_argument("--max-writes", type=int, default=20_000, help="bound on acknowledged writes per phase")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--out", type=Path, default=ROOT / "RESULTS-rush.md")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="luoshi-rush-") as tmp:
        print("building the demo workspace, users and tokens…", flush=True)
        db, plan = prepare(Path(tmp), args.reporters)
        proc, base = start_server(db, TODAY)
        phases, loads = [], {}
        try:
            for name in args.phases:
                ph = Phase(name)
                before = load()
                print(f"({name}) on {base}, load {before}", flush=True)
                server0, client0 = cpu_seconds(proc.pid), cpu_seconds()
                if name == "a":
                    asyncio.run(run_a(base, plan, ph, args.seconds_a, args.readers, args.max_writes))
                elif name == "b":
                    asyncio.run(run_b(base, plan, ph, args.window_b, args.readers, args.seed))
                elif name == "c":
                    asyncio.run(run_a(base, plan, ph, args.kill_after + 2, args.readers, args.max_writes,
                                      kill=(proc, args.kill_after)))
                    proc.wait(timeout=30)
                    proc, base = start_server(db, TODAY)
                    answer = httpx.get(base + "/api/overview", headers={"Authorization": f"Bearer {plan.reader_token}"},
                                       timeout=60)
                    print(f"  restarted: /api/overview {answer.status_code}", flush=True)
                    rest = Phase("c")
                    asyncio.run(run_a(base, plan, rest, args.seconds_c, args.readers, args.max_writes))
                    for k in ("writes", "acked"):
                        getattr(ph, k).extend(getattr(rest, k))
                    ph.values_acked += rest.values_acked
                    ph.fivexx += rest.fivexx
                    ph.seconds += rest.seconds
                    for page, t in rest.reads.items():
                        ph.reads.setdefault(page, []).extend(t)
                if name != "c":  # (c) kills the server: its processor time is lost with it
                    ph.cpu = f"{cpu_seconds(proc.pid) - server0:.1f} / {cpu_seconds() - client0:.1f}"
                loads[name] = f"{before} → {load()}"
                phases.append(ph)
                print(f"  {len(ph.acked)} acknowledged in {ph.seconds:.1f} s, write p95 {pct(ph.writes, .95)} ms, "
                      f"5xx {ph.fivexx}, refused {ph.refused}, no answer {ph.failed}", flush=True)
        finally:
            stop_server(proc)
        checked = check(db, phases, plan.before)
    text = section(args.label, args, phases, checked, loads)
    print(text)
    write_results(args.out, args.label, text)


if __name__ == "__main__":
    main()
