"""Judgement of every target at an as-of date, set-based in SQL.

This is the set-based twin of ``luoshi.domain.rules`` (the reference definition): the value so far
(``rules.so_far``) is the aggregate over time of the indicator's rolled-up values for the reporting
periods inside the target period that have ended by the as-of date, or the period's own value once
it is over, with how many reporting periods are missing (of those that start while the region is
valid); the met bounds (``rules.bounds``), the expected pace (序时进度) or the trajectory's interim
target, and the category and light follow ``rules.judge``.  tests/foundation/test_judgement.py
holds the two equal on random targets.

The statement (``judgement_sql``) is written once for both engines (sql_dialect.py): DuckDB runs
it here (``judge``), Spark after its rollup (rollup_spark.py), and tests/scale/test_spark_rollup.py
holds the two equal.
"""

from __future__ import annotations

from datetime import date

import duckdb

from luoshi.analytics.rollup_rules import SRC_REGION, SRC_REPORTED
from luoshi.analytics.sql_dialect import DUCKDB, Dialect, rounded
from luoshi.domain.periods import TYPE_DIGIT, TYPES, Period, piece_types, type_digit_sql
from luoshi.domain.regions import valid_on_sql
from luoshi.domain.rules import STALE_AFTER_DAYS, Rules, pace_cutoff

# The targets' columns the judgement reads (a subject without a target has them NULL).
TARGET_COLUMNS = ("tid", "comparator", "value", "value_high", "tolerance", "step_indicator", "baseline_value", "synthetic")
# A judged target as `luoshi export judgement` and the Spark job write it (j: the judgement; i, r,
# p: its indicator, region and period).
EXPORT_COLUMNS = """i.code AS indicator, r.code AS region, p.code AS period, p.type AS period_type, j.target,
    j.value, j.data_through, j.periods_reported, j.periods_expected, j.complete, j.expected, j.progress,
    j.attainment, j.shortfall, j.pace_value, j.gap, j.met, j.category, j.light, j.stale, j.synthetic"""


# rules.bounds, rules.attainment and rules._ratio, as SQL over the expressions given
# (lo/tp: the low and top bounds)
def _ratio(v: str, t: str) -> str:
    return f"(CASE WHEN {t} = 0 THEN (CASE WHEN {v} >= 0 THEN 100.0 ELSE 0.0 END) ELSE {v} / {t} * 100.0 END)"


def _low(comp: str, t: str, hi: str, tol: str, direction: str) -> str:
    return f"""(CASE {comp} WHEN 'at_least' THEN {t} WHEN 'at_most' THEN NULL WHEN 'in_step' THEN {t} - coalesce({tol}, 0)
         ELSE (CASE WHEN {direction} = 'lower' THEN NULL WHEN {comp} = 'between' THEN {t}
                    ELSE {t} - coalesce({tol}, 0) END) END)"""


def _top(comp: str, t: str, hi: str, tol: str, direction: str) -> str:
    return f"""(CASE {comp} WHEN 'at_least' THEN NULL WHEN 'at_most' THEN {t} WHEN 'in_step' THEN NULL
         ELSE (CASE WHEN {direction} = 'higher' THEN NULL WHEN {comp} = 'between' THEN coalesce({hi}, {t})
                    ELSE {t} + coalesce({tol}, 0) END) END)"""


def _scale(x: str) -> str:
    return f"(CASE WHEN abs({x}) = 0 THEN 1.0 ELSE abs({x}) END)"


def _progress_b(v: str, comp: str, t: str, lo: str, tp: str) -> str:
    return f"""(CASE WHEN {comp} IN ('around', 'between') OR ({lo} IS NOT NULL AND {tp} IS NOT NULL) THEN (CASE
            WHEN {lo} IS NOT NULL AND {v} < {lo} THEN 100.0 - ({lo} - {v}) / {_scale(t)} * 100.0
            WHEN {tp} IS NOT NULL AND {v} > {tp}
                 THEN 100.0 - ({v} - {tp}) / {_scale(f"(CASE WHEN {comp} = 'between' THEN {tp} ELSE {t} END)")} * 100.0
            ELSE 100.0 END)
         WHEN {tp} IS NULL THEN {_ratio(v, lo)}
         WHEN {v} <= 0 THEN (CASE WHEN {tp} <= 0 THEN 100.0 ELSE 200.0 END)
         ELSE {tp} / {v} * 100.0 END)"""


