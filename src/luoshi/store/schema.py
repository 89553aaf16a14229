"""The core schema: periods, regions, units, plans, indicators, targets, observations, rollups."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from luoshi.domain.periods import Period, all_periods
from luoshi.store.migrations import migration

PERIOD_YEARS = (2000, 2040)
_CHAIN_UP = {"D": "M", "M": "Q", "Q": "S", "S": "Y"}


def _chain_parent(p: Period) -> int | None:
    up = _CHAIN_UP.get(p.type)
    return p.ancestor(up).key if up else None


@migration("0001_core")
def core(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);

    -- Period dimension: one row per period of every type; coarser keys let SQL nest periods.
    CREATE TABLE periods (
        key INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL, type TEXT NOT NULL, year INTEGER NOT NULL,
        start DATE NOT NULL, "end" DATE NOT NULL, days INTEGER NOT NULL,
        half_key INTEGER, quarter_key INTEGER, month_key INTEGER, year_key INTEGER,
        parent_key INTEGER  -- the next coarser period in the chain day > month > quarter > half > year
    );

    -- Regions: identity here, the versioned tree in region_links.
    CREATE TABLE regions (
        rid INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL, level TEXT NOT NULL, depth INTEGER NOT NULL,
        kind TEXT, name_zh TEXT NOT NULL, name_en TEXT NOT NULL, short_zh TEXT,
        valid_from DATE NOT NULL, valid_to DATE,
        synthetic BOOLEAN NOT NULL DEFAULT false, source TEXT, status TEXT
    );
    CREATE TABLE region_links (
        rid INTEGER NOT NULL, parent_rid INTEGER, valid_from DATE NOT NULL, valid_to DATE,
        PRIMARY KEY (rid, valid_from)
    );
    CREATE TABLE region_events (
        event_date DATE NOT NULL, kind TEXT NOT NULL, from_codes TEXT, to_codes TEXT, note TEXT, source TEXT
    );

    CREATE TABLE units (
        code TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL, kind TEXT,
        region_code TEXT, synthetic BOOLEAN NOT NULL DEFAULT false, source TEXT
    );

    CREATE TABLE clusters (
        code TEXT PRIMARY KEY, grp TEXT, seq INTEGER, type TEXT, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
        designated TEXT, status TEXT, source TEXT, note TEXT
    );

    CREATE TABLE plans (
        id TEXT PRIMARY KEY, owner_region TEXT NOT NULL, name_zh TEXT, name_en TEXT, parent_plan TEXT,
        adopted DATE, status TEXT, source TEXT, rules TEXT
    );
    CREATE TABLE plan_nodes (
        plan_id TEXT NOT NULL, code TEXT NOT NULL, parent_code TEXT, kind TEXT NOT NULL, seq INTEGER,
        title_zh TEXT, title_en TEXT, status TEXT, source TEXT, note TEXT, aligns_to TEXT,
        PRIMARY KEY (plan_id, code)
    );

    CREATE TABLE indicators (
        iid INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
        unit TEXT NOT NULL, decimals INTEGER NOT NULL DEFAULT 1, direction TEXT NOT NULL,
        band_low DOUBLE, band_high DOUBLE, frequency TEXT NOT NULL,
        region_agg TEXT NOT NULL, weight_code TEXT, time_agg TEXT NOT NULL,
        numerator TEXT, denominator TEXT, factor DOUBLE,
        min_value DOUBLE, max_value DOUBLE, cluster TEXT, aliases TEXT,
        synthetic BOOLEAN NOT NULL DEFAULT false, source TEXT, status TEXT, description TEXT
    );
    CREATE TABLE indicator_nodes (
        indicator_code TEXT NOT NULL, plan_id TEXT NOT NULL, node_code TEXT NOT NULL,
        PRIMARY KEY (indicator_code, plan_id, node_code)
    );

    CREATE SEQUENCE target_ids;
    CREATE TABLE targets (
        tid BIGINT PRIMARY KEY DEFAULT nextval('target_ids'),
        iid INTEGER NOT NULL, rid INTEGER NOT NULL, pkey INTEGER NOT NULL,
        comparator TEXT NOT NULL, value DOUBLE, value_high DOUBLE, tolerance DOUBLE, step_indicator TEXT,
        baseline_value DOUBLE, baseline_period TEXT, plan_id TEXT, strength TEXT,
        document TEXT, quote TEXT, source TEXT, status TEXT,
        synthetic BOOLEAN NOT NULL DEFAULT false, created_at TIMESTAMP,
        UNIQUE (iid, rid, pkey)
    );
    CREATE TABLE target_trajectory (
        tid BIGINT NOT NULL, pkey INTEGER NOT NULL, value DOUBLE NOT NULL, PRIMARY KEY (tid, pkey)
    );

    -- Every revision of every value is kept; obs_current holds the latest and latest-approved per key.
    -- No primary-key indexes here: at province scale (10^8 rows) they cost more memory than the data;
    -- the single writer keeps (iid, rid, pkey) unique in obs_current.
    CREATE SEQUENCE observation_ids;
    CREATE TABLE observations (
        oid BIGINT NOT NULL DEFAULT nextval('observation_ids'),
        iid INTEGER NOT NULL, rid INTEGER NOT NULL, pkey INTEGER NOT NULL, value DOUBLE,
        state TEXT NOT NULL, revision INTEGER NOT NULL, reported_by TEXT, reported_at TIMESTAMP,
        source TEXT, comment TEXT, import_id TEXT
    );
    CREATE TABLE obs_current (
        iid INTEGER NOT NULL, rid INTEGER NOT NULL, pkey INTEGER NOT NULL,
        latest_oid BIGINT, latest_value DOUBLE, latest_state TEXT, revisions INTEGER,
        approved_oid BIGINT, approved_value DOUBLE, source TEXT, ptype TINYINT NOT NULL,
        synthetic BOOLEAN NOT NULL DEFAULT false
    );

    -- Materialised rollup of every indicator to every ancestor region and coarser period.
    -- src: 0 reported, 1 aggregated over time, 2 aggregated over child regions, 3 formula.
    -- ptype is the period type digit (0 year .. 5 day), kept so scans can skip other types.
    CREATE TABLE rollup (
        iid INTEGER NOT NULL, rid INTEGER NOT NULL, pkey INTEGER NOT NULL, ptype TINYINT NOT NULL,
        value DOUBLE, src TINYINT NOT NULL, n_reporting INTEGER, synthetic BOOLEAN NOT NULL DEFAULT false
    );
    """)
    cols: dict[str, list] = {k: [] for k in ("key", "code", "type", "year", "start", "end", "days",
                                              "half_key", "quarter_key", "month_key", "year_key", "parent_key")}
    for p in all_periods(*PERIOD_YEARS):
        anc = {a.type: a.key for a in p.ancestors()}
        for k, v in (("key", p.key), ("code", p.code), ("type", p.type), ("year", p.year), ("start", p.start),
                     ("end", p.end), ("days", p.days), ("half_key", anc.get("S")), ("quarter_key", anc.get("Q")),
                     ("month_key", anc.get("M")), ("year_key", anc.get("Y")), ("parent_key", _chain_parent(p))):
            cols[k].append(v)
    period_rows = pa.table(cols)  # noqa: F841 - scanned by name below
    con.execute("INSERT INTO periods SELECT * FROM period_rows")


