"""Tables of the task and project side: task lists, milestones, progress reports, evidence,
extension and closure requests, the task audit trail, and major projects with monthly investment."""

from __future__ import annotations

import duckdb

from luoshi.store.migrations import migration


@migration("0200_tasks")
def tasks(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
    ALTER TABLE units ADD COLUMN status TEXT;
    ALTER TABLE units ADD COLUMN aliases TEXT;  -- short names as offices write them, ';'-separated

    -- A task of a plan: one lead unit, any co-units (task_units), a supervising unit that decides
    -- extensions and closure.  deadline is the current one; original_deadline never changes.
    CREATE TABLE tasks (
        id TEXT PRIMARY KEY, plan_id TEXT NOT NULL, node_code TEXT NOT NULL,
        title_zh TEXT NOT NULL, title_en TEXT, content TEXT,
        source TEXT, source_kind TEXT, source_ref TEXT,
        lead_unit TEXT NOT NULL, supervisor_unit TEXT, leader TEXT, region_code TEXT,
        start_date DATE NOT NULL, deadline DATE NOT NULL, original_deadline DATE NOT NULL,
        state TEXT NOT NULL DEFAULT 'open',      -- open, closure_requested, closed
        percent DOUBLE NOT NULL DEFAULT 0,        -- from the latest progress report
        done_on DATE,                             -- the day the lead unit reported 100 %
        closed_on DATE,
        synthetic BOOLEAN NOT NULL DEFAULT false, created_at TIMESTAMP
    );
    CREATE TABLE task_units (task_id TEXT NOT NULL, unit_code TEXT NOT NULL, role TEXT NOT NULL,
                             PRIMARY KEY (task_id, unit_code));
    CREATE TABLE task_milestones (
        task_id TEXT NOT NULL, seq INTEGER NOT NULL, title TEXT NOT NULL, due DATE NOT NULL,
        share DOUBLE NOT NULL, done_on DATE, PRIMARY KEY (task_id, seq)
    );
    CREATE TABLE task_indicators (task_id TEXT NOT NULL, indicator_code TEXT NOT NULL,
                                  PRIMARY KEY (task_id, indicator_code));

    CREATE SEQUENCE task_report_ids;
    CREATE TABLE task_reports (
        id BIGINT PRIMARY KEY DEFAULT nextval('task_report_ids'),
        task_id TEXT NOT NULL, period TEXT NOT NULL,  -- reporting month, YYYY-MM
        unit_code TEXT NOT NULL, reported_by TEXT, reported_on DATE NOT NULL, reported_at TIMESTAMP,
        percent DOUBLE NOT NULL, text TEXT, problems TEXT, next_steps TEXT, milestones_done TEXT,
        on_time BOOLEAN NOT NULL
    );
    CREATE SEQUENCE task_evidence_ids;
    CREATE TABLE task_evidence (
        id BIGINT PRIMARY KEY DEFAULT nextval('task_evidence_ids'),
        report_id BIGINT NOT NULL, task_id TEXT NOT NULL, filename TEXT NOT NULL, stored_path TEXT NOT NULL,
        sha256 TEXT NOT NULL, size BIGINT NOT NULL, media_type TEXT NOT NULL, stored_at TIMESTAMP
    );
    CREATE SEQUENCE task_request_ids;
    CREATE TABLE task_requests (
        id BIGINT PRIMARY KEY DEFAULT nextval('task_request_ids'),
        task_id TEXT NOT NULL, kind TEXT NOT NULL,        -- extension, closure
        state TEXT NOT NULL,                              -- pending, approved, rejected (closure: closed, returned)
        requested_by TEXT, unit_code TEXT, requested_on DATE NOT NULL, reason TEXT,
        old_deadline DATE, new_deadline DATE,
        decided_by TEXT, decided_unit TEXT, decided_on DATE, decision_note TEXT
    );
    -- The task audit trail: every step, who, which unit, when, what. Append-only and kept for ever.
    CREATE SEQUENCE task_event_ids;
    CREATE TABLE task_events (
        id BIGINT PRIMARY KEY DEFAULT nextval('task_event_ids'),
        task_id TEXT, project_id TEXT, action TEXT NOT NULL, actor TEXT, unit_code TEXT,
        on_day DATE NOT NULL, recorded_at TIMESTAMP, detail TEXT
    );

    -- Which unit a user of the web app reports for (users and roles themselves: migrations_reporting).
    CREATE TABLE unit_members (user_name TEXT NOT NULL, unit_code TEXT NOT NULL, PRIMARY KEY (user_name, unit_code));

    CREATE TABLE projects (
        id TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT, region_code TEXT NOT NULL,
        cluster_code TEXT, plan_id TEXT, node_code TEXT, lead_unit TEXT,
        total_investment DOUBLE NOT NULL,         -- 10^8 yuan (亿元)
        status TEXT NOT NULL DEFAULT 'planned',   -- planned, under_construction, completed, in_production
        synthetic BOOLEAN NOT NULL DEFAULT false, source TEXT
    );
    CREATE TABLE project_plans (project_id TEXT NOT NULL, year INTEGER NOT NULL, planned DOUBLE NOT NULL,
                                PRIMARY KEY (project_id, year));
    CREATE TABLE project_investment (
        project_id TEXT NOT NULL, month TEXT NOT NULL, amount DOUBLE NOT NULL,  -- completed in the month
        reported_by TEXT, reported_at TIMESTAMP, PRIMARY KEY (project_id, month)
    );
    CREATE TABLE project_milestones (
        project_id TEXT NOT NULL, kind TEXT NOT NULL,  -- approval, construction_start, completion, production
        planned DATE, actual DATE, PRIMARY KEY (project_id, kind)
    );
    """)
