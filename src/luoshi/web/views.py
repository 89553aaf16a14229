"""What each page shows, as plain data: built from the workspace, returned as JSON by the API and
rendered by the templates.  Bad query values and unknown names raise a ``Refusal`` (400, 404)."""

from __future__ import annotations

from datetime import date

from luoshi.analytics import shortfall
from luoshi.analytics.ranking import COMPOSITE
from luoshi.domain.periods import Period, containing, parse_day
from luoshi.domain.problems import Refusal
from luoshi.domain.rules import BEHIND, LIGHTS, STALE_AFTER_DAYS
from luoshi.services import summary
from luoshi.services.chart import chart, cumulative
from luoshi.store import values
from luoshi.web.tilemap import TILES
from luoshi.workspace import Workspace

LEVELS = ("city", "county")


def parse_at(ws: Workspace, text: str | None) -> date:
    return parse_day(text) or ws.today


def parse_period(ws: Workspace, text: str | None, at: date) -> Period:
    if not text:
        return containing(at, "Y")
    return ws.known_period(text)


def _any_synthetic(rows) -> bool:
    return any(bool(r.get("synthetic")) for r in rows)


def _region_brief(r: dict) -> dict:
    return {k: r.get(k) for k in ("code", "name_zh", "name_en", "level", "synthetic")}


def _light_of(rolled: dict | None) -> dict:
    """A region's rolled-up light for a chip: the light, the share behind and how many were judged."""
    rolled = rolled or {}
    return {"light": rolled.get("light", "grey"), "share_behind": rolled.get("share_behind"),
            "judged": rolled.get("judged", 0), "behind": sum((rolled.get("counts") or {}).get(k, 0) for k in BEHIND)}


def plans(ws: Workspace) -> dict:
    return {"plans": [{k: p[k] for k in ("id", "owner_region", "name_zh", "name_en", "parent_plan", "adopted",
                                         "status", "source")} for p in ws.plans()]}


def settings(ws: Workspace) -> dict:
    return {"settings": ws.settings()}


def _plan(ws: Workspace, plan: str | None) -> str | None:
    """The plan whose thresholds judge a region's or an indicator's page: the one asked for (unknown: a
    404), else the default plan; None in a workspace without plans (the built-in thresholds)."""
    plan = plan or ws.default_plan
    return ws.plan(plan)["id"] if plan else None


def overview(ws: Workspace, *, plan: str | None = None, region: str | None = None, period: str | None = None,
             at: str | None = None) -> dict:
    day = parse_at(ws, at)
    plan_row = ws.plan(plan)
    p = parse_period(ws, period, day)
    data = ws.status(plan_row["id"], region, p.code, day)
    flat = []

    def walk(nodes, depth):
        for n in nodes:
            flat.append((n, depth))
            walk(n["children"], depth + 1)

    walk(data["nodes"], 0)
    data["plan_info"] = {k: plan_row[k] for k in ("id", "owner_region", "name_zh", "name_en", "parent_plan",
                                                  "adopted", "status", "source")}
    data["plans"] = plans(ws)["plans"]
    data["summary"] = summary.at_a_glance(ws, data, plan=plan_row["id"], period=p, at=day)
    data["synthetic"] = any(_any_synthetic(n["indicators"]) for n, _ in flat) or data["summary"]["synthetic"]
    return data


def overview_table(data: dict) -> list[dict]:
    rows = []

    def walk(nodes, depth):
        for n in nodes:
            rows.append({"code": n["code"], "parent": n["parent"], "depth": depth, "kind": n["kind"],
                         "title_zh": n["title_zh"], "title_en": n["title_en"], "verification": n["status"],
                         "light": n["light"], "share_behind": n["share_behind"], **n["counts"],
                         "indicators": " ".join(i["code"] for i in n["indicators"]), "source": n["source"]})
            walk(n["children"], depth + 1)

    walk(data["nodes"], 0)
    return rows