def rollup_view_sql(basis: str = "approved", derived: str | None = None) -> str:
    """The rollup as the reported values (latest approved, or latest, revision) plus the derived
    ones: reported values are not copied, only what is aggregated or computed is stored, in
    ``rollup_derived`` or, when a rollup made by Spark is attached, in the Parquet files ``derived``
    (a glob)."""
    col = "approved_value" if basis == "approved" else "latest_value"
    source = "rollup_derived" if derived is None else f"read_parquet('{derived.replace(chr(39), chr(39) * 2)}')"
    return f"""
    CREATE OR REPLACE VIEW rollup AS
    SELECT iid, rid, pkey, ptype, {col} AS value, CAST(0 AS TINYINT) AS src, CAST(NULL AS INTEGER) AS n_reporting,
           synthetic
    FROM obs_current WHERE {col} IS NOT NULL
    UNION ALL
    SELECT iid, rid, pkey, ptype, value, src, n_reporting, synthetic FROM {source}
    """


@migration("0002_rollup_view")
def rollup_view(con: duckdb.DuckDBPyConnection) -> None:
    """Store only derived values; ``rollup`` becomes a view (the workspace recomputes it after this)."""
    con.execute("DROP TABLE rollup")
    con.execute("""
    CREATE TABLE rollup_derived (
        iid INTEGER NOT NULL, rid INTEGER NOT NULL, pkey INTEGER NOT NULL, ptype TINYINT NOT NULL,
        value DOUBLE, src TINYINT NOT NULL, n_reporting INTEGER, synthetic BOOLEAN NOT NULL DEFAULT false
    )""")
    con.execute(rollup_view_sql("approved"))


