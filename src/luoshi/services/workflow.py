"""The reporting workflow: draft > submitted > approved > locked, and period locks per plan.

A state change is a new revision with the same value (nothing is updated in place), audited with
who, when, old and new state and the reason.  Approval is by a reviewer of an ancestor region;
with ``bottom_up`` a region is approved only after the values of its child regions.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from luoshi.domain.periods import parse_given
from luoshi.domain.problems import Refusal, one_of
from luoshi.domain.regions import reports_sql, valid_on_sql
from luoshi.domain.roles import Actor
from luoshi.services import notices, observations
from luoshi.services.audit import log, log_changes
from luoshi.store.db import Database

TRANSITIONS = {  # action: (from states, to state, permission)
    "submit": (("draft",), "submitted", "report"),
    "approve": (("submitted",), "approved", "approve"),
    "return": (("submitted", "approved"), "draft", "approve"),
}
TRANSITION_ZH = {"submit": "提交", "approve": "审核通过", "return": "退回"}


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def lock_relation(today: date) -> str:
    """SQL relation (kind, iid, lstart, lend): explicit locks and unlocks (the latest event per plan
    and period wins) and rule locks (periods that ended more than N days ago, per plan)."""
    t = today.isoformat()
    return f"""
        WITH ev AS (SELECT plan_id, pkey, action, row_number() OVER (PARTITION BY plan_id, pkey ORDER BY done_at DESC) AS rn
                    FROM lock_events),
        plan_ind AS (SELECT DISTINCT n.plan_id, i.iid FROM indicator_nodes n JOIN indicators i ON i.code = n.indicator_code)
        SELECT CASE WHEN ev.action = 'lock' THEN 'lock' ELSE 'unlock' END AS kind, pi.iid, p.start AS lstart, p."end" AS lend
        FROM ev JOIN periods p ON p.key = ev.pkey JOIN plan_ind pi ON pi.plan_id = ev.plan_id WHERE ev.rn = 1
        UNION ALL
        SELECT 'lock', pi.iid, DATE '1900-01-01', DATE '{t}' - INTERVAL (r.days + 1) DAY
        FROM lock_rules r JOIN plan_ind pi ON pi.plan_id = r.plan_id
    """


def transition(db: Database, actor: Actor, action: str, *, region: str | None = None, indicator: str | None = None,
               period: str | None = None, reason: str | None = None, today: date, basis: str = "approved",
               bottom_up: bool = False, subtree: bool = False, report_level: str = "county") -> dict:
    """Move every matching value in the caller's scope from the action's source states on; with
    ``bottom_up``, a value is approved only after those of the child regions that report."""
    if action not in TRANSITIONS:
        raise Refusal("bad-value", column="action", value=action, **one_of(TRANSITIONS))
    sources, target, permission = TRANSITIONS[action]
    if action == "return" and not reason:
        raise Refusal("missing-reason", 422, action="return values", action_zh="退回数值")
    where, params = [f"c.latest_state IN ({', '.join('?' * len(sources))})"], list(sources)
    if region:
        rid = db.scalar("SELECT rid FROM regions WHERE code = ?", [region])
        if rid is None:
            raise Refusal("unknown-region", 404, value=region)
        if subtree:
            where.append("c.rid IN (WITH RECURSIVE t(rid) AS (SELECT ?::INTEGER UNION SELECT l.rid FROM region_links l "
                         "JOIN t ON l.parent_rid = t.rid) SELECT rid FROM t)")
        else:
            where.append("c.rid = ?")
        params.append(rid)
    if indicator:
        where.append("c.iid = (SELECT iid FROM indicators WHERE code = ?)")
        params.append(indicator)
    if period:
        where.append("c.pkey = ?")
        params.append(parse_given(period).key)
    allowed = actor.rids(permission)
    if allowed is not None:
        where.append("c.rid IN (SELECT unnest(?::INTEGER[]))")
        params.append(sorted(allowed))
    iids = actor.iids(permission)
    if iids is not None:
        where.append("c.iid IN (SELECT unnest(?::INTEGER[]))")
        params.append(sorted(iids))
    with db.write() as con:
        # the reporter's comment stays with the value; the reason is the audit entry's
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _in AS
            SELECT c.iid, c.rid, c.pkey, c.latest_value AS value, CAST(? AS TEXT) AS state, c.source, o.comment
            FROM obs_current c LEFT JOIN observations o ON o.oid = c.latest_oid
            WHERE {' AND '.join(where)}""", [target] + params)
        n = con.execute("SELECT count(*) FROM _in").fetchone()[0]
        if n == 0 and allowed is not None and region:
            raise actor.refusal(f"{action} values of {region}", f"{TRANSITION_ZH[action]}地区 {region} 的数值")
        locked = con.execute(f"""WITH l AS ({lock_relation(today)})
            SELECT p.code, ind.code FROM _in i JOIN periods p ON p.key = i.pkey JOIN indicators ind ON ind.iid = i.iid
            WHERE EXISTS (SELECT 1 FROM l WHERE kind = 'lock' AND l.iid = i.iid AND p.start >= l.lstart AND p."end" <= l.lend)
              AND NOT EXISTS (SELECT 1 FROM l WHERE kind = 'unlock' AND l.iid = i.iid AND p.start >= l.lstart AND p."end" <= l.lend)
            ORDER BY i.pkey, ind.code LIMIT 1""").fetchone()
        if locked:
            raise Refusal("period-locked", 409, period=locked[0], indicator=locked[1])
        waiting = 0
        if bottom_up and action == "approve":
            # keep back parents whose children are not all approved yet
            waiting = con.execute(f"""
                WITH blocked AS (SELECT DISTINCT i.iid, i.rid, i.pkey FROM _in i JOIN periods p ON p.key = i.pkey
                    JOIN region_links l ON l.parent_rid = i.rid AND {valid_on_sql('l', 'p.start')}
                        AND {reports_sql('l.rid', report_level)}
                    LEFT JOIN obs_current c ON c.iid = i.iid AND c.pkey = i.pkey AND c.rid = l.rid
                    WHERE c.latest_state IS NULL OR c.latest_state NOT IN ('approved', 'locked'))
                SELECT count(*) FROM blocked""").fetchone()[0]
            con.execute(f"""DELETE FROM _in i WHERE EXISTS (SELECT 1 FROM periods p
                    JOIN region_links l ON l.parent_rid = i.rid AND {valid_on_sql('l', 'p.start')}
                        AND {reports_sql('l.rid', report_level)}
                    LEFT JOIN obs_current c ON c.iid = i.iid AND c.pkey = i.pkey AND c.rid = l.rid
                    WHERE p.key = i.pkey AND (c.latest_state IS NULL OR c.latest_state NOT IN ('approved', 'locked')))""")
        out = observations.apply(con, "_in", by=actor.name, basis=basis, kept=db.kept)
        log_changes(con, actor.name, action, out["changed"], reason=reason)
        if action == "return":
            notices.returned(con, out["changed"], actor.name, reason)
    return {"action": action, "state": target, "changed": out["added"] + out["revised"], "waiting_for_children": waiting}


