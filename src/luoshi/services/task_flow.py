"""Task workflow: add tasks, progress reports, extension requests and closure review, each step
checked against who is acting and written to the task audit trail in the same transaction."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from luoshi.domain.problems import InputError, Refusal, Report
from luoshi.domain.roles import Actor
from luoshi.domain.tasks import Milestone, report_due, validate_milestones
from luoshi.services import notices
from luoshi.store.db import Database


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def audit(con, *, action: str, actor: Actor, on: date, task_id: str | None = None,
          project_id: str | None = None, **detail) -> None:
    con.execute("INSERT INTO task_events (task_id, project_id, action, actor, unit_code, on_day, recorded_at, detail) "
                "VALUES (?,?,?,?,?,?,?,?)",
                [task_id, project_id, action, actor.name, actor.unit, on, now(),
                 json.dumps(detail, ensure_ascii=False, default=str) if detail else None])


def get_task(db: Database, task_id: str) -> dict:
    row = db.one("SELECT * FROM tasks WHERE id = ?", [task_id])
    if row is None:
        raise Refusal("unknown-task", 404, value=task_id)
    return row


def require_lead(actor: Actor, task_id: str, lead: str | None) -> None:
    """Only the lead unit (or an administrator) reports, asks and invests for a task or project."""
    if not actor.acts_for(lead):
        raise Refusal("not-lead-unit", 403, actor=actor.name, unit=actor.unit, task=task_id, lead=lead)


def insert_tasks(db: Database, tasks: list[dict], actor: Actor, on: date, on_stored=None) -> int:
    """Insert validated task records (see ``task_io.check_rows``) in one transaction; ``on_stored(con,
    ids)``, when given, runs inside it after them, with the ids of the tasks stored."""
    with db.write() as con:
        for t in tasks:
            con.execute("""INSERT INTO tasks (id, plan_id, node_code, title_zh, title_en, content, source, source_kind,
                             source_ref, lead_unit, supervisor_unit, leader, region_code, start_date, deadline,
                             original_deadline, synthetic, created_at)
                           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                        [t["id"], t["plan_id"], t["node_code"], t["title_zh"], t.get("title_en"), t.get("content"),
                         t.get("source"), t.get("source_kind"), t.get("source_ref"), t["lead_unit"],
                         t.get("supervisor_unit"), t.get("leader"), t.get("region_code"), t["start_date"],
                         t["deadline"], t.get("original_deadline") or t["deadline"], bool(t.get("synthetic")), now()])
            con.execute("INSERT INTO task_units VALUES (?,?,'lead')", [t["id"], t["lead_unit"]])
            for u in t.get("co_units", []):
                if u != t["lead_unit"]:
                    con.execute("INSERT INTO task_units VALUES (?,?,'co') ON CONFLICT DO NOTHING", [t["id"], u])
            for i, m in enumerate(t.get("milestones", []), start=1):
                con.execute("INSERT INTO task_milestones VALUES (?,?,?,?,?,?)",
                            [t["id"], i, m.title, m.due, m.share, m.done_on])
            for code in t.get("indicators", []):
                con.execute("INSERT INTO task_indicators VALUES (?,?) ON CONFLICT DO NOTHING", [t["id"], code])
            audit(con, action="create", actor=actor, on=t.get("created_on") or on, task_id=t["id"],
                  lead_unit=t["lead_unit"],
                  deadline=t["deadline"])
        if on_stored is not None:
            on_stored(con, [t["id"] for t in tasks])
    return len(tasks)


def milestones_of(db: Database, task_id: str) -> list[Milestone]:
    return [Milestone(r["seq"], r["title"], r["due"], r["share"], r["done_on"])
            for r in db.all("SELECT * FROM task_milestones WHERE task_id = ? ORDER BY seq", [task_id])]