@migration("0003_inclusive_valid_to")
def inclusive_valid_to(con: duckdb.DuckDBPyConnection) -> None:
    """``valid_to`` of regions and region links becomes the last day valid (it was the first day no
    longer valid): every stored end moves one day earlier."""
    for table in ("regions", "region_links"):
        con.execute(f"UPDATE {table} SET valid_to = valid_to - 1 WHERE valid_to IS NOT NULL")


@migration("0004_region_event_seq")
def region_event_seq(con: duckdb.DuckDBPyConnection) -> None:
    """Number the recorded region changes (several may share a date) and say when each was recorded."""
    con.execute("ALTER TABLE region_events ADD COLUMN seq INTEGER")
    con.execute("ALTER TABLE region_events ADD COLUMN recorded_at TIMESTAMP")
    con.execute("""UPDATE region_events e SET seq = n.seq FROM (
                       SELECT rowid AS id, row_number() OVER (ORDER BY event_date, rowid) AS seq FROM region_events) n
                   WHERE e.rowid = n.id""")


@migration("0005_zh_fields")
def zh_fields(con: duckdb.DuckDBPyConnection) -> None:
    """Chinese beside text written in one language: a plan node's note (``note`` as written,
    ``note_zh`` shown in the Chinese interface) and the document a target cites (``document_zh``)."""
    con.execute("ALTER TABLE plan_nodes ADD COLUMN note_zh TEXT")
    con.execute("ALTER TABLE targets ADD COLUMN document_zh TEXT")


@migration("0006_indicator_source_zh")
def indicator_source_zh(con: duckdb.DuckDBPyConnection) -> None:
    """An indicator's source in Chinese (``source_zh``), beside ``source`` as written."""
    con.execute("ALTER TABLE indicators ADD COLUMN source_zh TEXT")


@migration("0007_indicator_description_en")
def indicator_description_en(con: duckdb.DuckDBPyConnection) -> None:
    """An indicator's definition in English beside the Chinese one (``description``), for its page.
    (Numbered 0006 on the branch that made it: a workspace that ran it under that number has the column.)"""
    con.execute("ALTER TABLE indicators ADD COLUMN IF NOT EXISTS description_en TEXT")


@migration("0008_rollup_attachment")
def rollup_attachment(con: duckdb.DuckDBPyConnection) -> None:
    """Where the derived values are read from when a rollup made by Spark is attached (no row: the
    workspace's own ``rollup_derived``), and what it was made from (its manifest)."""
    con.execute("CREATE TABLE rollup_attachment (path TEXT NOT NULL, manifest TEXT NOT NULL, "
                "attached_at TIMESTAMP NOT NULL)")
