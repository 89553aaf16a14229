"""Completeness and timeliness: per region and period, which expected reports have arrived, and
whether they arrived by the due date (the period's end plus the schedule's days)."""

from __future__ import annotations

from luoshi.domain.periods import parse_given
from luoshi.store.db import Database

DEFAULT_DUE_DAYS = 15


def completeness(db: Database, period: str, *, level: str = "city", rids: set[int] | None = None,
                 due_days: int = DEFAULT_DUE_DAYS) -> list[dict]:
    """One row per region of ``level``: expected, arrived, on time, late, missing (indicators whose
    frequency fits the period; the schedule table overrides which indicators and due days)."""
    p = parse_given(period)
    scope = "AND r.rid IN (SELECT unnest(?::INTEGER[]))" if rids is not None else ""
    params = [p.key, p.type, level, due_days, level] + ([sorted(rids)] if rids is not None else [])
    return db.all(f"""
        WITH per AS (SELECT key, "end" FROM periods WHERE key = ?),
        expected AS (
            SELECT i.iid, i.code, coalesce(s.due_days, ?4) AS due_days
            FROM indicators i LEFT JOIN report_schedule s ON s.indicator_code = i.code AND s.level = ?3
            WHERE i.numerator IS NULL AND i.frequency = ?2
              AND (s.indicator_code IS NOT NULL OR NOT EXISTS (SELECT 1 FROM report_schedule WHERE level = ?5))
        ),
        firsts AS (
            SELECT o.iid, o.rid, min(o.reported_at) FILTER (WHERE o.state IN ('submitted', 'approved', 'locked')) AS first_at
            FROM observations o WHERE o.pkey = ?1 GROUP BY o.iid, o.rid
        )
        SELECT r.code AS region, r.name_zh, r.name_en, count(*) AS expected,
               count(f.first_at) AS arrived,
               count(*) FILTER (WHERE f.first_at <= (SELECT "end" FROM per) + e.due_days * INTERVAL 1 DAY + INTERVAL 1 DAY) AS on_time,
               count(*) FILTER (WHERE f.first_at > (SELECT "end" FROM per) + e.due_days * INTERVAL 1 DAY + INTERVAL 1 DAY) AS late,
               count(*) - count(f.first_at) AS missing,
               round(100.0 * count(f.first_at) / count(*), 1) AS completeness_pct,
               list(e.code ORDER BY e.code) FILTER (WHERE f.first_at IS NULL) AS missing_indicators
        FROM regions r CROSS JOIN expected e
        LEFT JOIN firsts f ON f.iid = e.iid AND f.rid = r.rid
        WHERE r.level = ?3 {scope}
        GROUP BY r.code, r.name_zh, r.name_en ORDER BY r.code
    """.replace("?1", "$1").replace("?2", "$2").replace("?3", "$3").replace("?4", "$4").replace("?5", "$5")
        .replace("unnest(?::", "unnest($6::"), params)
