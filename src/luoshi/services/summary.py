"""The plan at a glance (the overview's summary and the briefing's first page): the breakthroughs
behind and the indicators that pull each down, the subdivisions behind on the most indicators, what
changed since a month before, and a leaderboard of the subdivisions on the headline composite.

Every verdict here is read from ``analytics.status`` (the plan tree) and ``analytics.judgement``
(the subdivisions' targets); this module only picks and counts."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from luoshi.analytics import regional
from luoshi.analytics.ranking import COMPOSITE
from luoshi.analytics.status import plan_indicators as indicators_of_plan
from luoshi.domain.periods import Period
from luoshi.domain.rules import BEHIND, BEHIND_LIGHTS

TOP = 5  # how many lagging subdivisions the summary names


def month_before(at: date) -> date:
    """The as-of date a month earlier: the previous month's last day when ``at`` is a month's last
    day (a monthly briefing compares month ends), else the same day of the previous month (clamped)."""
    first = at.replace(day=1)
    if at.day == calendar.monthrange(at.year, at.month)[1]:
        return first - timedelta(days=1)
    prev = first - timedelta(days=1)
    return prev.replace(day=min(at.day, prev.day))


def brief(i: dict) -> dict:
    keep = ("code", "name_zh", "name_en", "unit", "decimals", "value", "target", "expected", "progress",
            "attainment", "shortfall", "category", "light", "synthetic")
    return {k: i.get(k) for k in keep}


def _pulling(items: list[dict]) -> list[dict]:
    """The indicators behind (a category of ``rules.BEHIND``), the largest shortfall first."""
    behind = [i for i in items if i["category"] in BEHIND]
    return [brief(i) for i in sorted(behind, key=lambda i: (-(i["shortfall"] or 0), i["code"]))]


def walk_nodes(nodes: list[dict]):
    for n in nodes:
        yield n
        yield from walk_nodes(n["children"])


def below(node: dict) -> list[dict]:
    """The indicators measuring a node and its descendants, once each."""
    found = {}
    for n in walk_nodes([node]):
        for i in n["indicators"]:
            found.setdefault(i["code"], i)
    return list(found.values())


def breakthroughs_behind(status: dict) -> list[dict]:
    """The breakthroughs whose light is red or yellow, red first, each with the indicators pulling it down."""
    out = []
    for n in walk_nodes(status["nodes"]):
        if n["kind"] == "breakthrough" and n["light"] in BEHIND_LIGHTS:
            out.append({"code": n["code"], "title_zh": n["title_zh"], "title_en": n["title_en"], "light": n["light"],
                        "share_behind": n["share_behind"], "judged": n["judged"], "pulling": _pulling(below(n))})
    return sorted(out, key=lambda b: (b["light"] != "red", -(b["share_behind"] or 0)))


def plan_indicators(status: dict) -> dict[str, dict]:
    found = {}
    for n in walk_nodes(status["nodes"]):
        for i in n["indicators"]:
            found.setdefault(i["code"], i)
    return found


def changes(now: dict, before: dict) -> dict:
    """Between two judgements of the plan: the indicators red now and not before (new reds), and
    those red or yellow before and green now (recoveries)."""
    a, b = plan_indicators(now), plan_indicators(before)
    new_red = [brief(i) | {"was": b[c]["light"] if c in b else "grey"} for c, i in sorted(a.items())
               if i["light"] == "red" and (c not in b or b[c]["light"] != "red")]
    recovered = [brief(i) | {"was": b[c]["light"]} for c, i in sorted(a.items())
                 if i["light"] == "green" and c in b and b[c]["light"] in BEHIND_LIGHTS]
    return {"since": before["at"], "new_red": new_red, "recovered": recovered}


def lagging(rows: list[dict]) -> list[dict]:
    """Subdivisions by how many of their judged targets are behind, most first (ties by code), those
    with none left out: code, names, behind, judged, and the indicators behind (largest shortfall first)."""
    by: dict[str, dict] = {}
    for r in rows:
        e = by.setdefault(r["region"], {"code": r["region"], "name_zh": r["region_zh"], "name_en": r["region_en"],
                                        "behind": 0, "judged": 0, "red": 0, "indicators": [], "synthetic": False})
        if r["light"] == "grey":
            continue
        e["judged"] += 1
        e["synthetic"] = e["synthetic"] or bool(r["synthetic"])
        if r["category"] in BEHIND:
            e["behind"] += 1
            e["red"] += r["light"] == "red"
            e["indicators"].append(brief(r))
    for e in by.values():
        e["indicators"].sort(key=lambda i: (-(i["shortfall"] or 0), i["code"]))
    return sorted((e for e in by.values() if e["behind"]), key=lambda e: (-e["behind"], -e["red"], e["code"]))


def leaderboard(ws, *, region: str, level: str, period: Period, at: date) -> dict:
    """The subdivisions ranked on the headline composite (those of its indicators the workspace
    has), with rank change since the previous period and each one's light over those indicators, as
    on the rankings page."""
    have = {i["code"] for i in ws.indicators()}
    names = [c for c in COMPOSITE if c in have]
    if not names:
        return {"indicators": [], "period": period.code, "previous_period": period.previous().code, "rows": []}
    data = ws.rank(names, level=level, within=region, period=period.code)
    keep = ("code", "name_zh", "name_en", "score", "rank", "previous_rank", "change", "synthetic")
    lights = ws.region_lights([r["code"] for r in data["rows"]], data["period"], at, indicators=names)
    return {"indicators": names, "period": data["period"], "previous_period": data["previous_period"],
            "rows": [{k: r[k] for k in keep} | {"light": lights.get(r["code"], {}).get("light", "grey")}
                     for r in data["rows"]]}


def at_a_glance(ws, status: dict, *, plan: str, period: Period, at: date, top: int = TOP) -> dict:
    """The summary of ``status`` (``Workspace.status`` of ``plan`` for a region, ``period`` and ``at``)."""
    reg = ws.region(status["region"]["code"])
    kids = ws.children(reg["code"], at)
    level = kids[0]["level"] if kids else None
    rows = regional.children_judged(ws.db.cursor(), parent_rid=reg["rid"], period=period, at=at,
                                    rules=ws.rules(plan)) if kids else []
    # the plan's indicators only, as the subdivisions' chips count them (Workspace.region_lights)
    measured = set(indicators_of_plan(ws.db.cursor(), plan))
    rows = [r for r in rows if r["code"] in measured]
    since = month_before(at)
    changed = changes(status, ws.status(plan, reg["code"], period.code, since)) if since >= period.start else None
    board = leaderboard(ws, region=reg["code"], level=level, period=period, at=at) if level in ("city", "county") else \
        {"indicators": [], "period": period.code, "previous_period": period.previous().code, "rows": []}
    behind = breakthroughs_behind(status)
    every = lagging(rows)
    lag = every[:top]
    lights = ws.region_lights([e["code"] for e in lag], period.code, at, plan) if lag else {}
    for e in lag:  # the light of its chip: the share of its judged indicators behind
        e["light"] = lights[e["code"]]["light"]
    synthetic = any(i["synthetic"] for b in behind for i in b["pulling"]) or any(e["synthetic"] for e in lag) \
        or any(r["synthetic"] for r in board["rows"])
    return {"at": at.isoformat(), "period": period.code, "region": status["region"], "level": level,
            "breakthroughs": behind, "lagging": lag, "subdivisions": len(kids),
            "subdivisions_behind": len(every),
            "changes": changed, "leaderboard": board, "synthetic": synthetic}
