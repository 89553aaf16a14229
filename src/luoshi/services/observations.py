"""The one write pipeline for observations: stage, validate, apply, roll up, audit.

Every value that enters luoshi comes through ``submit``: a file imported by the CLI or uploaded in
the browser (services/imports.py reads it), ``Workspace.record`` (rows given in Python, the entry
form), the bundled loader and the demo, DHIS2 interchange and a policy document's accepted
commitment.  So every door answers the same input with the same report and stores the same values.

- stage: the input as one table of text cells (ingest/readers.py for files, ``rows_table`` here);
- validate: set-based checks (ingest/validate.py) into a ``Validation``: problems and candidates;
- apply: the candidates as new revisions (``apply``): a value is never overwritten, every
  revision is kept in ``observations``; ``obs_current`` points at the latest and the latest
  approved; a value equal to the current one is "unchanged";
- roll up: incrementally (or in full for a big batch), in the same transaction;
- audit: each change, and the import record with its problems and rejected rows.

One write transaction holds all of it: a value is visible once it is committed, and a failure
leaves the workspace as it was.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from datetime import datetime, timezone

import pyarrow as pa

from luoshi.analytics import rollup
from luoshi.domain.periods import ptype_sql
from luoshi.domain.problems import CATALOGUE, ERROR, Refusal, Report, one_of
from luoshi.domain.roles import STATE_ACTION, Actor
from luoshi.ingest.catalog import Catalog
from luoshi.ingest.columns import fields_for
from luoshi.ingest.validate import STATES, Checks, Validation, collect, run_checks
from luoshi.services.audit import log, log_changes
from luoshi.store.db import Database

SYNTHETIC_SOURCE = "synthetic-demo"
MODES = ("all-or-nothing", "accept-valid")
# apply recomputes the whole rollup instead of the affected part when a batch changes at least
# this many values and this share of all stored values
FULL_ROLLUP_MIN = 50_000
FULL_ROLLUP_SHARE = 0.25
ERROR_CODES = [c for c, et in CATALOGUE.items() if et.severity == ERROR]
BATCH_KEYS = "_batch_keys"  # the keys a batch of submissions stored, rolled up once at its end


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_import_id() -> str:
    return f"imp-{_now():%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def _text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        return repr(v)
    return str(v)


def rows_table(rows: list[dict], kind: str = "observations") -> pa.Table:
    """Stage rows given in Python ({indicator, region, period, value[, unit, comment, source, state]},
    by code or name; the columns of a targets file for targets) as the text table a file is read
    into, numbered from 1."""
    cols = {"row_no": pa.array(range(1, len(rows) + 1), pa.int32()), "sheet": pa.nulls(len(rows), pa.string())}
    for name in fields_for(kind):
        cols[name] = pa.array([_text(r.get(name)) for r in rows], pa.string())
    return pa.table(cols)


def submit(db: Database, catalog: Catalog, table: pa.Table | None, report: Report, *, actor: Actor,
           mode: str = "all-or-nothing", dry_run: bool = False, state: str = "approved", fmt: str = "rows",
           checks: Checks | None = None, basis: str = "approved", locked_sql: str | None = None,
           source: str | None = None, skip: set[int] | None = None, detail: bool = False, on_stored=None) -> dict:
    """Validate a staged table and (unless ``dry_run``) store it: the one write path.

    ``report`` holds what reading found (its file name names the input); ``mode`` is
    ``all-or-nothing`` (any error stores nothing but the import record) or ``accept-valid`` (valid
    rows are stored; rejected rows are kept with their cells and problems for correction).
    ``source`` is the values' source where a row names none (default ``import:<file>``).
    Returns a summary with the problems (``status``: valid/invalid for a dry run, else
    committed/partial/rejected; an input whose every row is refused stores nothing, whatever the
    mode).  ``on_stored(con, stored)``, when given, runs inside the write transaction after the new
    revisions are stored, with ``stored`` the (row_no, oid) pairs of the input rows that became a
    revision: a reader keeps what it read beside them (the DHIS2 import keeps combos and storedBy)."""
    for column, value, allowed in (("mode", mode, MODES), ("state", state, STATES)):
        if value not in allowed:
            raise Refusal("bad-value", column=column, value=value, **one_of(allowed))
    result = {"import_id": None if dry_run else new_import_id(), "kind": "observations", "file": report.file,
              "format": fmt, "mode": mode, "dry_run": dry_run, "state": state,
              "rows": report.rows_read, "accepted": 0, "rejected": 0, "added": 0, "revised": 0, "unchanged": 0}
    skip = set(skip or ()) | {p.row for p in report.errors if p.row is not None}
    # the reader's problems (a ragged row, an unmapped DHIS2 identifier): the checks skip their rows,
    # so they are counted and listed by row here, beside the problems the checks find
    early = list(report.problems)
    file_level = any(p.row is None or p.code in ("missing-column", "empty-file") for p in report.errors)
    checks = checks or Checks(today=catalog.today)
    checks.scope_rids = None if actor.superuser else sorted(actor.rids("report"))
    checks.scope_iids = None if actor.superuser or actor.iids("report") is None else sorted(actor.iids("report"))
    checks.may_revise_approved = actor.superuser or state == "approved"
    checks.locked_sql = locked_sql
    read = list(report.problems)

    def step(con) -> dict:
        # a step may run twice (its batch failed and each step runs again alone): start from what
        # reading found each time
        report.problems[:] = read
        out = dict(result)
        v = None
        counts = {}
        if table is not None:
            v = run_checks(con, table, checks, catalog, user=actor.name, skip_rows=skip)
            _check_state(con, v, actor, state)
            counts = collect(con, v, report)
        counts = dict(sorted((Counter(counts) + Counter(p.code for p in early)).items()))
        errors = len(report.errors)
        bad_rows = (con.execute(f"""SELECT count(DISTINCT row_no) FROM {v.problems} WHERE code IN
                                    (SELECT unnest(?::TEXT[]))""", [ERROR_CODES]).fetchone()[0]
                    if v else 0) + len(skip)
        accepted = con.execute(f"SELECT count(*) FROM {v.candidates}").fetchone()[0] if v else 0
        out |= {"rows": report.rows_read, "accepted": accepted, "rejected": bad_rows, "problem_counts": counts}
        failed = file_level or (errors and (mode == "all-or-nothing" or not accepted)) or v is None
        out["status"] = ("invalid" if failed else "valid") if dry_run else (
            "rejected" if failed else ("partial" if errors else "committed"))
        if failed:
            out["accepted"] = 0
        if detail and v:
            out["values"] = _outcomes(con, v, failed, early)
        if not dry_run:
            if not failed and accepted:
                out |= _store(con, v, actor, state, out["import_id"], basis,
                              source or f"import:{report.file or fmt}")
                if on_stored is not None:
                    on_stored(con, con.execute(f"SELECT c.row_no, n.oid FROM {v.candidates} c JOIN _new n "
                                               "USING (iid, rid, pkey) ORDER BY c.row_no").fetchall())
            if errors and mode == "accept-valid" and not file_level and v:
                _keep_rejected(con, v, out["import_id"])
            record_import(con, out, actor, report)
        return out

    if dry_run:
        with db.write() as con:
            result = step(con)
    else:
        # submissions sent at once are validated and stored in one transaction, rolled up once
        # (Database.grouped); this caller is answered once that transaction committed
        result, stats = db.grouped(step, (("rollup", basis), lambda con: roll_up_batch(con, basis, db.kept)))
        if result.get("added") or result.get("revised"):
            result["rollup_seconds"] = stats.seconds if stats else 0.0
    result["problems"] = [p.to_dict() for p in report.problems]
    result["ok"] = report.ok
    return result


def _outcomes(con, v: Validation, failed: bool, early) -> list[dict]:
    """Every input row with what happens to it: imported, updated, unchanged or rejected, and the
    codes of its problems (the reader's ``early`` ones and the checks')."""
    rows = con.execute(f"""
        SELECT r.row_no, r.indicator, r.region, r.period, r.value,
               CASE WHEN c.row_no IS NULL OR {str(failed).lower()} THEN 'rejected'
                    WHEN o.iid IS NULL THEN 'imported'
                    WHEN o.latest_value = c.value THEN 'unchanged' ELSE 'updated' END AS outcome,
               (SELECT list(DISTINCT p.code) FROM {v.problems} p WHERE p.row_no = r.row_no) AS codes
        FROM {v.raw} r LEFT JOIN {v.candidates} c ON c.row_no = r.row_no
        LEFT JOIN obs_current o ON o.iid = c.iid AND o.rid = c.rid AND o.pkey = c.pkey
        ORDER BY r.row_no""").fetchall()
    keys = ("row", "indicator", "region", "period", "value", "outcome", "codes")
    out = [dict(zip(keys, r)) for r in rows]
    for r in out:
        r["codes"] = sorted(set(r["codes"] or ()) | {p.code for p in early if p.row == r["row"]})
    return out


def _check_state(con, v: Validation, actor: Actor, state: str) -> None:
    """Rows whose state (the file's column, else the import's) the caller may not set there."""
    if actor.superuser:
        return
    # one statement for every state (each is one more query to plan, and a one-row file is all planning)
    allowed = [(st, rid) for st, action in STATE_ACTION.items() for rid in sorted(actor.rids(action))]
    con.execute(f"""INSERT INTO {v.problems}
                    WITH ok AS (SELECT unnest(?::TEXT[]) AS state, unnest(?::INTEGER[]) AS rid),
                         c AS (SELECT row_no, sheet, rid, region, coalesce(state, ?) AS st FROM {v.candidates})
                    SELECT row_no, sheet, 'state', 'not-permitted',
                           CAST(json_object('user', ?, 'action', 'set state ' || st, 'action_zh', '将状态设为 ' || st,
                                            'value', region) AS TEXT), 105
                    FROM c WHERE st IN (SELECT unnest(?::TEXT[]))
                      AND NOT EXISTS (SELECT 1 FROM ok WHERE ok.state = c.st AND ok.rid = c.rid)""",
                [[a for a, _ in allowed], [r for _, r in allowed], state, actor.name, list(STATE_ACTION)])
    con.execute(f"DELETE FROM {v.candidates} WHERE row_no IN "
                f"(SELECT row_no FROM {v.problems} WHERE code = 'not-permitted')")


def _store(con, v: Validation, actor: Actor, state: str, import_id: str, basis: str, source: str) -> dict:
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _in AS
                    SELECT iid, rid, pkey, value, coalesce(state, ?) AS state,
                           coalesce(source, ?) AS source, comment FROM {v.candidates}""", [state, source])
    # a value equal to the approved one is unchanged, not a new lower-state revision
    same = con.execute("""SELECT count(*) FROM _in i JOIN obs_current o USING (iid, rid, pkey)
                          WHERE o.latest_state IN ('approved', 'locked') AND o.latest_value = i.value""").fetchone()[0]
    con.execute("""DELETE FROM _in i USING obs_current o
                   WHERE o.iid = i.iid AND o.rid = i.rid AND o.pkey = i.pkey
                     AND o.latest_state IN ('approved', 'locked') AND o.latest_value = i.value""")
    out = apply(con, "_in", by=actor.name, import_id=import_id, basis=basis, refresh=False)
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {BATCH_KEYS} (iid INTEGER, rid INTEGER, pkey INTEGER)")
    con.execute(f"INSERT INTO {BATCH_KEYS} SELECT iid, rid, pkey FROM _new")
    log_changes(con, actor.name, "import", out.pop("changed"), import_id=import_id)
    out["unchanged"] += same
    return out


