"""Ranking of sibling regions on an indicator or a weighted composite (比学赶超), with rank change."""

from __future__ import annotations

from datetime import date

import duckdb

from luoshi.domain.periods import Period
from luoshi.domain.regions import valid_on_sql

# The composite of the rankings page (when no indicator list is given) and of the overview's
# leaderboard: the headline growth indicators of the work reports, equally weighted.
COMPOSITE = ("gdp_growth", "industry_va_growth", "fai_growth", "retail_growth", "trade_growth",
             "budget_revenue_growth", "income_growth")


def siblings(con: duckdb.DuckDBPyConnection, *, parent_rid: int, level: str, days: list[date]) -> dict:
    """For each day, the regions of ``level`` under ``parent_rid`` as linked on that day:
    {day: [(rid, code, name_zh, name_en, synthetic), ...]}.  The links of the regions no deeper
    than the level are read in one query and walked down from the parent here."""
    days_sql = ", ".join(f"(DATE '{d.isoformat()}')" for d in days)
    children: dict[tuple, list] = {}
    for day, parent, *region in con.execute(f"""
            SELECT x.day, l.parent_rid, r.rid, r.code, r.name_zh, r.name_en, r.synthetic, r.level
            FROM (VALUES {days_sql}) x(day)
            JOIN region_links l ON {valid_on_sql('l', 'x.day')}
            JOIN regions r ON r.rid = l.rid
            WHERE r.depth <= (SELECT depth FROM regions WHERE level = ? LIMIT 1)""", [level]).fetchall():
        children.setdefault((day, parent), []).append(region)
    out: dict = {}
    for day in days:
        found, todo, seen = [], [parent_rid], set()
        while todo:
            for rid, code, name_zh, name_en, synthetic, lvl in children.get((day, todo.pop()), ()):
                if rid not in seen:
                    seen.add(rid)
                    todo.append(rid)
                    if lvl == level:
                        found.append((rid, code, name_zh, name_en, synthetic))
        out[day] = found
    return out


def rank(con: duckdb.DuckDBPyConnection, *, indicators: list[tuple[int, float]], parent_rid: int, level: str,
         period: Period) -> list[dict]:
    """Regions of ``level`` under ``parent_rid`` (as linked at the period's start), ranked.

    One indicator: by value in its better direction.  Several: by a composite score, the weighted
    mean of each indicator's min-max score (0-100, 100 = best among the siblings).
    Rank change = previous period's rank - this rank (positive: moved up).
    """
    periods = [period, period.previous()]
    regions = siblings(con, parent_rid=parent_rid, level=level, days=[p.start for p in periods])
    iids = [int(i) for i, _ in indicators]
    directions = dict(con.execute(f"SELECT iid, direction FROM indicators WHERE iid IN ({','.join(map(str, iids))})")
                      .fetchall())
    rids = {r[0] for rs in regions.values() for r in rs}
    values: dict[tuple, tuple] = {}  # (pkey, iid, rid) -> (value, synthetic)
    if rids:
        for pkey, iid, rid, value, synthetic in con.execute(f"""
                SELECT pkey, iid, rid, value, synthetic FROM rollup
                WHERE pkey IN ({periods[0].key}, {periods[1].key}) AND iid IN ({','.join(map(str, iids))})
                  AND rid IN ({','.join(map(str, sorted(rids)))})""").fetchall():
            values[(pkey, iid, rid)] = (value, synthetic)
    first = min(iids)  # the value shown beside a composite score
    out = {}
    for p in periods:
        sibs = regions[p.start]
        scores: dict[int, list[tuple[float, float]]] = {r[0]: [] for r in sibs}
        for iid, weight in indicators:
            got = {r[0]: values[(p.key, iid, r[0])][0] for r in sibs if (p.key, iid, r[0]) in values}
            present = [v for v in got.values() if v is not None]
            if not present:
                continue
            lo, hi = min(present), max(present)
            for rid, v in got.items():
                if v is None:
                    continue
                score = 100.0 if hi == lo else \
                    ((hi - v) if directions[iid] == "lower" else (v - lo)) / (hi - lo) * 100
                scores[rid].append((score, float(weight)))
        rows = []
        for rid, code, name_zh, name_en, synthetic in sibs:
            weight = sum(w for _, w in scores[rid])
            composite = sum(x * w for x, w in scores[rid]) / weight if weight else None
            value = values.get((p.key, first, rid), (None, False))[0]
            synthetic = bool(synthetic) or any(values.get((p.key, i, rid), (None, False))[1] for i in iids)
            rows.append((rid, code, name_zh, name_en, composite, value, synthetic))
        single = len(indicators) == 1
        descending = not single or directions[iids[0]] != "lower"  # scores, and "higher" values: best first

        def metric(r):
            return r[5] if single else r[4]

        def key(r):
            return metric(r) is None, -(metric(r) or 0) if descending else (metric(r) or 0), r[1]

        table, rank_no, last = [], 0, object()
        for i, r in enumerate(sorted(rows, key=key), start=1):
            m = metric(r)
            if m is None:
                this_rank = None
            elif m != last:
                rank_no, last = i, m
                this_rank = rank_no
            else:
                this_rank = rank_no
            table.append({"rid": r[0], "code": r[1], "name_zh": r[2], "name_en": r[3],
                          "value": r[5], "score": r[4], "rank": this_rank, "synthetic": r[6]})
        out[p.key] = table
    prev = {r["code"]: r["rank"] for r in out[periods[1].key]}
    result = out[period.key]
    for r in result:
        before = prev.get(r["code"])
        r["previous_rank"] = before
        r["change"] = (before - r["rank"]) if before is not None and r["rank"] is not None else None
    return result


def periods_with_data(con: duckdb.DuckDBPyConnection, *, iids: list[int], parent_rid: int, level: str,
                      period: Period, limit: int = 3) -> list[str]:
    """The latest periods in which some region of ``level`` under ``parent_rid`` has a value of one of
    the indicators: what to pick instead when a ranking is empty.  Periods of the asked type first."""
    sibs = siblings(con, parent_rid=parent_rid, level=level, days=[period.start])[period.start]
    if not sibs or not iids:
        return []
    return [code for code, in con.execute(f"""
        SELECT p.code FROM rollup r JOIN periods p ON p.key = r.pkey
        WHERE r.iid IN ({','.join(str(int(i)) for i in iids)}) AND r.value IS NOT NULL
          AND r.rid IN ({','.join(str(int(s[0])) for s in sibs)})
        GROUP BY p.code, p.type, p."end"
        ORDER BY p.type = ? DESC, p."end" DESC LIMIT {int(limit)}""", [period.type]).fetchall()]
