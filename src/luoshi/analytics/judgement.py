"""Judgement of every target at an as-of date, set-based in SQL.

This is the set-based twin of ``luoshi.domain.rules.judge`` (the reference definition): the value
so far is the aggregate over time of the indicator's rolled-up values for the reporting periods
inside the target period that have ended by the as-of date (or the period's own value once it is
over); the expected pace is the share of the period elapsed up to the last complete reporting
period (序时进度), or the trajectory's interim target; lights follow the plan's thresholds.
"""

from __future__ import annotations

from datetime import date

import duckdb

from luoshi.domain.periods import TYPES, type_digit_sql, year_sql
from luoshi.domain.rules import STALE_AFTER_DAYS, Rules, pace_cutoff

_MACROS = """
CREATE OR REPLACE TEMP MACRO lu_ratio(v, t) AS
    CASE WHEN t = 0 THEN (CASE WHEN v >= 0 THEN 100.0 ELSE 0.0 END) ELSE v / t * 100.0 END;
CREATE OR REPLACE TEMP MACRO lu_comp(comp, dir) AS
    CASE WHEN comp <> 'exact' THEN comp WHEN dir = 'higher' THEN 'at_least' WHEN dir = 'lower' THEN 'at_most'
         ELSE 'around' END;
CREATE OR REPLACE TEMP MACRO lu_progress(v, comp, t, hi, tol, dir) AS
    CASE lu_comp(comp, dir)
      WHEN 'at_least' THEN lu_ratio(v, t)
      WHEN 'in_step' THEN lu_ratio(v, t - coalesce(tol, 0))
      WHEN 'at_most' THEN (CASE WHEN v <= 0 THEN (CASE WHEN t <= 0 THEN 100.0 ELSE 200.0 END) ELSE t / v * 100.0 END)
      WHEN 'around' THEN 100.0 - (CASE WHEN t <> 0
            THEN greatest(0.0, abs(v - t) - coalesce(tol, 0)) / abs(t) * 100.0
            ELSE greatest(0.0, abs(v - t) - coalesce(tol, 0)) * 100.0 END)
      WHEN 'between' THEN (CASE
            WHEN v < t THEN 100.0 - (t - v) / (CASE WHEN t = 0 THEN 1.0 ELSE abs(t) END) * 100.0
            WHEN v > coalesce(hi, t) THEN 100.0 - (v - coalesce(hi, t))
                 / (CASE WHEN coalesce(hi, t) = 0 THEN 1.0 ELSE abs(coalesce(hi, t)) END) * 100.0
            ELSE 100.0 END)
    END;
CREATE OR REPLACE TEMP MACRO lu_met(v, comp, t, hi, tol, dir) AS
    CASE lu_comp(comp, dir)
      WHEN 'at_least' THEN v >= t
      WHEN 'in_step' THEN v >= t - coalesce(tol, 0)
      WHEN 'at_most' THEN v <= t
      WHEN 'around' THEN abs(v - t) <= coalesce(tol, 0)
      WHEN 'between' THEN v >= t AND v <= coalesce(hi, t)
    END;
"""


def _cutoffs(at: date, basis: str) -> str:
    """Per reporting frequency, the day up to which progress is expected (a VALUES list)."""
    return ", ".join(f"('{freq}', DATE '{pace_cutoff(freq, at, basis).isoformat()}')" for freq in TYPES)


def _execute(con: duckdb.DuckDBPyConnection, sql: str, params: list):
    """Run a statement that uses the judgement macros, defining them on this connection first if needed."""
    try:
        return con.execute(sql, params)
    except duckdb.CatalogException as exc:
        if "lu_" not in str(exc):
            raise
        con.execute(_MACROS)
        return con.execute(sql, params)


