"""Queries for the dashboard: one indicator judged across sibling regions, recent series of every
indicator of a region (sparklines), an indicator's targets with their trajectories, and the real
work-report targets set against their outcomes."""

from __future__ import annotations

from datetime import date

import duckdb

from luoshi.analytics.judgement import judge
from luoshi.domain.periods import Period, type_digit_sql
from luoshi.domain.regions import reports_sql, valid_on_sql
from luoshi.domain.rules import Rules


def _rows(cur) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def indicator_by_region(con: duckdb.DuckDBPyConnection, *, iid: int, parent_rid: int, period: Period, at: date,
                        rules: Rules, report_level: str = "county") -> list[dict]:
    """The children of ``parent_rid`` (as linked on ``at``) judged on one indicator for ``period``:
    value so far and its completeness, target, attainment, expected pace, category, light, how many
    of each child's own children that report (down to ``report_level``) have a value for the period,
    synthetic."""
    kids = f"SELECT l.rid FROM region_links l WHERE l.parent_rid = ? AND {valid_on_sql('l', '?')}"
    judge(con, at, rules, subjects=f"SELECT ?::INTEGER AS iid, rid, ?::INTEGER AS pkey FROM ({kids})",
          params=[iid, period.key, parent_rid, at, at], table="_jreg")
    cur = con.execute(f"""
        WITH kids AS (
            SELECT r.rid, r.code, r.name_zh, r.name_en, r.level, r.synthetic AS region_synthetic
            FROM regions r JOIN region_links l ON l.rid = r.rid
            WHERE l.parent_rid = ? AND {valid_on_sql('l', '?')}
        ),
        grand AS (  -- each child's own reporting children valid at the period's start, and those with a value
            SELECT l.parent_rid AS rid, count(*) AS n, count(r.value) AS n_reporting FROM region_links l
            LEFT JOIN rollup r ON r.iid = ? AND r.rid = l.rid AND r.pkey = ?
            WHERE l.parent_rid IN (SELECT rid FROM kids) AND {valid_on_sql('l', '?')}
              AND {reports_sql('l.rid', report_level)}
            GROUP BY l.parent_rid
        )
        SELECT k.code, k.name_zh, k.name_en, k.level, j.value, j.target, j.attainment, j.expected, j.progress,
               j.shortfall, j.pace_value, j.gap, j.category, j.light, j.met, j.data_through, j.periods_reported, j.periods_expected,
               j.complete, j.stale, j.synthetic OR k.region_synthetic AS synthetic,
               CASE WHEN g.n > 0 THEN g.n_reporting END AS n_reporting, coalesce(g.n, 0) AS n_expected
        FROM kids k JOIN _jreg j ON j.rid = k.rid LEFT JOIN grand g ON g.rid = k.rid
        ORDER BY k.code
    """, [parent_rid, at, at, iid, period.key, period.start, period.start])
    return _rows(cur)


def sparklines(con: duckdb.DuckDBPyConnection, *, rid: int, start: date, end: date) -> dict[str, list[dict]]:
    """Each indicator's values for one region at its own frequency, periods inside [start, end]."""
    cur = con.execute(f"""
        SELECT i.code AS indicator, p.code AS period, r.value, r.synthetic
        FROM rollup r JOIN indicators i ON i.iid = r.iid JOIN periods p ON p.key = r.pkey
        WHERE r.rid = ? AND r.ptype = {type_digit_sql('i.frequency')} AND p.start >= ? AND p."end" <= ?
        ORDER BY i.code, r.pkey
    """, [rid, start, end])
    out: dict[str, list[dict]] = {}
    for row in _rows(cur):
        out.setdefault(row.pop("indicator"), []).append(row)
    return out


def targets_of(con: duckdb.DuckDBPyConnection, *, iid: int, rid: int) -> list[dict]:
    """Every target of one indicator in one region, oldest first, with its trajectory points."""
    targets = _rows(con.execute("""
        SELECT t.tid, p.code AS period, p.start, p."end", t.comparator, t.value, t.value_high, t.tolerance,
               t.baseline_value, t.baseline_period, t.strength, t.document, t.document_zh, t.quote, t.source, t.status, t.synthetic
        FROM targets t JOIN periods p ON p.key = t.pkey
        WHERE t.iid = ? AND t.rid = ? ORDER BY p.start, p.days DESC
    """, [iid, rid]))
    traj = _rows(con.execute("""
        SELECT tj.tid, p.code AS period, p."end", tj.value FROM target_trajectory tj
        JOIN periods p ON p.key = tj.pkey WHERE tj.tid IN (SELECT tid FROM targets WHERE iid = ? AND rid = ?)
        ORDER BY p."end"
    """, [iid, rid]))
    for t in targets:
        t["trajectory"] = [{"period": x["period"], "end": x["end"], "value": x["value"]}
                           for x in traj if x["tid"] == t["tid"]]
    return targets


def targets_outcomes(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The targets taken from documents (not synthetic) with the outcome reported for the same
    indicator, region and period by a non-synthetic source (judged by services/outcomes.py)."""
    return _rows(con.execute("""
        SELECT p.year, p.code AS period, i.code AS indicator, i.name_zh, i.name_en, i.unit, i.decimals, i.direction,
               r.code AS region, r.name_zh AS region_zh, r.name_en AS region_en,
               t.comparator, t.value AS target, t.value_high, t.tolerance, t.strength, t.document, t.document_zh, t.quote,
               t.source, t.status, p."end" AS period_end,
               CASE WHEN c.synthetic THEN NULL ELSE coalesce(c.approved_value, c.latest_value) END AS outcome,
               CASE WHEN c.synthetic THEN NULL ELSE c.source END AS outcome_source
        FROM targets t JOIN indicators i ON i.iid = t.iid JOIN regions r ON r.rid = t.rid
        JOIN periods p ON p.key = t.pkey
        LEFT JOIN obs_current c ON c.iid = t.iid AND c.rid = t.rid AND c.pkey = t.pkey
        WHERE NOT t.synthetic AND t.document IS NOT NULL
        ORDER BY p.year DESC, r.code, i.iid
    """))


def children_judged(con: duckdb.DuckDBPyConnection, *, parent_rid: int, period: Period, at: date,
                    rules: Rules) -> list[dict]:
    """Every target for ``period`` of the children of ``parent_rid`` (as linked on ``at``), judged:
    one row per child and indicator with a target (region and indicator names, value, target,
    shortfall, category, light, synthetic), by region code and indicator."""
    kids = f"SELECT l.rid FROM region_links l WHERE l.parent_rid = ? AND {valid_on_sql('l', '?')}"
    judge(con, at, rules, where=f"AND t.pkey = ? AND t.rid IN ({kids})",
          params=[period.key, parent_rid, at, at], table="_jkids")
    cur = con.execute("""
        SELECT r.code AS region, r.name_zh AS region_zh, r.name_en AS region_en, i.code, i.name_zh, i.name_en,
               i.unit, i.decimals, j.value, j.target, j.expected, j.progress, j.attainment, j.shortfall,
               j.category, j.light,
               j.synthetic OR r.synthetic AS synthetic
        FROM _jkids j JOIN regions r ON r.rid = j.rid JOIN indicators i ON i.iid = j.iid
        ORDER BY r.code, i.code
    """)
    return _rows(cur)
