"""Tables of notifications: each user's in-app inbox, the reminders already sent (so that
`luoshi remind` sends each one once), and the users' email addresses."""

from __future__ import annotations

import duckdb

from luoshi.store.migrations import migration


@migration("0300_notices")
def notices(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
    -- A table of its own rather than a column of users: code that inserts users by position keeps working.
    CREATE TABLE user_emails (user_name TEXT PRIMARY KEY, email TEXT NOT NULL);

    -- One notice to one user; read_at stays NULL until the user marks it read.
    CREATE SEQUENCE notice_ids;
    CREATE TABLE notifications (
        id BIGINT NOT NULL DEFAULT nextval('notice_ids'), user_name TEXT NOT NULL, kind TEXT NOT NULL,
        subject_zh TEXT NOT NULL, subject_en TEXT NOT NULL, link TEXT, created_at TIMESTAMP NOT NULL,
        read_at TIMESTAMP
    );

    -- A reminder, keyed by (user, item, kind, due date), is recorded here once it has been posted
    -- and, when the user has an address and mail is configured, emailed; a recorded key is never sent again.
    CREATE TABLE reminders_sent (
        key TEXT PRIMARY KEY, user_name TEXT NOT NULL, item TEXT NOT NULL, kind TEXT NOT NULL, due DATE NOT NULL,
        notice_id BIGINT, email TEXT, sent_at TIMESTAMP NOT NULL
    );
    """)
