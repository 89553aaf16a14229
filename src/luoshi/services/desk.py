"""The reporting desk: the entry form's rows and what it sends, and the reviewer's inbox.

The form sends its rows through the one write path (``observations.submit``: a dry run to check,
else stored as draft or submitted), so it answers with the same problems as an import; the inbox
decides through ``workflow.transition``.  Nothing here validates a value or writes a table itself.
"""

from __future__ import annotations

from datetime import date

from luoshi.domain.periods import Period, containing, parse_given
from luoshi.domain.problems import Refusal, Report, one_of
from luoshi.domain.regions import reports_sql, valid_on_sql
from luoshi.domain.roles import Actor
from luoshi.domain.scales import split_unit
from luoshi.services import access, observations, workflow
from luoshi.services.completeness import expected_sql

ACTIONS = ("check", "draft", "submit")
READ_ONLY = ("approved", "locked")
DECISIONS = ("approve", "return")


def due_periods(db, today: date) -> list[str]:
    """The latest ended period of each frequency some entered indicator has (the one now due)."""
    freqs = [r["frequency"] for r in db.all("SELECT DISTINCT frequency FROM indicators WHERE numerator IS NULL "
                                            "ORDER BY frequency DESC")]
    order = {"M": 0, "Q": 1, "S": 2, "Y": 3, "W": -1, "D": -2}
    return [containing(today, f).previous().code for f in sorted(freqs, key=lambda f: order.get(f, 9))]


def report_regions(ws, actor: Actor) -> list[dict]:
    """The regions the caller may report for, down to the ``report_level`` setting (so the entry
    form's list stays short while the ~27,000 bundled towns and villages do not report), by code."""
    rids = actor.rids("report")
    scope = "" if rids is None else "AND rid IN (SELECT unnest(?::INTEGER[]))"
    report_level = ws.setting("report_level")
    return ws.db.all(f"SELECT code, level, name_zh, name_en FROM regions WHERE valid_to IS NULL "
                  f"AND {reports_sql('rid', report_level)} {scope} ORDER BY code", [] if rids is None else [sorted(rids)])


def entry_rows(ws, actor: Actor, region: str, period: str) -> dict:
    """The entry form of a region and period: one row per indicator it reports then, with the unit,
    last period's value, the target, the current value, state and comment, whether it was returned
    (and why) and whether the caller may change it."""
    db = ws.db
    reg = ws.region(region)
    p = parse_given(period)
    actor.require("report", reg["rid"], target=f"region {reg['code']}", target_zh=f"地区 {reg['code']}")
    rows = db.all(f"""
        WITH e AS ({expected_sql("$3", "$4", "0")}),
        last AS (SELECT iid, arg_max(action, seq) AS action, arg_max(reason, seq) AS reason,
                        arg_max(actor, seq) AS by FROM audit_log
                 WHERE rid = $1 AND pkey = $2 AND iid IS NOT NULL GROUP BY iid),
        locks AS ({workflow.lock_relation(ws.today)})
        SELECT i.iid, i.code, i.name_zh, i.name_en, i.unit, i.decimals, i.min_value, i.max_value,
               prev.latest_value AS previous, cur.latest_value AS value, cur.latest_state AS state,
               cur.approved_value, o.comment, o.reported_by, o.reported_at,
               (cur.latest_state = 'draft' AND last.action = 'return') AS returned,
               CASE WHEN last.action = 'return' THEN last.reason END AS reason,
               CASE WHEN last.action = 'return' THEN last.by END AS returned_by,
               (SELECT {{'comparator': t.comparator, 'value': t.value, 'high': t.value_high, 'period': tp.code}}
                FROM targets t JOIN periods tp ON tp.key = t.pkey
                WHERE t.iid = i.iid AND t.rid = $1 AND tp.start <= per.start AND tp."end" >= per."end"
                ORDER BY tp.days LIMIT 1) AS target,
               EXISTS (SELECT 1 FROM locks l WHERE l.kind = 'lock' AND l.iid = i.iid
                       AND per.start >= l.lstart AND per."end" <= l.lend)
               AND NOT EXISTS (SELECT 1 FROM locks l WHERE l.kind = 'unlock' AND l.iid = i.iid
                       AND per.start >= l.lstart AND per."end" <= l.lend) AS period_locked
        FROM e JOIN indicators i ON i.iid = e.iid JOIN periods per ON per.key = $2
        LEFT JOIN obs_current prev ON prev.iid = i.iid AND prev.rid = $1 AND prev.pkey = $5
        LEFT JOIN obs_current cur ON cur.iid = i.iid AND cur.rid = $1 AND cur.pkey = $2
        LEFT JOIN observations o ON o.oid = cur.latest_oid
        LEFT JOIN last ON last.iid = i.iid
        ORDER BY i.iid""", [reg["rid"], p.key, p.type, reg["level"], p.previous().key])
    for r in rows:
        r["state"] = "locked" if r["period_locked"] and r["state"] in (None, "approved") else r["state"]
        r["editable"] = (r["state"] not in READ_ONLY and not r["period_locked"]
                         and actor.can("report", reg["rid"], r["iid"]))
        r["returned"] = bool(r["returned"])
    return {"region": reg, "period": p.code, "previous_period": p.previous().code, "rows": rows}