def _progress(v: str, comp: str, t: str, hi: str, tol: str, direction: str) -> str:
    return _progress_b(v, comp, t, _low(comp, t, hi, tol, direction), _top(comp, t, hi, tol, direction))


def _met(v: str, comp: str, t: str, hi: str, tol: str, direction: str) -> str:
    lo, tp = _low(comp, t, hi, tol, direction), _top(comp, t, hi, tol, direction)
    return f"(({lo} IS NULL OR {v} >= {lo}) AND ({tp} IS NULL OR {v} <= {tp}))"


def _cutoffs(at: date, basis: str) -> str:
    """Per reporting frequency, the day up to which progress is expected (a VALUES list)."""
    return ", ".join(f"('{freq}', DATE '{pace_cutoff(freq, at, basis).isoformat()}')" for freq in TYPES)


def _expected(keys: list[int], at: date) -> str:
    """Per target period and reporting frequency, how many reporting periods inside it have ended
    by ``at`` (a VALUES list; rules.so_far's ``expected``)."""
    rows = []
    for key in keys:
        p = Period.from_key(key)
        rows.extend(f"({key}, '{f}', {sum(1 for q in p.inside(f) if q.end <= at)})" for f in TYPES)
    return ", ".join(rows) or "(CAST(NULL AS INTEGER), CAST(NULL AS STRING), CAST(NULL AS INTEGER))"


def _kinds() -> str:
    """Per target period type digit and reporting frequency, the type digits of the pieces of its
    value so far (``periods.piece_types``; a VALUES list)."""
    return ", ".join(f"({TYPE_DIGIT[p]}, '{f}', {TYPE_DIGIT[k]})" for p in TYPES for f in TYPES
                     for k in piece_types(p, f))


def judge(con: duckdb.DuckDBPyConnection, at: date, rules: Rules = Rules(), *, where: str = "",
          params: list | None = None, table: str = "_judgement", subjects: str | None = None) -> str:
    """Judge the targets matching ``where`` (SQL over alias t: targets) into temp table ``table``.

    ``subjects``: instead of the targets, a query of keys (iid, rid, pkey) to give the value so far
    of, judged where a target exists (tid NULL and category no_data where none does).
    Columns: tid, iid, rid, pkey, target, value, data_through, periods_reported, periods_expected,
    complete, expected, progress, shortfall, attainment, pace_value, gap, met, category, light, stale,
    synthetic.
    """
    source = _source(subjects)
    keys = [r[0] for r in con.execute(f"SELECT DISTINCT t.pkey FROM {source} t WHERE true {where}",
                                      params or []).fetchall()]
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {judgement_sql(DUCKDB, at, rules, keys, source, where)}",
                params or [])
    return table


def _source(subjects: str | None) -> str:
    """The rows judged: the targets, or the subjects with their targets where there are any."""
    if subjects is None:
        return "targets"
    return f"""(SELECT s.iid, s.rid, s.pkey, {', '.join(f'x.{c}' for c in TARGET_COLUMNS)} FROM ({subjects}) s
        LEFT JOIN targets x ON x.iid = s.iid AND x.rid = s.rid AND x.pkey = s.pkey)"""


def judgement_sql(d: Dialect, at: date, rules: Rules, keys: list[int], source: str = "targets",
                  where: str = "") -> str:
    """The judgement at ``at`` of the rows of ``source`` (alias t) matching ``where``, as one SELECT
    in dialect ``d``, over the tables targets, target_trajectory, indicators, periods, regions and
    the view rollup.  ``keys``: the period keys of the rows judged."""
    steps, final = judgement_steps(d, at, rules, keys, source, where)
    ctes = ",\n".join(f"{name} AS {d.materialized if once else ''}({sql})" for name, once, sql in steps)
    return f"WITH {ctes}\n{final}"


