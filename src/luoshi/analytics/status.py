"""The plan at a glance: each node with the judgements of the indicators that measure it, and a
light rolled up from them (worst-of, and the share of judged indicators that are behind)."""

from __future__ import annotations

from datetime import date

import duckdb

from luoshi.analytics.judgement import judge as judge_all
from luoshi.analytics.rollup_rules import SRC_REGION, SRC_REPORTED
from luoshi.domain.periods import Period, piece_types
from luoshi.domain.regions import reports_sql, valid_on, valid_on_sql
from luoshi.domain.rules import BEHIND, CATEGORIES, Rules, SoFar, judge, pace_cutoff, pieces, so_far, stale

LIGHT_ORDER = {"red": 3, "yellow": 2, "green": 1, "grey": 0}
# an own value that stands for the whole period whatever its reporting periods: reported, or over regions
WHOLE = (SRC_REPORTED, SRC_REGION)


def indicator_judgements(con: duckdb.DuckDBPyConnection, *, rid: int, period: Period, at: date, rules: Rules,
                         iids: list[int] | None = None, report_level: str = "county") -> list[dict]:
    """One row per indicator for a region and period: value so far (with its completeness), target
    and judgement (if any).

    One region has a hundred targets or so: they are judged here by the reference definition
    (``domain.rules``) on the region's rolled-up values, read with a few small queries, which is
    several times faster than planning the set-based statement of ``analytics/judgement.py``.
    The two are held equal by tests/foundation/test_judgement.py."""
    inds = sorted(con.execute("""
        SELECT iid, code, name_zh, name_en, unit, decimals, direction, frequency, status, time_agg, numerator,
               denominator, coalesce(factor, 1.0) FROM indicators""").fetchall())
    iid_of = {r[1]: r[0] for r in inds}
    info = {r[0]: r for r in inds}
    targets: dict[int, dict] = {}
    for tid, iid, comp, value, high, tol, base, synth, step, tkey, tvalue in con.execute("""
            SELECT t.tid, t.iid, t.comparator, t.value, t.value_high, t.tolerance, t.baseline_value, t.synthetic,
                   t.step_indicator, tj.pkey, tj.value
            FROM targets t LEFT JOIN target_trajectory tj ON tj.tid = t.tid
            WHERE t.rid = ? AND t.pkey = ?""", [rid, period.key]).fetchall():
        t = targets.setdefault(iid, {"tid": tid, "comparator": comp, "value": value, "high": high, "tolerance": tol,
                                     "baseline": base, "synthetic": synth, "step": iid_of.get(step), "trajectory": []})
        if tkey is not None:
            t["trajectory"].append((Period.from_key(tkey).end, tvalue))
    # the reporting periods of each frequency inside the period that have ended by ``at`` and start
    # while the region is valid (a region counts from a period's start, as in the rollup)
    valid_from, valid_to = con.execute("SELECT valid_from, valid_to FROM regions WHERE rid = ?", [rid]).fetchone()
    def ended(type_: str) -> list[Period]:
        return [p for p in period.inside(type_) if p.end <= at and valid_on(valid_from, valid_to, p.start)]

    freqs = {r[7] for r in inds}
    expected = {f: len(ended(f)) for f in freqs}
    inside = {p.key: p for t in {t for f in freqs for t in piece_types(period.type, f)} for p in ended(t)}
    over = period.end < at
    series: dict[int, list] = {}  # (period, value, synthetic, whole) of the periods inside, for rules.pieces
    own: dict[int, tuple] = {}  # the period's own value, once it is over: (value, src, synthetic)
    for iid, key, value, src, synth in con.execute(f"""
            SELECT iid, pkey, value, src, synthetic FROM rollup
            WHERE rid = ? AND pkey IN ({', '.join(map(str, [*inside, period.key]))})""", [rid]).fetchall():
        if key in inside and inside[key].type in piece_types(period.type, info[iid][7]):
            series.setdefault(iid, []).append((inside[key], value, synth, src in WHOLE))
        if key == period.key and over:
            own[iid] = (value, src, synth)
    reporting = region_reporting(con, rid=rid, period=period, at=at, report_level=report_level)

    def value_so_far(iid: int) -> SoFar:
        freq, time_agg = info[iid][7], info[iid][9]
        mine = own.get(iid)
        return so_far(pieces(series.get(iid, []), freq), time_agg, expected=expected[freq],
                      own=mine and (mine[0], mine[2]), own_whole=bool(mine) and mine[1] in WHOLE, end=period.end)

    def formula_so_far(iid: int, num: int, den: int, factor: float) -> SoFar:
        """A ratio's value so far: of its components' values so far (a ratio of sums), unless the
        ratio itself was reported for the period; a ratio kept by its last value is its own series."""
        mine = own.get(iid)
        if info[iid][9] == "last" or (mine and mine[0] is not None and mine[1] == SRC_REPORTED):
            return value_so_far(iid)
        n, d = value_so_far(num), value_so_far(den)
        value = n.value / d.value * factor if n.value is not None and d.value else None
        through = min((x for x in (n.through, d.through) if x is not None), default=None)
        counts = n if not n.complete or d.complete else d  # the counts of the less complete part
        return SoFar(value, through, n.synthetic or d.synthetic, counts.reported, counts.expected,
                     n.complete and d.complete)

    out = []
    for iid, code, name_zh, name_en, unit, decimals, direction, freq, status, time_agg, num, den, factor in inds:
        num, den = iid_of.get(num), iid_of.get(den)
        if iids and iid not in iids:
            continue
        sf = formula_so_far(iid, num, den, factor) if num is not None and den is not None else value_so_far(iid)
        row = dict(zip(("iid", "code", "name_zh", "name_en", "unit", "decimals", "direction", "frequency", "status"),
                       (iid, code, name_zh, name_en, unit, decimals, direction, freq, status)))
        row |= {"value": sf.value, "target": None, "attainment": None, "expected": None, "progress": None,
                "shortfall": None, "pace_value": None, "gap": None, "category": "no_data", "light": "grey",
                "met": None, "data_through": sf.through,
                "stale": stale(sf.through, at, freq, rules), "synthetic": sf.synthetic, "tid": None,
                "periods_reported": sf.reported, "periods_expected": sf.expected, "complete": sf.complete,
                **reporting.get(iid, reporting[None])}
        t = targets.get(iid)
        if t:
            target = t["value"] if t["comparator"] != "in_step" else \
                value_so_far(t["step"]).value if t["step"] is not None else None
            cutoff = pace_cutoff(freq, at, rules.pace_basis)
            interim = max(((e, v) for e, v in t["trajectory"] if e <= cutoff), default=(None, None))[1]
            j = judge(value=sf.value, target=target, comparator=t["comparator"], period=period, at=at,
                      frequency=freq, cumulative=time_agg == "sum" and num is None, direction=direction,
                      high=t["high"], tolerance=t["tolerance"], interim=interim, baseline=t["baseline"],
                      rules=rules, complete=sf.complete)
            row |= {"target": target, "attainment": j.attainment, "expected": j.expected, "progress": j.progress,
                    "shortfall": j.shortfall, "pace_value": j.pace_value, "gap": j.gap, "category": j.category, "light": j.light, "met": j.met,
                    "synthetic": sf.synthetic or t["synthetic"], "tid": t["tid"]}
        out.append(row)
    return out