def region(ws: Workspace, code: str, *, period: str | None = None, at: str | None = None,
           plan: str | None = None) -> dict:
    day = parse_at(ws, at)
    reg = ws.region(code)
    p = parse_period(ws, period, day)
    plan = _plan(ws, plan)
    rows = ws.region_indicators(code, p.code, day, plan)
    spark_start = date(day.year - 2, 1, 1)
    spark = ws.sparklines(code, spark_start, day)
    for r in rows:
        points = spark.get(r["code"], [])
        r["sparkline"] = [{"period": s["period"], "value": s["value"]} for s in points]
        # a row built on synthetic values is synthetic even when its target is not
        r["synthetic"] = bool(r["synthetic"]) or any(s["synthetic"] for s in points if s["period"] >= p.code[:4])
        r.pop("iid", None)
    children = [_region_brief(c) for c in ws.children(code, day)]
    path = [_region_brief(r) for r in ws.region_path(code, day)]
    # every chip carries its region's light on the plan (the overview's root light for that region)
    lights = ws.region_lights([r["code"] for r in children + path], p.code, day, plan)
    for r in children + path:
        r |= _light_of(lights.get(r["code"]))
    # the merges and splits it took part in: for a retired region, what it became
    changes = [{"date": e["event_date"].isoformat(), "kind": e["kind"], "from": e["from_codes"], "to": e["to_codes"]}
               for e in ws.region_events(code)]
    return {"region": _region_brief(reg) | {"valid_from": reg["valid_from"].isoformat(),
                                            "valid_to": reg["valid_to"] and reg["valid_to"].isoformat()},
            "path": path, "changes": changes,
            "children": children, "period": p.code, "at": day.isoformat(), "plan": plan, "indicators": rows,
            "synthetic": bool(reg["synthetic"]) or _any_synthetic(rows)}


def indicator_list(ws: Workspace) -> dict:
    keep = ("code", "name_zh", "name_en", "unit", "decimals", "frequency", "direction", "region_agg", "time_agg",
            "numerator", "denominator", "status", "source", "synthetic")
    synthetic = values.synthetic_indicators(ws.db)
    # each indicator's light in the province this year, as of today (the indicator page's first view)
    province, day = ws.province()["code"], ws.today
    judged = {j["code"]: j for j in ws.region_indicators(province, containing(day, "Y").code, day)}
    rows = [{k: r[k] for k in keep} | {"has_synthetic_data": r["code"] in synthetic}
            | {k: judged.get(r["code"], {}).get(k) for k in ("light", "category")} for r in ws.indicators()]
    return {"indicators": rows, "synthetic": bool(synthetic), "region": _region_brief(ws.province()),
            "period": containing(day, "Y").code, "at": day.isoformat()}


def indicator(ws: Workspace, code: str, *, region: str | None = None, period: str | None = None,
              at: str | None = None, plan: str | None = None) -> dict:
    day = parse_at(ws, at)
    ind = ws.indicator(code)
    province = ws.province()["code"]
    reg = ws.region(region or province)
    p = parse_period(ws, period, day)
    plan = _plan(ws, plan)
    table = ws.region_table(code, reg["code"], p.code, day, plan)
    cities = table if reg["code"] == province else ws.region_table(code, province, p.code, day, plan)
    by_code = {c["code"]: c for c in cities}
    tiles = []
    for t in TILES:
        c = by_code.get(t["code"], {})
        tiles.append(t | {"name_zh": c.get("name_zh"), "name_en": c.get("name_en"), "value": c.get("value"),
                          "attainment": c.get("attainment"), "light": c.get("light", "grey"),
                          "category": c.get("category", "no_data"), "synthetic": bool(c.get("synthetic"))})
    info = {k: ind[k] for k in ("code", "name_zh", "name_en", "unit", "decimals", "frequency", "direction",
                                "region_agg", "time_agg", "numerator", "denominator", "status", "source",
                                "source_zh", "description", "description_en")}
    info |= _method(ws, ind)
    ch = chart(ws, ind, reg["code"], day)
    # the judgement of the region and of each region above it on this indicator (the breadcrumb chips)
    path = []
    for r in ws.region_path(reg["code"], day):
        [j] = ws.region_indicators(r["code"], p.code, day, plan, indicators=[code])
        path.append(_region_brief(r) | {k: j[k] for k in ("light", "category", "value", "target", "attainment",
                                                          "expected", "shortfall", "pace_value", "gap")})
    own = path[-1] if path else None
    return {"indicator": info, "region": _region_brief(reg), "path": path, "judgement": own,
            "why": shortfall.decompose(ind, own, table), "trend": shortfall.trend(ch["points"], ind["direction"]),
            "period": p.code, "at": day.isoformat(), "chart": ch, "children": table, "map": tiles,
            "synthetic": ch["synthetic"] or _any_synthetic(table) or _any_synthetic(tiles)}


def _method(ws: Workspace, ind: dict) -> dict:
    """How the indicator is measured, for its page: the names of a formula's parts and a weighted
    mean's weight, whether its targets are judged against the pace (a flow summed over the period)
    or as a level, and whether its shortfall splits over regions."""
    def name(code):
        return {k: ws.indicator(code)[k] for k in ("code", "name_zh", "name_en")} if code else None

    return {"numerator_info": name(ind["numerator"]), "denominator_info": name(ind["denominator"]),
            "weight_info": name(ind.get("weight_code")), "factor": ind.get("factor"),
            "cumulative": cumulative(ind), "additive": shortfall.additive(ind)}


