"""Completeness and timeliness: per region and period, which expected reports have arrived, been
approved, and arrived by the due date (the period's end plus the due days: the schedule's for the
indicator and level, else the ``report_due_days`` setting)."""

from __future__ import annotations

from datetime import date

from luoshi.domain.periods import parse_given
from luoshi.domain.regions import DEPTH, reports_sql, valid_on_sql
from luoshi.store.db import Database


def expected_sql(ptype: str, level: str, due_days: str) -> str:
    """Relation (iid, code, due_days) of the indicators a region of ``level`` reports for a period of
    type ``ptype`` (SQL expressions): entered ones (not formulas) of that frequency, or, where the
    schedule names indicators for the level, only those."""
    return f"""
        SELECT i.iid, i.code, coalesce(s.due_days, {due_days}) AS due_days
        FROM indicators i LEFT JOIN report_schedule s ON s.indicator_code = i.code AND s.level = {level}
        WHERE i.numerator IS NULL AND i.frequency = {ptype}
          AND (s.indicator_code IS NOT NULL OR NOT EXISTS (SELECT 1 FROM report_schedule WHERE level = {level}))"""


def completeness(db: Database, period: str, *, level: str = "city", rids: set[int] | None = None,
                 due_days: int = 15, today: date | None = None, report_level: str = "county") -> list[dict]:
    """One row per region of ``level``: expected, arrived, approved, on time, late, missing and
    overdue (missing after the due date) values, their shares of the expected in %, and the due date.

    The values expected of a region are those of the regions that report in its subtree: the regions
    down to ``report_level`` (the setting) without a child down to it on the period's first day (a
    county; a city without counties, such as Dongguan, reports itself; towns and villages only when
    ``report_level`` reaches them), each with the indicators of its own level; ``reporters`` and
    ``missing_regions`` name them, and ``reports_itself`` says whether the row's region is one."""
    p = parse_given(period)
    scope = "AND r.rid IN (SELECT unnest($6::INTEGER[]))" if rids is not None else ""
    params = [p.key, p.type, level, int(due_days), today or date.today()] + ([sorted(rids)] if rids is not None else [])
    due = """(SELECT "end" FROM per) + e.due_days * INTERVAL 1 DAY"""
    depth = DEPTH[report_level]
    child_on = f"{valid_on_sql('l', '(SELECT start FROM per)')} AND {reports_sql('l.rid', report_level)}"
    rows = db.all(f"""
        WITH RECURSIVE per AS (SELECT key, start, "end" FROM periods WHERE key = $1),
        tree(top, rid) AS (
            SELECT r.rid, r.rid FROM regions r WHERE r.level = $3 {scope}
            UNION ALL
            SELECT t.top, l.rid FROM tree t JOIN region_links l ON l.parent_rid = t.rid AND {child_on}
        ),
        reporters AS (
            SELECT t.top, t.rid, g.code, g.level FROM tree t JOIN regions g ON g.rid = t.rid
            WHERE g.depth <= {depth} AND NOT EXISTS (SELECT 1 FROM region_links l WHERE l.parent_rid = t.rid AND {child_on})
        ),
        firsts AS (
            SELECT o.iid, o.rid, min(o.reported_at) FILTER (WHERE o.state IN ('submitted', 'approved', 'locked')) AS first_at
            FROM observations o WHERE o.pkey = $1 GROUP BY o.iid, o.rid
        )
        SELECT r.code AS region, r.name_zh, r.name_en, count(*) AS expected,
               count(f.first_at) AS arrived,
               count(*) FILTER (WHERE c.latest_state IN ('approved', 'locked')) AS approved,
               -- due by the end of the due day
               count(*) FILTER (WHERE f.first_at < {due} + INTERVAL 1 DAY) AS on_time,
               count(*) FILTER (WHERE f.first_at >= {due} + INTERVAL 1 DAY) AS late,
               count(*) - count(f.first_at) AS missing,
               count(*) FILTER (WHERE f.first_at IS NULL AND $5::DATE > {due}) AS overdue,
               CAST(max({due}) AS DATE) AS due,
               round(100.0 * count(f.first_at) / count(*), 1) AS completeness_pct,
               round(100.0 * count(*) FILTER (WHERE c.latest_state IN ('approved', 'locked')) / count(*), 1)
                   AS approved_pct,
               round(100.0 * count(*) FILTER (WHERE f.first_at < {due} + INTERVAL 1 DAY) / count(*), 1) AS on_time_pct,
               list(DISTINCT e.code ORDER BY e.code) FILTER (WHERE f.first_at IS NULL) AS missing_indicators,
               list(DISTINCT lf.code ORDER BY lf.code) AS reporters,
               list(DISTINCT lf.code ORDER BY lf.code) FILTER (WHERE f.first_at IS NULL) AS missing_regions,
               bool_or(lf.rid = r.rid) AS reports_itself
        FROM regions r JOIN reporters lf ON lf.top = r.rid
        CROSS JOIN LATERAL ({expected_sql("$2", "lf.level", "$4")}) e
        LEFT JOIN firsts f ON f.iid = e.iid AND f.rid = lf.rid
        LEFT JOIN obs_current c ON c.iid = e.iid AND c.rid = lf.rid AND c.pkey = $1
        GROUP BY r.code, r.name_zh, r.name_en ORDER BY r.code
    """, params)
    for r in rows:
        r["missing_indicators"] = r["missing_indicators"] or []
        r["missing_regions"] = r["missing_regions"] or []
    return rows
