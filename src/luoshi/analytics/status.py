"""The plan at a glance: each node with the judgements of the indicators that measure it, and a
light rolled up from them (worst-of, and the share of judged indicators that are behind)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from luoshi.domain.periods import TYPE_DIGIT, Period, containing
from luoshi.domain.regions import valid_on_sql
from luoshi.domain.rules import Rules, judge, pace_cutoff, so_far, stale

LIGHT_ORDER = {"red": 3, "yellow": 2, "green": 1, "grey": 0}
BEHIND = ("behind", "overdue")


def indicator_judgements(con: duckdb.DuckDBPyConnection, *, rid: int, period: Period, at: date, rules: Rules,
                         iids: list[int] | None = None) -> list[dict]:
    """One row per indicator for a region and period: value so far, target and judgement (if any).

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
    # every rolled-up value of the region in the period that has ended by ``at``
    series: dict[tuple[int, int], list] = {}
    own: dict[int, tuple] = {}  # the period's own value (for a period that is over)
    ends = _ended_inside(period, {r[7] for r in inds}, at)
    for iid, key, ptype, value, n_rep, synth in con.execute(f"""
            SELECT iid, pkey, ptype, value, n_reporting, synthetic FROM rollup
            WHERE rid = ? AND pkey IN ({', '.join(map(str, ends)) or 'NULL'})""", [rid]).fetchall():
        series.setdefault((iid, ptype), []).append((key, ends[key], value, synth, n_rep))
        if key == period.key:
            own[iid] = (value, synth)
    n_expected = con.execute(f"""
        SELECT count(*) FROM region_links l
        WHERE l.parent_rid = ? AND {valid_on_sql('l', '?')}""",
                             [rid, period.start, period.start]).fetchone()[0]

    def value_so_far(iid: int) -> tuple[date | None, float | None, bool]:  # (data through, value, synthetic)
        if period.end < at and own.get(iid, (None,))[0] is not None:  # over: its own value
            return period.end, own[iid][0], own[iid][1]
        rows = [r[:4] for r in series.get((iid, TYPE_DIGIT[info[iid][7]]), ()) if r[2] is not None]
        value, through, synthetic = so_far(rows, info[iid][9])
        return through, value, synthetic

    out = []
    for iid, code, name_zh, name_en, unit, decimals, direction, freq, status, time_agg, num, den, factor in inds:
        num, den = iid_of.get(num), iid_of.get(den)
        if iids and iid not in iids:
            continue
        row = dict(zip(("iid", "code", "name_zh", "name_en", "unit", "decimals", "direction", "frequency", "status"),
                       (iid, code, name_zh, name_en, unit, decimals, direction, freq, status)))
        mine = series.get((iid, TYPE_DIGIT[freq]), [])
        latest = max(mine, key=lambda r: r[1]) if mine else (None, None, None, None, None)
        row |= {"value": latest[2], "target": None, "attainment": None, "expected": None, "progress": None,
                "shortfall": None, "category": "no_data", "light": "grey", "met": None, "data_through": latest[1],
                "stale": False, "synthetic": bool(latest[3]), "tid": None, "n_reporting": latest[4],
                "n_expected": n_expected}
        t = targets.get(iid)
        if t:
            if num is not None:  # a formula: the ratio of its parts so far
                (dn, vn, sn), (dd, vd, sd) = value_so_far(num), value_so_far(den)
                value = vn / vd * factor if vn is not None and vd else None
                through = min((d for d in (dn, dd) if d is not None), default=None)
                synthetic = sn or sd
            else:
                through, value, synthetic = value_so_far(iid)
            target = t["value"] if t["comparator"] != "in_step" else \
                value_so_far(t["step"])[1] if t["step"] is not None else None
            cutoff = pace_cutoff(freq, at, rules.pace_basis)
            interim = max(((e, v) for e, v in t["trajectory"] if e <= cutoff), default=(None, None))[1]
            j = judge(value=value, target=target, comparator=t["comparator"], period=period, at=at, frequency=freq,
                      cumulative=time_agg == "sum" and num is None, direction=direction, high=t["high"],
                      tolerance=t["tolerance"], interim=interim, baseline=t["baseline"], rules=rules)
            row |= {"value": row["value"] if value is None else value, "target": target,
                    "attainment": j.attainment, "expected": j.expected, "progress": j.progress,
                    "shortfall": j.shortfall, "category": j.category, "light": j.light, "met": j.met,
                    "data_through": row["data_through"] if through is None else through,
                    "stale": stale(through, at, freq, rules),
                    "synthetic": synthetic or t["synthetic"], "tid": t["tid"]}
        out.append(row)
    return out


def _ended_inside(period: Period, types: set[str], at: date) -> dict[int, date]:
    """Key -> last day of the periods of ``types`` inside ``period`` that have ended by ``at``
    (the period itself included once it has ended)."""
    out = {}
    for t in types:
        day = period.start
        while day <= period.end:
            p = containing(day, t)
            if p.start >= period.start and p.end <= min(period.end, at):
                out[p.key] = p.end
            day = p.end + timedelta(days=1)
    if period.end <= at:
        out[period.key] = period.end
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
