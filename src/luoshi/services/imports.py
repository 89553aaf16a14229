"""Importing a file of observations or targets (CSV, XLSX or JSON), with a validation report.

A file is read into the standard text table (ingest/readers.py); observations then go down the one
write pipeline (services/observations.py), targets are checked and stored here.  Either way an
import is one write transaction, and ``mode`` is ``all-or-nothing`` (any error stores nothing but
the import record) or ``accept-valid`` (valid rows are stored; rejected rows are reported).
"""

from __future__ import annotations

from pathlib import Path

from luoshi.domain.problems import Refusal, Report, one_of
from luoshi.domain.roles import Actor
from luoshi.ingest.catalog import Catalog
from luoshi.ingest.limits import Limits
from luoshi.ingest.readers import detect_format, read_table
from luoshi.ingest.targets import check_targets
from luoshi.ingest.validate import Checks
from luoshi.services import observations
from luoshi.services.observations import MODES, new_import_id, record_import
from luoshi.services.targets import store_targets
from luoshi.store.db import Database

KINDS = ("observations", "targets")


def run_import(db: Database, catalog: Catalog, path: str | Path, *, kind: str = "observations",
               mode: str = "all-or-nothing", dry_run: bool = False, state: str = "approved",
               actor: Actor | None = None, fmt: str | None = None, checks: Checks | None = None,
               basis: str = "approved", locked_sql: str | None = None, name: str | None = None,
               source: str | None = None, limits: Limits | None = None) -> dict:
    """Validate and (unless ``dry_run``) store one file; returns a summary with the problems."""
    actor = actor or Actor.local()
    for column, value, allowed in (("mode", mode, MODES), ("kind", kind, KINDS)):
        if value not in allowed:
            raise Refusal("bad-value", column=column, value=value, **one_of(allowed))
    shown = name or Path(path).name
    report = Report(file=shown)
    table = read_table(path, kind, report, fmt, limits)
    fmt = fmt or detect_format(path)
    if kind == "targets":
        return submit_targets(db, catalog, table, report, actor=actor, dry_run=dry_run, mode=mode, fmt=fmt)
    return observations.submit(db, catalog, table, report, actor=actor, mode=mode, dry_run=dry_run, state=state,
                               fmt=fmt, checks=checks, basis=basis, locked_sql=locked_sql, source=source)


def submit_targets(db: Database, catalog: Catalog, table, report: Report, *, actor: Actor, dry_run: bool = False,
                   mode: str = "all-or-nothing", fmt: str = "rows", replace: bool = True, on_stored=None) -> dict:
    """Check a staged table of targets and (unless ``dry_run``) store them; a target replaces the
    previous one for its key, unless ``replace`` is false: then a key that has a target is refused
    (duplicate-target).  ``on_stored(con, stored)``, when given, runs inside the write transaction
    after the targets are stored, with ``stored`` the (row_no, target id) pairs (as observations.submit)."""
    result = {"import_id": None if dry_run else new_import_id(), "kind": "targets", "file": report.file,
              "format": fmt, "mode": mode, "dry_run": dry_run, "state": None,
              "rows": report.rows_read, "accepted": 0, "rejected": 0, "added": 0, "revised": 0, "unchanged": 0}
    rows = []
    if table is not None:
        for rec in table.to_pylist():
            cells = {k: (v or "").strip() for k, v in rec.items() if k not in ("row_no", "sheet")}
            rows.append((rec["row_no"], cells))
    checked = check_targets(rows, catalog, report) if rows else []
    if not replace:
        _refuse_existing(db, checked, report)
    if not actor.superuser:
        allowed = actor.rids("approve") or set()  # targets are set by reviewers/admins above the region
        for r in checked:
            if r["rid"] not in allowed:
                report.add("not-permitted", row=r["row"], field="region", user=actor.name, action="set targets",
                           action_zh="设定目标", value=r["region"])
    bad = {p.row for p in report.errors}
    good = [r for r in checked if r["row"] not in bad]
    failed = table is None or (bool(bad) and mode == "all-or-nothing")
    result |= {"rows": report.rows_read, "accepted": 0 if failed else len(good), "rejected": len(bad),
               "problem_counts": report.counts()}
    result["status"] = ("invalid" if failed else "valid") if dry_run else (
        "rejected" if failed else ("partial" if bad else "committed"))
    if not dry_run:
        with db.write() as con:
            if not failed:
                result["added"] = store_targets(con, good, actor.name, result["import_id"])
                if on_stored is not None:
                    on_stored(con, [(r["row"], con.execute("SELECT tid FROM targets WHERE iid = ? AND rid = ? AND "
                                                           "pkey = ?", [r["iid"], r["rid"], r["pkey"]]).fetchone()[0])
                                    for r in good])
            record_import(con, result, actor, report)
    result["problems"] = [p.to_dict() for p in report.problems]
    result["ok"] = report.ok
    return result


def _refuse_existing(db: Database, checked: list[dict], report: Report) -> None:
    """A checked row whose key already has a target: duplicate-target, naming the stored one."""
    for r in checked:
        old = db.one("SELECT tid FROM targets WHERE iid = ? AND rid = ? AND pkey = ?", [r["iid"], r["rid"], r["pkey"]])
        if old:
            report.add("duplicate-target", row=r["row"], field="period", indicator=r["indicator"], region=r["region"],
                       period=r["period"], other=old["tid"])
