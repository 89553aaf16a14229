"""The steps of a full rollup, described once and run by either engine: DuckDB (rollup.py) or
Apache Spark (rollup_spark.py).

A step is one SELECT per (period type, region depth), finest type first and deepest regions first,
so every input of a step is final when the step runs (the rules are in rollup.py's module note).
Its SQL is written in the part of SQL both engines read alike (sql_dialect.py says where they
differ and how each writes it).

An engine gives three things: ``rows(sql)`` (a small query's rows), ``make(name, sql)`` (keep a
step's result under a name later steps read), and the tables the steps read: ``_b`` (base values
with their region's depth), ``_ind`` (indicator rules by id), ``_lk`` (region links as period-key
ranges per type) and ``periods``.
"""

from __future__ import annotations

import time
from typing import Protocol

from luoshi.analytics.rollup_rules import COLS, FINER, ORDER, SRC_FORMULA, SRC_REGION, SRC_TIME
from luoshi.analytics.sql_dialect import Dialect
from luoshi.domain.periods import STEP_UP, TYPE_DIGIT

_C = ", ".join(COLS)
REGION_FN = {"sum": "sum(r.value)", "mean": "avg(r.value)", "min": "min(r.value)", "max": "max(r.value)"}


class Engine(Protocol):
    dialect: Dialect

    def rows(self, sql: str) -> list[tuple]: ...

    def make(self, name: str, sql: str) -> None: ...


def time_fn(d: Dialect) -> dict[str, str]:
    return {"sum": "sum(r.value)", "mean": "avg(r.value)", "last": d.last("r.value", "r.pkey")}


def _source(g: int, depth: int, made: dict, based: set) -> str | None:
    """Every value of one type and depth known so far: reported ones (if any: ``based``) and the
    step's derived ones (if computed); None when there is nothing."""
    parts = [f"SELECT {_C} FROM _b WHERE ptype = {g} AND depth = {depth}"] if (g, depth) in based else []
    if (g, depth) in made:
        parts.append(f"SELECT {_C} FROM {made[g, depth]}")
    return f"({' UNION ALL '.join(parts)})" if parts else None


def _over_time(d: Dialect, t: str, src: str) -> str:
    """The aggregates over time into type ``t`` of the values in ``src`` (one type finer)."""
    g, f = TYPE_DIGIT[t], FINER[t]
    up, join = (d.up(f, "r.pkey"), "") if f in STEP_UP else ("p.parent_key", "JOIN periods p ON p.key = r.pkey")
    return _by_rule(d, "i.time_agg", time_fn(d), lambda value, rule, by: f"""
        SELECT r.iid, r.rid, {up} AS pkey, CAST({g} AS TINYINT) AS ptype, {value} AS value,
               CAST({SRC_TIME} AS TINYINT) AS src, {d.last('r.n_reporting', 'r.pkey')} AS n_reporting,
               bool_or(r.synthetic) AS synthetic
        FROM {src} r {join} JOIN _ind i ON i.iid = r.iid AND {rule}
        WHERE NOT i.formula
        GROUP BY r.iid, r.rid, {up}{by}""")


def _by_rule(d: Dialect, column: str, fns: dict, select) -> str:
    """``select(value, rule, by)`` for the rules in ``fns``: one query whose value picks each
    indicator's function (its rule, grouped ``by`` too, is constant in a group), or one query per
    rule."""
    if d.one_pass:
        picked = f"CASE {column} {' '.join(f'WHEN {chr(39)}{k}{chr(39)} THEN {v}' for k, v in fns.items())} END"
        listed = ", ".join(f"'{k}'" for k in fns)
        return select(picked, f"{column} IN ({listed})", f", {column}")
    return " UNION ALL ".join(select(fn, f"{column} = '{rule}'", "") for rule, fn in fns.items())


