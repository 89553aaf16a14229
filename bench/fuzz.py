"""API fuzz figures: the schemathesis run of tests/web/test_fuzz.py (the whole OpenAPI document, as an
administrator, in-process: no network) with more cases per operation than the suite's 25.

    .venv/bin/python bench/fuzz.py --examples 150

Prints the operations fuzzed, the responses by status class, the operations that failed (a server
error, or an answer the document does not describe) and the wall time."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=150, help="generated cases per operation")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "statuses.json"
        env = os.environ | {"LUOSHI_FUZZ_EXAMPLES": str(args.examples), "LUOSHI_FUZZ_REPORT": str(report)}
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/web/test_fuzz.py"],
                             cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        rows = json.loads(report.read_text()) if report.exists() else []
    by_class = Counter()
    for _, status, n in rows:
        by_class[f"{status // 100}xx"] += n
    failed = sorted(set(re.findall(r"test_no_server_error_and_every_answer_documented\[([^\]]+)\]", run.stdout)))
    print(f"examples per operation: {args.examples}")
    print(f"operations fuzzed: {len({op for op, _, _ in rows} | set(failed))}")
    print(f"responses checked: {sum(by_class.values())} ({', '.join(f'{k} {v}' for k, v in sorted(by_class.items()))})")
    print(f"operations failing (server error or undocumented answer): {len(failed)}")
    for op in failed:
        print(f"  {op}")
    print(f"wall time: {seconds:.1f} s")
    print(run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-500:])
    server_errors = by_class.get("5xx", 0)
    if args.json:
        args.json.write_text(json.dumps({"examples": args.examples, "responses": sum(by_class.values()),
                                         "server_errors": server_errors, "failing_operations": failed,
                                         "seconds": round(seconds, 1)}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