def submit_report(db: Database, task_id: str, actor: Actor, *, on: date, percent: float, period: str | None = None,
                  text: str = "", problems: str = "", next_steps: str = "",
                  milestones_done: dict[int, date] | None = None, due_day: int = 5) -> dict:
    """The lead unit's progress report for a month.  Only the lead unit (or an admin) may report."""
    task = get_task(db, task_id)
    require_lead(actor, task_id, task["lead_unit"])
    if task["state"] == "closed":
        raise Refusal("bad-task-state", 409, task=task_id, state=task["state"], action="report", action_zh="报送进展")
    report = Report(file=f"task {task_id}")
    try:
        pct = float(percent)
    except (TypeError, ValueError):
        pct = -1.0
    if not 0 <= pct <= 100:
        report.add("bad-percent", field="percent", value=percent)
    period = period or f"{on.year:04d}-{on.month:02d}"
    if len(period) != 7 or period[4] != "-" or not period[:4].isdigit() or not period[5:].isdigit() \
            or not 1 <= int(period[5:]) <= 12:
        report.add("bad-month", field="period", value=period)
    known = {m.seq for m in milestones_of(db, task_id)}
    for seq in (milestones_done or {}):
        if seq not in known:
            report.add("bad-milestones", field="milestones_done", value=seq)
    if not report.ok:
        raise InputError(report)
    if pct < task["percent"]:
        report.add("percent-decreased", field="percent", value=pct, previous=task["percent"])
    on_time = on <= report_due(period, due_day)
    with db.write() as con:
        rid = con.execute("""INSERT INTO task_reports (task_id, period, unit_code, reported_by, reported_on,
                               reported_at, percent, text, problems, next_steps, milestones_done, on_time)
                             VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id""",
                          [task_id, period, actor.unit or task["lead_unit"], actor.name, on, now(), pct, text,
                           problems, next_steps,
                           json.dumps({str(k): v.isoformat() for k, v in (milestones_done or {}).items()}),
                           on_time]).fetchone()[0]
        for seq, day in (milestones_done or {}).items():
            con.execute("UPDATE task_milestones SET done_on = ? WHERE task_id = ? AND seq = ?", [day, task_id, seq])
        done_on = task["done_on"] if task["percent"] >= 100 and pct >= 100 else (on if pct >= 100 else None)
        con.execute("UPDATE tasks SET percent = ?, done_on = ? WHERE id = ?", [pct, done_on, task_id])
        audit(con, action="report", actor=actor, on=on, task_id=task_id, report_id=rid, period=period, percent=pct,
              on_time=on_time, milestones_done=sorted(milestones_done or {}))
    return {"report_id": rid, "task": task_id, "period": period, "percent": pct, "on_time": on_time,
            "warnings": [p.to_dict() for p in report.problems]}


def _check_supervisor(task: dict, actor: Actor) -> None:
    if not actor.acts_for(task["supervisor_unit"]):
        raise Refusal("not-supervisor", 403, actor=actor.name, unit=actor.unit, task=task["id"],
                      supervisor=task["supervisor_unit"])


def _pending(db: Database, task_id: str, kind: str) -> dict | None:
    return db.one("SELECT * FROM task_requests WHERE task_id = ? AND kind = ? AND state = 'pending' "
                  "ORDER BY id DESC LIMIT 1", [task_id, kind])


def request_extension(db: Database, task_id: str, actor: Actor, *, on: date, new_deadline: date, reason: str) -> dict:
    task = get_task(db, task_id)
    require_lead(actor, task_id, task["lead_unit"])
    if task["state"] != "open" or _pending(db, task_id, "extension"):
        waiting = task["state"] == "open"
        raise Refusal("bad-task-state", 409, task=task_id,
                      state="awaiting an extension decision" if waiting else task["state"],
                      state_zh="等待延期审核" if waiting else task["state"],
                      action="request an extension", action_zh="申请延期")
    if not (reason or "").strip():
        raise Refusal("missing-reason", 422, action="request an extension", action_zh="申请延期")
    if new_deadline <= task["deadline"]:
        raise Refusal("extension-not-later", 422, value=new_deadline, deadline=task["deadline"])
    with db.write() as con:
        xid = con.execute("""INSERT INTO task_requests (task_id, kind, state, requested_by, unit_code, requested_on,
                               reason, old_deadline, new_deadline) VALUES (?, 'extension', 'pending', ?,?,?,?,?,?)
                             RETURNING id""", [task_id, actor.name, actor.unit, on, reason, task["deadline"],
                                               new_deadline]).fetchone()[0]
        audit(con, action="extension-requested", actor=actor, on=on, task_id=task_id, request_id=xid,
              new_deadline=new_deadline, reason=reason)
    return {"request_id": xid, "task": task_id, "state": "pending", "new_deadline": new_deadline}


def decide_extension(db: Database, task_id: str, actor: Actor, *, on: date, approve: bool, note: str = "") -> dict:
    task = get_task(db, task_id)
    _check_supervisor(task, actor)
    req = _pending(db, task_id, "extension")
    if req is None:
        raise Refusal("no-pending-request", 409, task=task_id, kind="extension", kind_zh="延期")
    if not approve and not note.strip():
        raise Refusal("missing-reason", 422, action="reject an extension", action_zh="驳回延期申请")
    state = "approved" if approve else "rejected"
    with db.write() as con:
        con.execute("UPDATE task_requests SET state = ?, decided_by = ?, decided_unit = ?, decided_on = ?, "
                    "decision_note = ? WHERE id = ?", [state, actor.name, actor.unit, on, note, req["id"]])
        if approve:
            con.execute("UPDATE tasks SET deadline = ? WHERE id = ?", [req["new_deadline"], task_id])
        audit(con, action=f"extension-{state}", actor=actor, on=on, task_id=task_id, request_id=req["id"],
              old_deadline=req["old_deadline"], new_deadline=req["new_deadline"], note=note)
        notices.decided(con, task_id, req, state, actor.name, note)
    return {"request_id": req["id"], "task": task_id, "state": state,
            "deadline": req["new_deadline"] if approve else task["deadline"]}


