"""The rollup on Spark equals the rollup in DuckDB exactly, on random hierarchies.

Each seed draws a hierarchy of province, cities, counties, towns and villages (a city with towns
directly under it, like Dongguan), in which towns and villages move to another parent on the first
day of a random month, a county is retired and its towns handed on, and a county is created;
every aggregation rule over regions and time, a weighted mean, a formula and an indicator that is
not rolled up, a weekly indicator (weeks that straddle two years too); values at days, weeks,
months, quarters and years, some drafts; targets of every comparator judged as of a date.  Values
are multiples of
1/4 and small, so every sum is exact in binary floating point whatever the order of addition:
the two engines must agree to the bit, not approximately.

The DuckDB engine is the reference: tests/test_incremental.py and tests/foundation/test_rollup.py
check it against hand-computed values.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import pytest

from luoshi.analytics import judgement, rollup_spark
from luoshi.analytics.judgement import judge
from luoshi.analytics.rollup_rules import COLS
from luoshi.domain.periods import containing, parse
from luoshi.domain.regions import valid_during
from luoshi.domain.rules import Rules
from luoshi.workspace import Workspace
from tests.test_incremental import INDICATORS, _apply

START = date(1980, 1, 1)
# a weekly indicator: its weeks roll up over regions only, and 2025W01 runs from 2024-12-30
WEEKLY = ("visits", "sum", "sum", None, None, None, None)
WEEKS = ["2024W01", "2024W20", "2024W52", "2025W01", "2025W02", "2025W27"]


@pytest.fixture(scope="module")
def spark():
    session = rollup_spark.session("local[2]")
    yield session
    session.stop()


def _hierarchy(rng: random.Random) -> tuple[list, list]:
    """Regions (code, level, depth, valid_from, valid_to) and links (child, parent, from, to)."""
    regions, links = [("P", "province", 1, START, None)], []

    def add(code, level, depth, parent, vf=START, vt=None):
        regions.append((code, level, depth, vf, vt))
        links.append([code, parent, vf, vt])

    counties, towns, villages = [], [], []
    for c in range(rng.randint(2, 3)):
        city = f"C{c}"
        add(city, "city", 2, "P")
        if c == 0:  # towns directly under the city
            for t in range(rng.randint(1, 2)):
                add(f"{city}T{t}", "town", 4, city)
                towns.append(f"{city}T{t}")
            continue
        for k in range(rng.randint(1, 3)):
            county = f"{city}K{k}"
            add(county, "county", 3, city)
            counties.append(county)
            for t in range(rng.randint(1, 3)):
                town = f"{county}T{t}"
                add(town, "town", 4, county)
                towns.append(town)
                for v in range(rng.randint(0, 2)):
                    add(f"{town}V{v}", "village", 5, town)
                    villages.append(f"{town}V{v}")
    day = lambda: date(rng.choice((2024, 2025)), rng.randint(1, 12), 1)  # noqa: E731
    # a new county from a random month
    new = f"{counties[0][:2]}KN"
    add(new, "county", 3, counties[0][:2], vf=day())
    counties.append(new)
    if len(counties) > 2:  # a county retired: its towns go to another county
        gone, heir, on = counties[1], counties[0], day()
        regions[[r[0] for r in regions].index(gone)] = (gone, "county", 3, START, on - timedelta(days=1))
        [x for x in links if x[0] == gone][0][3] = on - timedelta(days=1)
        for town in [t for t in towns if t.startswith(gone)]:
            _move(links, rng, town, heir, on)
    movers = [t for t in towns if "K" in t]
    for town in rng.sample(movers, min(len(movers), rng.randint(1, 3))):  # towns change county
        _move(links, rng, town, rng.choice([c for c in counties if not town.startswith(c)]), day())
    for village in rng.sample(villages, min(len(villages), 2)):  # villages change town
        _move(links, rng, village, rng.choice([t for t in towns if not village.startswith(t)]), day())
    return regions, links


def _move(links: list, rng, code: str, parent: str, on: date) -> None:
    """``code`` belongs to ``parent`` from ``on`` (where the new parent exists by then)."""
    current = [x for x in links if x[0] == code and x[3] is None][0]
    if on <= current[2]:
        return
    current[3] = on - timedelta(days=1)
    links.append([code, parent, on, None])


def _build(path, rng) -> tuple[Workspace, dict, dict]:
    regions, links = _hierarchy(rng)
    starts = {code: vf for code, _, _, vf, _ in regions}
    ws = Workspace.create(path)
    with ws.db.write() as con:
        rids = {r[0]: i for i, r in enumerate(regions, start=1)}
        for code, level, depth, vf, vt in regions:
            con.execute("INSERT INTO regions (rid, code, level, depth, name_zh, name_en, valid_from, valid_to) "
                        "VALUES (?,?,?,?,?,?,?,?)", [rids[code], code, level, depth, code, code, vf, vt])
        con.execute("INSERT INTO region_links VALUES (1, NULL, ?, NULL)", [START])
        for code, parent, vf, vt in links:
            vf = max(vf, starts[parent])  # a link starts once its parent exists
            con.execute("INSERT INTO region_links VALUES (?,?,?,?)", [rids[code], rids[parent], vf, vt])
        for iid, (code, ragg, tagg, w, n, d, f) in enumerate(INDICATORS + [WEEKLY], start=1):
            con.execute("INSERT INTO indicators (iid, code, name_zh, name_en, unit, direction, frequency, region_agg, "
                        "weight_code, time_agg, numerator, denominator, factor) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        [iid, code, code, code, "u", "lower" if code in ("low", "level") else "higher",
                         "W" if code == WEEKLY[0] else "M", ragg, w, tagg, n, d, f])
    return ws, rids, {r[0]: i for i, r in enumerate(INDICATORS + [WEEKLY], start=1)}


def _rows(rng, rids: dict, iids: dict, n: int) -> list[dict]:
    observed = [c for c in iids if c not in ("rate", WEEKLY[0])]
    keys = []
    for year in (2024, 2025):
        keys += [parse(f"{year}-{m:02d}").key for m in range(1, 13)]
        keys += [parse(f"{year}Q{q}").key for q in range(1, 5)] + [parse(str(year)).key]
    days = [containing(date(2024, 1, 1) + timedelta(days=rng.randint(0, 700)), "D").key for _ in range(12)]
    rows = []
    for _ in range(n):
        pkey = rng.choice(days) if rng.random() < 0.1 else rng.choice(keys)
        if rng.random() < 0.1:  # the weekly indicator, in weeks that start in one year and end in the next too
            rows.append({"iid": iids[WEEKLY[0]], "rid": rng.choice(list(rids.values())),
                         "pkey": parse(rng.choice(WEEKS)).key, "value": rng.randint(0, 400) / 4, "state": "approved"})
            continue
        value = 0.0 if rng.random() < 0.05 else rng.randint(-8, 400) / 4
        rows.append({"iid": iids[rng.choice(observed)], "rid": rng.choice(list(rids.values())), "pkey": pkey,
                     "value": value, "state": "draft" if rng.random() < 0.1 else "approved"})
    return list({(r["iid"], r["rid"], r["pkey"]): r for r in rows}.values())


def _targets(rng, ws, path, rids: dict) -> int:
    """Targets at random, through the targets import: every comparator, on regions of every level
    (those created, retired or moved too), for years, halves, quarters and months, with baselines,
    trajectories, tolerances, an in-step indicator and the formula."""
    codes = [c for c in rids if c != "P"] + ["P"]
    valid = {r["code"]: (r["valid_from"], r["valid_to"]) for r in ws.db.all("SELECT code, valid_from, valid_to FROM regions")}
    periods = ["2024", "2025", "2024S2", "2025Q1", "2024Q3", "2024-06", "2025-03"]
    lines = ["indicator,region,period,comparator,value,value_high,tolerance,step_indicator,baseline_value,trajectory"]
    seen = set()
    for _ in range(160):
        ind, region, period = rng.choice(INDICATORS)[0], rng.choice(codes), rng.choice(periods)
        if rng.random() < 0.12:
            ind, period = WEEKLY[0], rng.choice(WEEKS)
        p, (vf, vt) = parse(period), valid[region]
        if (ind, region, period) in seen or not valid_during(vf, vt, p.start, p.end):  # the import refuses it
            continue
        seen.add((ind, region, period))
        comp = rng.choice(["at_least", "at_most", "around", "between", "in_step", "exact"])
        value = rng.choice([0, 5, 40, 300, 1000, -20])
        high = value + rng.choice([0, 10, 200]) if comp == "between" else ""
        tol = rng.choice(["", 0.5, 5]) if comp in ("around", "in_step") else ""
        step = (WEEKLY[0] if ind == WEEKLY[0] else rng.choice(["flow", "pop", "level"])) if comp == "in_step" else ""
        base = rng.choice(["", "", 10, 200]) if comp in ("at_least", "at_most", "exact") else ""
        traj = f"{period}Q1={value / 4};{period}Q2={value / 2}" if len(period) == 4 and rng.random() < 0.3 \
            and comp != "in_step" else ""
        if traj and rng.random() < 0.5:  # periods ending on the same day: the highest value counts
            traj += f";{period}S1={value / 3};{period}-06={value * 0.4}"
        lines.append(f"{ind},{region},{period},{comp},{value},{high},{tol},{step},{base},{traj}")
    f = path / "targets.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws.load_targets(f)
    return len(lines) - 1


def _judged_here(ws, at: date, rules: Rules) -> list[tuple]:
    cur = ws.db.cursor()
    table = judge(cur, at, rules)
    return sorted(cur.execute(f"""SELECT {JUDGED} FROM (SELECT {judgement.EXPORT_COLUMNS} FROM {table} j
                                  JOIN indicators i ON i.iid = j.iid JOIN regions r ON r.rid = j.rid
                                  JOIN periods p ON p.key = j.pkey)""").fetchall(), key=repr)


def _parquet(path: str, columns: str) -> list[tuple]:
    return sorted(duckdb.connect().execute(f"SELECT {columns} FROM read_parquet('{path}', hive_partitioning = true)"
                                           ).fetchall(), key=repr)


# as of, and the rules, per seed: mid-year, early in a year, a year over; both paces and bases
AS_OF = {11: (date(2024, 8, 15), Rules()),
         12: (date(2025, 2, 10), Rules(pace_basis="calendar", pace_method="growth", stale_grace_days=20)),
         13: (date(2025, 7, 1), Rules(pace_basis="calendar", yellow=5.0, red=15.0))}
JUDGED = ("indicator, region, period, period_type, target, value, data_through, periods_reported, periods_expected, "
          "complete, expected, progress, attainment, shortfall, pace_value, gap, met, category, light, stale, synthetic")


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_spark_equals_duckdb_on_random_hierarchies(tmp_path, spark, seed):
    rng = random.Random(seed)
    ws, rids, iids = _build(tmp_path / "ws.duckdb", rng)
    _apply(ws, _rows(rng, rids, iids, 900), refresh=False)
    n_targets = _targets(rng, ws, tmp_path, rids)
    ws.rollup_full()
    cols = ", ".join(COLS)
    local = sorted(ws.db.con.execute(f"SELECT {cols} FROM rollup_derived").fetchall(), key=repr)
    assert {r[4] for r in local if r[5] == 2} - {None}, "the hierarchy rolls something up over regions"
    at, rules = AS_OF[seed]
    stats = rollup_spark.run(ws.db.cursor(), tmp_path / "out", ws.setting("value_basis"), spark=spark,
                             at=at, rules=rules)
    assert _parquet(str(tmp_path / "out" / "derived" / "*.parquet"), cols) == local
    assert stats.derived == len(local)
    # the analysts' files: the columns of `luoshi export rollup`, one folder per period
    ws.export("rollup", "parquet", tmp_path / "export.parquet")
    export_cols = "indicator, region, period, period_type, value, derived_from, n_reporting, synthetic"
    assert _parquet(str(tmp_path / "out" / "rollup" / "*" / "*.parquet"), export_cols) == \
        _parquet(str(tmp_path / "export.parquet"), export_cols)
    periods = {p.name for p in (tmp_path / "out" / "rollup").iterdir()}
    assert "period=2024-03" in periods and "period=2025Q4" in periods
    # every target judged, as the workspace judges it: the same verdicts, and the same figures (to
    # 1e-12: Java's pow and decimal rounding may differ from C's in the last bit)
    here = _judged_here(ws, at, rules)
    there = _parquet(str(tmp_path / "out" / "judgement" / "*" / "*.parquet"), JUDGED)
    assert stats.judged == len(here) == n_targets
    assert len({r[17] for r in here}) >= 4, "several categories judged"
    assert [r[:4] for r in there] == [r[:4] for r in here]
    names = JUDGED.split(", ")
    for a, b in zip(there, here):
        for name, x, y in zip(names, a, b):
            if isinstance(y, float) and x is not None:
                assert x == pytest.approx(y, rel=1e-12, abs=1e-12), (name, a, b)
            else:
                assert x == y, (name, a, b)
    ws.close()