def series(ws: Workspace, code: str, *, region: str | None = None, at: str | None = None) -> dict:
    day = parse_at(ws, at)
    ind = ws.indicator(code)
    province = ws.province()["code"]
    reg = ws.region(region or province)
    ch = chart(ws, ind, reg["code"], day)
    return {"indicator": ind["code"], "region": _region_brief(reg), **ch}


def rankings(ws: Workspace, *, indicator: list[str] | None = None, level: str = "city", within: str | None = None,
             period: str | None = None, weight: list[str] | None = None, at: str | None = None) -> dict:
    day = parse_at(ws, at)
    if level not in LEVELS:
        raise Refusal("bad-level", value=level, known=", ".join(LEVELS))
    names = [c for c in (indicator or []) if c] or list(COMPOSITE)
    composite = len(names) > 1
    weights = None
    if weight:
        try:
            weights = [float(w) for w in weight]
        except ValueError:
            weights = []
        if len(weights) != len(names) or any(not w >= 0 for w in weights) or not sum(weights):
            raise Refusal("bad-weight", value=", ".join(weight), n=len(names))
    province = ws.province()["code"]
    if level == "city":
        within = within or province
    elif not within or within == province:  # counties of the first city unless one is named
        cities = ws.children(province, day)
        within = cities[0]["code"] if cities else province  # a day before the cities were set up
    parent = ws.region(within)
    p = parse_period(ws, period, day)
    data = ws.rank(names, level=level, within=parent["code"], period=p.code, weights=weights)
    # each row's light: its judgement on the one indicator, or its light over the composite's indicators
    if composite:
        rolled = ws.region_lights([r["code"] for r in data["rows"]], p.code, day, indicators=names)
        lights = {c: _light_of(v) | {"category": None} for c, v in rolled.items()}
    else:
        lights = {c["code"]: {"light": c["light"], "category": c["category"]}
                  for c in ws.region_table(names[0], parent["code"], p.code, day)}
    for r in data["rows"]:
        r.pop("rid", None)
        r |= lights.get(r["code"], {"light": "grey", "category": "no_data"})
    inds = [ws.indicator(c) for c in names]
    data["indicator_info"] = [{k: i[k] for k in ("code", "name_zh", "name_en", "unit", "decimals", "direction")}
                              for i in inds]
    data["composite"] = composite
    data["within_region"] = _region_brief(parent)
    data["cities"] = [_region_brief(c) for c in ws.children(province, day)]
    data["all_indicators"] = [{k: i[k] for k in ("code", "name_zh", "name_en")} for i in ws.indicators()]
    data["at"] = day.isoformat()
    data["synthetic"] = _any_synthetic(data["rows"])
    return data


def coverage(ws: Workspace, *, plan: str | None = None) -> dict:
    data = ws.coverage(plan)
    data["plans"] = plans(ws)["plans"]
    return data


def coverage_table(data: dict) -> list[dict]:
    rows = []
    for row in data["rows"]:
        for c in row["cells"]:
            rows.append({"node": row["node"], "title_zh": row["title_zh"], "title_en": row["title_en"],
                         "region": c["region"], "plan": c["plan"], "aligned_nodes": " ".join(c["aligned_nodes"]),
                         "targets": c["targets"], "indicators_with_data": c["indicators_with_data"],
                         "indicators": c["indicators"], "gaps": " ".join(c["gaps"])})
    return rows


def outcomes(ws: Workspace) -> dict:
    rows = ws.documents.outcomes()  # the same rows as /documents/outcomes and `luoshi docs outcomes`
    years = sorted({r["year"] for r in rows}, reverse=True)
    summary = {y: {"met": sum(1 for r in rows if r["year"] == y and r["met"] is True),
                   "not_met": sum(1 for r in rows if r["year"] == y and r["met"] is False),
                   "pending": sum(1 for r in rows if r["year"] == y and r["met"] is None),
                   "not_published": sum(1 for r in rows if r["year"] == y and r["outcome_status"] == "not_published"),
                   "not_recorded": sum(1 for r in rows if r["year"] == y and r["outcome_status"] == "not_recorded")}
               for y in years}
    return {"rows": rows, "years": years, "summary": summary, "synthetic": False}


def glossary(ws: Workspace, *, plan: str | None = None) -> dict:
    """The terms of the judgement with the thresholds in force: the plan's (else the default plan's,
    else the built-in ones), read from the rules, never restated."""
    plan = _plan(ws, plan)
    rules = ws.rules(plan)
    return {"plan": plan, "plans": plans(ws)["plans"], "rules": rules.to_dict(), "lights": list(LIGHTS),
            "stale_after_days": dict(STALE_AFTER_DAYS), "synthetic": False}
