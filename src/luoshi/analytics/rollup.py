"""Rollup of every indicator to every ancestor region and every coarser period, set-based in SQL.

The value of (indicator, region, period) is, in order of precedence:

1. the value reported for it (latest approved revision, or latest by setting);
2. else its aggregate over time of the same region's values one step finer in the chain
   day > month > quarter > half > year (``time_agg``: sum, last, mean);
3. else its aggregate over the child regions valid at the period's start (``region_agg``: sum,
   mean, weighted mean by another indicator, min, max; ``none`` is not rolled up).

A formula indicator (numerator / denominator x factor) is never aggregated: at every region and
period it is computed from its rolled-up components, so a ratio is a ratio of sums.

Periods are processed finest first and, within a period type, child regions before parents, so
every input of a step is final when the step runs.  The same steps recompute a subset: for an
incremental update they are restricted to the keys affected by a change (its ancestors over
regions and periods, and the indicators derived from it), which is closed upward, so rows outside
it are unchanged and rows inside it are rebuilt from final inputs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import duckdb

from luoshi.domain.periods import TYPE_DIGIT

# Period types in processing order (finest first) and the type each is derived from over time.
ORDER = ("D", "W", "M", "Q", "S", "Y")
FINER = {"M": "D", "Q": "M", "S": "Q", "Y": "S"}
DEPTHS = (4, 3, 2, 1)  # parent depths: town, county, city, province

SRC_REPORTED, SRC_TIME, SRC_REGION, SRC_FORMULA = 0, 1, 2, 3


@dataclass
class RollupStats:
    mode: str
    seconds: float = 0.0
    rows: int = 0
    affected: int = 0
    steps: dict = field(default_factory=dict)


def _prepare(con: duckdb.DuckDBPyConnection, basis: str) -> None:
    """Temporary helper tables: indicator rules by id, links with parent depth, the base values."""
    value_col = "approved_value" if basis == "approved" else "latest_value"
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _ind AS
        SELECT i.iid, i.region_agg, i.time_agg, (i.numerator IS NOT NULL) AS formula,
               w.iid AS weight_iid, n.iid AS num_iid, d.iid AS den_iid, coalesce(i.factor, 1.0) AS factor
        FROM indicators i
        LEFT JOIN indicators w ON w.code = i.weight_code
        LEFT JOIN indicators n ON n.code = i.numerator
        LEFT JOIN indicators d ON d.code = i.denominator
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _links AS
        SELECT l.rid, l.parent_rid, l.valid_from, coalesce(l.valid_to, DATE '9999-12-31') AS valid_to,
               p.depth AS parent_depth
        FROM region_links l JOIN regions p ON p.rid = l.parent_rid
        WHERE l.parent_rid IS NOT NULL
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW _base AS
        SELECT iid, rid, pkey, ptype, {value_col} AS value, synthetic
        FROM obs_current WHERE {value_col} IS NOT NULL
    """)


def _scoped(alias: str, key: tuple[str, str, str] | None = None) -> str:
    """SQL restricting output keys to the affected set (a semi-join on _scope)."""
    i, r, p = key or (f"{alias}.iid", f"{alias}.rid", f"{alias}.pkey")
    return f" AND EXISTS (SELECT 1 FROM _scope s WHERE s.iid = {i} AND s.rid = {r} AND s.pkey = {p})"


def _absent(table: str, i: str, r: str, p: str) -> str:
    return f" AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.iid = {i} AND x.rid = {r} AND x.pkey = {p})"


_COLS = "iid, rid, pkey, ptype, value, src, n_reporting, synthetic"


