"""Loading the list of responsible units (departments and regional governments)."""

from __future__ import annotations

import csv
from pathlib import Path

from luoshi.domain.problems import InputError, Report
from luoshi.store.db import Database

COLUMNS = ("code", "name_zh", "name_en", "kind", "region_code")


def load_units(db: Database, path: str | Path) -> dict:
    """Units CSV (code, name_zh, name_en, kind, region_code[, aliases, synthetic, source, status]); replaces by code."""
    report = Report(file=str(path))
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    regions = {r["code"] for r in db.all("SELECT code FROM regions")}
    seen: dict[str, int] = {}
    for n, r in enumerate(rows, start=2):
        for col in COLUMNS:
            if not (r.get(col) or "").strip():
                report.add("missing-value", row=n, field=col, column=col)
        if r.get("code") in seen:
            report.add("duplicate-code", row=n, field="code", value=r["code"])
        seen[r.get("code")] = n
        if r.get("region_code") and regions and r["region_code"] not in regions:
            report.add("unknown-region", row=n, field="region_code", value=r["region_code"])
    if not report.ok:
        raise InputError(report)
    with db.write() as con:
        for r in rows:
            con.execute("INSERT OR REPLACE INTO units (code, name_zh, name_en, kind, region_code, synthetic, source, "
                        "status, aliases) VALUES (?,?,?,?,?,?,?,?,?)",
                        [r["code"], r["name_zh"], r["name_en"], r["kind"], r["region_code"],
                         (r.get("synthetic") or "").lower() == "true", r.get("source"), r.get("status"),
                         r.get("aliases") or None])
    return {"file": str(path), "units": len(rows)}
