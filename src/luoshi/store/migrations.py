"""Schema migrations: registered in code by decorator, recorded in a table, applied in order.

Each area of luoshi registers its own migrations (``@migration("0001_core")``); the id's
sort order is the order of application.  Opening an older workspace applies what is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import duckdb

SCHEMA_TABLE = "luoshi_migrations"
_REGISTRY: dict[str, Callable[[duckdb.DuckDBPyConnection], None]] = {}


def migration(id_: str):
    """Register a function that moves the schema one step forward."""

    def register(fn: Callable[[duckdb.DuckDBPyConnection], None]):
        if id_ in _REGISTRY and _REGISTRY[id_] is not fn:
            raise RuntimeError(f"migration {id_} registered twice")
        _REGISTRY[id_] = fn
        return fn

    return register


def registered() -> list[str]:
    _load_all()
    return sorted(_REGISTRY)


def _load_all() -> None:
    # Importing the modules runs their decorators; each area lists its migration module here.
    from luoshi.store import schema  # noqa: F401
    for name in ("luoshi.store.migrations_documents", "luoshi.store.migrations_reporting",
                 "luoshi.store.migrations_tasks", "luoshi.store.migrations_notices"):
        try:
            __import__(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def applied(con: duckdb.DuckDBPyConnection) -> list[str]:
    con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (id TEXT PRIMARY KEY, applied_at TIMESTAMP)")
    return [r[0] for r in con.execute(f"SELECT id FROM {SCHEMA_TABLE} ORDER BY id").fetchall()]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every registered migration not yet recorded; each in its own transaction."""
    done = set(applied(con))
    ran = []
    for id_ in registered():
        if id_ in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            _REGISTRY[id_](con)
            con.execute(f"INSERT INTO {SCHEMA_TABLE} VALUES (?, ?)", [id_, datetime.now(timezone.utc).replace(tzinfo=None)])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        ran.append(id_)
    return ran
