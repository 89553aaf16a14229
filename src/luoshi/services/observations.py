"""Recording observations and targets.  A new value never overwrites an old one: every revision is
kept in ``observations``; ``obs_current`` points at the latest and the latest approved; the rollup
is updated incrementally in the same transaction, so a value is visible as soon as it is stored."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from luoshi.analytics import rollup
from luoshi.domain.problems import InputError, Report
from luoshi.ingest.catalog import Catalog
from luoshi.ingest.observations import read_observations, read_targets
from luoshi.services.targets import store_targets
from luoshi.store.db import Database

SYNTHETIC_SOURCE = "synthetic-demo"
# apply_staged recomputes the whole rollup instead of the affected part when a batch changes at
# least this many values and this share of all stored values
FULL_ROLLUP_MIN = 50_000
FULL_ROLLUP_SHARE = 0.25


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def record(db: Database, rows: list[dict], *, state: str = "approved", by: str | None = None,
           source: str | None = None, import_id: str | None = None, basis: str = "approved",
           refresh: bool = True) -> dict:
    """Store rows (iid, rid, pkey, value, optional state/comment/source) as new revisions.

    Rows whose value and state equal the current revision are left alone ("unchanged").
    Returns counts of added, revised and unchanged values.
    """
    if not rows:
        return {"added": 0, "revised": 0, "unchanged": 0}
    now = _now()
    incoming = pa.table({  # noqa: F841 - scanned by name
        "iid": pa.array([r["iid"] for r in rows], pa.int32()),
        "rid": pa.array([r["rid"] for r in rows], pa.int32()),
        "pkey": pa.array([r["pkey"] for r in rows], pa.int32()),
        "value": pa.array([r["value"] for r in rows], pa.float64()),
        "state": pa.array([r.get("state") or state for r in rows], pa.string()),
        "source": pa.array([r.get("source") or source for r in rows], pa.string()),
        "comment": pa.array([r.get("comment") for r in rows], pa.string()),
    })
    with db.write() as con:
        con.execute("CREATE OR REPLACE TEMP TABLE _in AS SELECT * FROM incoming")
        return apply_staged(con, by=by, now=now, import_id=import_id, basis=basis, refresh=refresh, kept=db.kept)


def apply_staged(con, *, by, now, import_id, basis, refresh, kept: dict | None = None) -> dict:
    """Store the rows staged in temp table _in (iid, rid, pkey, value, state, source, comment) as new
    revisions, inside the caller's write transaction (``kept``: the database's Database.kept)."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _new AS
        SELECT i.*, c.revisions, c.latest_value, c.latest_state, c.approved_value, c.approved_oid,
               nextval('observation_ids') AS oid
        FROM _in i LEFT JOIN obs_current c ON c.iid = i.iid AND c.rid = i.rid AND c.pkey = i.pkey
        WHERE c.revisions IS NULL OR c.latest_value IS DISTINCT FROM i.value OR c.latest_state <> i.state
    """)
    total = con.execute("SELECT count(*) FROM _in").fetchone()[0]
    added, revised = con.execute(
        "SELECT count(*) FILTER (WHERE revisions IS NULL), count(*) FILTER (WHERE revisions IS NOT NULL) FROM _new"
    ).fetchone()
    con.execute("""
        INSERT INTO observations
        SELECT oid, iid, rid, pkey, value, state, coalesce(revisions, 0) + 1, ?, ?, source, comment, ?
        FROM _new
    """, [by, now, import_id])
    con.execute("""
        DELETE FROM obs_current c
        WHERE EXISTS (SELECT 1 FROM _new n WHERE n.iid = c.iid AND n.rid = c.rid AND n.pkey = c.pkey)
    """)
    con.execute(f"""
        INSERT INTO obs_current
        SELECT iid, rid, pkey, oid, value, state, coalesce(revisions, 0) + 1,
               CASE WHEN state = 'approved' THEN oid ELSE approved_oid END,
               CASE WHEN state = 'approved' THEN value ELSE approved_value END,
               source, CAST((pkey // 1000) % 10 AS TINYINT), coalesce(source = '{SYNTHETIC_SOURCE}', false)
        FROM _new
    """)
    stats = None
    if refresh and (added or revised):
        stored = con.execute("SELECT count(*) FROM obs_current").fetchone()[0]
        if added + revised >= max(FULL_ROLLUP_MIN, stored * FULL_ROLLUP_SHARE):
            # a big batch touches most of the rollup: recomputing it all is faster than finding
            # the affected keys and their context, and gives the same rows (tests/test_incremental.py)
            stats = rollup.full(con, basis)
        else:
            stats = rollup.incremental(con, "_new", basis, kept)
    return {"added": added, "revised": revised, "unchanged": total - added - revised,
            "rollup_seconds": stats.seconds if stats else 0.0}


def bulk_load(db: Database, rows: "str | pa.Table", *, state: str = "approved", source: str | None = None,
              by: str | None = None) -> int:
    """Load many first revisions at once (demo, benchmarks) from an Arrow table or a SQL query with
    columns iid, rid, pkey, value; the caller runs a full rollup afterwards."""
    now = _now()
    with db.write() as con:
        if isinstance(rows, str):
            relation = f"({rows})"
        else:
            con.register("_bulk_src", rows)
            relation = "_bulk_src"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _bulk AS SELECT iid, rid, pkey, value, "
                    f"nextval('observation_ids') AS oid FROM {relation}")
        con.execute("INSERT INTO observations SELECT oid, iid, rid, pkey, value, ?, 1, ?, ?, ?, NULL, NULL FROM _bulk",
                    [state, by, now, source])
        approved = state == "approved"
        con.execute(f"""
            INSERT INTO obs_current SELECT iid, rid, pkey, oid, value, ?, 1,
                CASE WHEN ? THEN oid END, CASE WHEN ? THEN value END, ?,
                CAST((pkey // 1000) % 10 AS TINYINT), ?
            FROM _bulk ORDER BY {rollup.CLUSTER}
        """, [state, approved, approved, source, source == SYNTHETIC_SOURCE])
        n = con.execute("SELECT count(*) FROM _bulk").fetchone()[0]
        con.execute("DROP TABLE _bulk")
        if not isinstance(rows, str):
            con.unregister("_bulk_src")
    return n


def import_observations(db: Database, catalog: Catalog, path: str | Path, *, state: str = "approved",
                        by: str | None = None, basis: str = "approved", dry_run: bool = False) -> dict:
    """Read, validate and store a plain observations CSV, all or nothing."""
    report = Report(file=str(path))
    rows = read_observations(path, catalog, report)
    if not report.ok:
        raise InputError(report)
    result = {"file": str(path), "rows": len(rows), "dry_run": dry_run}
    if not dry_run:
        result |= record(db, rows, state=state, by=by, source=f"import:{Path(path).name}", basis=basis)
    return result


def load_targets(db: Database, catalog: Catalog, path: str | Path, *, by: str = "local") -> dict:
    """Read, validate and store a targets CSV, all or nothing; a target replaces the previous one
    for its key (the audit log keeps the old value)."""
    report = Report(file=str(path))
    rows = read_targets(path, catalog, report)
    plans = {r["id"] for r in db.all("SELECT id FROM plans")}
    for r in rows:
        if r["plan_id"] and r["plan_id"] not in plans:
            report.add("unknown-plan", row=r["row"], field="plan", value=r["plan_id"])
    if not report.ok:
        raise InputError(report)
    with db.write() as con:
        store_targets(con, rows, by=by, import_id=None)
    return {"file": str(path), "targets": len(rows)}