def lock(db: Database, actor: Actor, plan_id: str, period: str, *, unlock: bool = False, reason: str | None = None,
         basis: str = "approved") -> dict:
    """Lock (or, for an admin with a reason, unlock) a period of a plan; values change state with it."""
    if not actor.is_admin:
        raise actor.refusal(f"{'unlock' if unlock else 'lock'} {plan_id} {period}",
                            f"{'解锁' if unlock else '锁定'} {plan_id} {period}")
    if unlock and not reason:
        raise Refusal("missing-reason", 422, action="unlock a period", action_zh="解锁期间")
    if not db.scalar("SELECT count(*) FROM plans WHERE id = ?", [plan_id]):
        raise Refusal("unknown-plan", 404, value=plan_id)
    p = parse_given(period)
    src, dst = ("locked", "approved") if unlock else ("approved", "locked")
    with db.write() as con:
        con.execute("INSERT INTO lock_events VALUES (?, ?, ?, ?, ?, ?)",
                    [plan_id, p.key, "unlock" if unlock else "lock", actor.name, _now(), reason])
        con.execute("""CREATE OR REPLACE TEMP TABLE _in AS
            SELECT c.iid, c.rid, c.pkey, c.latest_value AS value, CAST(? AS TEXT) AS state, c.source,
                   CAST(? AS TEXT) AS comment
            FROM obs_current c JOIN periods q ON q.key = c.pkey
            WHERE c.latest_state = ? AND q.start >= ? AND q."end" <= ?
              AND c.iid IN (SELECT i.iid FROM indicator_nodes n JOIN indicators i ON i.code = n.indicator_code
                            WHERE n.plan_id = ?)""", [dst, reason, src, p.start, p.end, plan_id])
        out = observations.apply(con, "_in", by=actor.name, basis=basis, kept=db.kept)
        log_changes(con, actor.name, "unlock" if unlock else "lock", out["changed"], reason=reason)
        log(con, actor.name, "period-unlock" if unlock else "period-lock", reason=reason,
            detail={"plan": plan_id, "period": p.code})
    return {"plan": plan_id, "period": p.code, "locked": not unlock, "values": out["added"] + out["revised"]}


def set_lock_rule(db: Database, actor: Actor, plan_id: str, days: int) -> dict:
    if not actor.is_admin:
        raise actor.refusal("set lock rules", "设置锁定规则")
    with db.write() as con:
        con.execute("INSERT OR REPLACE INTO lock_rules VALUES (?, ?, false)", [plan_id, days])
        log(con, actor.name, "lock-rule", detail={"plan": plan_id, "days": days})
    return {"plan": plan_id, "lock_after_days": days}