def _steps(con: duckdb.DuckDBPyConnection, scoped: bool, stats: RollupStats) -> list[str]:
    """Compute every value of every period type into _v_<type>; returns the tables written."""
    done: list[str] = []
    types = ORDER
    if scoped:
        present = {r[0] for r in con.execute("SELECT DISTINCT ptype FROM _scope").fetchall()}
        types = [t for t in ORDER if TYPE_DIGIT[t] in present]
    for t in types:
        g = TYPE_DIGIT[t]
        t0 = time.perf_counter()
        v = f"_v_{t}"
        scope = (lambda a, k=None: _scoped(a, k)) if scoped else (lambda a, k=None: "")
        # The values a step reads: this type's values so far, plus (incremental) the unchanged inputs.
        cur = f"(SELECT {_COLS} FROM {v} UNION ALL SELECT {_COLS} FROM _ctx WHERE ptype = {g})" if scoped else v
        # 1. reported values
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {v} AS
            SELECT b.iid, b.rid, b.pkey, CAST(b.ptype AS TINYINT) AS ptype, b.value,
                   CAST({SRC_REPORTED} AS TINYINT) AS src, CAST(NULL AS INTEGER) AS n_reporting, b.synthetic
            FROM _base b WHERE b.ptype = {g} {scope('b')}
        """)
        # 2. over time, from the same region's values one step finer
        if t in FINER:
            f = TYPE_DIGIT[FINER[t]]
            fv = f"_v_{FINER[t]}"
            finer = [f"SELECT {_COLS} FROM {fv}"] if fv in done else []
            if scoped:
                finer.append(f"SELECT {_COLS} FROM _ctx WHERE ptype = {f}")
            if finer:
                con.execute(f"""
                    INSERT INTO {v}
                    SELECT r.iid, r.rid, p.parent_key, {g},
                           CASE i.time_agg WHEN 'sum' THEN sum(r.value) WHEN 'mean' THEN avg(r.value)
                                           ELSE arg_max(r.value, r.pkey) END,
                           {SRC_TIME}, arg_max(r.n_reporting, r.pkey), bool_or(r.synthetic)
                    FROM ({' UNION ALL '.join(finer)}) r JOIN periods p ON p.key = r.pkey
                    JOIN _ind i ON i.iid = r.iid
                    WHERE NOT i.formula {scope('r', ('r.iid', 'r.rid', 'p.parent_key'))}
                      {_absent(v, 'r.iid', 'r.rid', 'p.parent_key')}
                    GROUP BY r.iid, r.rid, p.parent_key, i.time_agg
                """)
        # 3. over child regions, deepest parents first
        for depth in DEPTHS:
            link = ("JOIN periods p ON p.key = r.pkey "
                    f"JOIN _links l ON l.rid = r.rid AND l.parent_depth = {depth} "
                    "AND l.valid_from <= p.start AND p.start < l.valid_to ")
            keep = (f"{scope('r', ('r.iid', 'l.parent_rid', 'r.pkey'))}"
                    f"{_absent(v, 'r.iid', 'l.parent_rid', 'r.pkey')}")
            con.execute(f"""
                INSERT INTO {v}
                SELECT r.iid, l.parent_rid, r.pkey, {g},
                       CASE i.region_agg WHEN 'sum' THEN sum(r.value) WHEN 'mean' THEN avg(r.value)
                                         WHEN 'min' THEN min(r.value) ELSE max(r.value) END,
                       {SRC_REGION}, count(r.value), bool_or(r.synthetic)
                FROM {cur} r {link} JOIN _ind i ON i.iid = r.iid
                WHERE i.region_agg IN ('sum', 'mean', 'min', 'max') AND NOT i.formula {keep}
                GROUP BY r.iid, l.parent_rid, r.pkey, i.region_agg
            """)
            con.execute(f"""
                INSERT INTO {v}
                SELECT r.iid, l.parent_rid, r.pkey, {g},
                       sum(r.value * w.value) / nullif(sum(w.value), 0),
                       {SRC_REGION}, count(r.value), bool_or(r.synthetic)
                FROM {cur} r {link} JOIN _ind i ON i.iid = r.iid AND i.region_agg = 'wmean'
                JOIN {cur} w ON w.iid = i.weight_iid AND w.rid = r.rid AND w.pkey = r.pkey
                WHERE NOT i.formula AND w.value IS NOT NULL {keep}
                GROUP BY r.iid, l.parent_rid, r.pkey
            """)
        # 4. formulas from their rolled-up components
        con.execute(f"""
            INSERT INTO {v}
            SELECT f.iid, n.rid, n.pkey, {g}, n.value / d.value * f.factor, {SRC_FORMULA},
                   least(n.n_reporting, d.n_reporting), n.synthetic OR d.synthetic
            FROM _ind f
            JOIN {cur} n ON n.iid = f.num_iid
            JOIN {cur} d ON d.iid = f.den_iid AND d.rid = n.rid AND d.pkey = n.pkey
            WHERE f.formula AND d.value <> 0 {scope('n', ('f.iid', 'n.rid', 'n.pkey'))}
              {_absent(v, 'f.iid', 'n.rid', 'n.pkey')}
        """)
        done.append(v)
        stats.steps[t] = round(time.perf_counter() - t0, 3)
    return done


def _union(tables: list[str]) -> str:
    return " UNION ALL ".join(f"SELECT {_COLS} FROM {t}" for t in tables) or \
        f"SELECT {_COLS} FROM rollup WHERE false"


def _drop(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    for t in tables + ["_ctx", "_need"]:
        con.execute(f"DROP TABLE IF EXISTS {t}")


def full(con: duckdb.DuckDBPyConnection, basis: str = "approved") -> RollupStats:
    """Recompute the whole rollup table.  Call inside a write transaction."""
    stats = RollupStats("full")
    t0 = time.perf_counter()
    _prepare(con, basis)
    tables = _steps(con, False, stats)
    t1 = time.perf_counter()
    con.execute("DELETE FROM rollup")
    con.execute(f"INSERT INTO rollup SELECT {_COLS} FROM ({_union(tables)}) ORDER BY ptype, rid, iid, pkey")
    stats.steps["write"] = round(time.perf_counter() - t1, 3)
    _drop(con, tables)
    stats.rows = con.execute("SELECT count(*) FROM rollup").fetchone()[0]
    stats.seconds = round(time.perf_counter() - t0, 3)
    return stats


def incremental(con: duckdb.DuckDBPyConnection, changed: str, basis: str = "approved") -> RollupStats:
    """Recompute only what the changed keys affect.

    ``changed`` names a table or view with columns (iid, rid, pkey) of base values that were
    added, revised or removed.  Call inside the same write transaction as the change.
    """
    stats = RollupStats("incremental")
    t0 = time.perf_counter()
    _prepare(con, basis)
    _affected(con, changed)
    stats.affected = con.execute("SELECT count(*) FROM _scope").fetchone()[0]
    if stats.affected:
        _context(con)
        stats.steps["context"] = round(time.perf_counter() - t0, 3)
        tables = _steps(con, True, stats)
        t1 = time.perf_counter()
        con.execute("""
            DELETE FROM rollup r
            WHERE EXISTS (SELECT 1 FROM _scope s WHERE s.iid = r.iid AND s.rid = r.rid AND s.pkey = r.pkey)
        """)
        con.execute(f"INSERT INTO rollup {_union(tables)}")
        stats.steps["write"] = round(time.perf_counter() - t1, 3)
        _drop(con, tables)
    stats.seconds = round(time.perf_counter() - t0, 3)
    return stats


def _context(con: duckdb.DuckDBPyConnection) -> None:
    """_ctx: the current rollup rows that are inputs of affected keys and not affected themselves:
    child regions' values (and their weights), finer periods' values, formula components."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _need AS
        WITH kids AS (
            SELECT s.iid, l.rid, s.pkey FROM _scope s JOIN periods p ON p.key = s.pkey
            JOIN _links l ON l.parent_rid = s.rid AND l.valid_from <= p.start AND p.start < l.valid_to
        )
        SELECT iid, rid, pkey FROM kids
        UNION SELECT i.weight_iid, k.rid, k.pkey FROM kids k JOIN _ind i ON i.iid = k.iid
              WHERE i.weight_iid IS NOT NULL
        UNION SELECT s.iid, s.rid, p.key FROM _scope s JOIN periods p ON p.parent_key = s.pkey
        UNION SELECT i.num_iid, s.rid, s.pkey FROM _scope s JOIN _ind i ON i.iid = s.iid WHERE i.formula
        UNION SELECT i.den_iid, s.rid, s.pkey FROM _scope s JOIN _ind i ON i.iid = s.iid WHERE i.formula
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _ctx AS
        SELECT {', '.join('r.' + c for c in _COLS.split(', '))} FROM rollup r
        WHERE EXISTS (SELECT 1 FROM _need n WHERE n.iid = r.iid AND n.rid = r.rid AND n.pkey = r.pkey)
          AND NOT EXISTS (SELECT 1 FROM _scope s WHERE s.iid = r.iid AND s.rid = r.rid AND s.pkey = r.pkey)
    """)


def _affected(con: duckdb.DuckDBPyConnection, changed: str) -> None:
    """The upward closure of the changed keys: ancestor regions (as linked at each period's start),
    coarser periods, and indicators that use a changed one as weight or formula component."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _scope AS
        SELECT DISTINCT c.iid, c.rid, c.pkey, CAST((c.pkey // 1000) % 10 AS TINYINT) AS ptype FROM {changed} c
    """)
    frontier = "_scope"
    while True:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _next AS
            WITH f AS (SELECT * FROM {frontier}),
            up AS (
                SELECT f.iid, l.parent_rid AS rid, f.pkey FROM f JOIN periods p ON p.key = f.pkey
                JOIN _links l ON l.rid = f.rid AND l.valid_from <= p.start AND p.start < l.valid_to
                UNION ALL
                SELECT f.iid, f.rid, p.parent_key FROM f JOIN periods p ON p.key = f.pkey
                WHERE p.parent_key IS NOT NULL
                UNION ALL
                SELECT i.iid, f.rid, f.pkey FROM f JOIN _ind i
                  ON i.weight_iid = f.iid OR i.num_iid = f.iid OR i.den_iid = f.iid
            )
            SELECT DISTINCT u.iid, u.rid, u.pkey, CAST((u.pkey // 1000) % 10 AS TINYINT) AS ptype FROM up u
            WHERE NOT EXISTS (SELECT 1 FROM _scope s WHERE s.iid = u.iid AND s.rid = u.rid AND s.pkey = u.pkey)
        """)
        if not con.execute("SELECT count(*) FROM _next").fetchone()[0]:
            break
        con.execute("INSERT INTO _scope SELECT * FROM _next")
        con.execute("CREATE OR REPLACE TEMP TABLE _frontier AS SELECT * FROM _next")
        frontier = "_frontier"