def enter(ws, actor: Actor, region: str, period: str, values: list[dict], action: str) -> dict:
    """Check (a dry run), save as draft or submit the form's values ({indicator, value, comment[,
    unit]}; a blank value is left out) through the one write path, all or nothing.  Returns the
    write's summary with, per indicator, its outcome and problems."""
    if action not in ACTIONS:
        raise Refusal("bad-value", column="action", value=action, **one_of(ACTIONS))
    reg = ws.region(region)
    p = parse_given(period)
    rows = [{"indicator": v.get("indicator"), "region": reg["code"], "period": p.code, "value": v.get("value"),
             "unit": v.get("unit") or None, "comment": v.get("comment") or None}
            for v in values if str(v.get("value") if v.get("value") is not None else "").strip()]
    if not rows:
        raise Refusal("missing-value", 422, column="value")
    r = ws.reporting
    result = observations.submit(
        ws.db, ws.catalog(), observations.rows_table(rows), Report(file="entry form", rows_read=len(rows)),
        actor=actor, dry_run=action == "check", state="draft" if action == "draft" else "submitted",
        checks=r.checks(), basis=ws.setting("value_basis"), locked_sql=workflow.lock_relation(ws.today),
        source=f"entry:{actor.name}", detail=True, fmt="form")
    by_row = {i: row["indicator"] for i, row in enumerate(rows, start=1)}
    fields: dict[str, dict] = {}
    for v in result.pop("values", []):
        fields[by_row[v["row"]]] = {"outcome": v["outcome"], "problems": []}
    for prob in result["problems"]:
        code = by_row.get(prob.get("row"))
        if code is not None:
            fields.setdefault(code, {"outcome": "rejected", "problems": []})["problems"].append(prob)
    result["action"] = action
    result["fields"] = fields
    return result