def step_sql(d: Dialect, t: str, depth: int, child_depths: list[int], made: dict, based: set) -> str:
    """One (type, depth) step: the values not reported, derived over time, else over child
    regions; then formulas."""
    g = TYPE_DIGIT[t]
    m = d.materialized
    absent = "NOT EXISTS (SELECT 1 FROM {t} x WHERE x.iid = {a}.iid AND x.rid = {a}.rid AND x.pkey = {a}.pkey)"
    ctes = [f"R AS (SELECT {_C} FROM _b WHERE ptype = {g} AND depth = {depth})" if (g, depth) in based else
            f"R AS (SELECT {_C} FROM _b WHERE false)"]
    have = ["R"]
    derived = []
    f = FINER.get(t)
    src = _source(TYPE_DIGIT[f], depth, made, based) if f else None
    if src:
        ctes.append(f"""T AS {m}(
            SELECT a.* FROM ({_over_time(d, t, src)}) a WHERE {absent.format(t='R', a='a')})""")
        have.append("T")
        derived.append("T")
    sources = [x for x in (_source(g, c, made, based) for c in child_depths) if x]
    if sources:
        child = " UNION ALL ".join(f"SELECT {_C} FROM {x}" for x in sources)
        ctes.append(f"LK AS {m}(SELECT * FROM _lk WHERE ptype = {g} AND pdepth = {depth})")
        link = "JOIN LK l ON l.rid = r.rid AND r.pkey >= l.kfrom AND r.pkey < l.kto"
        known = " UNION ALL ".join(f"SELECT iid, rid, pkey FROM {p}" for p in have)
        branches = _by_rule(d, "i.region_agg", REGION_FN, lambda value, rule, by: f"""
            SELECT r.iid, l.parent_rid AS rid, r.pkey, CAST({g} AS TINYINT) AS ptype, {value} AS value,
                   CAST({SRC_REGION} AS TINYINT) AS src, CAST(count(r.value) AS INTEGER) AS n_reporting,
                   bool_or(r.synthetic) AS synthetic
            FROM K r {link} JOIN _ind i ON i.iid = r.iid AND {rule}
            WHERE NOT i.formula
            GROUP BY r.iid, l.parent_rid, r.pkey{by}""")
        # A child's value aggregated over time is not an input: a child with finer values has
        # already given its parent finer values, and the parent's own aggregate over time wins.
        ctes.append(f"KA AS ({child})")
        ctes.append(f"K AS {m}(SELECT * FROM KA WHERE src <> {SRC_TIME})")
        ctes.append(f"""G AS {m}(
            SELECT a.* FROM ({branches}
                UNION ALL
                SELECT r.iid, l.parent_rid, r.pkey, CAST({g} AS TINYINT),
                       sum(r.value * w.value) / nullif(sum(w.value), 0),
                       CAST({SRC_REGION} AS TINYINT), CAST(count(r.value) AS INTEGER), bool_or(r.synthetic)
                FROM K r {link} JOIN _ind i ON i.iid = r.iid AND i.region_agg = 'wmean'
                JOIN (SELECT * FROM KA WHERE iid IN (SELECT weight_iid FROM _ind) AND value IS NOT NULL) w
                  ON w.iid = i.weight_iid AND w.rid = r.rid AND w.pkey = r.pkey
                WHERE NOT i.formula
                GROUP BY r.iid, l.parent_rid, r.pkey) a
            WHERE {absent.format(t=f'({known})', a='a')})""")
        have.append("G")
        derived.append("G")
    ctes.append(f"V AS ({' UNION ALL '.join(f'SELECT {_C} FROM {p}' for p in have)})")
    # formula indicators from their components, where no value is reported (each side picked by
    # its indicators first, so the joins look keys up in small tables)
    part = "SELECT {} FROM {} WHERE iid IN (SELECT {} FROM _ind WHERE formula)"
    ctes.append(f"RF AS ({part.format('iid, rid, pkey', 'R', 'iid')})")
    ctes.append(f"""F AS (
        SELECT fi.iid, n.rid, n.pkey, CAST({g} AS TINYINT) AS ptype, n.value / d.value * fi.factor AS value,
               CAST({SRC_FORMULA} AS TINYINT) AS src, least(n.n_reporting, d.n_reporting) AS n_reporting,
               n.synthetic OR d.synthetic AS synthetic
        FROM _ind fi JOIN ({part.format('*', 'V', 'num_iid')}) n ON n.iid = fi.num_iid
        JOIN ({part.format('*', 'V', 'den_iid')} AND value <> 0) d
          ON d.iid = fi.den_iid AND d.rid = n.rid AND d.pkey = n.pkey
        WHERE fi.formula
          AND NOT EXISTS (SELECT 1 FROM RF x WHERE x.iid = fi.iid AND x.rid = n.rid AND x.pkey = n.pkey))""")
    derived.append("F")
    body = " UNION ALL ".join(f"SELECT {_C} FROM {p}" for p in derived)
    return f"WITH {', '.join(ctes)} {body}"


def run(engine: Engine, steps: dict, depths: list[int] | None = None, made: dict | None = None) -> list[str]:
    """Every step, in order; returns the names of the step results.  ``steps`` gets the seconds of
    each period type.  ``depths``: only the steps of these region depths (default: all), with the
    results of the other depths already in ``made`` ((type, depth) -> name)."""
    if depths is None:
        depths = [r[0] for r in engine.rows("SELECT DISTINCT depth FROM regions")]
    depths = sorted(depths, reverse=True)
    kids: dict[tuple[int, int], set] = {}
    for g, p, c in engine.rows("SELECT DISTINCT ptype, pdepth, cdepth FROM _lk"):
        kids.setdefault((g, p), set()).add(c)
    based = {(r[0], r[1]) for r in engine.rows("SELECT DISTINCT ptype, depth FROM _b")}
    present = {g for g, _ in based}
    made = dict(made or {})
    names = []
    for t in ORDER:
        g = TYPE_DIGIT[t]
        if g not in present and not any(m[0] == TYPE_DIGIT.get(FINER.get(t)) for m in made):
            continue
        t0 = time.perf_counter()
        for d in depths:
            name = f"_d{g}_{d}"
            engine.make(name, step_sql(engine.dialect, t, d, sorted(kids.get((g, d), ())), made, based))
            made[g, d] = name
            names.append(name)
        steps[t] = round(steps.get(t, 0) + time.perf_counter() - t0, 3)
    return names