def region_reporting(con: duckdb.DuckDBPyConnection, *, rid: int, period: Period, at: date,
                     report_level: str = "county") -> dict:
    """Per indicator, how many of the region's child regions that report (those valid at the
    period's start, down to ``report_level``: a county's bundled towns do not) have a value for the period, and, for a weighted mean, the children whose value has no weight
    in one of the reporting periods (they drop out of the mean there).  Key None: the defaults."""
    kids = [r[0] for r in con.execute(f"""
        SELECT l.rid FROM region_links l WHERE l.parent_rid = ? AND {valid_on_sql('l', '?')}
          AND {reports_sql('l.rid', report_level)}""", [rid, period.start, period.start]).fetchall()]
    out: dict = {None: {"n_reporting": None, "n_expected": len(kids), "missing_weight": []}}
    if not kids:
        return out
    within = ", ".join(map(str, kids))
    for iid, n in con.execute(f"""
            SELECT iid, count(*) FROM rollup WHERE pkey = ? AND rid IN ({within}) AND value IS NOT NULL
            GROUP BY iid""", [period.key]).fetchall():
        out[iid] = {"n_reporting": n, "n_expected": len(kids), "missing_weight": []}
    for iid, code, pcode in con.execute(f"""
            SELECT i.iid, g.code, p.code FROM indicators i JOIN indicators w ON w.code = i.weight_code
            JOIN rollup r ON r.iid = i.iid JOIN periods p ON p.key = r.pkey JOIN regions g ON g.rid = r.rid
            LEFT JOIN rollup rw ON rw.iid = w.iid AND rw.rid = r.rid AND rw.pkey = r.pkey
            WHERE i.region_agg = 'wmean' AND r.rid IN ({within}) AND r.value IS NOT NULL AND rw.value IS NULL
              AND p.type = i.frequency AND p.start >= ? AND p."end" <= least(?, ?)
            ORDER BY i.iid, g.code, p.key""", [period.start, period.end, at]).fetchall():
        entry = out.setdefault(iid, {"n_reporting": 0, "n_expected": len(kids), "missing_weight": []})
        entry["missing_weight"].append(f"{code} {pcode}")
    return out