def roll_up_batch(con, basis: str, kept: dict) -> rollup.RollupStats | None:
    """Roll up every key the batch's submissions stored (once per batch, inside its transaction)."""
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {BATCH_KEYS} (iid INTEGER, rid INTEGER, pkey INTEGER)")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _batch_changed AS SELECT DISTINCT iid, rid, pkey FROM {BATCH_KEYS}")
    con.execute(f"DROP TABLE {BATCH_KEYS}")
    stats = roll_up(con, "_batch_changed", basis, kept)
    con.execute("DROP TABLE _batch_changed")
    return stats


def _keep_rejected(con, v: Validation, import_id: str) -> None:
    con.execute(f"""INSERT INTO rejected_rows
                   SELECT ?, r.row_no, r.sheet,
                          CAST(to_json({{indicator: r.indicator, region: r.region, period: r.period, value: r.value,
                                        unit: r.unit, comment: r.comment, source: r.source, state: r.state}}) AS TEXT),
                          CAST(to_json(list({{field: p.field, code: p.code, params: p.params}} ORDER BY p.k)) AS TEXT)
                   FROM {v.raw} r JOIN {v.problems} p ON p.row_no = r.row_no
                   WHERE r.row_no IN (SELECT row_no FROM {v.problems} WHERE code IN (SELECT unnest(?::TEXT[])))
                   GROUP BY r.row_no, r.sheet, r.indicator, r.region, r.period, r.value, r.unit, r.comment,
                            r.source, r.state""", [import_id, ERROR_CODES])