# --- review ----------------------------------------------------------------------------------------
def inbox(ws, actor: Actor, *, region: str | None = None, period: str | None = None) -> list[dict]:
    """The submitted values the caller may approve: value, the previous revision and the change,
    last period's value and whether the change is a jump, the reporter's comment, and with
    bottom-up approval how many child regions still wait."""
    db = ws.db
    allowed = actor.rids("approve")
    if allowed is not None and not allowed:
        raise actor.refusal("review values", "审核数值")
    where, params = ["c.latest_state = 'submitted'"], []
    if allowed is not None:
        where.append("c.rid IN (SELECT unnest(?::INTEGER[]))")
        params.append(sorted(allowed))
    iids = actor.iids("approve")
    if iids is not None:
        where.append("c.iid IN (SELECT unnest(?::INTEGER[]))")
        params.append(sorted(iids))
    if region:
        where.append("c.rid IN (SELECT unnest(?::INTEGER[]))")
        params.append(sorted(access.subtree(db, region)[1]))
    if period:
        where.append("c.pkey = ?")
        params.append(parse_given(period).key)
    checks = ws.reporting.checks()
    units = [r["unit"] for r in db.all("SELECT DISTINCT unit FROM indicators WHERE unit IS NOT NULL")]
    percent = sorted(u for u in units if split_unit(u)[1] == "%")  # base unit %, as the import splits it
    rows = db.all(f"""
        SELECT g.code AS region, g.name_zh AS region_zh, g.name_en AS region_en, i.code AS indicator,
               i.name_zh, i.name_en, i.unit, p.code AS period, c.latest_value AS value, c.approved_value,
               o.comment, o.reported_by, o.reported_at, o.revision,
               (SELECT q.value FROM observations q WHERE q.iid = c.iid AND q.rid = c.rid AND q.pkey = c.pkey
                  AND q.revision < o.revision AND q.value IS DISTINCT FROM o.value ORDER BY q.revision DESC LIMIT 1)
                   AS before,
               prev.latest_value AS previous,
               coalesce({checks.jumped_sql("c.latest_value", "prev.latest_value", "list_contains(?::TEXT[], i.unit)")},
                        false)
                   AS jump,
               (SELECT count(*) FROM region_links l LEFT JOIN obs_current k ON k.rid = l.rid AND k.iid = c.iid
                       AND k.pkey = c.pkey
                WHERE l.parent_rid = c.rid AND {valid_on_sql('l', 'p.start')}
                  AND {reports_sql('l.rid', ws.setting('report_level'))}
                  AND (k.latest_state IS NULL OR k.latest_state NOT IN ('approved', 'locked'))) AS children_waiting
        FROM obs_current c JOIN observations o ON o.oid = c.latest_oid
        JOIN regions g ON g.rid = c.rid JOIN indicators i ON i.iid = c.iid JOIN periods p ON p.key = c.pkey
        LEFT JOIN periods pp ON pp.type = p.type AND pp."end" = p.start - INTERVAL 1 DAY
        LEFT JOIN obs_current prev ON prev.iid = c.iid AND prev.rid = c.rid AND prev.pkey = pp.key
        WHERE {' AND '.join(where)}
        ORDER BY p.code DESC, g.code, i.iid""", [percent] + params)
    bottom_up = ws.setting("approval_bottom_up")
    for r in rows:
        r["change"] = None if r["before"] is None or r["value"] is None else r["value"] - r["before"]
        r["waits_for_children"] = bool(bottom_up and r["children_waiting"])
    return rows


def decide(ws, actor: Actor, action: str, items: list[dict], reason: str | None = None) -> dict:
    """Approve or return values: each item names a region and period and, for one value, an indicator
    (without it: every submitted value of the region and period).  One transition per item."""
    if action not in DECISIONS:
        raise Refusal("bad-value", column="action", value=action, **one_of(DECISIONS))
    if not items:
        raise Refusal("missing-value", 422, column="items")
    if action == "return" and not (reason or "").strip():
        raise Refusal("missing-reason", 422, action="return values", action_zh="退回数值")
    out = {"action": action, "changed": 0, "waiting_for_children": 0, "items": []}
    for item in items:
        if not item.get("region") or not item.get("period"):
            raise Refusal("missing-value", 422, column="region" if not item.get("region") else "period")
        res = ws.reporting.transition(action, actor=actor, region=item["region"], indicator=item.get("indicator"),
                                      period=item["period"], reason=reason)
        out["changed"] += res["changed"]
        out["waiting_for_children"] += res["waiting_for_children"]
        out["items"].append(item | {"changed": res["changed"]})
    return out


def period_of(text: str | None, today: date, ptype: str = "M") -> Period:
    """The named period, else the latest ended one of ``ptype``."""
    return parse_given(text) if text else containing(today, ptype).previous()
