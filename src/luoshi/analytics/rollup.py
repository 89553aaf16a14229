"""Rollup of every indicator to every ancestor region and every coarser period, set-based in SQL.

The value of (indicator, region, period) is, in order of precedence:

1. the value reported for it (latest approved revision, or latest by setting);
2. else its aggregate over time of the same region's values one step finer in the chain
   day > month > quarter > half > year (``time_agg``: sum, last, mean);
3. else its aggregate over the child regions valid at the period's start (``region_agg``: sum,
   mean, weighted mean by another indicator, min, max; ``none`` is not rolled up).

A formula indicator (numerator / denominator x factor) is never aggregated: at every region and
period it is computed from its rolled-up components, so a ratio is a ratio of sums.

The ``rollup`` the rest of luoshi reads is a view: the reported values themselves (never copied)
plus the table ``rollup_derived``, which this module writes.

The work is one statement per (period type, region depth), finest type first and deepest regions
first, so every input of a step is final when the step runs.  Each step reads only what it needs:
the base values of its own type and depth, its regions' values one period type finer, and the
values of the child regions linked to them (region links are turned into period-key ranges per
type, so no date arithmetic happens per row).  A child's value that is itself an aggregate over
time is not an input of its parent's aggregate over regions: a child with finer values has given
its parent finer values already, and the parent's own aggregate over time takes precedence.
Steps write temporary tables; ``rollup_derived`` is written once at the end.  (Nothing is
INSERTed step by step into one table inside the transaction: with DuckDB 2.0.0 a large insert
following earlier inserts into the same table could stay invisible to the rest of the
transaction.)

An incremental update recomputes only the keys affected by a change: the upward closure over
regions, periods and derived indicators.  SQL reads the reported values of those keys and the
unchanged rollup rows they depend on; the closure and the steps, with the same rules, run in
memory (rollup_memory.py), where a step costs no planning; SQL then replaces exactly those keys.
tests/test_incremental.py holds the two engines equal.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np

from luoshi.analytics import rollup_steps as steps
from luoshi.analytics.rollup_memory import Memory
from luoshi.analytics.rollup_rules import COLS, SRC_REPORTED, SRC_TIME
from luoshi.analytics.sql_dialect import DUCKDB
from luoshi.domain.periods import MAX_YEAR, MIN_YEAR, TYPE_DIGIT, TYPES, containing
from luoshi.domain.problems import Refusal

_C = ", ".join(COLS)
NO_END = 2**31 - 1
CLUSTER = "pkey, rid"  # the order values are stored in: by period, then region
KEEP_PERIODS = 40  # an incremental update keeps the rows of at most this many periods in memory


@dataclass
class RollupStats:
    mode: str
    seconds: float = 0.0
    rows: int = 0
    affected: int = 0
    steps: dict = field(default_factory=dict)


def _first_key_from(day: date | None, type_: str) -> int:
    """The key of the first period of a type starting on or after ``day`` (links as key ranges)."""
    if day is None:
        return NO_END
    if day.year < MIN_YEAR:
        return 0
    if day.year >= MAX_YEAR:
        return NO_END
    p = containing(day, type_)
    return p.key if p.start >= day else p.next().key


# what the helper tables are made of: when it has not changed, the connection's tables stand
_MADE_OF = """SELECT (SELECT sum(hash(iid, code, region_agg, time_agg, weight_code, numerator, denominator, factor))
                      FROM indicators),
                     (SELECT sum(hash(rid, parent_rid, valid_from, valid_to)) FROM region_links),
                     (SELECT sum(hash(rid, depth)) FROM regions)"""


def prepare(con: duckdb.DuckDBPyConnection) -> str:
    """Temporary helper tables: indicator rules by id, and region links as key ranges per type.
    They are kept on the connection and made again only when indicators or regions changed.
    Returns what they are made of."""
    made_of = str(con.execute(_MADE_OF).fetchone())
    kept = con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = '_prepared'"
                       ).fetchone()[0]
    if kept and con.execute("SELECT made_of FROM _prepared").fetchone()[0] == made_of:
        return made_of
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _ind AS
        SELECT i.iid, i.region_agg, i.time_agg, (i.numerator IS NOT NULL) AS formula,
               w.iid AS weight_iid, n.iid AS num_iid, d.iid AS den_iid, coalesce(i.factor, 1.0) AS factor
        FROM indicators i
        LEFT JOIN indicators w ON w.code = i.weight_code
        LEFT JOIN indicators n ON n.code = i.numerator
        LEFT JOIN indicators d ON d.code = i.denominator
    """)
    # A link from day F to day T (inclusive) holds the periods starting on F or later and on T or
    # earlier: keys from the first period starting on or after F to the first starting after T.
    dates = {r[0] for r in con.execute("SELECT valid_from FROM region_links UNION SELECT valid_to + 1 FROM region_links "
                                       f"WHERE valid_to < DATE '{MAX_YEAR}-01-01'").fetchall()}
    con.execute("CREATE OR REPLACE TEMP TABLE _dkey (day DATE, ptype TINYINT, key INTEGER)")
    rows = [(d, TYPE_DIGIT[t], _first_key_from(d, t)) for d in dates if d is not None for t in TYPES]
    if rows:
        con.executemany("INSERT INTO _dkey VALUES (?, ?, ?)", rows)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _lk AS
        SELECT l.rid, l.parent_rid, c.depth AS cdepth, p.depth AS pdepth, f.ptype, f.key AS kfrom,
               coalesce(t.key, {NO_END}) AS kto,
               l.valid_from, coalesce(l.valid_to, DATE '9999-12-31') AS valid_to
        FROM region_links l JOIN regions c ON c.rid = l.rid JOIN regions p ON p.rid = l.parent_rid
        JOIN _dkey f ON f.day = l.valid_from
        LEFT JOIN _dkey t ON t.day = l.valid_to + 1 AND t.ptype = f.ptype
        WHERE l.parent_rid IS NOT NULL
    """)
    con.execute("CREATE OR REPLACE TEMP TABLE _prepared AS SELECT ? AS made_of", [made_of])
    return made_of


def base_sql(basis: str, periods: list[int] | None = None) -> str:
    """The base values: all of them with their region's depth, or only at the affected keys
    (``_scope``) in these periods."""
    value_col = "approved_value" if basis == "approved" else "latest_value"
    select = (f"SELECT o.iid, o.rid, o.pkey, o.ptype, o.{value_col} AS value, CAST({SRC_REPORTED} AS TINYINT) AS src, "
              f"CAST(NULL AS INTEGER) AS n_reporting, o.synthetic")
    if periods is None:
        return f"{select}, g.depth FROM obs_current o JOIN regions g ON g.rid = o.rid WHERE o.{value_col} IS NOT NULL"
    return (f"{select} FROM obs_current o WHERE o.{value_col} IS NOT NULL AND {_periods_in(periods, 'o')} "
            f"AND EXISTS (SELECT 1 FROM _scope s WHERE s.iid = o.iid AND s.rid = o.rid AND s.pkey = o.pkey)")


class _DuckDB:
    """The DuckDB engine of the shared steps (rollup_steps.py): each step a temporary table."""

    dialect = DUCKDB

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def make(self, name: str, sql: str) -> None:
        # Each step's rows are written in CLUSTER order, so that reading a few periods (an update's
        # inputs, a ranking) or one region in a period touches few row groups (DuckDB skips the
        # others by their min/max).
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql} ORDER BY {CLUSTER}")


def _write(con: duckdb.DuckDBPyConnection, tables: list[str]) -> int:
    """Insert the step tables into rollup_derived in one statement, and check that the rows arrived."""
    union = " UNION ALL ".join(f"SELECT {_C} FROM {t}" for t in tables)
    if not union:
        return 0
    expected = con.execute(f"SELECT count(*) FROM ({union})").fetchone()[0]
    before = con.execute("SELECT count(*) FROM rollup_derived").fetchone()[0]
    con.execute(f"INSERT INTO rollup_derived SELECT {_C} FROM ({union})")
    # fetchall, not fetchone: the result is consumed, so a caller can unregister what it inserted from
    after = con.execute("SELECT count(*) FROM rollup_derived").fetchall()[0][0]
    if after - before != expected:
        raise RuntimeError(f"rollup write lost rows: {after - before} of {expected} visible")
    return expected


def attached(con: duckdb.DuckDBPyConnection) -> str | None:
    """The folder of the rollup made by Spark that the workspace reads, if one is attached."""
    rows = con.execute("SELECT path FROM rollup_attachment").fetchall()  # all: no result left open
    return rows[0][0] if rows else None


def _refuse_if_attached(con: duckdb.DuckDBPyConnection) -> None:
    """While a rollup made elsewhere is attached, nothing here may change what it was made from."""
    path = attached(con)
    if path is not None:
        raise Refusal("rollup-attached", 409, path=path)


def full(con: duckdb.DuckDBPyConnection, basis: str = "approved") -> RollupStats:
    """Recompute the whole rollup table.  Call inside a write transaction."""
    _refuse_if_attached(con)
    stats = RollupStats("full")
    t0 = time.perf_counter()
    prepare(con)
    con.execute(f"CREATE OR REPLACE TEMP VIEW _b AS {base_sql(basis)}")
    tables = steps.run(_DuckDB(con), stats.steps)
    t1 = time.perf_counter()
    con.execute("DELETE FROM rollup_derived")
    # Steps are written one after the other, each in CLUSTER order (UNION ALL keeps it; with
    # preserve_insertion_order off, as the benchmarks set it, row groups still hold narrow ranges);
    # a sort of the whole table would not fit in memory at province scale (10^8 observations).
    _write(con, tables)
    stats.rows = con.execute("SELECT count(*) FROM rollup").fetchone()[0]
    stats.steps["write"] = round(time.perf_counter() - t1, 3)
    con.execute("DROP VIEW _b")
    for t in tables:
        con.execute(f"DROP TABLE {t}")
    stats.seconds = round(time.perf_counter() - t0, 3)
    return stats


def _memory(con: duckdb.DuckDBPyConnection, made_of: str, kept: dict | None) -> Memory:
    """The rules and links as arrays: those in ``kept`` (the database's, Database.kept) while what
    they are made of is unchanged, else built again (and kept)."""
    held = kept.get("rollup_memory") if kept is not None else None
    if held is None or held[0] != made_of:
        held = (made_of, Memory(con))
        if kept is not None:
            kept["rollup_memory"] = held
    return held[1]


def incremental(con: duckdb.DuckDBPyConnection, changed: str, basis: str = "approved",
                kept: dict | None = None) -> RollupStats:
    """Recompute only what the changed keys affect.

    ``changed`` names a table or view with columns (iid, rid, pkey) of base values that were
    added, revised or removed.  Call inside the same write transaction as the change.
    The closure and the steps are computed in memory (rollup_memory.py); SQL reads their inputs
    and writes the result.  ``kept`` is the database's store of derived state (Database.kept),
    where the arrays of rules and links stay between updates; without it they are built each time.
    """
    _refuse_if_attached(con)
    stats = RollupStats("incremental")
    t0 = time.perf_counter()
    memory = _memory(con, prepare(con), kept)
    p = con.execute("SELECT key, parent_key FROM periods WHERE parent_key IS NOT NULL ORDER BY key").fetchnumpy()
    periods = (p["key"].astype(np.int64), p["parent_key"].astype(np.int64))
    c = con.execute(f"SELECT iid, rid, pkey FROM {changed}").fetchnumpy()
    scope = memory.affected(memory.key(c["iid"].astype(np.int64), c["rid"].astype(np.int64),
                                       c["pkey"].astype(np.int64)), periods)
    stats.affected = len(scope)
    if stats.affected:
        con.register("_scope_rows", memory.keys_table(scope))
        con.execute("CREATE OR REPLACE TEMP TABLE _scope AS SELECT * FROM _scope_rows")
        con.unregister("_scope_rows")
        # the days of a month are inputs only where days are reported (a month has ~30 of them)
        days = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM obs_current WHERE ptype = {TYPE_DIGIT['D']} LIMIT 1)"
                           ).fetchone()[0] > 0
        need = memory.needed(scope, periods, days)
        affected_periods = memory.periods(scope).tolist()
        base = memory.fetch(con, base_sql(basis, affected_periods))
        con.register("_need", memory.keys_table(need))
        con.register("_parents", memory.keys_table(memory.parents(scope)))
        try:
            context = memory.fetch(con, _context(sorted(set(affected_periods) | set(memory.periods(need).tolist())),
                                                  memory.weights))
        finally:
            con.unregister("_need")
            con.unregister("_parents")
        stats.steps["context"] = round(time.perf_counter() - t0, 3)
        # the old rows of the affected keys go while the new ones are computed
        with ThreadPoolExecutor(1) as pool:
            deleted = pool.submit(lambda: con.execute(f"""
                DELETE FROM rollup_derived r WHERE {_periods_in(affected_periods)}
                  AND EXISTS (SELECT 1 FROM _scope s WHERE s.iid = r.iid AND s.rid = r.rid AND s.pkey = r.pkey)
            """).fetchall())
            rows = memory.rows_table(memory.run(scope, base, context, periods, stats))
            deleted.result()
        t1 = time.perf_counter()
        con.register("_made", rows)
        try:
            stats.rows = _write(con, ["_made"])
        finally:
            con.unregister("_made")
        stats.steps["write"] = round(time.perf_counter() - t1, 3)
        con.execute("DROP TABLE _scope")
    stats.seconds = round(time.perf_counter() - t0, 3)
    return stats


def _context(periods: list[int], weights: list[int]) -> str:
    """The query of the current rollup rows, in these periods, that are inputs of affected keys:
    the values they use at other keys (``_need``: finer periods, formula components), and the
    values of the children linked to an affected key (``_parents``: the affected keys and, for a
    weighted mean, the same keys of its weight indicator, so children's weights come too).  A row
    may come more than once, and affected keys' own rows come too: the steps
    (rollup_memory.Memory.run) drop both, which is cheaper in memory than in SQL.

    A child's value aggregated over time is never an input of its parent's aggregate over regions
    (see the module note), so of coarser types only the children's other values, and weights, are
    read."""
    inputs = f"r.ptype >= {TYPE_DIGIT['M']} OR r.src <> {SRC_TIME}"  # months and finer (TYPES: coarse to fine)
    if weights:  # the weight indicators named inline: a cheap filter
        inputs += f" OR r.iid IN ({', '.join(map(str, weights))})"
    # Few periods (a month's corrections): their rows are read once and kept for both kinds of
    # input.  Many (changes all over the history): they would be most of the rollup, too much to
    # keep in memory at province scale, so each kind reads them as it goes.
    keep = "MATERIALIZED" if len(periods) < KEEP_PERIODS else "NOT MATERIALIZED"
    return f"""
        WITH c AS {keep} (SELECT {_C} FROM rollup r WHERE {_periods_in(periods)})
        SELECT r.* FROM c r
        WHERE EXISTS (SELECT 1 FROM _need n WHERE n.iid = r.iid AND n.rid = r.rid AND n.pkey = r.pkey)
        UNION ALL
        SELECT r.* FROM c r
        JOIN _lk l ON l.rid = r.rid AND l.ptype = r.ptype AND r.pkey >= l.kfrom AND r.pkey < l.kto
        WHERE ({inputs})
          AND EXISTS (SELECT 1 FROM _parents s WHERE s.iid = r.iid AND s.rid = l.parent_rid AND s.pkey = r.pkey)
    """


def _periods_in(keys: list[int], alias: str = "r") -> str:
    """A filter of <alias>.pkey to these periods: a list of keys, which DuckDB applies to the rows
    it scans before the joins."""
    if not keys:
        return "false"
    if len(keys) > 1000:
        return f"{alias}.pkey BETWEEN {keys[0]} AND {keys[-1]}"
    return f"{alias}.pkey IN ({', '.join(map(str, keys))})"