def record_import(con, result: dict, actor: Actor, report: Report) -> None:
    """The import record and its audit entry (also for an import that stored nothing)."""
    con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [result["import_id"], result["kind"], result["file"], result["format"], result["mode"],
                 result["status"], actor.name, _now(), result["state"], result["rows"], result["accepted"],
                 result["rejected"], result["added"], result["revised"], result["unchanged"],
                 json.dumps([p.to_dict() for p in report.problems[:200]], ensure_ascii=False)])
    log(con, actor.name, f"import-{result['status']}", import_id=result["import_id"],
        detail={k: result[k] for k in ("file", "kind", "mode", "rows", "accepted", "rejected", "added", "revised",
                                        "unchanged")})


def roll_up(con, changed: str, basis: str, kept: dict | None) -> rollup.RollupStats | None:
    """Roll up the keys in relation ``changed`` (iid, rid, pkey), in the caller's transaction."""
    n = con.execute(f"SELECT count(*) FROM {changed}").fetchone()[0]
    if not n:
        return None
    stored = con.execute("SELECT count(*) FROM obs_current").fetchone()[0]
    if n >= max(FULL_ROLLUP_MIN, stored * FULL_ROLLUP_SHARE):
        # a big batch touches most of the rollup: recomputing it all is faster than finding
        # the affected keys and their context, and gives the same rows (tests/test_incremental.py)
        return rollup.full(con, basis)
    return rollup.incremental(con, changed, basis, kept)


