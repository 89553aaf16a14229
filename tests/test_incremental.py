"""The incremental rollup equals a full recompute exactly, on random batches of new, revised and
removed values over a small hierarchy with a county split, every aggregation and a formula.

Values are multiples of 1/4 and small, so every sum is exact in binary floating point whatever
the order of addition: equality is exact, not approximate.
"""

from __future__ import annotations

import random
from datetime import date

import pyarrow as pa
import pytest

from luoshi.analytics import rollup
from luoshi.analytics.rollup_rules import SRC_REGION, SRC_TIME
from luoshi.services import observations
from luoshi.workspace import Workspace

SPLIT = date(2024, 7, 1)  # county K2 is retired; its towns move to the new counties K3 and K4
LAST = date(2024, 6, 30)  # the last day of K2 and of the towns' old links (valid_to is inclusive)
# code, parent, level, depth, valid_from, valid_to
REGIONS = [
    ("P", None, "province", 1, None, None),
    ("C1", "P", "city", 2, None, None),
    ("C2", "P", "city", 2, None, None),  # towns directly under the city, like Dongguan
    ("K1", "C1", "county", 3, None, None),
    ("K2", "C1", "county", 3, None, LAST),
    ("K3", "C1", "county", 3, SPLIT, None),
    ("K4", "C1", "county", 3, SPLIT, None),
    ("T11", "K1", "town", 4, None, None),
    ("T12", "K1", "town", 4, None, None),
    ("T21", "K2", "town", 4, None, None),
    ("T22", "K2", "town", 4, None, None),
    ("T51", "C2", "town", 4, None, None),
    ("T52", "C2", "town", 4, None, None),
    ("V111", "T11", "village", 5, None, None),
    ("V112", "T11", "village", 5, None, None),
    ("V211", "T21", "village", 5, None, None),
    ("V212", "T21", "village", 5, None, None),
    ("V511", "T51", "village", 5, None, None),
]
MOVES = {"T21": "K3", "T22": "K4"}  # new parents from SPLIT
# code, region_agg, time_agg, weight, numerator, denominator, factor
INDICATORS = [
    ("flow", "sum", "sum", None, None, None, None),
    ("stock", "sum", "last", None, None, None, None),
    ("level", "mean", "mean", None, None, None, None),
    ("pop", "sum", "last", None, None, None, None),
    ("growth", "wmean", "last", "pop", None, None, None),
    ("num", "sum", "sum", None, None, None, None),
    ("den", "sum", "sum", None, None, None, None),
    ("rate", "sum", "sum", None, "num", "den", 100.0),
    ("top", "max", "last", None, None, None, None),
    ("low", "min", "mean", None, None, None, None),
    ("local", "none", "sum", None, None, None, None),
]
MONTHS = [20240000 + 3000 + m for m in range(1, 13)] + [20250000 + 3000 + m for m in range(1, 4)]
QUARTERS = [20242000 + q for q in range(1, 5)]


