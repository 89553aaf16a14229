"""Per-workspace state: two workspaces in one process keep their own, never one shared by the module."""

from __future__ import annotations

import gc
import shutil
import weakref
from datetime import date

from luoshi.analytics import rollup
from luoshi.workspace import Workspace

from ..conftest import DATA


def _two(empty_ws, tmp_path):
    """The tiny hierarchy twice; the second has one more county (900202 under City Two), so its
    region links, and the arrays the incremental rollup derives from them, differ."""
    a = empty_ws
    for load, name in ((a.load_regions, "tiny_regions.csv"), (a.load_plans, "tiny_plan.yaml"),
                       (a.load_indicators, "tiny_indicators.yaml")):
        load(DATA / "foundation" / name)
    a.db.con.execute("CHECKPOINT")
    shutil.copy(a.path, tmp_path / "b.duckdb")
    b = Workspace(tmp_path / "b.duckdb", today=date(2026, 11, 20))
    extra = tmp_path / "extra.csv"
    extra.write_text("code,parent_code,level,name_zh,name_en,valid_from,valid_to\n"
                     "900202,900200,county,乙二县,County 2-2,2000-01-01,\n", encoding="utf-8")
    b.load_regions(extra)
    return a, b


def test_two_workspaces_keep_their_own_rollup_arrays(empty_ws, tmp_path, monkeypatch):
    a, b = _two(empty_ws, tmp_path)
    built = []

    class Counted(rollup.Memory):
        def __init__(self, con):
            built.append(con)
            super().__init__(con)

    monkeypatch.setattr(rollup, "Memory", Counted)
    try:
        # alternate small (incremental) updates: each workspace's arrays are built once and kept.
        # With one module-global cache each update threw away the other workspace's arrays (4 builds).
        for month in ("2024-01", "2024-02"):
            a.record([{"indicator": "jobs", "region": "900201", "period": month, "value": 10}])
            b.record([{"indicator": "jobs", "region": "900202", "period": month, "value": 20}])
        assert len(built) == 2
        # and each answers from its own hierarchy: City Two's January and its quarter so far
        # a: 900201 only -> 10 and 10 + 10 = 20; b: 900201 has nothing, 900202 -> 20 and 40
        for ws, month, quarter in ((a, 10, 20), (b, 20, 40)):
            got = dict(ws.db.cursor().execute(
                "SELECT p.code, r.value FROM rollup r JOIN periods p ON p.key = r.pkey JOIN regions g ON g.rid = r.rid "
                "JOIN indicators i ON i.iid = r.iid WHERE i.code = 'jobs' AND g.code = '900200' "
                "AND p.code IN ('2024-01', '2024Q1')").fetchall())
            assert got == {"2024-01": month, "2024Q1": quarter}
    finally:
        b.close()


def test_closing_a_workspace_lets_its_arrays_go(empty_ws, tmp_path):
    a, b = _two(empty_ws, tmp_path)
    b.record([{"indicator": "jobs", "region": "900202", "period": "2024-01", "value": 20}])
    arrays = weakref.ref(b.db.kept["rollup_memory"][1])
    b.close()
    del b
    gc.collect()
    assert arrays() is None  # nothing outside the workspace holds them


def test_an_older_workspace_gets_the_indicator_definitions_column_in_order(empty_ws):
    """Migrations apply in the order of their ids: a workspace made before 0007 (it has 0006's
    source_zh, not description_en) gains the column on opening; one that ran the same change under
    its branch's number 0006_indicator_description_en opens too (the column is there already)."""
    path = empty_ws.path
    with empty_ws.db.write() as con:
        con.execute("ALTER TABLE indicators DROP COLUMN description_en")
        con.execute("DELETE FROM luoshi_migrations WHERE id = '0007_indicator_description_en'")
    empty_ws.close()
    ws = Workspace(path)
    try:
        ids = [r["id"] for r in ws.db.all("SELECT id FROM luoshi_migrations ORDER BY applied_at, id")]
        assert ids.index("0006_indicator_source_zh") < ids.index("0007_indicator_description_en")
        assert "description_en" in {r["column_name"] for r in ws.db.all(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'indicators'")}
        with ws.db.write() as con:
            con.execute("UPDATE luoshi_migrations SET id = '0006_indicator_description_en' "
                        "WHERE id = '0007_indicator_description_en'")
    finally:
        ws.close()
    ws = Workspace(path)
    try:
        assert ws.db.scalar("SELECT count(*) FROM luoshi_migrations WHERE id = '0007_indicator_description_en'") == 1
    finally:
        ws.close()
