"""Importing observations and targets from CSV, XLSX or JSON, with a validation report.

An import is one write transaction: validation, the new revisions, the rollup update, the import
record, rejected rows and the audit entries commit together or not at all.  Modes:
``all-or-nothing`` (any error stores nothing but the import record) and ``accept-valid`` (valid
rows are stored; rejected rows are kept with their cells and problems for correction).
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from luoshi.domain.problems import Report
from luoshi.domain.roles import STATE_ACTION, Actor
from luoshi.ingest.catalog import Catalog
from luoshi.ingest.observations import check_targets
from luoshi.ingest.readers import detect_format, read_table
from luoshi.ingest.validate import Checks, collect, run_checks
from luoshi.services import observations
from luoshi.services.audit import log, log_changes
from luoshi.store.db import Database

MODES = ("all-or-nothing", "accept-valid")
KINDS = ("observations", "targets")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_import_id() -> str:
    return f"imp-{_now():%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def run_import(db: Database, catalog: Catalog, path: str | Path, *, kind: str = "observations",
               mode: str = "all-or-nothing", dry_run: bool = False, state: str = "approved",
               actor: Actor | None = None, fmt: str | None = None, checks: Checks | None = None,
               basis: str = "approved", locked_sql: str | None = None, name: str | None = None) -> dict:
    """Validate and (unless ``dry_run``) store one file; returns a summary with the problems."""
    actor = actor or Actor.local()
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    shown = name or Path(path).name
    report = Report(file=shown)
    table = read_table(path, kind, report, fmt)
    return import_table(db, catalog, table, report, kind=kind, mode=mode, dry_run=dry_run, state=state,
                        actor=actor, fmt=fmt or detect_format(path), checks=checks, basis=basis,
                        locked_sql=locked_sql)


def import_table(db: Database, catalog: Catalog, table, report: Report, *, kind: str, mode: str, dry_run: bool,
                 state: str, actor: Actor, fmt: str, checks: Checks | None, basis: str, locked_sql: str | None,
                 skip: set[int] | None = None, detail: bool = False, on_stored=None) -> dict:
    """Validate and store a table already read (by readers.py or the DHIS2 reader).

    ``on_stored(con, stored)``, when given, runs inside the write transaction after the new revisions
    are stored, with ``stored`` the (row_no, oid) pairs of the input rows that became a revision:
    a reader keeps what it read beside them (the DHIS2 import keeps combos and storedBy)."""
    result = {"import_id": None if dry_run else new_import_id(), "kind": kind, "file": report.file,
              "format": fmt, "mode": mode, "dry_run": dry_run, "state": state,
              "rows": report.rows_read, "accepted": 0, "rejected": 0, "added": 0, "revised": 0, "unchanged": 0}
    skip = set(skip or ()) | {p.row for p in report.errors if p.row is not None}
    # the reader's problems (a ragged row, an unmapped DHIS2 identifier): the checks skip their rows,
    # so they are counted and listed by row here, beside the problems the checks find
    early = list(report.problems)
    file_level = any(p.row is None or p.code in ("missing-column", "empty-file") for p in report.errors)
    if kind == "targets":
        return _targets(db, catalog, table, report, result, actor=actor, dry_run=dry_run, mode=mode)
    checks = checks or Checks(today=catalog.today)
    checks.scope_rids = None if actor.superuser else sorted(actor.rids("report"))
    checks.scope_iids = None if actor.superuser or actor.iids("report") is None else sorted(actor.iids("report"))
    checks.may_revise_approved = actor.superuser or state == "approved"
    checks.locked_sql = locked_sql
    with db.write() as con:
        counts = {}
        if table is not None:
            run_checks(con, table, checks, user=actor.name, skip_rows=skip)
            _check_state(con, actor, state)
            counts = collect(con, report)
        counts = dict(sorted((Counter(counts) + Counter(p.code for p in early)).items()))
        errors = len(report.errors)
        bad_rows = (con.execute("""SELECT count(DISTINCT row_no) FROM _prob p WHERE code IN
                                   (SELECT unnest(?::TEXT[]))""", [_error_codes()]).fetchone()[0]
                    if table is not None else 0) + len(skip)
        accepted = con.execute("SELECT count(*) FROM _cand").fetchone()[0] if table is not None else 0
        result |= {"rows": report.rows_read, "accepted": accepted, "rejected": bad_rows,
                   "problem_counts": counts}
        # an import that refuses every row stores nothing, whatever the mode
        failed = file_level or (errors and (mode == "all-or-nothing" or not accepted)) or table is None
        result["status"] = ("invalid" if failed else "valid") if dry_run else (
            "rejected" if failed else ("partial" if errors else "committed"))
        if failed:
            result["accepted"] = 0
        if detail and table is not None:
            result["values"] = _outcomes(con, failed, early)
        if not dry_run:
            if not failed and accepted:
                result |= _store(con, actor, state, result["import_id"], basis, report.file or "")
                if on_stored is not None:
                    on_stored(con, con.execute("SELECT c.row_no, n.oid FROM _cand c JOIN _new n "
                                               "USING (iid, rid, pkey) ORDER BY c.row_no").fetchall())
            if errors and mode == "accept-valid" and not file_level and table is not None:
                _keep_rejected(con, result["import_id"])
            _record(con, result, actor, report)
    result["problems"] = [p.to_dict() for p in report.problems]
    result["ok"] = report.ok
    return result


def _outcomes(con, failed: bool, early) -> list[dict]:
    """Every input row with what happens to it: imported, updated, unchanged or rejected, and the
    codes of its problems (the reader's ``early`` ones and the checks')."""
    rows = con.execute(f"""
        SELECT r.row_no, r.indicator, r.region, r.period, r.value,
               CASE WHEN c.row_no IS NULL OR {str(failed).lower()} THEN 'rejected'
                    WHEN o.iid IS NULL THEN 'imported'
                    WHEN o.latest_value = c.value THEN 'unchanged' ELSE 'updated' END AS outcome,
               (SELECT list(DISTINCT p.code) FROM _prob p WHERE p.row_no = r.row_no) AS codes
        FROM _raw r LEFT JOIN _cand c ON c.row_no = r.row_no
        LEFT JOIN obs_current o ON o.iid = c.iid AND o.rid = c.rid AND o.pkey = c.pkey
        ORDER BY r.row_no""").fetchall()
    keys = ("row", "indicator", "region", "period", "value", "outcome", "codes")
    out = [dict(zip(keys, r)) for r in rows]
    for r in out:
        r["codes"] = sorted(set(r["codes"] or ()) | {p.code for p in early if p.row == r["row"]})
    return out


def _error_codes() -> list[str]:
    from luoshi.domain.problems import CATALOGUE
    return [c for c, et in CATALOGUE.items() if et.severity == "error"]


def _check_state(con, actor: Actor, state: str) -> None:
    """Rows whose state (the file's column, else the import's) the caller may not set there."""
    if actor.superuser:
        return
    for st, action in STATE_ACTION.items():
        allowed = actor.rids(action)
        con.execute("CREATE OR REPLACE TEMP TABLE _ok_rids (rid INTEGER)")
        if allowed:
            con.executemany("INSERT INTO _ok_rids VALUES (?)", [[r] for r in sorted(allowed)])
        con.execute(f"""INSERT INTO _prob SELECT row_no, sheet, 'state', 'not-permitted',
                        CAST(json_object('user', ?, 'action', 'set state {st}', 'value', region) AS TEXT), 105
                        FROM _cand WHERE coalesce(state, ?) = ? AND rid NOT IN (SELECT rid FROM _ok_rids)""",
                    [actor.name, state, st])
    con.execute("DELETE FROM _cand WHERE row_no IN (SELECT row_no FROM _prob WHERE code = 'not-permitted')")


def _store(con, actor: Actor, state: str, import_id: str, basis: str, shown: str) -> dict:
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _in AS
                    SELECT iid, rid, pkey, value, coalesce(state, ?) AS state,
                           coalesce(source, ?) AS source, comment FROM _cand""", [state, f"import:{shown}"])
    # a value equal to the approved one is unchanged, not a new lower-state revision
    same = con.execute("""SELECT count(*) FROM _in i JOIN obs_current o USING (iid, rid, pkey)
                          WHERE o.latest_state IN ('approved', 'locked') AND o.latest_value = i.value""").fetchone()[0]
    con.execute("""DELETE FROM _in i USING obs_current o
                   WHERE o.iid = i.iid AND o.rid = i.rid AND o.pkey = i.pkey
                     AND o.latest_state IN ('approved', 'locked') AND o.latest_value = i.value""")
    out = observations.apply_staged(con, by=actor.name, now=_now(), import_id=import_id, basis=basis, refresh=True)
    log_changes(con, actor.name, "import", "_new", import_id=import_id)
    out["unchanged"] += same
    out.pop("rollup_seconds", None)
    return out