def judgement_steps(d: Dialect, at: date, rules: Rules, keys: list[int], source: str = "targets",
                    where: str = "") -> tuple[list[tuple[str, bool, str]], str]:
    """``judgement_sql`` as its steps, in order: (name, computed once, SELECT) each, and the final
    SELECT over them.  An engine may keep each step as it likes: DuckDB as common table
    expressions (those computed once materialised), Spark as tables and views."""
    growth = rules.pace_method == "growth"
    day = f"DATE '{at.isoformat()}'"
    end = d.col("end")
    target = ", ".join(f"t.{c}" for c in TARGET_COLUMNS if c != "synthetic")

    def e(alias: str) -> str:
        return d.col("end", alias)

    steps = [
        ("_cutoff(freq, cutoff)", False, f"""VALUES {_cutoffs(at, rules.pace_basis)}"""),
        ("_expected(pkey, freq, n)", False, f"""VALUES {_expected(keys, at)}"""),
        ("_kinds(ptype, freq, kind)", False, f"""VALUES {_kinds()}"""),
        ("t", True, f"""
        SELECT row_number() OVER (ORDER BY t.iid, t.rid, t.pkey) AS k, t.iid, t.rid, t.pkey, {target},
               t.synthetic AS target_synthetic, i.frequency, i.time_agg, i.direction,
               (i.numerator IS NOT NULL) AS formula, (i.numerator IS NOT NULL AND i.time_agg = 'last') AS own_series,
               n.iid AS num_iid, dn.iid AS den_iid, coalesce(i.factor, 1.0) AS factor,
               s.iid AS step_iid, p.start, {e('p')}, p.days, c.cutoff
        FROM {source} t JOIN indicators i ON i.iid = t.iid JOIN periods p ON p.key = t.pkey
        LEFT JOIN indicators n ON n.code = i.numerator LEFT JOIN indicators dn ON dn.code = i.denominator
        LEFT JOIN indicators s ON s.code = t.step_indicator
        JOIN _cutoff c ON c.freq = i.frequency
        WHERE true {where}"""),
        ("series", True, f"""-- the series whose value so far is needed: the indicator (a formula's own series
        -- too), a formula's parts, the step indicator
        SELECT k, rid, pkey, start, {end}, 'main' AS role, iid AS siid FROM t
        UNION ALL SELECT k, rid, pkey, start, {end}, 'num', num_iid FROM t WHERE formula AND NOT own_series
        UNION ALL SELECT k, rid, pkey, start, {end}, 'den', den_iid FROM t WHERE formula AND NOT own_series
        UNION ALL SELECT k, rid, pkey, start, {end}, 'step', step_iid FROM t WHERE step_iid IS NOT NULL"""),
        ("bounded", False, f"""-- a region that began or ended within the period expects only the reporting periods
        -- that start while it is valid (the rule of the rollup: a region counts from a period's start)
        SELECT s.k, s.role, count(q.key) AS n
        FROM series s JOIN regions g ON g.rid = s.rid JOIN indicators si ON si.iid = s.siid
        LEFT JOIN periods q ON q.type = si.frequency AND q.start >= s.start
             AND {e('q')} <= least({e('s')}, {day}) AND {valid_on_sql('g', 'q.start')}
        WHERE g.valid_from > s.start OR g.valid_to < {e('s')}
        GROUP BY s.k, s.role"""),
        ("years", False, f"""-- each series once per year its period touches (a week may straddle two)
        SELECT *, {d.each('year(start)', f'year({end})')} AS year FROM series"""),
        ("cand", True, f"""-- the values within the period (joined by their key's year) that may be pieces of its
        -- value so far: the reporting frequency's, and whole ones of the types between (rules.pieces)
        SELECT s.k, s.role, si.time_agg, si.frequency, r.value, r.pkey AS spkey, r.ptype, sp.start AS sstart,
               {e('sp')} AS send, r.synthetic
        FROM years s JOIN indicators si ON si.iid = s.siid
        JOIN _kinds kd ON kd.ptype = {d.ptype('s.pkey')} AND kd.freq = si.frequency
        JOIN rollup r ON r.iid = s.siid AND r.rid = s.rid AND {d.year('r.pkey')} = s.year AND r.ptype = kd.kind
        JOIN periods sp ON sp.key = r.pkey
        WHERE sp.start >= s.start AND {e('sp')} <= least({e('s')}, {day}) AND r.value IS NOT NULL
              AND (r.ptype = {type_digit_sql('si.frequency')} OR r.src IN ({SRC_REPORTED}, {SRC_REGION}))"""),
        ("inside", False, f"""-- how many reporting periods each candidate covers
        SELECT c.spkey, c.frequency, count(*) AS n
        FROM (SELECT DISTINCT spkey, frequency, sstart, send FROM cand) c
        JOIN periods q ON q.type = c.frequency AND q.start >= c.sstart AND {e('q')} <= c.send
        GROUP BY c.spkey, c.frequency"""),
        ("sub", False, """-- rules.pieces: the coarsest, each with the reporting periods it covers
        SELECT c.*, coalesce(i.n, 0) AS n
        FROM cand c LEFT JOIN inside i ON i.spkey = c.spkey AND i.frequency = c.frequency
        WHERE NOT EXISTS (SELECT 1 FROM cand o WHERE o.k = c.k AND o.role = c.role AND o.ptype < c.ptype
                          AND o.sstart <= c.sstart AND o.send >= c.send)"""),
        ("whole", False, f"""-- once the period is over, its own rolled-up value (a reported annual figure wins)
        SELECT s.k, s.role, r.value, r.src, r.synthetic FROM series s
        JOIN rollup r ON r.iid = s.siid AND r.rid = s.rid AND r.pkey = s.pkey
        WHERE {e('s')} < {day} AND r.value IS NOT NULL"""),
        ("agg", False, """
        SELECT k, role,
               CASE time_agg WHEN 'sum' THEN sum(value) WHEN 'mean' THEN sum(value * n) / sum(n)
                    ELSE max_by(value, send) END AS value,
               max(send) AS data_through, bool_or(synthetic) AS synthetic, sum(n) AS n
        FROM sub GROUP BY k, role, time_agg"""),
        ("val", True, f"""-- rules.so_far of each series
        SELECT s.k, s.role, w.src AS whole_src, coalesce(a.n, 0) AS n, coalesce(b.n, x.n) AS e,
               coalesce(a.n, 0) >= coalesce(b.n, x.n) OR (w.value IS NOT NULL AND w.src IN ({SRC_REPORTED}, {SRC_REGION}))
                   AS complete,
               coalesce(w.value, a.value) AS value,
               coalesce(w.synthetic, a.synthetic, false) AS synthetic,
               s.{end}, a.data_through, w.value IS NOT NULL AS has_whole
        FROM series s JOIN indicators si ON si.iid = s.siid
        JOIN _expected x ON x.pkey = s.pkey AND x.freq = si.frequency
        LEFT JOIN bounded b ON b.k = s.k AND b.role = s.role
        LEFT JOIN agg a ON a.k = s.k AND a.role = s.role
        LEFT JOIN whole w ON w.k = s.k AND w.role = s.role"""),
        ("val2", False, f"""
        SELECT k, role, whole_src, n, e, complete, value, synthetic,
               CASE WHEN has_whole AND complete THEN {end} ELSE data_through END AS data_through
        FROM val"""),
        ("interim", False, f"""-- the trajectory's value for the latest of its periods over by the cutoff (of
        -- periods ending on the same day, the highest value: as the region page's rules.judge)
        SELECT k, max(value) AS value FROM (
            SELECT t.k, tj.value, {e('tp')} AS tend, max({e('tp')}) OVER (PARTITION BY t.k) AS latest
            FROM t JOIN target_trajectory tj ON tj.tid = t.tid JOIN periods tp ON tp.key = tj.pkey
            WHERE {e('tp')} <= t.cutoff) x
        WHERE tend = latest
        GROUP BY k"""),
        ("v", False, f"""
        SELECT t.*, {_by_main_cases()},
               CASE WHEN t.comparator = 'in_step' THEN step.value ELSE t.value END AS tv,
               ij.value AS interim,
               CASE WHEN t.cutoff < t.start THEN 0.0 WHEN t.cutoff >= {e('t')} THEN 1.0
                    ELSE ({d.days('t.start', 't.cutoff')} + 1) / t.days END AS share,
               {day} > {e('t')} AS over
        FROM t
        LEFT JOIN val2 main ON main.k = t.k AND main.role = 'main'
        LEFT JOIN val2 num ON num.k = t.k AND num.role = 'num'
        LEFT JOIN val2 den ON den.k = t.k AND den.role = 'den'
        LEFT JOIN val2 step ON step.k = t.k AND step.role = 'step'
        LEFT JOIN interim ij ON ij.k = t.k"""),
        ("b", False, f"""-- rules.bounds, and whether the target is judged against the pace (a cumulative floor or ceiling)
        SELECT v.*, {_low('comparator', 'tv', 'value_high', 'tolerance', 'direction')} AS lo,
               {_top('comparator', 'tv', 'value_high', 'tolerance', 'direction')} AS tp
        FROM v"""),
        ("c", False, """
        SELECT b.*, coalesce(time_agg = 'sum' AND NOT formula AND ((lo IS NULL) <> (tp IS NULL))
                             AND comparator <> 'in_step', false) AS cum,
               lo IS NULL AS lower, coalesce(lo, tp) AS cgoal
        FROM b"""),
        ("g", False, f"""
        SELECT c.*,
            CASE WHEN cum THEN NULL
                 WHEN interim IS NOT NULL THEN interim
                 WHEN baseline_value IS NOT NULL AND comparator IN ('at_least', 'at_most', 'exact') AND NOT over THEN
                      CASE WHEN {str(growth).lower()} AND baseline_value > 0 AND tv > 0
                           THEN baseline_value * pow(tv / baseline_value, share)
                           ELSE baseline_value + (tv - baseline_value) * share END
                 ELSE tv END AS goal
        FROM c"""),
        ("p", False, f"""
        SELECT g.*,
            CASE WHEN cum THEN {_ratio('v', 'cgoal')}
                 ELSE {_progress('v', 'comparator', 'goal', 'value_high', 'tolerance', 'direction')} END AS progress,
            CASE WHEN cum THEN (CASE WHEN interim IS NOT NULL AND cgoal <> 0 THEN interim / cgoal * 100.0
                                     ELSE share * 100.0 END)
                 ELSE 100.0 END AS expected,
            CASE WHEN cum AND lower THEN {_progress('v', "'at_most'", 'cgoal', 'NULL', 'NULL', 'direction')}
                 WHEN cum THEN {_ratio('v', 'cgoal')}
                 ELSE {_progress('v', 'comparator', 'tv', 'value_high', 'tolerance', 'direction')} END AS attainment,
            CASE WHEN cum AND lower THEN v <= cgoal WHEN cum THEN v >= cgoal
                 ELSE {_met('v', 'comparator', 'tv', 'value_high', 'tolerance', 'direction')} END AS met_full,
            CASE WHEN cum OR over THEN NULL ELSE {_met('v', 'comparator', 'goal', 'value_high', 'tolerance', 'direction')}
                 END AS met_goal
        FROM g"""),
        ("s", False, f"""
        SELECT p.*,
            {rounded('CASE WHEN cum AND lower THEN progress - expected ELSE expected - progress END', '6')} AS shortfall,
            (met_full AND (over OR (cum AND NOT lower))) AS done,
            coalesce(cum AND lower AND NOT met_full, false) AS broken,
            v IS NOT NULL AND tv IS NOT NULL AS judged,
            CASE WHEN NOT cum THEN {_low('comparator', 'goal', 'value_high', 'tolerance', 'direction')} END AS glo,
            CASE WHEN NOT cum THEN {_top('comparator', 'goal', 'value_high', 'tolerance', 'direction')} END AS gtp
        FROM p"""),
        ("pv", False, """-- rules.judge's pace_value and gap: the value expected by now and the distance to it
        SELECT s.*,
            CASE WHEN cum THEN expected / 100.0 * cgoal WHEN glo IS NULL AND gtp IS NOT NULL THEN gtp
                 WHEN gtp IS NULL AND glo IS NOT NULL THEN glo END AS pace,
            CASE WHEN cum AND lower THEN v - expected / 100.0 * cgoal WHEN cum THEN expected / 100.0 * cgoal - v
                 WHEN glo IS NULL AND gtp IS NOT NULL THEN v - gtp WHEN gtp IS NULL AND glo IS NOT NULL THEN glo - v
                 END AS pgap
        FROM s"""),
    ]
    final = f"""
    SELECT tid, iid, rid, pkey, tv AS target, v AS value, data_through, periods_reported, periods_expected,
           complete, expected,
           -- without a value (or a step to keep with) there is nothing to measure
           CASE WHEN judged THEN progress END AS progress,
           CASE WHEN judged THEN shortfall END AS shortfall,
           CASE WHEN judged THEN attainment END AS attainment,
           CASE WHEN judged THEN pace END AS pace_value, CASE WHEN judged THEN pgap END AS gap,
           CASE WHEN NOT judged THEN NULL WHEN broken THEN false WHEN over AND NOT complete THEN NULL
                WHEN done AND complete THEN true WHEN over THEN false WHEN NOT complete THEN NULL
                ELSE coalesce(met_goal, met_full) END AS met,
           coalesce(synthetic, false) AS synthetic,
           CASE WHEN NOT judged THEN 'no_data' WHEN broken THEN (CASE WHEN over THEN 'overdue' ELSE 'missed' END)
                WHEN over AND NOT complete THEN 'incomplete' WHEN done AND complete THEN 'done'
                WHEN over THEN 'overdue'
                WHEN shortfall >= {rules.yellow} THEN 'behind' WHEN shortfall <= -{rules.ahead} THEN 'ahead'
                ELSE 'on_pace' END AS category,
           CASE WHEN NOT judged THEN 'grey' WHEN broken THEN 'red' WHEN over AND NOT complete THEN 'grey'
                WHEN done AND complete THEN 'green' WHEN over THEN 'red'
                WHEN shortfall < {rules.yellow} THEN 'green' WHEN shortfall <= {rules.red} THEN 'yellow'
                ELSE 'red' END AS light,
           (data_through IS NOT NULL AND {d.days('data_through', day)} >
              CASE frequency {' '.join(f"WHEN '{f}' THEN {n}" for f, n in STALE_AFTER_DAYS.items())} END
              + {int(rules.stale_grace_days)}) AS stale
        FROM pv
    """
    return steps, final


def _by_main_cases() -> str:
    """The value so far of a target's own series, or of a formula from its parts: a formula is the
    ratio of its parts so far, unless it was reported for the period or is kept by its last value
    (then its own series)."""
    by_main = f"(NOT t.formula OR t.own_series OR main.whole_src = {SRC_REPORTED})"
    return f"""
               CASE WHEN {by_main} THEN main.value ELSE num.value / nullif(den.value, 0) * t.factor END AS v,
               CASE WHEN {by_main} THEN main.data_through ELSE least(num.data_through, den.data_through) END
                   AS data_through,
               CASE WHEN {by_main} THEN main.complete ELSE num.complete AND den.complete END AS complete,
               CASE WHEN {by_main} OR NOT num.complete OR den.complete THEN (CASE WHEN {by_main} THEN main.n ELSE num.n END)
                    ELSE den.n END AS periods_reported,
               CASE WHEN {by_main} OR NOT num.complete OR den.complete THEN (CASE WHEN {by_main} THEN main.e ELSE num.e END)
                    ELSE den.e END AS periods_expected,
               (CASE WHEN {by_main} THEN main.synthetic ELSE num.synthetic OR den.synthetic END) OR t.target_synthetic
                   AS synthetic"""