def request_closure(db: Database, task_id: str, actor: Actor, *, on: date, note: str = "") -> dict:
    task = get_task(db, task_id)
    require_lead(actor, task_id, task["lead_unit"])
    if task["state"] != "open" or task["percent"] < 100:
        state = task["state"] if task["state"] != "open" else f"open at {task['percent']:g}%"
        raise Refusal("bad-task-state", 409, task=task_id, state=state, action="request closure (report 100% first)",
                      action_zh="申请办结（请先报送 100% 完成）")
    with db.write() as con:
        cid = con.execute("""INSERT INTO task_requests (task_id, kind, state, requested_by, unit_code, requested_on,
                               reason) VALUES (?, 'closure', 'pending', ?,?,?,?) RETURNING id""",
                          [task_id, actor.name, actor.unit, on, note]).fetchone()[0]
        con.execute("UPDATE tasks SET state = 'closure_requested' WHERE id = ?", [task_id])
        audit(con, action="closure-requested", actor=actor, on=on, task_id=task_id, request_id=cid, note=note)
    return {"request_id": cid, "task": task_id, "state": "closure_requested"}


def decide_closure(db: Database, task_id: str, actor: Actor, *, on: date, close: bool, reason: str = "",
                   percent: float | None = None) -> dict:
    """Close the task, or return it to the lead unit with a reason.  A return records the
    supervisor's assessment of the real percent complete as a report (default: the lead unit's
    last figure below 100), so that the task is judged as not done again."""
    task = get_task(db, task_id)
    _check_supervisor(task, actor)
    req = _pending(db, task_id, "closure")
    if req is None or task["state"] != "closure_requested":
        raise Refusal("no-pending-request", 409, task=task_id, kind="closure", kind_zh="办结")
    if not close and not reason.strip():
        raise Refusal("missing-reason", 422, action="return a task", action_zh="退回任务")
    state = "closed" if close else "returned"
    with db.write() as con:
        con.execute("UPDATE task_requests SET state = ?, decided_by = ?, decided_unit = ?, decided_on = ?, "
                    "decision_note = ? WHERE id = ?", [state, actor.name, actor.unit, on, reason, req["id"]])
        if close:
            con.execute("UPDATE tasks SET state = 'closed', closed_on = ? WHERE id = ?", [on, task_id])
        else:
            if percent is None:
                percent = con.execute("SELECT percent FROM task_reports WHERE task_id = ? AND percent < 100 "
                                      "ORDER BY reported_on DESC, id DESC LIMIT 1", [task_id]).fetchone()
                percent = percent[0] if percent else 0.0
            con.execute("""INSERT INTO task_reports (task_id, period, unit_code, reported_by, reported_on, reported_at,
                             percent, text, on_time) VALUES (?,?,?,?,?,?,?,?, true)""",
                        [task_id, f"{on.year:04d}-{on.month:02d}", actor.unit or task["supervisor_unit"] or "",
                         actor.name, on, now(), percent, f"closure returned: {reason}"])
            con.execute("UPDATE tasks SET state = 'open', percent = ?, done_on = NULL WHERE id = ?",
                        [percent, task_id])
        audit(con, action=f"closure-{state}", actor=actor, on=on, task_id=task_id, request_id=req["id"],
              reason=reason, percent=percent)
        notices.decided(con, task_id, req, state, actor.name, reason)
    return {"request_id": req["id"], "task": task_id, "state": state}


def validate_task(t: dict) -> list[tuple[str, dict]]:
    """Self-contained checks of one task record (dates, milestones)."""
    out: list[tuple[str, dict]] = []
    if t["deadline"] < t["start_date"]:
        out.append(("deadline-before-start", {"value": t["deadline"].isoformat(), "start": t["start_date"].isoformat()}))
    else:
        out.extend(validate_milestones(t.get("milestones", []), t["start_date"], t["deadline"]))
    return out


def add_member(db: Database, user: str, unit: str, actor: Actor, *, on: date) -> dict:
    """Let a web user report and decide for a unit."""
    if db.one("SELECT code FROM units WHERE code = ?", [unit]) is None:
        raise Refusal("unknown-unit", 404, value=unit)
    with db.write() as con:
        con.execute("INSERT INTO unit_members VALUES (?, ?) ON CONFLICT DO NOTHING", [user, unit])
        audit(con, action="member-add", actor=actor, on=on, user=user, unit=unit)
    return {"user": user, "unit": unit}


def remove_member(db: Database, user: str, unit: str, actor: Actor, *, on: date) -> dict:
    """Stop a web user reporting and deciding for a unit."""
    if not db.scalar("SELECT count(*) FROM unit_members WHERE user_name = ? AND unit_code = ?", [user, unit]):
        raise Refusal("not-a-member", 404, user=user, value=unit)
    with db.write() as con:
        con.execute("DELETE FROM unit_members WHERE user_name = ? AND unit_code = ?", [user, unit])
        audit(con, action="member-remove", actor=actor, on=on, user=user, unit=unit)
    return {"user": user, "unit": unit, "removed": True}
