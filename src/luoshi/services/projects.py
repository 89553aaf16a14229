"""Major projects (重点项目): register them, record the investment completed each month, and read
the portfolio with its rollups against the annual plan."""

from __future__ import annotations

from datetime import date

from luoshi.analytics.projects import investment, monthly
from luoshi.domain.problems import InputError, Refusal, Report, one_of
from luoshi.domain.roles import Actor
from luoshi.domain.rules import Rules
from luoshi.services.task_flow import audit, now, require_lead
from luoshi.store.db import Database

MILESTONE_KINDS = ("approval", "construction_start", "completion", "production")
STATUSES = ("planned", "under_construction", "completed", "in_production")


def add_projects(db: Database, projects: list[dict], actor: Actor, *, on: date, plan_id: str | None) -> int:
    """Insert projects: id, name_zh, region_code, total_investment, plans {year: planned}, milestones {kind: (planned, actual)};
    a project without a plan_id belongs to ``plan_id``."""
    report = Report(file="projects")
    regions = {r["code"] for r in db.all("SELECT code FROM regions")}
    clusters = {r["code"] for r in db.all("SELECT code FROM clusters")}
    units = {r["code"] for r in db.all("SELECT code FROM units")}
    for n, p in enumerate(projects, start=1):
        if p["region_code"] not in regions:
            report.add("unknown-region", row=n, field="region", value=p["region_code"])
        if p.get("cluster_code") and p["cluster_code"] not in clusters:
            report.add("unknown-cluster", row=n, field="cluster", value=p["cluster_code"])
        if p.get("lead_unit") and p["lead_unit"] not in units:
            report.add("unknown-unit", row=n, field="lead_unit", value=p["lead_unit"])
        if p.get("status", "planned") not in STATUSES:
            report.add("bad-value", row=n, field="status", column="status", value=p.get("status"), **one_of(STATUSES))
    if not report.ok:
        raise InputError(report)
    with db.write() as con:
        for p in projects:
            con.execute("""INSERT INTO projects (id, name_zh, name_en, region_code, cluster_code, plan_id, node_code,
                             lead_unit, total_investment, status, synthetic, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
                        [p["id"], p["name_zh"], p.get("name_en"), p["region_code"], p.get("cluster_code"),
                         p.get("plan_id") or plan_id, p.get("node_code"), p.get("lead_unit"),
                         p["total_investment"], p.get("status", "planned"), bool(p.get("synthetic")), p.get("source")])
            for year, planned in (p.get("plans") or {}).items():
                con.execute("INSERT INTO project_plans VALUES (?,?,?)", [p["id"], int(year), planned])
            for kind, (planned, actual) in (p.get("milestones") or {}).items():
                con.execute("INSERT INTO project_milestones VALUES (?,?,?,?)", [p["id"], kind, planned, actual])
            audit(con, action="project-create", actor=actor, on=on, project_id=p["id"])
    return len(projects)


def record_investment(db: Database, project_id: str, month: str, amount: float, actor: Actor, *, on: date) -> dict:
    """Investment completed in a month (亿元); a new figure for the same month replaces the old one
    and the change is kept in the audit trail."""
    p = db.one("SELECT * FROM projects WHERE id = ?", [project_id])
    if p is None:
        raise Refusal("unknown-project", 404, value=project_id)
    require_lead(actor, project_id, p["lead_unit"])
    report = Report(file=f"project {project_id}")
    ok_month = len(month) == 7 and month[4] == "-" and month[:4].isdigit() and month[5:].isdigit() \
        and 1 <= int(month[5:]) <= 12
    if not ok_month:
        report.add("bad-month", field="month", value=month)
    if not isinstance(amount, (int, float)) or amount < 0:
        report.add("not-a-number", field="amount", value=amount)
    if not report.ok:
        raise InputError(report)
    with db.write() as con:
        old = con.execute("SELECT amount FROM project_investment WHERE project_id = ? AND month = ?",
                          [project_id, month]).fetchone()
        con.execute("INSERT OR REPLACE INTO project_investment VALUES (?,?,?,?,?)",
                    [project_id, month, amount, actor.name, now()])
        audit(con, action="investment", actor=actor, on=on, project_id=project_id, month=month, amount=amount,
              previous=old[0] if old else None)
    return {"project": project_id, "month": month, "amount": amount}


def portfolio(db: Database, *, year: int, at: date, by: str = "cluster", rules: Rules = Rules(),
              region: str | None = None, cluster: str | None = None) -> list[dict]:
    where, params = "", []
    if region:
        where += " AND (p.region_code = ? OR p.region_code IN (SELECT c.code FROM region_links l "
        where += "JOIN regions c ON c.rid = l.rid JOIN regions pr ON pr.rid = l.parent_rid WHERE pr.code = ?))"
        params += [region, region]
    if cluster:
        where += " AND p.cluster_code = ?"
        params.append(cluster)
    rows = investment(db.cursor(), by=by, year=year, at=at, where=where, params=params)
    for r in rows:
        r["light"] = "grey" if r["shortfall"] is None else rules.light(r["shortfall"])
    return rows


def project(db: Database, project_id: str, *, year: int, at: date, rules: Rules = Rules()) -> dict:
    p = db.one("""SELECT p.*, c.name_zh AS cluster_zh, c.name_en AS cluster_en, r.name_zh AS region_zh,
                         r.name_en AS region_en, u.name_zh AS lead_zh FROM projects p
                  LEFT JOIN clusters c ON c.code = p.cluster_code LEFT JOIN regions r ON r.code = p.region_code
                  LEFT JOIN units u ON u.code = p.lead_unit WHERE p.id = ?""", [project_id])
    if p is None:
        raise Refusal("unknown-project", 404, value=project_id)
    rows = portfolio(db, year=year, at=at, by="project", rules=rules)
    p["year"] = next((r for r in rows if r["key"] == project_id), None)
    p["months"] = monthly(db.cursor(), project_id, year)
    p["milestones"] = db.all("SELECT kind, planned, actual FROM project_milestones WHERE project_id = ? "
                             "ORDER BY planned NULLS LAST", [project_id])
    for m in p["milestones"]:
        m["state"] = ("done" if m["actual"] and m["actual"] <= at else
                      "overdue" if m["planned"] and m["planned"] < at else "upcoming")
    return p
