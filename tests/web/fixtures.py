"""The web tests' workspace: the bundled real data plus a few hand-made values whose judgements
are easy to work out by hand (as of 2025-06-15: monthly data through May, 151/365 of the year).

tech_transform (monthly, summed), 2025 targets and values Jan-May:
  Guangzhou 440100: target 1000; Liwan 440103 40/month (200, target 500: 40 %, on pace),
                    Yuexiu 440104 60/month (300, target 500: 60 %, ahead)  -> 500 = 50 %, on pace
  Shenzhen 440300:  target 800;  Futian 440304 and Nanshan 440305 20/month -> 200 = 25 %, behind
2024-12 values make Shenzhen first in 2024 and Guangzhou first in 2025 (rank change +1 / -1).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from luoshi.data.bundle import load_bundled
from luoshi.workspace import Workspace

TODAY = date(2025, 6, 15)
MONTHLY = {"440103": 40.0, "440104": 60.0, "440304": 20.0, "440305": 20.0}
DEC_2024 = {"440103": 10.0, "440304": 100.0}
TARGETS = {"440100": 1000, "440300": 800, "440103": 500, "440104": 500, "440304": 400, "440305": 400}


def build(path: Path) -> Path:
    ws = Workspace(path, today=TODAY)
    try:
        load_bundled(ws)
        targets = path.parent / "targets.csv"
        with open(targets, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["indicator", "region", "period", "comparator", "value", "source", "status"])
            for region, value in TARGETS.items():
                w.writerow(["tech_transform", region, "2025", "at_least", value, "synthetic-demo", "synthetic"])
        ws.load_targets(targets)
        rows = [{"indicator": "tech_transform", "region": r, "period": f"2025-{m:02d}", "value": v}
                for r, v in MONTHLY.items() for m in range(1, 6)]
        rows += [{"indicator": "tech_transform", "region": r, "period": "2024-12", "value": v}
                 for r, v in DEC_2024.items()]
        rows += [{"indicator": "gdp_growth", "region": r, "period": "2025Q1", "value": 4.0 + i}
                 for i, r in enumerate(MONTHLY)]
        ws.record([r | {"comment": "hand-made test values"} for r in rows], source="synthetic-demo", by="tests")
    finally:
        ws.close()
    return path