def _keep_rejected(con, import_id: str) -> None:
    con.execute("""INSERT INTO rejected_rows
                   SELECT ?, r.row_no, r.sheet,
                          CAST(to_json({indicator: r.indicator, region: r.region, period: r.period, value: r.value,
                                        unit: r.unit, comment: r.comment, source: r.source, state: r.state}) AS TEXT),
                          CAST(to_json(list({field: p.field, code: p.code, params: p.params} ORDER BY p.k)) AS TEXT)
                   FROM _raw r JOIN _prob p ON p.row_no = r.row_no
                   WHERE r.row_no IN (SELECT row_no FROM _prob WHERE code IN (SELECT unnest(?::TEXT[])))
                   GROUP BY r.row_no, r.sheet, r.indicator, r.region, r.period, r.value, r.unit, r.comment,
                            r.source, r.state""", [import_id, _error_codes()])


def _record(con, result: dict, actor: Actor, report: Report) -> None:
    con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [result["import_id"], result["kind"], result["file"], result["format"], result["mode"],
                 result["status"], actor.name, _now(), result["state"], result["rows"], result["accepted"],
                 result["rejected"], result["added"], result["revised"], result["unchanged"],
                 json.dumps([p.to_dict() for p in report.problems[:200]], ensure_ascii=False)])
    log(con, actor.name, f"import-{result['status']}", import_id=result["import_id"],
        detail={k: result[k] for k in ("file", "kind", "mode", "rows", "accepted", "rejected", "added", "revised",
                                        "unchanged")})


