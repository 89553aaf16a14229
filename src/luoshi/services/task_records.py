"""Reading tasks as they stood on a date, judged: the list behind every task view."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from luoshi.domain.tasks import Milestone, TaskRules, judge_task
from luoshi.store.db import Database

_TASKS = """
SELECT t.*,
       coalesce((SELECT r.old_deadline FROM task_requests r
                 WHERE r.task_id = t.id AND r.kind = 'extension' AND r.state = 'approved' AND r.decided_on > $at
                 ORDER BY r.decided_on, r.id LIMIT 1), t.deadline) AS deadline_at,
       (SELECT count(*) FROM task_requests r WHERE r.task_id = t.id AND r.kind = 'extension'
                 AND r.state = 'approved' AND r.decided_on <= $at) AS extensions,
       lu.name_zh AS lead_zh, lu.name_en AS lead_en, lu.region_code AS lead_region,
       su.name_zh AS supervisor_zh, su.name_en AS supervisor_en,
       n.title_zh AS node_zh, n.title_en AS node_en
FROM tasks t
LEFT JOIN units lu ON lu.code = t.lead_unit
LEFT JOIN units su ON su.code = t.supervisor_unit
LEFT JOIN plan_nodes n ON n.plan_id = t.plan_id AND n.code = t.node_code
WHERE t.start_date <= $horizon
ORDER BY t.id
"""


def breakthroughs(db: Database) -> dict[tuple[str, str], str]:
    """(plan, node) → the code of its top-level node under the goal (breakthrough or driving force)."""
    nodes = {(r["plan_id"], r["code"]): r for r in db.all("SELECT plan_id, code, parent_code, kind FROM plan_nodes")}
    out = {}
    for key, n in nodes.items():
        cur, seen = n, set()
        while cur["parent_code"] and cur["kind"] not in ("breakthrough", "driving_force") and cur["code"] not in seen:
            seen.add(cur["code"])
            cur = nodes.get((key[0], cur["parent_code"]), {"code": cur["code"], "parent_code": None, "kind": ""})
        out[key] = cur["code"]
    return out


def load_tasks(db: Database, at: date, rules: TaskRules, *, horizon: date | None = None) -> list[dict]:
    """Every task with its state on ``at`` and its judgement (``horizon``: include tasks starting up to then)."""
    rows = db.all(_TASKS, {"at": at, "horizon": horizon or date.max})
    if not rows:
        return []
    reports = defaultdict(list)
    for r in db.all("SELECT task_id, reported_on, percent FROM task_reports WHERE reported_on <= ? "
                    "ORDER BY task_id, reported_on, id", [at]):
        reports[r["task_id"]].append(r)
    milestones = defaultdict(list)
    for m in db.all("SELECT * FROM task_milestones ORDER BY task_id, seq"):
        milestones[m["task_id"]].append(Milestone(m["seq"], m["title"], m["due"], m["share"], m["done_on"]))
    named = defaultdict(list)
    for u in db.all("SELECT tu.task_id, tu.unit_code, u.name_zh, u.name_en FROM task_units tu "
                    "LEFT JOIN units u ON u.code = tu.unit_code WHERE tu.role = 'co' ORDER BY tu.task_id, tu.unit_code"):
        named[u["task_id"]].append({"code": u["unit_code"], "name_zh": u["name_zh"], "name_en": u["name_en"]})
    top = breakthroughs(db)
    for t in rows:
        percent, done_on = 0.0, None
        for r in reports[t["id"]]:
            percent = r["percent"]
            if r["percent"] >= 100:
                done_on = done_on or r["reported_on"]
            else:
                done_on = None
        closed = t["state"] == "closed" and t["closed_on"] is not None and t["closed_on"] <= at
        t["percent_at"], t["done_on_at"], t["closed_at"] = percent, done_on, closed
        t["co_units_named"] = named[t["id"]]  # the page shows a unit's name, never its code
        t["co_units"] = [u["code"] for u in t["co_units_named"]]
        t["breakthrough"] = top.get((t["plan_id"], t["node_code"]), t["node_code"])
        t["region"] = t["region_code"] or t["lead_region"]
        t["judgement"] = judge_task(start=t["start_date"], deadline=t["deadline_at"], at=at, percent=percent,
                                    done_on=done_on or (t["closed_on"] if closed else None),
                                    milestones=milestones[t["id"]], rules=rules).to_dict()
        t["milestones"] = t["judgement"]["milestones"]
    return rows


def matches(t: dict, *, unit: str | None = None, node: str | None = None, region: str | None = None,
            category: str | None = None, light: str | None = None, state: str | None = None) -> bool:
    j = t["judgement"]
    if unit and unit != t["lead_unit"] and unit not in t["co_units"]:
        return False
    if node and node not in (t["node_code"], t["breakthrough"]) and not t["node_code"].startswith(node + "."):
        return False
    if region and region != t["region"]:
        return False
    if category and category != j["category"]:
        return False
    if light and light != j["light"]:
        return False
    return not state or state == t["state"]


def history(db: Database, task_id: str) -> dict:
    """A task's reports, evidence, requests and audit trail, oldest first."""
    return {
        "reports": db.all("SELECT * FROM task_reports WHERE task_id = ? ORDER BY reported_on, id", [task_id]),
        "evidence": db.all("SELECT id, report_id, filename, sha256, size, media_type, stored_at FROM task_evidence "
                           "WHERE task_id = ? ORDER BY id", [task_id]),
        "requests": db.all("SELECT r.*, u.name_zh AS unit_zh, u.name_en AS unit_en FROM task_requests r "
                           "LEFT JOIN units u ON u.code = r.unit_code WHERE r.task_id = ? ORDER BY r.id", [task_id]),
        "events": db.all("SELECT e.id, e.action, e.actor, e.unit_code, u.name_zh AS unit_zh, u.name_en AS unit_en, "
                         "e.on_day, e.recorded_at, e.detail FROM task_events e LEFT JOIN units u ON u.code = e.unit_code "
                         "WHERE e.task_id = ? ORDER BY e.id", [task_id]),
    }


