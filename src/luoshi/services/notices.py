"""Notices: each user's in-app inbox.  ``post`` is called inside the writer's transaction (the step
and its notice commit together); ``returned`` and ``decided`` are the notices of the workflow's steps
(a value returned by a reviewer, a task request decided); reminders of due and overdue items are
posted by services/reminders.py."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from luoshi.domain.problems import Refusal
from luoshi.domain.roles import Actor
from luoshi.store.db import Database

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def post(con, user: str, kind: str, subject_zh: str, subject_en: str, link: str | None = None) -> int:
    """Put a notice in ``user``'s inbox, inside the caller's write transaction; its id."""
    return con.execute("INSERT INTO notifications (user_name, kind, subject_zh, subject_en, link, created_at) "
                       "VALUES (?,?,?,?,?,?) RETURNING id", [user, kind, subject_zh, subject_en, link, _now()]
                       ).fetchone()[0]


def returned(con, changed: str, by: str, reason: str | None) -> int:
    """Tell each reporter whose submitted values a reviewer returned (rows of the temp table
    ``changed``): one notice per reporter, region and period.  The reporter is who stored the latest
    submitted revision (observations.reported_by); values nobody submitted (or the reviewer did) tell no one."""
    rows = con.execute(f"""
        WITH who AS (
            SELECT n.iid, n.rid, n.pkey,
                   (SELECT o.reported_by FROM observations o WHERE o.iid = n.iid AND o.rid = n.rid
                      AND o.pkey = n.pkey AND o.state = 'submitted' ORDER BY o.revision DESC LIMIT 1) AS reporter
            FROM {changed} n)
        SELECT w.reporter, r.code, r.name_zh, r.name_en, p.code, list(i.code ORDER BY i.code)
        FROM who w JOIN regions r ON r.rid = w.rid JOIN periods p ON p.key = w.pkey JOIN indicators i ON i.iid = w.iid
        WHERE w.reporter IS NOT NULL AND w.reporter <> ? AND w.reporter IN (SELECT name FROM users)
        GROUP BY ALL ORDER BY 1, 2, 5""", [by]).fetchall()
    why = (reason or "").strip()
    for reporter, region, name_zh, name_en, period, codes in rows:
        shown = ", ".join(codes[:5]) + (" …" if len(codes) > 5 else "")
        post(con, reporter, "returned",
             f"{by} 退回了 {name_zh or region} {period} 的 {len(codes)} 项数值（{shown}）：{why}",
             f"{by} returned {len(codes)} value(s) of {name_en or region} {period} ({shown}): {why}",
             f"/reporting/entry?region={region}&period={period}")
    return len(rows)


DECISIONS = {  # (kind, state): (Chinese, English)
    ("extension", "approved"): ("延期申请已批准", "extension approved"),
    ("extension", "rejected"): ("延期申请被驳回", "extension rejected"),
    ("closure", "closed"): ("任务已办结销号", "task closed"),
    ("closure", "returned"): ("办结申请被退回", "closure returned"),
}


def decided(con, task_id: str, request: dict, state: str, by: str, note: str = "") -> int:
    """Tell the requesting unit's members (and the requester) that the supervisor decided a request."""
    users = {r[0] for r in con.execute(
        "SELECT user_name FROM unit_members WHERE unit_code = ? AND user_name IN (SELECT name FROM users)",
        [request.get("unit_code")]).fetchall()}
    if request.get("requested_by") and con.execute("SELECT count(*) FROM users WHERE name = ?",
                                                  [request["requested_by"]]).fetchone()[0]:
        users.add(request["requested_by"])
    users.discard(by)
    zh, en = DECISIONS[(request["kind"], state)]
    extra = f"：{note}" if note.strip() else ""
    extra_en = f": {note}" if note.strip() else ""
    for u in sorted(users):
        post(con, u, f"{request['kind']}-{state}", f"{task_id} {zh}（{by}）{extra}", f"{task_id}: {en} by {by}{extra_en}",
             f"/tasks/{task_id}")
    return len(users)


# --- the inbox ---------------------------------------------------------------------------------------
def inbox(db: Database, user: str, *, unread_only: bool = False, limit: int = 200) -> list[dict]:
    """A user's notices, newest first."""
    where = " AND read_at IS NULL" if unread_only else ""
    return db.all(f"SELECT id, kind, subject_zh, subject_en, link, created_at, read_at FROM notifications "
                  f"WHERE user_name = ?{where} ORDER BY created_at DESC, id DESC LIMIT ?", [user, limit])


def unread(db: Database, user: str) -> int:
    return db.scalar("SELECT count(*) FROM notifications WHERE user_name = ? AND read_at IS NULL", [user])


def mark_read(db: Database, user: str, ids: list[int] | None = None) -> dict:
    """Mark some of a user's notices read (``ids``), or all of them; another user's id is unknown."""
    if ids:
        mine = {r["id"] for r in db.all("SELECT id FROM notifications WHERE user_name = ? AND id IN "
                                        "(SELECT unnest(?::BIGINT[]))", [user, ids])}
        stray = [i for i in ids if i not in mine]
        if stray:
            raise Refusal("unknown-notice", 404, value=stray[0])
    with db.write() as con:
        n = con.execute("UPDATE notifications SET read_at = ? WHERE user_name = ? AND read_at IS NULL"
                        + (" AND id IN (SELECT unnest(?::BIGINT[]))" if ids else "") + " RETURNING id",
                        [_now(), user] + ([ids] if ids else [])).fetchall()
    return {"user": user, "marked": len(n), "unread": unread(db, user)}


def set_email(db: Database, user: str, address: str | None, *, by: Actor) -> dict:
    """A user's email address (None or "" removes it): set by the user or an administrator."""
    from luoshi.services import access, audit

    if by.name != user:
        access.require_manage(db, by)
    address = (address or "").strip() or None
    if address is not None and not EMAIL.match(address):
        raise Refusal("bad-email", 422, value=address)
    if not db.scalar("SELECT count(*) FROM users WHERE name = ?", [user]):
        raise Refusal("unknown-user", 404, value=user)
    with db.write() as con:
        con.execute("DELETE FROM user_emails WHERE user_name = ?", [user])
        if address:
            con.execute("INSERT INTO user_emails VALUES (?, ?)", [user, address])
        audit.log(con, by.name, "user-email", detail={"user": user, "email": address})
    return {"user": user, "email": address}
