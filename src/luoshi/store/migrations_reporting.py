"""Tables of the reporting workflow: imports and their rejected rows, the audit log, users, grants,
API tokens, web sessions, login attempts, period locks, the reporting schedule, and what values
imported from DHIS2 came with."""

from __future__ import annotations

import duckdb

from luoshi.store.migrations import migration


@migration("0100_reporting")
def reporting(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
    -- One row per import attempt, committed or not (a rejected import is kept with its problems).
    CREATE TABLE imports (
        import_id TEXT PRIMARY KEY, kind TEXT NOT NULL, file TEXT, format TEXT, mode TEXT NOT NULL,
        status TEXT NOT NULL, by_user TEXT, created_at TIMESTAMP NOT NULL, state TEXT,
        rows_read INTEGER, accepted INTEGER, rejected INTEGER, added INTEGER, revised INTEGER,
        unchanged INTEGER, problems TEXT
    );
    -- Rows refused in accept-valid mode, with their cells and problems, for correction.
    CREATE TABLE rejected_rows (
        import_id TEXT NOT NULL, row_no INTEGER, sheet TEXT, cells TEXT NOT NULL, problems TEXT NOT NULL
    );

    -- Append-only and kept for ever: the code only ever INSERTs here (tests/reporting/test_audit_kept.py).
    CREATE SEQUENCE audit_ids;
    CREATE TABLE audit_log (
        seq BIGINT NOT NULL DEFAULT nextval('audit_ids'), logged_at TIMESTAMP NOT NULL, actor TEXT NOT NULL,
        action TEXT NOT NULL, iid INTEGER, rid INTEGER, pkey INTEGER,
        old_value DOUBLE, new_value DOUBLE, old_state TEXT, new_state TEXT,
        reason TEXT, import_id TEXT, detail TEXT
    );

    CREATE TABLE users (
        name TEXT PRIMARY KEY, display_name TEXT, password_hash TEXT, created_at TIMESTAMP NOT NULL,
        disabled BOOLEAN NOT NULL DEFAULT false
    );
    CREATE SEQUENCE grant_ids;
    CREATE TABLE grants (
        gid BIGINT PRIMARY KEY DEFAULT nextval('grant_ids'), user_name TEXT NOT NULL, role TEXT NOT NULL,
        region_code TEXT NOT NULL, indicators TEXT, nodes TEXT,
        granted_by TEXT, granted_at TIMESTAMP NOT NULL, revoked_by TEXT, revoked_at TIMESTAMP
    );
    CREATE TABLE api_tokens (
        token_id TEXT PRIMARY KEY, user_name TEXT NOT NULL, secret_hash TEXT NOT NULL, label TEXT,
        role TEXT, region_code TEXT, created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP, last_used_at TIMESTAMP
    );
    CREATE TABLE web_sessions (
        sid_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, csrf TEXT NOT NULL,
        created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL, ended_at TIMESTAMP
    );
    CREATE TABLE login_attempts (who TEXT NOT NULL, attempted_at TIMESTAMP NOT NULL, ok BOOLEAN NOT NULL);

    -- Period locks per plan: explicit lock/unlock events, and a rule "lock N days after the end".
    CREATE TABLE lock_events (
        plan_id TEXT NOT NULL, pkey INTEGER NOT NULL, action TEXT NOT NULL, by_user TEXT NOT NULL,
        done_at TIMESTAMP NOT NULL, reason TEXT
    );
    CREATE TABLE lock_rules (plan_id TEXT PRIMARY KEY, days INTEGER NOT NULL, bottom_up BOOLEAN NOT NULL DEFAULT false);

    -- Who is expected to report what, and by when (days after the period ends).
    CREATE TABLE report_schedule (
        indicator_code TEXT NOT NULL, level TEXT NOT NULL, due_days INTEGER NOT NULL,
        PRIMARY KEY (indicator_code, level)
    );
    """)


@migration("0110_dhis2_origins")
def dhis2_origins(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
    -- What a revision imported from DHIS2 came with, so that the export gives it back unchanged:
    -- one row per observation revision (observations.oid) stored by a DHIS2 import.
    CREATE TABLE dhis2_origins (
        oid BIGINT PRIMARY KEY, category_option_combo TEXT NOT NULL, attribute_option_combo TEXT NOT NULL,
        stored_by TEXT
    );
    """)
