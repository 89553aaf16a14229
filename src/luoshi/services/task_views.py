"""Views over judged tasks: the wall chart (挂图作战), unit scorecards and ranking, the mid-year
double-half check (时间过半、任务过半) and the digest of what changed since a date."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from luoshi.domain.tasks import CATEGORIES, LIGHTS, months_between, report_due
from luoshi.store.db import Database

BEHIND = ("behind", "overdue")


def _units(db: Database) -> dict[str, dict]:
    return {u["code"]: u for u in db.all("SELECT * FROM units")}


def wallchart(db: Database, tasks: list[dict], at: date, *, start: date | None = None,
              end: date | None = None) -> dict:
    """Units down the side, months along the top; each task a bar with its milestones and deadline as flags."""
    start = start or date(at.year, 1, 1)
    end = end or date(at.year, 12, 31)
    units = _units(db)
    rows: dict[str, list] = defaultdict(list)
    for t in tasks:
        if t["deadline_at"] < start or t["start_date"] > end:
            continue
        j = t["judgement"]
        flags = [{"date": m["due"], "state": m["state"], "title": m["title"], "kind": "milestone", "seq": m["seq"]}
                 for m in t["milestones"]]
        dl_state = ("done" if j["category"] in ("done", "done_early") else
                    "overdue" if j["category"] == "overdue" else "due" if j["due_soon"] else "upcoming")
        flags.append({"date": t["deadline_at"], "state": dl_state, "title": "完成时限 deadline", "kind": "deadline",
                      "seq": 0})
        rows[t["lead_unit"]].append({"id": t["id"], "title": t["title_zh"], "start": t["start_date"],
                                     "deadline": t["deadline_at"], "light": j["light"], "category": j["category"],
                                     "progress": j["progress"], "synthetic": t["synthetic"], "flags": flags})
    out = []
    for code in sorted(rows, key=lambda c: (units.get(c, {}).get("kind") != "department", c)):
        u = units.get(code, {})
        out.append({"unit": code, "name_zh": u.get("name_zh", code), "name_en": u.get("name_en", code),
                    "tasks": sorted(rows[code], key=lambda x: (x["deadline"], x["id"]))})
    return {"from": start, "to": end, "today": at, "months": months_between(start, end), "rows": out,
            "synthetic": any(t["synthetic"] for t in tasks)}


def report_calls(db: Database, tasks: list[dict], at: date, due_day: int = 5) -> list[dict]:
    """Every monthly progress report due by ``at``: task, lead unit, month, due day and its state
    (on_time, late or missing) — the one definition of a task report being due (the scorecards
    count these, `luoshi remind` reminds of the missing ones)."""
    got = {(r["task_id"], r["period"]): r["on_time"]
           for r in db.all("""SELECT r.task_id, r.period, bool_or(r.on_time) AS on_time FROM task_reports r
                              JOIN tasks t ON t.id = r.task_id AND r.unit_code = t.lead_unit
                              WHERE r.reported_on <= ? GROUP BY 1, 2""", [at])}
    out = []
    for t in tasks:
        last = t["closed_on"] if t["closed_at"] else at
        for m in months_between(t["start_date"], min(last, at)):
            due = report_due(m, due_day)
            if due > at:
                continue
            state = got.get((t["id"], m))
            out.append({"task": t["id"], "unit": t["lead_unit"], "month": m, "due": due,
                        "state": "on_time" if state else "late" if state is not None else "missing"})
    return out


NO_REPORTS = {"due": 0, "on_time": 0, "late": 0, "missing": 0, "rate": None}  # a unit with no report due


def reporting(db: Database, tasks: list[dict], at: date, due_day: int = 5) -> dict[str, dict]:
    """Per lead unit: reports due by ``at``, made on time, late, missing, and the on-time rate."""
    out: dict[str, Counter] = defaultdict(Counter)
    for call in report_calls(db, tasks, at, due_day):
        c = out[call["unit"]]
        c["due"] += 1
        c[call["state"]] += 1
    return {u: {"due": c["due"], "on_time": c["on_time"], "late": c["late"], "missing": c["missing"],
                "rate": round(c["on_time"] / c["due"] * 100, 2) if c["due"] else None} for u, c in out.items()}


def ranking(db: Database, tasks: list[dict], at: date, due_day: int = 5) -> list[dict]:
    """Lead units ranked by on-time reporting rate, then by the share of their tasks not behind."""
    rep = reporting(db, tasks, at, due_day)
    by_unit: dict[str, list] = defaultdict(list)
    for t in tasks:
        by_unit[t["lead_unit"]].append(t)
    units = _units(db)
    rows = []
    for code, ts in by_unit.items():
        ok = sum(1 for t in ts if t["judgement"]["category"] not in BEHIND)
        r = rep.get(code, NO_REPORTS)
        rows.append({"unit": code, "name_zh": units.get(code, {}).get("name_zh", code),
                     "name_en": units.get(code, {}).get("name_en", code), "tasks": len(ts),
                     "not_behind": round(ok / len(ts) * 100, 2), **{f"reports_{k}": v for k, v in r.items()}})
    rows.sort(key=lambda r: (-(r["reports_rate"] if r["reports_rate"] is not None else -1), -r["not_behind"], r["unit"]))
    prev, rank = None, 0
    for i, r in enumerate(rows, start=1):
        key = (r["reports_rate"], r["not_behind"])
        rank = rank if key == prev else i
        r["rank"], prev = rank, key
    return rows


def scorecard(db: Database, unit: str, tasks: list[dict], projects: list[dict], at: date, due_day: int = 5) -> dict:
    units = _units(db)
    ranks = ranking(db, tasks, at, due_day)
    mine = [t for t in tasks if t["lead_unit"] == unit]
    co = [t for t in tasks if unit in t["co_units"]]
    me = next((r for r in ranks if r["unit"] == unit), None)
    return {"unit": unit, "name_zh": units.get(unit, {}).get("name_zh"), "name_en": units.get(unit, {}).get("name_en"),
            "at": at, "lead_tasks": mine, "co_tasks": co, "projects": projects,
            "categories": dict(Counter(t["judgement"]["category"] for t in mine)),
            "lights": dict(Counter(t["judgement"]["light"] for t in mine)),
            # a unit that leads no task has no row in the ranking and no report due
            "reporting": {k.removeprefix("reports_"): v for k, v in me.items() if k.startswith("reports_")} if me
            else dict(NO_REPORTS),
            "rank": me["rank"] if me else None, "of": len(ranks),
            "synthetic": any(t["synthetic"] for t in mine + co)}


def _counts(tasks: list[dict], key) -> list[dict]:
    groups: dict[str, Counter] = defaultdict(Counter)
    for t in tasks:
        groups[key(t)][t["judgement"]["category"]] += 1
        groups[key(t)]["half_done"] += t["judgement"]["progress"] >= 50
        groups[key(t)]["total"] += 1
    return [{"key": k, "total": c["total"], "half_done": c["half_done"], **{cat: c[cat] for cat in CATEGORIES}}
            for k, c in sorted(groups.items())]


def doublehalf(tasks: list[dict], at: date) -> dict:
    """The mid-year check: counts per category per unit, breakthrough and region, and what is behind."""
    behind = [t for t in tasks if t["judgement"]["category"] in BEHIND]
    return {"at": at, "total": len(tasks),
            "totals": {c: sum(1 for t in tasks if t["judgement"]["category"] == c) for c in CATEGORIES},
            "lights": {lt: sum(1 for t in tasks if t["judgement"]["light"] == lt) for lt in LIGHTS},
            "half_done": sum(1 for t in tasks if t["judgement"]["progress"] >= 50),
            "by_unit": _counts(tasks, lambda t: t["lead_unit"]),
            "by_breakthrough": _counts(tasks, lambda t: t["breakthrough"]),
            "by_region": _counts(tasks, lambda t: t["region"] or "—"),
            "behind": [_brief(t) for t in sorted(behind, key=lambda t: -t["judgement"]["shortfall"])],
            "synthetic": any(t["synthetic"] for t in tasks)}


def _brief(t: dict) -> dict:
    j = t["judgement"]
    return {"id": t["id"], "title": t["title_zh"], "lead_unit": t["lead_unit"], "lead_zh": t.get("lead_zh"),
            "deadline": t["deadline_at"], "progress": j["progress"], "expected": round(j["expected"], 2),
            "shortfall": round(j["shortfall"], 2), "category": j["category"], "light": j["light"],
            "days_left": j["days_left"], "synthetic": t["synthetic"]}


def digest(then: list[dict], now: list[dict], since: date, at: date, unit: str | None = None) -> dict:
    """What is overdue, due soon, newly done and newly behind between ``since`` and ``at``."""
    before = {t["id"]: t["judgement"]["category"] for t in then}
    if unit:
        now = [t for t in now if t["lead_unit"] == unit or unit in t["co_units"]]
    pick = lambda f: [_brief(t) for t in now if f(t)]  # noqa: E731
    return {
        "since": since, "at": at, "unit": unit,
        "overdue": pick(lambda t: t["judgement"]["category"] == "overdue"),
        "due_soon": pick(lambda t: t["judgement"]["due_soon"]),
        "newly_done": pick(lambda t: t["judgement"]["category"] in ("done", "done_early")
                           and before.get(t["id"]) not in ("done", "done_early")),
        "newly_behind": pick(lambda t: t["judgement"]["category"] in BEHIND and before.get(t["id"]) not in BEHIND),
        "synthetic": any(t["synthetic"] for t in now),
    }
