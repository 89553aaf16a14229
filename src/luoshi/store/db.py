"""The DuckDB connection: reads on per-thread cursors, every write through one lock-guarded transaction."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from luoshi.domain.problems import Refusal
from luoshi.store import migrations


def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the file; refused (workspace-busy) while another process holds it: DuckDB lets
    one process open a file, even for reading, while any process writes it."""
    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        held = re.search(r"Conflicting lock is held in (.+?) \(PID (\d+)\)", str(exc))
        holder = f"{held.group(1)}, PID {held.group(2)}" if held else "another program"
        raise Refusal("workspace-busy", 409, path=path, holder=holder) from None


class Database:
    """One DuckDB file.  DuckDB allows one writer, so writes are serialised here."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        self.con = connect(self.path, read_only)
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._depth = 0
        # what the layers above derive from this database and keep between writes (the incremental
        # rollup's arrays of rules and links): held here, per database, so that two workspaces in one
        # process never share it; read and replaced only inside write() (one writer at a time)
        self.kept: dict[str, object] = {}

    # --- schema ------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        with self._write_lock:
            return migrations.migrate(self.con)

    def schema_version(self) -> list[str]:
        return migrations.applied(self.con)

    # --- reads -------------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for the calling thread (DuckDB cursors are not shared across threads)."""
        if getattr(self._local, "writing", False):  # inside this thread's write: see its own rows
            return self.con
        cur = getattr(self._local, "cur", None)
        if cur is None:
            cur = self._local.cur = self.con.cursor()
        return cur

    def all(self, sql: str, params: list | dict | None = None) -> list[dict]:
        cur = self.cursor().execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def one(self, sql: str, params: list | dict | None = None) -> dict | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: list | dict | None = None):
        row = self.cursor().execute(sql, params or []).fetchone()
        return row[0] if row else None

    # --- writes ------------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction; nested calls join the outer one.  Rolls back on any error."""
        with self._write_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.con
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            self._local.writing = True
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
                self._local.writing = False

    def close(self) -> None:
        self.con.close()