def roll_light(items: list[dict], rules: Rules) -> dict:
    """Worst-of and share-behind lights over judged items (grey ones do not count)."""
    judged = [i for i in items if i["light"] != "grey"]
    if not judged:
        return {"light": "grey", "worst": "grey", "share_behind": None, "judged": 0}
    worst = max(judged, key=lambda i: LIGHT_ORDER[i["light"]])["light"]
    share = sum(1 for i in judged if i["category"] in BEHIND) / len(judged)
    by_share = "red" if share >= rules.share_red else "yellow" if share >= rules.share_yellow else "green"
    return {"light": by_share, "worst": worst, "share_behind": round(share, 4), "judged": len(judged)}


def plan_indicators(con: duckdb.DuckDBPyConnection, plan_id: str) -> list[str]:
    """The codes of the indicators that measure a plan: linked to its nodes, or (a child plan) to the
    parent plan's nodes that its nodes align to, as ``plan_status`` links them."""
    return [r[0] for r in con.execute("""
        SELECT DISTINCT x.indicator_code FROM indicator_nodes x WHERE x.plan_id = ?
        UNION SELECT x.indicator_code FROM indicator_nodes x JOIN plans p ON p.parent_plan = x.plan_id
        JOIN plan_nodes n ON n.plan_id = p.id AND n.aligns_to = x.node_code WHERE p.id = ?
        ORDER BY 1""", [plan_id, plan_id]).fetchall()]


def region_lights(con: duckdb.DuckDBPyConnection, *, rids: list[int], period: Period, at: date, rules: Rules,
                  indicators: list[str] | None = None) -> dict[int, dict]:
    """Each region's light over its judged targets for ``period`` (those of ``indicators`` only, if
    given): the light of ``roll_light`` (share behind) with the worst and the counts by category, as
    the root of ``plan_status`` rolls them.  Set-based: one judgement of all the regions' targets."""
    out = {rid: roll_light([], rules) | {"counts": _counts([])} for rid in rids}
    if not rids or indicators == []:
        return out
    where = f" AND t.rid IN ({', '.join(map(str, map(int, rids)))}) AND t.pkey = ?"
    params: list = [period.key]
    if indicators is not None:
        where += f" AND t.iid IN (SELECT iid FROM indicators WHERE code IN ({', '.join('?' * len(indicators))}))"
        params += list(indicators)
    table = judge_all(con, at, rules, where=where, params=params, table="_jlights")
    items: dict[int, list[dict]] = {}
    for rid, light, category in con.execute(f"SELECT rid, light, category FROM {table}").fetchall():
        items.setdefault(rid, []).append({"light": light, "category": category})
    for rid, judged in items.items():
        out[rid] = roll_light(judged, rules) | {"counts": _counts(judged)}
    return out


def plan_status(con: duckdb.DuckDBPyConnection, *, plan_id: str, rid: int, period: Period, at: date,
                rules: Rules, report_level: str = "county") -> dict:
    nodes = con.execute("SELECT code, parent_code, kind, title_zh, title_en, status, source, note, aligns_to, "
                        "note_zh FROM plan_nodes WHERE plan_id = ? ORDER BY seq", [plan_id]).fetchall()
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
    judgements = {r["code"]: r for r in indicator_judgements(con, rid=rid, period=period, at=at, rules=rules,
                                                              report_level=report_level)}
    tree = {n[0]: {"code": n[0], "parent": n[1], "kind": n[2], "title_zh": n[3], "title_en": n[4], "status": n[5],
                   "source": n[6], "note": n[7], "note_zh": n[9], "aligns_to": n[8],
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
    out = {c: 0 for c in CATEGORIES}
    for i in items:
        out[i["category"]] += 1
    return out
