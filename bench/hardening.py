"""The hardening battery: kill trials, bad inputs, bombs, fuzz, access attempts and login timing.

    python bench/hardening.py                 # all parts, a few minutes on two cores
    python bench/hardening.py --only kill,bad --kills 100

Everything runs on loopback or in-process over scratch copies of a bundled workspace, bounded in
count and time, and writes bench/RESULTS-hardening.md.  Not in CI (the tests hold each hole closed;
this measures how well, at a scale tests should not run at).

- kill: an import run in a child process is SIGKILLed at a random moment; the workspace must then
  hold exactly the state before or after the import (all-or-nothing) and its rollup must equal a
  full recomputation (no corruption).
- bad: files made from a valid one by one random hostile change (bad cells, broken structure,
  foreign encodings, binary noise); each must be answered by a report or a refusal with a code
  (a clear error), store no value other than the file's valid ones, and a refused import must
  leave the data as it was.
- bombs, fuzz, timing: bench/bombs.py (XLSX decompression bombs: time and peak memory to refusal),
  bench/fuzz.py (schemathesis over the whole API: server errors and undocumented answers) and
  bench/login_timing.py (a wrong password against an unknown user), run and reported here.
- access: each non-administrator tries, over HTTP with a token, to import into and read the
  regions outside its grant; a leak is a write accepted or a row of another region returned.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from luoshi.domain.problems import Refusal  # noqa: E402
from luoshi.workspace import Workspace  # noqa: E402

TODAY = dt.date(2025, 6, 30)
TABLES = ("observations", "obs_current", "rollup_derived", "imports", "audit_log")
OUT = ROOT / "bench" / "RESULTS-hardening.md"


def base_workspace(tmp: Path) -> Path:
    from luoshi.data.bundle import load_bundled

    path = tmp / "base.duckdb"
    ws = Workspace.create(path, today=TODAY)
    load_bundled(ws)
    ws.db.con.execute("CHECKPOINT")
    ws.close()
    return path


def copy(base: Path, tmp: Path, name: str) -> Path:
    p = tmp / f"{name}.duckdb"
    # a killed trial may leave its write-ahead log: replayed onto a fresh copy, it would corrupt it
    Path(str(p) + ".wal").unlink(missing_ok=True)
    shutil.copy(base, p)
    return p


def snapshot(path: Path) -> dict:
    ws = Workspace.open(path, today=TODAY)
    try:
        counts = {t: ws.db.scalar(f"SELECT count(*) FROM {t}") for t in TABLES}
        values = dict(((r[0], r[1], r[2]), r[3]) for r in ws.db.con.execute(
            "SELECT iid, rid, pkey, latest_value FROM obs_current").fetchall())
        return {"counts": counts, "values": values}
    finally:
        ws.close()


# --- kill trials ---------------------------------------------------------------------------------
KILL_CHILD = """
import sys
from datetime import date
from luoshi.workspace import Workspace
ws = Workspace.open(sys.argv[1], today=date(2025, 6, 30))
print("start", flush=True)
ws.reporting.import_file(sys.argv[2], actor=ws.reporting.actor())
ws.close()
print("done", flush=True)
"""
KILL_ROWS = "indicator,region,period,value,comment\n" + "".join(
    f"tech_transform,440103,2024-{m:02d},{5 + m},kill trial\n" for m in range(1, 13))


def rollup_consistent(path: Path) -> bool:
    """The stored rollup equals a full recomputation."""
    ws = Workspace.open(path, today=TODAY)
    try:
        q = "SELECT iid, rid, pkey, round(value, 9) FROM rollup_derived ORDER BY ALL"
        before = ws.db.con.execute(q).fetchall()
        ws.rollup_full()
        return ws.db.con.execute(q).fetchall() == before
    finally:
        ws.close()


def kills(base: Path, tmp: Path, n: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    f = tmp / "kill.csv"
    f.write_text(KILL_ROWS, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    before = snapshot(base)
    # one run to the end: the state after, and how long an import takes (the window to kill in)
    ref = copy(base, tmp, "kill-ref")
    proc = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(ref), str(f)], stdout=subprocess.PIPE, text=True,
                            env=env)
    proc.stdout.readline()  # "start"
    t0 = time.perf_counter()
    proc.stdout.readline()  # "done"
    window = time.perf_counter() - t0
    proc.wait(timeout=60)
    after = snapshot(ref)
    out = {"n": n, "before": 0, "after": 0, "neither": 0, "corrupt": 0, "window_s": round(window, 2)}
    for i in range(n):
        path = copy(base, tmp, "kill")
        proc = subprocess.Popen([sys.executable, "-c", KILL_CHILD, str(path), str(f)], stdout=subprocess.PIPE,
                                text=True, env=env)
        proc.stdout.readline()  # "start": the workspace is open
        time.sleep(rng.uniform(0, window))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        try:
            got = snapshot(path)
            consistent = rollup_consistent(path)
        except Exception as exc:  # a workspace that cannot be opened or read is corrupt
            print(f"kill {i}: {type(exc).__name__}: {exc}", file=sys.stderr)
            out["corrupt"] += 1
            continue
        state = "before" if got == before else "after" if got == after else "neither"
        if state == "neither":
            # the import's own record may be written in the same transaction: compare the data only
            data = lambda s: (s["values"], {t: s["counts"][t] for t in ("observations", "obs_current")})  # noqa: E731
            state = "before" if data(got) == data(before) else "after" if data(got) == data(after) else "neither"
        out[state] += 1
        out["corrupt"] += 0 if consistent else 1
    return out


# --- bad inputs ----------------------------------------------------------------------------------
# the comment explains the jump from the bundled values to the plausibility check, as a reporter would
VALID = [("tech_transform", "440103", f"2024-{m:02d}", str(10 + m), "bench") for m in range(1, 11)]
BAD_CELLS = {
    "value": ["abc", "", "1e999", "NaN", "inf", "-1", "12..3", "1,2,3", "5%%", "=1+1", "\x00", "9" * 400,
              "1.2万亿亿", "--5", "0x1F", "1/2", "５五", "+", "\u202e12", "١٢"],
    "region": ["999999", "", "44010", "广州市x", "=cmd|' /C calc'!A0", "4401030", "'440103", "440103\x00"],
    "period": ["2024-13", "2024W60", "9999", "", "2024Q0", "abc", "2099-01", "2024-00", "1899", "2024-1-1-1"],
    "indicator": ["nope", "", "tech_transform;DROP TABLE observations", "\ufefftech", "x" * 300],
}


def _csv(rows: list[tuple], header=("indicator", "region", "period", "value", "comment")) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def bad_file(rng: random.Random, tmp: Path, i: int) -> tuple[Path, int | None]:
    """A hostile variant of the valid file; returns it and the index of the row changed (or None)."""
    kind = rng.random()
    rows = [list(r) for r in VALID]
    name = tmp / f"bad-{i}.csv"
    if kind < 0.7:
        row, field = rng.randrange(len(rows)), rng.choice(list(BAD_CELLS))
        col = ("indicator", "region", "period", "value").index(field)
        rows[row][col] = rng.choice(BAD_CELLS[field])
        name.write_text(_csv([tuple(r) for r in rows]), encoding="utf-8")
        return name, row
    text = _csv([tuple(r) for r in rows])
    structural = rng.choice(["no-header", "header-only", "noise", "truncated", "utf16", "extra-cell", "missing-cell",
                             "dup-header", "long-line", "xlsx-noise", "nul-bytes", "crlf-mix"])
    if structural == "no-header":
        data = text.split("\n", 1)[1].encode()
    elif structural == "header-only":
        data = text.split("\n", 1)[0].encode()
    elif structural == "noise":
        data = rng.randbytes(rng.randrange(1, 5000))
    elif structural == "truncated":
        data = text.encode()[: rng.randrange(5, len(text))]
    elif structural == "utf16":
        data = text.encode("utf-16")
    elif structural == "extra-cell":
        data = text.replace("\n", ",x\n", 3).encode()
    elif structural == "missing-cell":
        data = text.replace(",bench\n", "\n", 1).encode()
    elif structural == "dup-header":
        data = text.replace("indicator,region,period,value", "indicator,region,region,value").encode()
    elif structural == "long-line":
        data = (text + "tech_transform,440103,2024-11," + "1" * 200_000 + ",bench\n").encode()
    elif structural == "xlsx-noise":
        name = name.with_suffix(".xlsx")
        data = b"PK\x03\x04" + rng.randbytes(2000)
    elif structural == "nul-bytes":
        data = text.replace(",", ",\x00", 2).encode()
    else:
        data = text.replace("\n", "\r\n", 4).replace("\n", "\r", 2).encode()
    name.write_bytes(data)
    return name, None


def bads(base: Path, tmp: Path, n: int, seed: int = 2) -> dict:
    rng = random.Random(seed)
    path = copy(base, tmp, "bad")
    ws = Workspace.open(path, today=TODAY)
    out = {"n": n, "clear": 0, "unclear": 0, "wrong_value": 0, "changed_when_refused": 0, "accepted_changed_cell": []}
    valid = {(r[0], r[1], r[2]): float(r[3]) for r in VALID}
    try:
        for i in range(n):
            f, changed = bad_file(rng, tmp, i)
            before = _values(ws)
            try:
                result = ws.reporting.import_file(f, actor=ws.reporting.actor())
                clear = all(p.get("code") and p.get("message") and p.get("message_zh") for p in result["problems"])
                status = result["status"]
            except Refusal as exc:
                clear, status = bool(exc.code), "refused"
            except Exception as exc:  # anything else is a traceback a user would see
                print(f"bad {i} ({f.name}): {type(exc).__name__}: {exc}", file=sys.stderr)
                clear, status = False, "crashed"
            out["clear" if clear else "unclear"] += 1
            after = _values(ws)
            diff = {k: v for k, v in after.items() if before.get(k) != v}
            if status in ("rejected", "refused", "crashed") and diff:
                out["changed_when_refused"] += 1
            for k, v in diff.items():
                if k in valid and v == valid[k]:
                    continue
                if changed is not None and k == tuple(VALID[changed][:3]):
                    out["accepted_changed_cell"].append(f.read_text("utf-8", "replace").splitlines()[changed + 1][:80])
                    continue
                out["wrong_value"] += 1
    finally:
        ws.close()
    return out


def _values(ws) -> dict:
    return {(r[0], r[1], r[2]): r[3] for r in ws.db.con.execute("""
        SELECT i.code, g.code, p.code, o.latest_value FROM obs_current o JOIN indicators i USING (iid)
        JOIN regions g USING (rid) JOIN periods p ON p.key = o.pkey""").fetchall()}


# --- access attempts -----------------------------------------------------------------------------
def access(base: Path, tmp: Path) -> dict:
    from fastapi.testclient import TestClient

    from luoshi.web import create_app

    path = copy(base, tmp, "access")
    ws = Workspace.open(path, today=TODAY)
    out = {"n": 0, "leaks": 0, "detail": []}
    try:
        r = ws.reporting
        local = r.actor()
        grants = {"rui": ("reviewer", "440100"), "rita": ("reporter", "440103"), "vic": ("viewer", "440100"),
                  "sam": ("reporter", "440300")}
        r.add_user("ada", "correct horse battery", actor=local, admin=True)
        admin = r.actor("ada")
        tokens = {}
        for name, (role, region) in grants.items():
            r.add_user(name, "correct horse battery", actor=local)
            r.grant(name, role, region, actor=local)
            tokens[name] = r.token(name, actor=admin)["token"]
        regions = [g["code"] for g in ws.regions() if g["code"] != "440000"]
        client = TestClient(create_app(ws))
        for name, (role, scope) in grants.items():
            head = {"Authorization": f"Bearer {tokens[name]}"}
            outside = [g for g in regions if scope not in {p["code"] for p in ws.region_path(g)}]
            for region in outside:
                body = _csv([("tech_transform", region, "2024-03", "7", "bench")]).encode()
                resp = client.post("/api/imports", files={"file": ("x.csv", body)}, headers=head)
                out["n"] += 1
                if resp.status_code == 200 and resp.json().get("status") == "committed":
                    out["leaks"] += 1
                    out["detail"].append(f"{name} imported into {region}")
            for route in ("/api/history", "/api/completeness?period=2024Q1", "/api/imports"):
                resp = client.get(route, headers=head)
                out["n"] += 1
                text = resp.text
                leaked = [g for g in outside if f'"{g}"' in text]
                if resp.status_code == 200 and leaked:
                    out["leaks"] += 1
                    out["detail"].append(f"{name} read {leaked[:3]} from {route}")
    finally:
        ws.close()
    return out


# --- the parts measured by their own scripts -------------------------------------------------------
def script(name: str, *args: str) -> dict:
    """Run bench/<name> (bounded by its own options) and keep what it printed, and its figures if it
    writes them as JSON (``--json FILE``)."""
    with tempfile.TemporaryDirectory() as d:
        figures = Path(d) / "figures.json"
        run = subprocess.run([sys.executable, str(ROOT / "bench" / name), *args, "--json", str(figures)],
                             capture_output=True, text=True, timeout=1800,
                             env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        out = {"printed": (run.stdout or run.stderr).strip(), "exit": run.returncode}
        if figures.exists():
            out |= json.loads(figures.read_text("utf-8"))
        return out


# --- the report ----------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="kill,bad,access,bombs,fuzz,timing", help="comma-separated parts")
    ap.add_argument("--fuzz-examples", type=int, default=50, help="generated cases per API operation")
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--bad", type=int, default=500)
    args = ap.parse_args()
    parts = set(args.only.split(","))
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="luoshi-hardening-") as d:
        tmp = Path(d)
        base = base_workspace(tmp)
        if "kill" in parts:
            results["kill"] = kills(base, tmp, args.kills)
        if "bad" in parts:
            results["bad"] = bads(base, tmp, args.bad)
        if "access" in parts:
            results["access"] = access(base, tmp)
    if "bombs" in parts:
        results["bombs"] = script("bombs.py")
    if "fuzz" in parts:
        results["fuzz"] = script("fuzz.py", "--examples", str(args.fuzz_examples))
    if "timing" in parts:
        results["timing"] = script("login_timing.py", "-n", "60")
    print(json.dumps(results, indent=1, ensure_ascii=False))
    write(results)
    return 0


def write(results: dict) -> None:
    lines = ["# Hardening battery", "", "Generated by `python bench/hardening.py`; do not edit by hand.", "",
             f"- date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; loopback and in-process only", "",
             "| part | figures | goal |", "|---|---|---|"]
    if k := results.get("kill"):
        lines.append(f"| kill trials | {k['n']} SIGKILLed imports (at random within {k['window_s']} s): "
                     f"{k['before']} as before, {k['after']} as after, {k['neither']} neither; "
                     f"{k['corrupt']} corrupt or with a rollup unlike a full recomputation | all-or-nothing, 0 corrupt |")
    if b := results.get("bad"):
        lines.append(f"| bad inputs | {b['n']} hostile files: {b['clear']} clear errors, {b['unclear']} unclear; "
                     f"{b['wrong_value']} wrong values stored; {b['changed_when_refused']} refused yet changed "
                     f"| all clear, 0 wrong, 0 changed |")
    if a := results.get("access"):
        lines.append(f"| access attempts | {a['n']} attempts outside a grant over HTTP: {a['leaks']} leaks | 0 leaks |")
    if t := results.get("timing"):
        lines.append(f"| login timing | median of {t.get('n')} each: wrong password {t.get('median_wrong_password_s')} s, "
                     f"unknown user {t.get('median_unknown_user_s')} s: {t.get('difference_pct')} % apart | within 10 % |")
    if (bombs := results.get("bombs")) and "cases" in bombs:
        big = bombs["cases"].get("bomb-2GiB", {})
        lines.append(f"| bombs | the 2 GiB XLSX bomb refused in {big.get('seconds', float('nan')):.2f} s at "
                     f"{big.get('peak_mb', float('nan')):.0f} MB peak ({', '.join(big.get('codes', []))}); "
                     f"{len(bombs['cases'])} cases below | ≤ 2 s, ≤ 300 MB |")
    if f := results.get("fuzz"):
        lines.append(f"| API fuzz | {f.get('responses')} responses to {f.get('examples')} generated cases per operation: "
                     f"{f.get('server_errors')} server errors, {len(f.get('failing_operations', []))} operations "
                     f"answering outside their documentation | 0 server errors |")
    for part in ("bombs", "fuzz"):
        if r := results.get(part):
            lines += ["", f"{part} (`bench/{part}.py`, exit {r['exit']}):", "", "```", r["printed"], "```"]
    if b and b["accepted_changed_cell"]:
        lines += ["", "Changed cells accepted (each read as a valid value; check by eye):", ""]
        lines += sorted({f"- `{c}`" for c in b["accepted_changed_cell"]})
    OUT.write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    sys.exit(main())