def load_history(con, *, reports: list[tuple], events: list[tuple], milestones_done: dict, progress: dict,
                 investment: list[tuple]) -> None:
    """Store a past reporting history at once, inside the caller's transaction (the demo replays a
    year of reports this way: going through the workflow one report at a time would take minutes).
    ``reports``: rows of task_reports (task_id, period, unit_code, reported_by, reported_on, percent,
    text, problems, next_steps, on_time); ``events``: rows of task_events (task_id, action, actor,
    unit_code, on_day, detail); ``milestones_done``: (task_id, seq) -> day; ``progress``: task_id ->
    (percent, done_on); ``investment``: rows of project_investment (project_id, month, amount)."""
    _bulk(con, "task_reports", ("task_id", "period", "unit_code", "reported_by", "reported_on", "percent",
                                "text", "problems", "next_steps", "on_time"), reports)
    _bulk(con, "task_events", ("task_id", "action", "actor", "unit_code", "on_day", "detail"), events)
    _bulk(con, "_done", ("task_id", "seq", "day"), [(t, n, d) for (t, n), d in milestones_done.items()], temp=True)
    con.execute("""UPDATE task_milestones m SET done_on = d.day FROM _done d
                   WHERE m.task_id = d.task_id AND m.seq = d.seq""")
    _bulk(con, "_progress", ("task_id", "percent", "done_on"), [(t, p, d) for t, (p, d) in progress.items()],
          temp=True)
    con.execute("UPDATE tasks t SET percent = p.percent, done_on = p.done_on FROM _progress p WHERE t.id = p.task_id")
    _bulk(con, "project_investment", ("project_id", "month", "amount"), investment)


def _bulk(con, table: str, columns: tuple, rows: list[tuple], temp: bool = False) -> None:
    """Insert many rows at once through Arrow (row-by-row inserts are slow in DuckDB); ``temp``:
    into a new temporary table of that name."""
    import pyarrow as pa

    batch = pa.table({c: pa.array([r[i] for r in rows]) if rows else pa.nulls(0) for i, c in enumerate(columns)})
    con.register("_batch", batch)
    try:
        if temp:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM _batch")
        elif rows:
            con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM _batch")
    finally:
        con.unregister("_batch")