def judge(con: duckdb.DuckDBPyConnection, at: date, rules: Rules = Rules(), *, where: str = "",
          params: list | None = None, table: str = "_judgement") -> str:
    """Judge the targets matching ``where`` (SQL over alias t: targets) into temp table ``table``.

    Columns: tid, iid, rid, pkey, target, value, data_through, expected, progress, shortfall,
    attainment, met, category, light, stale, synthetic.
    """
    growth = rules.pace_method == "growth"
    _execute(con, f"""
    CREATE OR REPLACE TEMP TABLE {table} AS
    WITH _cutoff(freq, cutoff) AS (VALUES {_cutoffs(at, rules.pace_basis)}),
    t AS MATERIALIZED (
        SELECT t.* EXCLUDE (synthetic), t.synthetic AS target_synthetic, i.frequency, i.time_agg, i.direction, (i.numerator IS NOT NULL) AS formula,
               n.iid AS num_iid, d.iid AS den_iid, coalesce(i.factor, 1.0) AS factor,
               s.iid AS step_iid, p.start, p."end", p.days, c.cutoff
        FROM targets t JOIN indicators i ON i.iid = t.iid JOIN periods p ON p.key = t.pkey
        LEFT JOIN indicators n ON n.code = i.numerator LEFT JOIN indicators d ON d.code = i.denominator
        LEFT JOIN indicators s ON s.code = t.step_indicator
        JOIN _cutoff c ON c.freq = i.frequency
        WHERE true {where}
    ),
    series AS MATERIALIZED (  -- the series whose value so far is needed: the indicator, formula parts, step indicator
        SELECT tid, rid, pkey, start, "end", 'main' AS role, iid AS siid FROM t WHERE NOT formula
        UNION ALL SELECT tid, rid, pkey, start, "end", 'num', num_iid FROM t WHERE formula
        UNION ALL SELECT tid, rid, pkey, start, "end", 'den', den_iid FROM t WHERE formula
        UNION ALL SELECT tid, rid, pkey, start, "end", 'step', step_iid FROM t WHERE step_iid IS NOT NULL
    ),
    years AS (  -- each series once per year its period touches (a week may straddle two)
        SELECT *, unnest(range(year(start), year("end") + 1)) AS year FROM series
    ),
    sub AS (  -- the values of the reporting frequency within the period (joined by their key's year)
        SELECT s.tid, s.role, si.time_agg, r.value, r.pkey AS spkey, sp."end" AS send, r.synthetic
        FROM years s JOIN indicators si ON si.iid = s.siid
        JOIN rollup r ON r.iid = s.siid AND r.rid = s.rid AND {year_sql('r.pkey')} = s.year
             AND r.ptype = {type_digit_sql('si.frequency')}
        JOIN periods sp ON sp.key = r.pkey
        WHERE sp.start >= s.start AND sp."end" <= least(s."end", ?) AND r.value IS NOT NULL
    ),
    whole AS (  -- once the period is over, its own rolled-up value (a reported annual figure wins)
        SELECT s.tid, s.role, r.value, s."end" AS send, r.synthetic FROM series s
        JOIN rollup r ON r.iid = s.siid AND r.rid = s.rid AND r.pkey = s.pkey
        WHERE s."end" < ? AND r.value IS NOT NULL
    ),
    agg AS (
        SELECT tid, role,
               CASE any_value(time_agg) WHEN 'sum' THEN sum(value) WHEN 'mean' THEN avg(value)
                    ELSE arg_max(value, spkey) END AS value,
               max(send) AS data_through, bool_or(synthetic) AS synthetic
        FROM sub GROUP BY tid, role
    ),
    val AS MATERIALIZED (
        SELECT coalesce(w.tid, a.tid) AS tid, coalesce(w.role, a.role) AS role,
               coalesce(w.value, a.value) AS value, coalesce(w.send, a.data_through) AS data_through,
               coalesce(w.synthetic, a.synthetic) AS synthetic
        FROM agg a FULL JOIN whole w ON w.tid = a.tid AND w.role = a.role
    ),
    v AS (
        SELECT t.*,
               CASE WHEN t.formula THEN num.value / nullif(den.value, 0) * t.factor ELSE main.value END AS v,
               CASE WHEN t.formula THEN least(num.data_through, den.data_through) ELSE main.data_through END
                   AS data_through,
               coalesce(main.synthetic, num.synthetic OR den.synthetic, false) OR t.target_synthetic AS synthetic,
               CASE WHEN t.comparator = 'in_step' THEN step.value ELSE t.value END AS tv,
               (SELECT value FROM target_trajectory tj JOIN periods tp ON tp.key = tj.pkey
                 WHERE tj.tid = t.tid AND tp."end" <= t.cutoff ORDER BY tp."end" DESC LIMIT 1) AS interim,
               CASE WHEN t.cutoff < t.start THEN 0.0 WHEN t.cutoff >= t."end" THEN 1.0
                    ELSE (date_diff('day', t.start, t.cutoff) + 1) / t.days END AS share,
               ? > t."end" AS over,
               (t.comparator = 'at_most' OR (t.comparator = 'exact' AND t.direction = 'lower')) AS lower,
               (t.time_agg = 'sum' AND NOT t.formula AND t.comparator IN ('at_least', 'at_most', 'exact')) AS cum
        FROM t
        LEFT JOIN val main ON main.tid = t.tid AND main.role = 'main'
        LEFT JOIN val num ON num.tid = t.tid AND num.role = 'num'
        LEFT JOIN val den ON den.tid = t.tid AND den.role = 'den'
        LEFT JOIN val step ON step.tid = t.tid AND step.role = 'step'
    ),
    g AS (
        SELECT v.*,
            CASE WHEN cum THEN NULL
                 WHEN interim IS NOT NULL THEN interim
                 WHEN baseline_value IS NOT NULL AND comparator IN ('at_least', 'at_most', 'exact') AND NOT over THEN
                      CASE WHEN {str(growth).lower()} AND baseline_value > 0 AND tv > 0
                           THEN baseline_value * pow(tv / baseline_value, share)
                           ELSE baseline_value + (tv - baseline_value) * share END
                 ELSE tv END AS goal
        FROM v
    ),
    p AS (
        SELECT g.*,
            CASE WHEN cum THEN lu_ratio(v, tv) ELSE lu_progress(v, comparator, goal, value_high, tolerance, direction)
                 END AS progress,
            CASE WHEN cum THEN (CASE WHEN interim IS NOT NULL AND tv <> 0 THEN interim / tv * 100.0
                                     ELSE share * 100.0 END)
                 ELSE 100.0 END AS expected,
            CASE WHEN cum AND lower THEN lu_progress(v, 'at_most', tv, NULL, NULL, direction)
                 WHEN cum THEN lu_ratio(v, tv)
                 ELSE lu_progress(v, comparator, tv, value_high, tolerance, direction) END AS attainment,
            CASE WHEN cum AND lower THEN v <= tv WHEN cum THEN v >= tv
                 ELSE lu_met(v, comparator, tv, value_high, tolerance, direction) END AS met_full,
            CASE WHEN cum OR over THEN NULL ELSE lu_met(v, comparator, goal, value_high, tolerance, direction)
                 END AS met_goal
        FROM g
    ),
    s AS (
        SELECT p.*,
            round(CASE WHEN cum AND lower THEN progress - expected ELSE expected - progress END, 6) AS shortfall,
            (met_full AND (over OR (cum AND NOT lower))) AS done
        FROM p
    )
    SELECT tid, iid, rid, pkey, tv AS target, v AS value, data_through, expected,
           -- without a value (or a step to keep with) there is nothing to measure
           CASE WHEN v IS NOT NULL AND tv IS NOT NULL THEN progress END AS progress,
           CASE WHEN v IS NOT NULL AND tv IS NOT NULL THEN shortfall END AS shortfall,
           CASE WHEN v IS NOT NULL AND tv IS NOT NULL THEN attainment END AS attainment,
           CASE WHEN v IS NOT NULL AND tv IS NOT NULL THEN coalesce(met_goal, met_full) END AS met, synthetic,
           CASE WHEN v IS NULL OR tv IS NULL THEN 'no_data' WHEN done THEN 'done' WHEN over THEN 'overdue'
                WHEN shortfall >= {rules.yellow} THEN 'behind' WHEN shortfall <= -{rules.ahead} THEN 'ahead'
                ELSE 'on_pace' END AS category,
           CASE WHEN v IS NULL OR tv IS NULL THEN 'grey' WHEN done THEN 'green' WHEN over THEN 'red'
                WHEN shortfall < {rules.yellow} THEN 'green' WHEN shortfall <= {rules.red} THEN 'yellow'
                ELSE 'red' END AS light,
           (data_through IS NOT NULL AND date_diff('day', data_through, ?) >
              CASE frequency {' '.join(f"WHEN '{f}' THEN {d}" for f, d in STALE_AFTER_DAYS.items())} END
              + {int(rules.stale_grace_days)}) AS stale
        FROM s
    """, (params or []) + [at, at, at, at])
    return table