def _build(path) -> tuple[Workspace, dict, dict]:
    ws = Workspace.create(path)
    with ws.db.write() as con:
        for rid, (code, parent, level, depth, vf, vt) in enumerate(REGIONS, start=1):
            con.execute("INSERT INTO regions (rid, code, level, depth, name_zh, name_en, valid_from, valid_to) "
                        "VALUES (?,?,?,?,?,?,?,?)", [rid, code, level, depth, code, code, vf or date(1980, 1, 1), vt])
        rids = {r[0]: rid for rid, r in enumerate(REGIONS, start=1)}
        for code, parent, _, _, vf, vt in REGIONS:
            end = LAST if code in MOVES else vt
            con.execute("INSERT INTO region_links VALUES (?,?,?,?)",
                        [rids[code], rids.get(parent), vf or date(1980, 1, 1), end])
            if code in MOVES:
                con.execute("INSERT INTO region_links VALUES (?,?,?,NULL)", [rids[code], rids[MOVES[code]], SPLIT])
        for iid, (code, ragg, tagg, w, n, d, f) in enumerate(INDICATORS, start=1):
            con.execute("INSERT INTO indicators (iid, code, name_zh, name_en, unit, direction, frequency, region_agg, "
                        "weight_code, time_agg, numerator, denominator, factor) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        [iid, code, code, code, "u", "higher", "M", ragg, w, tagg, n, d, f])
        iids = {r[0]: iid for iid, r in enumerate(INDICATORS, start=1)}
    return ws, rids, iids


def _random_rows(rng: random.Random, rids: dict, iids: dict, n: int) -> list[dict]:
    reporters = [c for c, *_ in REGIONS if c not in ("P",)]
    observed = [c for c in iids if c != "rate"]
    rows = []
    for _ in range(n):
        code = rng.choice(reporters)
        pkey = rng.choice(QUARTERS) if rng.random() < 0.1 else rng.choice(MONTHS)
        value = None if rng.random() < 0.08 else rng.randint(-8, 400) / 4
        if rng.random() < 0.05:
            value = 0.0  # a zero denominator or weight must not break anything
        rows.append({"iid": iids[rng.choice(observed)], "rid": rids[code], "pkey": pkey, "value": value,
                     "state": "draft" if rng.random() < 0.1 else "approved"})
    # one row per key in a batch, as an import sends
    return list({(r["iid"], r["rid"], r["pkey"]): r for r in rows}.values())


def _apply(ws: Workspace, rows: list[dict], refresh: bool = True) -> None:
    """The write pipeline's apply step alone, by ids (these tests are about the rollup engines; a
    NULL value stands for a removed one, which no import can send)."""
    table = pa.table({"iid": pa.array([r["iid"] for r in rows], pa.int32()),
                      "rid": pa.array([r["rid"] for r in rows], pa.int32()),
                      "pkey": pa.array([r["pkey"] for r in rows], pa.int32()),
                      "value": pa.array([r["value"] for r in rows], pa.float64()),
                      "state": pa.array([r.get("state", "approved") for r in rows], pa.string()),
                      "source": pa.nulls(len(rows), pa.string()), "comment": pa.nulls(len(rows), pa.string())})
    with ws.db.write() as con:
        con.register("_rows", table)
        try:
            observations.apply(con, "_rows", by="tests", refresh=refresh)
        finally:
            con.unregister("_rows")


def _snapshot(ws: Workspace) -> list[tuple]:
    return ws.db.con.execute(
        "SELECT iid, rid, pkey, ptype, value, src, n_reporting, synthetic FROM rollup ORDER BY iid, rid, pkey"
    ).fetchall()


@pytest.mark.parametrize("seed,keep", [(1, None), (2, None), (3, 0)])
def test_incremental_equals_full(tmp_path, monkeypatch, seed, keep):
    if keep is not None:  # the context read as it goes, as for changes all over a long history
        monkeypatch.setattr(rollup, "KEEP_PERIODS", keep)
    rng = random.Random(seed)
    ws, rids, iids = _build(tmp_path / "inc.duckdb")
    _apply(ws, _random_rows(rng, rids, iids, 400), refresh=False)
    ws.rollup_full()
    ws.db.con.execute("CHECKPOINT")
    _assert_updates_equal_full(ws, rng, rids, iids, 6, seed)
    ws.close()


def _assert_updates_equal_full(ws, rng, rids, iids, batches: int, seed: int) -> None:
    """Random batches, each rolled up incrementally, then compared with a full recompute."""
    for batch in range(batches):
        _apply(ws, _random_rows(rng, rids, iids, rng.randint(1, 40)))
        incremental = _snapshot(ws)
        ws.rollup_full()
        full = _snapshot(ws)
        assert incremental == full, f"seed {seed}, batch {batch}: {_diff(incremental, full)}"


@pytest.mark.parametrize("seed", [4, 5])
def test_incremental_equals_full_after_a_merge(tmp_path, seed):
    """A merge recorded through the workspace (K1 and K3 into K4, which continues, on 1 February
    2025; their towns move to K4) changes the links the update's key ranges come from: updates
    after it still equal a full recompute."""
    rng = random.Random(seed)
    ws, rids, iids = _build(tmp_path / "merge.duckdb")
    _apply(ws, _random_rows(rng, rids, iids, 400), refresh=False)
    ws.rollup_full()
    out = ws.change_regions(date=date(2025, 2, 1), kind="merge", from_codes=["K1", "K3"], into=["K4"])
    assert out["moved"] == {"T11": "K4", "T12": "K4", "T21": "K4"}
    _assert_updates_equal_full(ws, rng, rids, iids, 4, seed)
    ws.close()


def test_split_and_precedence(tmp_path):
    """Hand-checked: a retired county's history still rolls up; after the split its towns count
    under the new counties; a reported county value wins over its towns' aggregate."""
    ws, rids, iids = _build(tmp_path / "split.duckdb")
    jan, aug = 20243001, 20243008
    rows = [{"iid": iids["flow"], "rid": rids[t], "pkey": p, "value": v}
            for p in (jan, aug) for t, v in (("T21", 1.0), ("T22", 2.0), ("T11", 4.0))]
    rows.append({"iid": iids["flow"], "rid": rids["K1"], "pkey": aug, "value": 100.0})
    _apply(ws, rows)
    got = {(c, p): ws.db.scalar("SELECT value FROM rollup WHERE iid = ? AND rid = ? AND pkey = ?",
                                [iids["flow"], rids[c], p])
           for c in ("K1", "K2", "K3", "K4", "C1", "P") for p in (jan, aug)}
    assert got == {("K1", jan): 4.0, ("K2", jan): 3.0, ("K3", jan): None, ("K4", jan): None,
                   ("C1", jan): 7.0, ("P", jan): 7.0,
                   ("K1", aug): 100.0, ("K2", aug): None, ("K3", aug): 1.0, ("K4", aug): 2.0,
                   ("C1", aug): 103.0, ("P", aug): 103.0}
    before = _snapshot(ws)
    ws.rollup_full()
    assert _snapshot(ws) == before
    ws.close()


def test_a_child_without_a_value_keeps_its_weight(tmp_path):
    """Hand-checked: a town whose villages all weigh 0 has no weighted mean (NULL), yet its own
    reported weight stays in its county's denominator, as in SQL's sum(x * w) / sum(w) — in the
    incremental update (in memory) and in the full rollup (SQL) alike."""
    ws, rids, iids = _build(tmp_path / "weights.duckdb")
    jan, growth, pop = 20243001, iids["growth"], iids["pop"]
    rows = [(growth, "V111", 2.0), (pop, "V111", 0.0), (growth, "V112", 4.0), (pop, "V112", 0.0),
            (pop, "T11", 10.0), (growth, "T12", 3.0), (pop, "T12", 30.0)]
    _apply(ws, [{"iid": i, "rid": rids[c], "pkey": jan, "value": v} for i, c, v in rows])
    got = "SELECT value, n_reporting FROM rollup WHERE iid = ? AND rid = ? AND pkey = ?"
    assert ws.db.con.execute(got, [growth, rids["T11"], jan]).fetchall() == [(None, 2)]
    assert ws.db.con.execute(got, [growth, rids["K1"], jan]).fetchall() == [(3.0 * 30 / (10 + 30), 1)]
    incremental = _snapshot(ws)
    ws.rollup_full()
    assert _snapshot(ws) == incremental
    ws.close()


def test_a_quarterly_mean_weighs_by_a_weight_aggregated_over_time(tmp_path):
    """Hand-checked: towns report a weighted indicator by quarter and its weight by month, so a
    town's quarterly weight is an aggregate over time (the last month).  When one town's value is
    revised, the update must still read the other, unchanged weights."""
    ws, rids, iids = _build(tmp_path / "quarterly.duckdb")
    q1, growth, pop = 20242001, iids["growth"], iids["pop"]
    jan, feb, mar = 20243001, 20243002, 20243003
    rows = [(pop, "T11", jan, 10.0), (pop, "T11", feb, 20.0), (pop, "T11", mar, 30.0),
            (pop, "T12", jan, 5.0), (pop, "T12", feb, 5.0), (pop, "T12", mar, 10.0)]
    rows += [(growth, "T11", q1, 2.0), (growth, "T12", q1, 4.0)]
    _apply(ws, [{"iid": i, "rid": rids[c], "pkey": p, "value": v} for i, c, p, v in rows])
    k1 = "SELECT value, src FROM rollup WHERE iid = ? AND rid = ? AND pkey = ?"
    assert ws.db.con.execute(k1, [pop, rids["T11"], q1]).fetchall() == [(30.0, SRC_TIME)]
    assert ws.db.con.execute(k1, [growth, rids["K1"], q1]).fetchall() == [((2 * 30 + 4 * 10) / 40, SRC_REGION)]
    _apply(ws, [{"iid": growth, "rid": rids["T11"], "pkey": q1, "value": 6.0}])
    assert ws.db.con.execute(k1, [growth, rids["K1"], q1]).fetchall() == [((6 * 30 + 4 * 10) / 40, SRC_REGION)]
    incremental = _snapshot(ws)
    ws.rollup_full()
    assert _snapshot(ws) == incremental
    ws.close()


def test_helper_tables_follow_changed_rules_and_links(tmp_path):
    """The connection keeps its helper tables between updates; a changed aggregation rule or
    region link must still be used by the next incremental update (hand-checked values)."""
    ws, rids, iids = _build(tmp_path / "kept.duckdb")
    jan, flow = 20243001, iids["flow"]
    _apply(ws, [{"iid": flow, "rid": rids[t], "pkey": jan, "value": v}
                                for t, v in (("T11", 4.0), ("T12", 6.0))])
    k1 = "SELECT value FROM rollup WHERE iid = ? AND rid = ? AND pkey = ?"
    assert ws.db.scalar(k1, [flow, rids["K1"], jan]) == 10.0  # sum
    with ws.db.write() as con:
        con.execute("UPDATE indicators SET region_agg = 'max' WHERE code = 'flow'")
    _apply(ws, [{"iid": flow, "rid": rids["T11"], "pkey": jan, "value": 5.0}])
    assert ws.db.scalar(k1, [flow, rids["K1"], jan]) == 6.0  # max(5, 6), not the old sum 11
    with ws.db.write() as con:
        con.execute("UPDATE region_links SET parent_rid = ? WHERE rid = ?", [rids["K2"], rids["T12"]])
    _apply(ws, [{"iid": flow, "rid": rids["T11"], "pkey": jan, "value": 3.0}])
    assert ws.db.scalar(k1, [flow, rids["K1"], jan]) == 3.0  # T12 is no longer K1's: not max(3, 6)
    ws.close()


def _diff(a: list[tuple], b: list[tuple]) -> str:
    ka, kb = {r[:3]: r for r in a}, {r[:3]: r for r in b}
    out = [f"{k}: incremental {ka.get(k)} full {kb.get(k)}" for k in sorted(set(ka) | set(kb))
           if ka.get(k) != kb.get(k)]
    return f"{len(out)} differences, first: " + "; ".join(out[:5])


def test_rollup_module_keeps_its_signatures():
    import inspect
    assert list(inspect.signature(rollup.full).parameters) == ["con", "basis"]
    assert list(inspect.signature(rollup.incremental).parameters) == ["con", "changed", "basis", "kept"]
