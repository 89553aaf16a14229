"""The append-only audit log: who changed what, when, from what to what, why, in which import.

Only INSERT statements touch ``audit_log`` and ``task_events``, and nothing prunes them
(tests/reporting/test_audit_kept.py walks the source and every door that writes them)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from luoshi.store.db import Database, insert_rows


LOG_FIELDS = ("actor", "action", "iid", "rid", "pkey", "old_value", "new_value", "old_state", "new_state", "reason",
              "import_id", "detail")


def log(con, actor: str, action: str, **kw) -> None:
    """One audit entry (``kw``: the other fields of LOG_FIELDS; ``detail`` a dict, kept as JSON)."""
    log_many(con, [dict(actor=actor, action=action, **kw)])


def log_many(con, entries: list[dict]) -> None:
    """Audit entries (each a dict of LOG_FIELDS), inserted together."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    unknown = {k for e in entries for k in e} - set(LOG_FIELDS)
    if unknown:
        raise TypeError(f"not an audit field: {sorted(unknown)}")
    insert_rows(con, f"audit_log (logged_at, {', '.join(LOG_FIELDS)})",
                [[now] + [e.get(k) for k in LOG_FIELDS[:-1]]
                 + [json.dumps(e["detail"], ensure_ascii=False, default=str) if e.get("detail") else None]
                 for e in entries])


def log_changes(con, actor: str | None, action: str, changed: str, *, import_id=None, reason=None) -> int:
    """Audit every row of a temp table (iid, rid, pkey, value, state, latest_value, latest_state); with
    ``actor`` None each row names its own actor and import (columns by_user, import_id)."""
    who = ("by_user", "import_id") if actor is None else ("?", "?")
    con.execute(f"""INSERT INTO audit_log (logged_at, actor, action, iid, rid, pkey, old_value, new_value, old_state,
                    new_state, reason, import_id)
                    SELECT ?, {who[0]}, ?, iid, rid, pkey, latest_value, value, latest_state, state, ?, {who[1]}
                    FROM {changed}""",
                [datetime.now(timezone.utc).replace(tzinfo=None), action, reason] if actor is None else
                [datetime.now(timezone.utc).replace(tzinfo=None), actor, action, reason, import_id])
    return con.execute(f"SELECT count(*) FROM {changed}").fetchone()[0]


def history(db: Database, *, region: str | None = None, indicator: str | None = None, period: str | None = None,
            user: str | None = None, import_id: str | None = None, rids: set[int] | None = None,
            limit: int = 500) -> list[dict]:
    """Audit entries, newest first; ``rids`` limits value entries to the caller's scope (and hides
    entries about users and grants from anyone who is not everywhere allowed)."""
    where, params = [], []
    if region:
        where.append("r.code = ?")
        params.append(region)
    if indicator:
        where.append("i.code = ?")
        params.append(indicator)
    if period:
        where.append("p.code = ?")
        params.append(period)
    if user:
        where.append("a.actor = ?")
        params.append(user)
    if import_id:
        where.append("a.import_id = ?")
        params.append(import_id)
    if rids is not None:
        where.append("a.rid IN (SELECT unnest(?::INTEGER[]))")
        params.append(sorted(rids))
    sql = f"""SELECT a.seq, a.logged_at AS at, a.actor, a.action, i.code AS indicator, r.code AS region, p.code AS period,
                     i.name_zh AS indicator_zh, i.name_en AS indicator_en, r.name_zh AS region_zh, r.name_en AS region_en,
                     a.old_value, a.new_value, a.old_state, a.new_state, a.reason, a.import_id, a.detail
              FROM audit_log a LEFT JOIN indicators i ON i.iid = a.iid LEFT JOIN regions r ON r.rid = a.rid
              LEFT JOIN periods p ON p.key = a.pkey
              {'WHERE ' + ' AND '.join(where) if where else ''}
              ORDER BY a.seq DESC LIMIT {int(limit)}"""
    return db.all(sql, params)
