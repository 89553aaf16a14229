"""The plan at a glance: each node with the judgements of the indicators that measure it, and a
light rolled up from them (worst-of, and the share of judged indicators that are behind)."""

from __future__ import annotations

from datetime import date

import duckdb

from luoshi.analytics.judgement import judge
from luoshi.domain.periods import Period
from luoshi.domain.rules import Rules

LIGHT_ORDER = {"red": 3, "yellow": 2, "green": 1, "grey": 0}
BEHIND = ("behind", "overdue")


def indicator_judgements(con: duckdb.DuckDBPyConnection, *, rid: int, period: Period, at: date, rules: Rules,
                         iids: list[int] | None = None) -> list[dict]:
    """One row per indicator for a region and period: value so far, target and judgement (if any)."""
    where = " AND t.rid = ? AND t.pkey = ?"
    params: list = [rid, period.key]
    # every period inside ``period`` has a key in this range (keys are year * 10000 + ...)
    keys = f"r.pkey BETWEEN {period.start.year * 10000} AND {period.end.year * 10000 + 9999}"
    judge(con, at, rules, where=where, params=params, table="_jr", rollup_filter=f"r.rid = {int(rid)} AND {keys}")
    iid_filter = f"WHERE i.iid IN ({','.join(str(int(i)) for i in iids)})" if iids else ""
    rows = con.execute(f"""
        WITH latest AS (  -- for indicators without a target: the latest value inside the period
            SELECT r.iid, arg_max(r.value, p."end") AS value, max(p."end") AS data_through,
                   arg_max(r.synthetic, p."end") AS synthetic
            FROM rollup r JOIN periods p ON p.key = r.pkey JOIN indicators fi ON fi.iid = r.iid
            WHERE r.rid = ? AND p.start >= ? AND p."end" <= least(?, ?) AND {keys}
              AND r.ptype = CASE fi.frequency
                  WHEN 'Y' THEN 0 WHEN 'S' THEN 1 WHEN 'Q' THEN 2 WHEN 'M' THEN 3 WHEN 'W' THEN 4 ELSE 5 END
            GROUP BY r.iid
        ),
        kids AS (
            SELECT count(*) AS n FROM region_links l
            WHERE l.parent_rid = ? AND l.valid_from <= ? AND (l.valid_to IS NULL OR ? < l.valid_to)
        ),
        comp AS (
            SELECT r.iid, arg_max(r.n_reporting, p."end") AS n_reporting FROM rollup r JOIN periods p ON p.key = r.pkey
            WHERE r.rid = ? AND p.start >= ? AND p."end" <= least(?, ?) AND {keys} GROUP BY r.iid
        )
        SELECT i.iid, i.code, i.name_zh, i.name_en, i.unit, i.decimals, i.direction, i.frequency, i.status,
               coalesce(j.value, l.value) AS value, j.target, j.attainment, j.expected, j.progress, j.shortfall,
               coalesce(j.category, 'no_data') AS category, coalesce(j.light, 'grey') AS light, j.met,
               coalesce(j.data_through, l.data_through) AS data_through, coalesce(j.stale, false) AS stale,
               coalesce(j.synthetic, l.synthetic, false) AS synthetic, j.tid, c.n_reporting,
               (SELECT n FROM kids) AS n_expected
        FROM indicators i
        LEFT JOIN _jr j ON j.iid = i.iid
        LEFT JOIN latest l ON l.iid = i.iid
        LEFT JOIN comp c ON c.iid = i.iid
        {iid_filter}
        ORDER BY i.iid
    """, [rid, period.start, period.end, at, rid, period.start, period.start, rid, period.start, period.end,
          at]).fetchall()
    names = ["iid", "code", "name_zh", "name_en", "unit", "decimals", "direction", "frequency", "status", "value",
             "target", "attainment", "expected", "progress", "shortfall", "category", "light", "met",
             "data_through", "stale", "synthetic", "tid", "n_reporting", "n_expected"]
    return [dict(zip(names, r)) for r in rows]


def roll_light(items: list[dict], rules: Rules) -> dict:
    """Worst-of and share-behind lights over judged items (grey ones do not count)."""
    judged = [i for i in items if i["light"] != "grey"]
    if not judged:
        return {"light": "grey", "worst": "grey", "share_behind": None, "judged": 0}
    worst = max(judged, key=lambda i: LIGHT_ORDER[i["light"]])["light"]
    share = sum(1 for i in judged if i["category"] in BEHIND) / len(judged)
    by_share = "red" if share >= rules.share_red else "yellow" if share >= rules.share_yellow else "green"
    return {"light": by_share, "worst": worst, "share_behind": round(share, 4), "judged": len(judged)}


def plan_status(con: duckdb.DuckDBPyConnection, *, plan_id: str, rid: int, period: Period, at: date,
                rules: Rules) -> dict:
    nodes = con.execute("SELECT code, parent_code, kind, title_zh, title_en, status, source, note, aligns_to "
                        "FROM plan_nodes WHERE plan_id = ? ORDER BY seq", [plan_id]).fetchall()
    links = {}
    for icode, node in con.execute("SELECT indicator_code, node_code FROM indicator_nodes WHERE plan_id = ?",
                                   [plan_id]).fetchall():
        links.setdefault(node, []).append(icode)
    # A child plan measures its nodes with the indicators of the parent nodes they align to.
    parent_plan = con.execute("SELECT parent_plan FROM plans WHERE id = ?", [plan_id]).fetchone()[0]
    if parent_plan:
        for icode, node in con.execute("SELECT indicator_code, node_code FROM indicator_nodes WHERE plan_id = ?",
                                       [parent_plan]).fetchall():
            for n in nodes:
                if n[8] == node:
                    links.setdefault(n[0], []).append(icode)
    judgements = {r["code"]: r for r in indicator_judgements(con, rid=rid, period=period, at=at, rules=rules)}
    tree = {n[0]: {"code": n[0], "parent": n[1], "kind": n[2], "title_zh": n[3], "title_en": n[4], "status": n[5],
                   "source": n[6], "note": n[7], "aligns_to": n[8],
                   "indicators": [judgements[c] for c in sorted(set(links.get(n[0], []))) if c in judgements],
                   "children": []} for n in nodes}
    roots = []
    for n in nodes:
        (tree[n[1]]["children"] if n[1] in tree else roots).append(tree[n[0]])

    def finish(node):
        below = list(node["indicators"])
        for child in node["children"]:
            below.extend(finish(child))
        unique = list({i["code"]: i for i in below}.values())
        node |= roll_light(unique, rules)
        node["counts"] = _counts(unique)
        return unique

    everything = []
    for r in roots:
        everything.extend(finish(r))
    return {"plan": plan_id, "period": period.code, "at": at.isoformat(), "rules": rules.to_dict(),
            "nodes": roots, "counts": _counts(list({i["code"]: i for i in everything}.values()))}


def _counts(items: list[dict]) -> dict:
    out = {c: 0 for c in ("ahead", "on_pace", "behind", "done", "overdue", "no_data")}
    for i in items:
        out[i["category"]] += 1
    return out
