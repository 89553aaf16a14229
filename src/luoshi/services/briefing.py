"""The monthly briefing (月度简报): what the CLI writes as PDF or HTML and the /briefing page shows,
assembled here once as plain data (the renderers only lay it out).

A briefing is of a month (or any period) ``P`` for a region: it is as of ``P``'s last day (or today,
while ``P`` is not over), and it judges the targets of the year that day falls in.  It holds the
summary of the plan (counts by category, the reds with their reasons, the lagging subdivisions,
what changed, the composite ranking: services/summary.py), a section per breakthrough with each
indicator's judgement and chart data (services/chart.py), the overdue and due-soon tasks (the
digest of services/task_views.py), the projects behind on investment, and the completeness of the
month's reports with the synthetic labels."""

from __future__ import annotations

from datetime import date, timedelta

from luoshi.analytics.status import LIGHT_ORDER
from luoshi.domain.periods import containing
from luoshi.domain.problems import Refusal
from luoshi.domain.rules import BEHIND_LIGHTS
from luoshi.services import summary
from luoshi.services.chart import chart
from luoshi.services.completeness import completeness
from luoshi.store import values



def _window(ch: dict, start: date, end: date) -> dict:
    """A chart's data cut to the target period's days (the briefing plots the year judged)."""
    s, e = start.isoformat(), end.isoformat()
    inside = lambda d: s <= d <= e  # noqa: E731
    return ch | {"points": [p for p in ch["points"] if inside(p["date"])],
                 "targets": [t for t in ch["targets"] if t["start"] <= e and t["end"] >= s],
                 "pace": [p for p in ch["pace"] if (start - timedelta(days=1)).isoformat() <= p["date"] <= e],
                 "start": s, "end": e}


def _sections(ws, status: dict, region: str, start: date, end: date, at: date) -> list[dict]:
    out = []
    for node in summary.walk_nodes(status["nodes"]):
        if node["kind"] != "breakthrough":
            continue
        inds = []
        for i in summary.below(node):
            row = summary.brief(i) | {"frequency": i["frequency"], "data_through": i["data_through"],
                                           "complete": i["complete"], "stale": i["stale"]}
            if i["target"] is not None:
                row["chart"] = _window(chart(ws, ws.indicator(i["code"]), region, at), start, end)
            inds.append(row)
        inds.sort(key=lambda r: (-LIGHT_ORDER[r["light"]], r["code"]))
        out.append({"code": node["code"], "title_zh": node["title_zh"], "title_en": node["title_en"],
                    "light": node["light"], "share_behind": node["share_behind"], "counts": node["counts"],
                    "indicators": inds})
    return out


def _reds(status: dict) -> list[dict]:
    """The plan's red indicators with what makes them red (category, shortfall against the pace), worst first."""
    found = summary.plan_indicators(status)
    reds = [summary.brief(i) | {"nodes": sorted({n["code"] for n in summary.walk_nodes(status["nodes"])
                                                      if any(x["code"] == c for x in n["indicators"])})}
            for c, i in found.items() if i["light"] == "red"]
    return sorted(reds, key=lambda r: (-(r["shortfall"] or 0), r["code"]))


def _tasks(ws, at: date, region: str | None) -> dict:
    """The overdue and due-soon tasks of the digest (services/task_views.py), with their titles and lead
    units in both languages; with a region, its own tasks only."""
    desk = ws.tasks
    d = desk.digest(summary.month_before(at), at=at)
    mine = {t["id"]: t for t in desk.tasks(at, region=region)}
    units = {u["code"]: u for u in desk.units()}

    def named(rows):
        return [t | {"title_zh": mine[t["id"]]["title_zh"], "title_en": mine[t["id"]].get("title_en"),
                     "lead_en": units.get(t["lead_unit"], {}).get("name_en")} for t in rows if t["id"] in mine]

    return {"overdue": named(d["overdue"]), "due_soon": named(d["due_soon"]), "synthetic": d["synthetic"]}


def _projects(ws, at: date, region: str | None) -> list[dict]:
    rows = ws.tasks.portfolio(year=at.year, at=at, by="project", region=region)
    behind = [r for r in rows if r["light"] in BEHIND_LIGHTS]
    return sorted(behind, key=lambda r: (-(r["shortfall"] or 0), r["key"]))


def _completeness(ws, month: str, level: str | None, region: str, at: date) -> dict:
    """The month's reports from each subdivision: expected, arrived, approved, overdue (services/completeness.py)."""
    kids = {c["rid"] for c in ws.children(region, at)}
    rows = completeness(ws.db, month, level=level, rids=kids, due_days=round(ws.setting("report_due_days")),
                        today=ws.today, report_level=ws.setting("report_level")) if kids and level else []
    total = {k: sum(r[k] for r in rows) for k in ("expected", "arrived", "approved", "on_time", "missing", "overdue")}
    share = round(100.0 * total["arrived"] / total["expected"], 1) if total["expected"] else None
    keep = ("region", "name_zh", "name_en", "expected", "arrived", "approved", "overdue", "completeness_pct",
            "approved_pct", "on_time_pct")
    return {"period": month, "totals": total, "completeness_pct": share,
            "rows": [{k: r[k] for k in keep} for r in rows]}


def assemble(ws, *, period: str, region: str | None = None, plan: str | None = None) -> dict:
    """The briefing of ``period`` (a month such as 2026-10, or any period) for ``region`` (default: the
    plan's owner).  Refuses a malformed period (bad-period), one outside the workspace (unknown-period)
    or not begun (future-period), an unknown region or plan."""
    p = ws.known_period(period)
    if p.start > ws.today:
        raise Refusal("future-period", value=period)
    plan_row = ws.plan(plan)
    reg = ws.region(region or plan_row["owner_region"])
    at = min(p.end, ws.today)
    year = containing(at, "Y")
    status = ws.status(plan_row["id"], reg["code"], year.code, at)
    glance = summary.at_a_glance(ws, status, plan=plan_row["id"], period=year, at=at)
    month = containing(at, "M") if p.type in ("Y", "S", "Q") else p
    sections = _sections(ws, status, reg["code"], year.start, year.end, at)
    scope = None if reg["code"] == plan_row["owner_region"] else reg["code"]  # the plan's owner: every task
    tasks = _tasks(ws, at, scope)
    projects = _projects(ws, at, scope)
    compl = _completeness(ws, month.code, glance["level"], reg["code"], at)
    synthetic_inds = sorted(values.synthetic_indicators(ws.db))
    n_synthetic, n_values = values.synthetic_counts(ws.db)
    synthetic = bool(synthetic_inds) or glance["synthetic"] or tasks["synthetic"] or any(r["synthetic"] for r in projects)
    return {
        "period": p.code, "at": at.isoformat(), "year": year.code, "made": ws.today.isoformat(),
        "plan": {k: plan_row[k] for k in ("id", "name_zh", "name_en", "owner_region")},
        "region": {k: reg[k] for k in ("code", "name_zh", "name_en", "level", "synthetic")},
        "counts": status["counts"], "rules": status["rules"], "reds": _reds(status), "summary": glance,
        "sections": sections, "tasks": tasks, "projects": projects, "completeness": compl,
        "synthetic": synthetic, "synthetic_indicators": synthetic_inds,
        "synthetic_values": n_synthetic, "values": n_values,
    }
