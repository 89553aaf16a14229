"""Ranking of sibling regions on an indicator or a weighted composite (比学赶超), with rank change."""

from __future__ import annotations

import duckdb

from luoshi.domain.periods import Period


def rank(con: duckdb.DuckDBPyConnection, *, indicators: list[tuple[int, float]], parent_rid: int, level: str,
         period: Period) -> list[dict]:
    """Regions of ``level`` under ``parent_rid`` (as linked at the period's start), ranked.

    One indicator: by value in its better direction.  Several: by a composite score, the weighted
    mean of each indicator's min-max score (0-100, 100 = best among the siblings).
    Rank change = previous period's rank - this rank (positive: moved up).
    """
    spec = ", ".join(f"({iid}, {float(w)})" for iid, w in indicators)
    periods = [period, period.previous()]
    out = {}
    for p in periods:
        rows = con.execute(f"""
            WITH spec(iid, weight) AS (VALUES {spec}),
            sib AS (
                SELECT DISTINCT r.rid, r.code, r.name_zh, r.name_en, r.synthetic
                FROM regions r JOIN region_links l ON l.rid = r.rid
                WHERE r.level = ? AND l.valid_from <= ? AND (l.valid_to IS NULL OR ? < l.valid_to)
                  AND l.rid IN (
                    WITH RECURSIVE d(rid) AS (  -- descendants, no deeper than the level ranked
                        SELECT l1.rid FROM region_links l1 JOIN regions g1 ON g1.rid = l1.rid
                        WHERE l1.parent_rid = ? AND l1.valid_from <= ? AND (l1.valid_to IS NULL OR ? < l1.valid_to)
                          AND g1.depth <= (SELECT depth FROM regions WHERE level = ? LIMIT 1)
                        UNION
                        SELECT l2.rid FROM region_links l2 JOIN d ON l2.parent_rid = d.rid
                        JOIN regions g2 ON g2.rid = l2.rid
                        WHERE l2.valid_from <= ? AND (l2.valid_to IS NULL OR ? < l2.valid_to)
                          AND g2.depth <= (SELECT depth FROM regions WHERE level = ? LIMIT 1))
                    SELECT rid FROM d)
            ),
            vals AS (
                SELECT s.rid, sp.iid, sp.weight, ro.value, i.direction, ro.synthetic
                FROM sib s CROSS JOIN spec sp JOIN indicators i ON i.iid = sp.iid
                LEFT JOIN rollup ro ON ro.iid = sp.iid AND ro.rid = s.rid AND ro.pkey = ?
            ),
            scored AS (
                SELECT *, CASE WHEN max(value) OVER w = min(value) OVER w THEN 100.0
                    WHEN direction = 'lower' THEN (max(value) OVER w - value) / (max(value) OVER w - min(value) OVER w) * 100
                    ELSE (value - min(value) OVER w) / (max(value) OVER w - min(value) OVER w) * 100 END AS score
                FROM vals WINDOW w AS (PARTITION BY iid)
            )
            SELECT s.rid, s.code, s.name_zh, s.name_en,
                   CASE WHEN count(sc.value) = 0 THEN NULL
                        ELSE sum(sc.score * sc.weight) FILTER (WHERE sc.value IS NOT NULL)
                             / sum(sc.weight) FILTER (WHERE sc.value IS NOT NULL) END AS score,
                   any_value(sc.value) FILTER (WHERE sc.iid = (SELECT min(iid) FROM spec)) AS value,
                   bool_or(coalesce(sc.synthetic, false)) OR any_value(s.synthetic) AS synthetic
            FROM sib s LEFT JOIN scored sc ON sc.rid = s.rid
            GROUP BY s.rid, s.code, s.name_zh, s.name_en
        """, [level, p.start, p.start, parent_rid, p.start, p.start, level, p.start, p.start, level,
              p.key]).fetchall()
        single = len(indicators) == 1
        direction = con.execute("SELECT direction FROM indicators WHERE iid = ?", [indicators[0][0]]).fetchone()[0]
        def key(r):
            if single:
                v = r[5]
                return (v is None, -(v or 0) if direction != "lower" else (v or 0), r[1])
            return (r[4] is None, -(r[4] or 0), r[1])
        ranked = sorted(rows, key=key)
        table, rank_no, last = [], 0, object()
        for i, r in enumerate(ranked, start=1):
            metric = r[5] if single else r[4]
            if metric is None:
                this_rank = None
            elif metric != last:
                rank_no, last = i, metric
                this_rank = rank_no
            else:
                this_rank = rank_no
            table.append({"rid": r[0], "code": r[1], "name_zh": r[2], "name_en": r[3],
                          "value": r[5], "score": r[4], "rank": this_rank, "synthetic": bool(r[6])})
        out[p.key] = table
    prev = {r["code"]: r["rank"] for r in out[periods[1].key]}
    result = out[period.key]
    for r in result:
        before = prev.get(r["code"])
        r["previous_rank"] = before
        r["change"] = (before - r["rank"]) if before is not None and r["rank"] is not None else None
    return result