def apply(con, incoming: str, *, by: str | None, import_id: str | None = None, basis: str = "approved",
          refresh: bool = True, kept: dict | None = None) -> dict:
    """Store the rows of relation ``incoming`` (iid, rid, pkey, value, state, source, comment) as new
    revisions, inside the caller's write transaction, and roll them up (``kept``: the database's
    derived state, Database.kept).  Rows whose value and state equal the current revision are left alone.  Returns counts of added, revised and unchanged
    values, and ``changed``: the temp table of the rows stored, with their previous value and state
    (for the audit log)."""
    now = _now()
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _new AS
        SELECT i.*, c.revisions, c.latest_value, c.latest_state, c.approved_value, c.approved_oid,
               nextval('observation_ids') AS oid
        FROM {incoming} i LEFT JOIN obs_current c ON c.iid = i.iid AND c.rid = i.rid AND c.pkey = i.pkey
        WHERE c.revisions IS NULL OR c.latest_value IS DISTINCT FROM i.value OR c.latest_state <> i.state
    """)
    total = con.execute(f"SELECT count(*) FROM {incoming}").fetchone()[0]
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
               source, CAST({ptype_sql('pkey')} AS TINYINT), coalesce(source = '{SYNTHETIC_SOURCE}', false)
        FROM _new ORDER BY {rollup.CLUSTER}
    """)
    stats = roll_up(con, "_new", basis, kept) if refresh and (added or revised) else None
    return {"added": added, "revised": revised, "unchanged": total - added - revised,
            "rollup_seconds": stats.seconds if stats else 0.0, "changed": "_new"}
