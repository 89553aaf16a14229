"""Storing targets: a target replaces the previous one for its key, and both the old and the new
value go to the audit log (targets have no revisions table; the log is their history).  Every
target that enters comes through here: a targets file, the bundled loader, the demo and a policy
document's accepted commitment."""

from __future__ import annotations

from datetime import datetime, timezone

import pyarrow as pa

COLUMNS = ("iid", "rid", "pkey", "comparator", "value", "value_high", "tolerance", "step_indicator",
           "baseline_value", "baseline_period", "plan_id", "strength", "document", "quote", "source", "status",
           "synthetic", "document_zh")
TYPES = {"iid": pa.int32(), "rid": pa.int32(), "pkey": pa.int32(), "value": pa.float64(),
         "value_high": pa.float64(), "tolerance": pa.float64(), "baseline_value": pa.float64(),
         "synthetic": pa.bool_()}


def store_targets(con, rows: list[dict], by: str, import_id: str | None) -> int:
    """Store checked target rows (ingest/targets.py ``check_targets``) inside the caller's write
    transaction, set-based; returns how many."""
    if not rows:
        return 0
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    default_source = f"import:{import_id}" if import_id else None
    cols = {c: pa.array([r.get(c) if c != "source" else (r.get(c) or default_source) for r in rows],
                        TYPES.get(c, pa.string())) for c in COLUMNS}
    cols["n"] = pa.array(range(len(rows)), pa.int32())
    con.register("_targets_in", pa.table(cols))
    traj = [(n, pkey, value) for n, r in enumerate(rows) for pkey, value in r.get("trajectory") or ()]
    con.register("_trajectory_in", pa.table({"n": pa.array([t[0] for t in traj], pa.int32()),
                                             "pkey": pa.array([t[1] for t in traj], pa.int32()),
                                             "value": pa.array([t[2] for t in traj], pa.float64())}))
    try:
        con.execute("""CREATE OR REPLACE TEMP TABLE _targets_old AS
                       SELECT i.n, t.tid, t.value FROM _targets_in i
                       JOIN targets t ON t.iid = i.iid AND t.rid = i.rid AND t.pkey = i.pkey""")
        con.execute("DELETE FROM target_trajectory WHERE tid IN (SELECT tid FROM _targets_old)")
        con.execute("DELETE FROM targets WHERE tid IN (SELECT tid FROM _targets_old)")
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _targets_new AS
                        SELECT nextval('target_ids') AS tid, * FROM _targets_in ORDER BY n""")
        con.execute(f"""INSERT INTO targets (tid, {', '.join(COLUMNS)}, created_at)
                        SELECT tid, {', '.join(COLUMNS)}, ? FROM _targets_new""", [now])
        con.execute("""INSERT INTO target_trajectory SELECT n.tid, j.pkey, j.value
                       FROM _trajectory_in j JOIN _targets_new n ON n.n = j.n""")
        con.execute("""INSERT INTO audit_log (logged_at, actor, action, iid, rid, pkey, old_value, new_value,
                                              import_id, detail)
                       SELECT ?, ?, 'target', n.iid, n.rid, n.pkey, o.value, n.value, ?,
                              CAST(json_object('comparator', n.comparator) AS TEXT)
                       FROM _targets_new n LEFT JOIN _targets_old o ON o.n = n.n ORDER BY n.n""",
                    [now, by, import_id])
    finally:
        con.unregister("_targets_in")
        con.unregister("_trajectory_in")
    return len(rows)
