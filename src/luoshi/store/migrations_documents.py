"""Schema for policy documents and the quantified commitments extracted from them."""

from __future__ import annotations

import duckdb

from luoshi.store.migrations import migration


@migration("0050_documents")
def documents(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
    CREATE SEQUENCE document_ids;
    -- One row per distinct text: sha256 of the normalised text keeps the same text from being stored twice.
    CREATE TABLE documents (
        did BIGINT PRIMARY KEY DEFAULT nextval('document_ids'),
        sha256 TEXT UNIQUE NOT NULL, title TEXT, filename TEXT, format TEXT, language TEXT NOT NULL,
        issuer TEXT, doc_date DATE, kind TEXT, original_text TEXT NOT NULL, text TEXT NOT NULL,
        offsets TEXT NOT NULL,          -- JSON breakpoints mapping normalised offsets back to original_text
        added_by TEXT, added_at TIMESTAMP, extracted_at TIMESTAMP
    );
    CREATE SEQUENCE commitment_ids;
    -- Offsets (…_start/…_end) are into documents.text; status proposed | accepted | edited | rejected.
    CREATE TABLE commitments (
        cid BIGINT PRIMARY KEY DEFAULT nextval('commitment_ids'),
        did BIGINT NOT NULL, class TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'proposed',
        sentence_start INTEGER NOT NULL, sentence_end INTEGER NOT NULL,
        value DOUBLE, value_high DOUBLE, unit TEXT, value_start INTEGER, value_end INTEGER,
        comparator TEXT, comparator_start INTEGER, comparator_end INTEGER,
        strength TEXT, strength_start INTEGER, strength_end INTEGER,
        subject TEXT, subject_start INTEGER, subject_end INTEGER,
        period TEXT, period_inferred BOOLEAN, period_start INTEGER, period_end INTEGER,
        scope TEXT, scope_inferred BOOLEAN, scope_start INTEGER, scope_end INTEGER,
        section TEXT, section_kind TEXT,
        indicator TEXT, indicator_score DOUBLE, indicator_method TEXT,
        plan_node TEXT, node_score DOUBLE, node_method TEXT, proposed_indicator TEXT,
        target_id BIGINT, observation_id BIGINT, task_ref TEXT,   -- what accepting it produced
        reviewed_by TEXT, reviewed_at TIMESTAMP, note TEXT
    );
    CREATE INDEX commitments_doc ON commitments (did);
    """)
