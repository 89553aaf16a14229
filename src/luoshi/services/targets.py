"""Storing imported targets: a target replaces the previous one for its key, and both the old and
the new value go to the audit log (targets have no revisions table; the log is their history)."""

from __future__ import annotations

from datetime import datetime, timezone

from luoshi.services.audit import log


def store_targets(con, rows: list[dict], by: str, import_id: str | None) -> int:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for r in rows:
        old = con.execute("SELECT tid, value FROM targets WHERE iid = ? AND rid = ? AND pkey = ?",
                          [r["iid"], r["rid"], r["pkey"]]).fetchone()
        if old:
            con.execute("DELETE FROM target_trajectory WHERE tid = ?", [old[0]])
            con.execute("DELETE FROM targets WHERE tid = ?", [old[0]])
        tid = con.execute(
            "INSERT INTO targets (iid, rid, pkey, comparator, value, value_high, tolerance, step_indicator, "
            "baseline_value, baseline_period, plan_id, strength, document, quote, source, status, synthetic, "
            "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING tid",
            [r["iid"], r["rid"], r["pkey"], r["comparator"], r["value"], r["value_high"], r["tolerance"],
             r["step_indicator"], r["baseline_value"], r["baseline_period"], r["plan_id"], r["strength"],
             r["document"], r["quote"], r["source"] or (f"import:{import_id}" if import_id else None), r["status"],
             r["synthetic"], now]).fetchone()[0]
        for pkey, value in r["trajectory"]:
            con.execute("INSERT INTO target_trajectory VALUES (?,?,?)", [tid, pkey, value])
        log(con, by, "target", iid=r["iid"], rid=r["rid"], pkey=r["pkey"], old_value=old[1] if old else None,
            new_value=r["value"], import_id=import_id, detail={"comparator": r["comparator"]})
    return len(rows)
