"""Does the login's time tell which user names exist?  Median time of POST /login for a wrong password
of an existing user against that of an unknown user name (issue 17: 0.4 s against 0.03 s before
unknown names were checked against a dummy hash).  Goal: medians within 10 % of each other.

In process (the app over a fresh workspace with one user), the two kinds interleaved so that drift
of the machine touches both alike; every attempt comes from its own client address, so the login
limits never answer instead of the password check.

    python bench/login_timing.py [-n 40] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from luoshi.web import create_app
from luoshi.web.auth import LOGIN_CSRF_COOKIE
from luoshi.workspace import Workspace

WARMUP = 2


def attempt(app, address: str, user: str, password: str) -> tuple[float, int]:
    c = TestClient(app, base_url="http://127.0.0.1", client=(address, 50000))
    c.cookies.set(LOGIN_CSRF_COOKIE, "bench-token")
    t0 = time.perf_counter()
    r = c.post("/login", data={"username": user, "password": password, "csrf_token": "bench-token"},
               follow_redirects=False)
    return time.perf_counter() - t0, r.status_code


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=40, help="logins of each kind")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.create(Path(tmp) / "login.duckdb")
        try:
            ws.reporting.add_user("owner", "correct horse battery", actor=ws.reporting.actor(), admin=True)
            app = create_app(ws)
            times: dict[str, list[float]] = {"wrong password": [], "unknown user": []}
            for i in range(WARMUP + args.n):
                address = f"10.{i // 250}.{i % 250}.1"
                for kind, user in (("wrong password", "owner"), ("unknown user", f"ghost{i}")):
                    secs, status = attempt(app, address if kind == "wrong password" else address[:-1] + "2",
                                           user, "not the password")
                    assert status == 401, (kind, status)
                    if i >= WARMUP:
                        times[kind].append(secs)
        finally:
            ws.close()
    wrong, unknown = (statistics.median(times[k]) for k in ("wrong password", "unknown user"))
    result = {"n": args.n, "median_wrong_password_s": round(wrong, 4), "median_unknown_user_s": round(unknown, 4),
              "difference_s": round(wrong - unknown, 4),
              "difference_pct": round(100 * abs(wrong - unknown) / max(wrong, unknown), 1),
              "goal_pct": 10}
    print(f"login timing, median of {args.n} each:")
    print(f"  wrong password  {wrong * 1000:8.1f} ms")
    print(f"  unknown user    {unknown * 1000:8.1f} ms")
    print(f"  difference      {(wrong - unknown) * 1000:+8.1f} ms ({result['difference_pct']} % of the slower;"
          f" goal within 10 %)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