def _targets(db, catalog, table, report, result, *, actor: Actor, dry_run: bool, mode: str) -> dict:
    from luoshi.services.targets import store_targets

    rows = []
    if table is not None:
        for rec in table.to_pylist():
            cells = {k: (v or "").strip() for k, v in rec.items() if k not in ("row_no", "sheet")}
            rows.append((rec["row_no"], cells))
    checked = check_targets(rows, catalog, report) if rows else []
    if not actor.superuser:
        allowed = actor.rids("approve") or set()  # targets are set by reviewers/admins above the region
        for r in checked:
            if r["rid"] not in allowed:
                report.add("not-permitted", row=r["row"], field="region", user=actor.name, action="set targets",
                           value=str(r["rid"]))
    bad = {p.row for p in report.errors}
    good = [r for r in checked if r["row"] not in bad]
    failed = table is None or (bad and mode == "all-or-nothing")
    result |= {"rows": report.rows_read, "accepted": 0 if failed else len(good), "rejected": len(bad)}
    result["status"] = ("invalid" if failed else "valid") if dry_run else (
        "rejected" if failed else ("partial" if bad else "committed"))
    if not dry_run:
        with db.write() as con:
            if not failed:
                result["added"] = store_targets(con, good, actor.name, result["import_id"])
            _record(con, result, actor, report)
    result["problems"] = [p.to_dict() for p in report.problems]
    result["ok"] = report.ok
    return result
