"""insert_rows (store/db.py): many rows in few statements, each row's values as given, whatever the
chunk they fall in, nulls and mixed numbers included."""

from __future__ import annotations

from datetime import datetime

import duckdb

from luoshi.store import db as db_module


def test_rows_across_chunks_arrive_whole_and_in_order(monkeypatch):
    monkeypatch.setattr(db_module, "INSERT_CHUNK", 2)  # five rows: three statements of 2, 2 and 1
    con = duckdb.connect()
    con.execute("CREATE TABLE t (seq INTEGER, day TIMESTAMP, name TEXT, n INTEGER, x DOUBLE, note TEXT)")
    at = datetime(2025, 7, 3, 9, 30)
    rows = [[1, at, "甲", 7, 1, None],
            [2, at, None, None, 2.5, "a 'quoted' note"],
            [3, None, "乙", -3, None, None],
            [4, at, "", 0, 1e-9, "?"],
            [5, at, "丙", 2**31 - 1, -0.0, "(?, ?)"]]
    db_module.insert_rows(con, "t (seq, day, name, n, x, note)", rows)
    got = con.execute("SELECT seq, day, name, n, x, note FROM t ORDER BY seq").fetchall()
    assert got == [(1, at, "甲", 7, 1.0, None),
                   (2, at, None, None, 2.5, "a 'quoted' note"),
                   (3, None, "乙", -3, None, None),
                   (4, at, "", 0, 1e-9, "?"),
                   (5, at, "丙", 2147483647, -0.0, "(?, ?)")]


def test_no_rows_insert_nothing():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (a INTEGER)")
    db_module.insert_rows(con, "t", [])
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 0
