"""Judgement at chosen dates, including exactly on each threshold; the SQL twin is held to the
reference definition in domain.rules."""

from __future__ import annotations

from datetime import date

import random

import pytest

from luoshi.analytics.judgement import judge as sql_judge
from luoshi.analytics.status import indicator_judgements
from luoshi.domain.periods import parse
from luoshi.domain.rules import Rules, judge

AT = date(2024, 4, 15)  # data through March; the monthly cutoff is 2024-03-31


@pytest.mark.parametrize("value,category,light", [
    (90.01, "on_pace", "green"),   # 9.99 points behind
    (90, "behind", "yellow"),      # exactly 10 behind: yellow starts
    (70, "behind", "yellow"),      # exactly 30 behind: still yellow
    (69.99, "behind", "red"),      # more than 30 behind
    (110, "ahead", "green"),       # exactly 10 ahead
    (109.99, "on_pace", "green"),
])
def test_thresholds_on_a_level_target(tiny_ws, tmp_path, value, category, light):
    f = tmp_path / "t.csv"
    f.write_text("indicator,region,period,comparator,value\npeak,900101,2024,at_least,100\n", encoding="utf-8")
    tiny_ws.load_targets(f)
    tiny_ws.record([{"indicator": "peak", "region": "900101", "period": "2024-03", "value": value}])
    [j] = tiny_ws.judge_all(at=AT)
    assert (j["category"], j["light"]) == (category, light)
    ref = judge(value=value, target=100, comparator="at_least", period=parse("2024"), at=AT, frequency="M",
                cumulative=False)
    assert (ref.category, ref.light) == (category, light)
    assert j["shortfall"] == pytest.approx(ref.shortfall)


def test_cumulative_pace_uses_elapsed_share(tiny_ws, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("indicator,region,period,comparator,value\njobs,900101,2024,at_least,360\n", encoding="utf-8")
    tiny_ws.load_targets(f)
    tiny_ws.record([{"indicator": "jobs", "region": "900101", "period": m, "value": x}
                    for m, x in (("2024-01", 10), ("2024-02", 20), ("2024-03", 30), ("2024-04", 500))])
    [j] = tiny_ws.judge_all(at=AT)  # April is not over: only Jan-Mar count
    assert j["value"] == 60
    assert j["expected"] == pytest.approx(91 / 366 * 100)  # Jan 1 - Mar 31 of a leap year
    assert j["progress"] == pytest.approx(60 / 360 * 100)
    assert j["shortfall"] == pytest.approx(91 / 366 * 100 - 60 / 360 * 100)
    assert j["pace_value"] == pytest.approx(360 * 91 / 366)  # jobs expected by March 31
    assert j["gap"] == pytest.approx(360 * 91 / 366 - 60)
    assert (j["category"], j["light"]) == ("on_pace", "green")
    [late] = tiny_ws.judge_all(at=date(2024, 5, 1))  # April counted: 560 >= 360, done early
    assert (late["category"], late["light"]) == ("done", "green")


def test_calendar_basis_and_overdue(tiny_ws, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("indicator,region,period,comparator,value\njobs,900101,2024Q1,at_least,100\n", encoding="utf-8")
    tiny_ws.load_targets(f)
    tiny_ws.record([{"indicator": "jobs", "region": "900101", "period": m, "value": v}
                    for m, v in (("2024-01", 40), ("2024-02", 0), ("2024-03", 0))])
    [j] = tiny_ws.judge_all(at=date(2024, 4, 1))  # Q1 over with 40 of 100: missed
    assert (j["category"], j["light"], j["met"]) == ("overdue", "red", False)
    ref = judge(value=40, target=100, comparator="at_least", period=parse("2024Q1"), at=date(2024, 2, 15),
                frequency="M", cumulative=True, rules=Rules(pace_basis="calendar"))
    assert ref.expected == pytest.approx(46 / 91 * 100)
    assert ref.shortfall == pytest.approx(46 / 91 * 100 - 40)


def test_trajectory_sets_the_expected_pace(tiny_ws, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("indicator,region,period,comparator,value,trajectory\n"
                 "jobs,900102,2024,at_least,100,2024Q1=30;2024Q2=60\n", encoding="utf-8")
    tiny_ws.load_targets(f)
    tiny_ws.record([{"indicator": "jobs", "region": "900102", "period": m, "value": 5}
                    for m in ("2024-01", "2024-02", "2024-03")])
    [j] = tiny_ws.judge_all(at=AT)
    assert j["expected"] == pytest.approx(30.0)
    assert j["shortfall"] == pytest.approx(15.0)
    assert (j["category"], j["light"]) == ("behind", "yellow")


def test_trajectory_periods_ending_the_same_day_the_highest_counts(tiny_ws, tmp_path):
    """By hand: the first half, the second quarter and June all end on 30 June; of their interim
    targets (10, 90, 50) the highest, 90, is the goal by mid-August (the region page's rule).  The
    peak (its last value, not cumulative) of 60 is 66.7 % of it: 33.3 points short, behind, red."""
    f = tmp_path / "t.csv"
    f.write_text("indicator,region,period,comparator,value,trajectory\n"
                 "peak,900101,2024,at_least,100,2024S1=10;2024Q2=90;2024-06=50\n", encoding="utf-8")
    tiny_ws.load_targets(f)
    tiny_ws.record([{"indicator": "peak", "region": "900101", "period": m, "value": 60}
                    for m in ("2024-06", "2024-07")])
    at = date(2024, 8, 15)
    [j] = tiny_ws.judge_all(at=at)
    assert j["progress"] == pytest.approx(60 / 90 * 100)
    assert j["shortfall"] == pytest.approx(100 - 60 / 90 * 100, abs=1e-6)
    assert (j["category"], j["light"]) == ("behind", "red")
    [page] = [r for r in indicator_judgements(tiny_ws.db.cursor(), rid=j["rid"], period=parse("2024"), at=at,
                                              rules=Rules()) if r["tid"] is not None]
    assert (page["category"], page["progress"]) == (j["category"], pytest.approx(j["progress"]))


@pytest.mark.parametrize("comparator,extra,value,met,light", [
    # price is lower-is-better; the same value is reported for January to March (their mean)
    ("at_most", "", 5.0, True, "green"),
    ("at_most", "", 8.0, False, "red"),        # 5/8 = 62.5%: 37.5 points short
    ("around", ",,0.5", 5.4, True, "green"),   # within 0.5 above: met
    ("around", ",,0.5", 4.0, True, "green"),   # below a ceiling: the good side, met
    ("around", ",,0.5", 6.5, False, "yellow"),  # 1.0 above the ceiling of 5.5: 100 - 1/5 = 80%, 20 short
    ("between", ",6", 5.5, True, "green"),
    ("between", ",6", 4.0, True, "green"),      # below the range's top on a lower-is-better indicator: met
    ("between", ",6", 7.0, False, "yellow"),    # 1 above 6: 100 - 1/6 = 83.3%, 16.7 short
])
def test_comparators(tiny_ws, tmp_path, comparator, extra, value, met, light):
    row = f"price,900101,2024,{comparator},5{extra or ''}"
    row += "," * (6 - row.count(","))  # every row has every column
    f = tmp_path / "t.csv"
    f.write_text("indicator,region,period,comparator,value,value_high,tolerance\n" + row + "\n", encoding="utf-8")
    tiny_ws.load_targets(f)
    tiny_ws.record([{"indicator": "price", "region": "900101", "period": m, "value": value}
                    for m in ("2024-01", "2024-02", "2024-03")])
    [j] = tiny_ws.judge_all(at=AT)
    ref = judge(value=value, target=5, comparator=comparator, period=parse("2024"), at=AT, frequency="M",
                cumulative=False, direction="lower", high=6 if comparator == "between" else None,
                tolerance=0.5 if comparator == "around" else None)
    assert j["met"] == met == ref.met
    assert j["light"] == ref.light == light
    assert j["complete"] and (j["periods_reported"], j["periods_expected"]) == (3, 3)


def test_no_data_and_stale(tiny_ws, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("indicator,region,period,comparator,value\njobs,900101,2024,at_least,100\n"
                 "jobs,900102,2024,at_least,100\n", encoding="utf-8")
    tiny_ws.load_targets(f)
    tiny_ws.record([{"indicator": "jobs", "region": "900101", "period": "2024-01", "value": 50}])
    judged = {j["rid"]: j for j in tiny_ws.judge_all(at=AT)}
    rid = {r["code"]: r["rid"] for r in tiny_ws.db.all("SELECT code, rid FROM regions")}
    assert judged[rid["900102"]]["category"] == "no_data" and judged[rid["900102"]]["light"] == "grey"
    assert judged[rid["900101"]]["stale"]  # January data only, 75 days before mid-April


def _random_targets_and_values(ws, tmp_path, seed: int) -> None:
    """Targets of every comparator (with baselines, trajectories, an in-step indicator and a
    formula) and monthly values with gaps, at random, over the tiny province."""
    rng = random.Random(seed)
    regions = ["900000", "900100", "900200", "900101", "900102", "900201"]
    periods = ["2024", "2024S1", "2024Q2", "2024-05", "2024W20"]
    lines = ["indicator,region,period,comparator,value,value_high,tolerance,step_indicator,baseline_value,trajectory"]
    for ind in ("jobs", "price", "pop", "growth", "share", "peak", "local"):
        for region in regions:
            for period in rng.sample(periods[:4], 2):
                comp = rng.choice(["at_least", "at_most", "around", "between", "in_step", "exact"])
                value = rng.choice([0, 5, 40, 300, 1000])
                high = value + rng.choice([0, 10, 200]) if comp == "between" else ""
                tol = rng.choice(["", 0.5, 5]) if comp in ("around", "in_step") else ""
                step = rng.choice(["jobs", "pop"]) if comp == "in_step" else ""
                base = rng.choice(["", "", 10, 200]) if comp in ("at_least", "at_most", "exact") else ""
                traj = "2024Q1=30;2024Q2=60" if period == "2024" and rng.random() < 0.3 and comp != "in_step" else ""
                lines.append(f"{ind},{region},{period},{comp},{value},{high},{tol},{step},{base},{traj}")
    f = tmp_path / f"targets-{seed}.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws.load_targets(f)
    rows = []
    for ind in ("jobs", "price", "pop", "growth", "num", "den", "peak", "local"):
        for region in ("900101", "900102", "900201"):
            # now and then a quarter or a half-year reported instead of its months, or over them
            coarse = rng.choice([None, None, "2024Q1", "2024Q2", "2024Q3", "2024S2"])
            instead = {"2024Q1": (1, 2, 3), "2024Q2": (4, 5, 6), "2024Q3": (7, 8, 9), "2024S2": range(7, 13)}.get(
                coarse, ()) if rng.random() < 0.7 else ()
            if coarse:
                rows.append({"indicator": ind, "region": region, "period": coarse, "value": rng.choice([3.0, 60.0])})
            for m in range(1, 13):
                if rng.random() < 0.8 and m not in instead:
                    value = rng.choice([0.0, 1.5, 4.0, 25.0, rng.uniform(-5, 150)])
                    rows.append({"indicator": ind, "region": region, "period": f"2024-{m:02d}",
                                 "value": abs(value) if ind == "jobs" else value})  # jobs has a minimum of 0
    rows.append({"indicator": "jobs", "region": "900100", "period": "2024", "value": 700.0})  # a reported annual value
    ws.record(rows)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_one_region_judged_in_python_equals_the_sql_twin(tiny_ws, tmp_path, seed):
    """A region's page judges its targets with domain.rules; judge_all does it in SQL for all."""
    _random_targets_and_values(tiny_ws, tmp_path, seed)
    periods = {r["key"]: r["code"] for r in tiny_ws.db.all("SELECT key, code FROM periods")}
    compared = 0
    con = tiny_ws.db.cursor()
    for at in (date(2024, 2, 10), AT, date(2024, 6, 30), date(2024, 9, 3), date(2025, 2, 1)):
        for rules in (Rules(), Rules(pace_basis="calendar", pace_method="growth", stale_grace_days=20)):
            sql = {(j["rid"], j["pkey"], j["iid"]): j for j in tiny_ws.db.all(f"SELECT * FROM {sql_judge(con, at, rules)}")}
            pages = {}
            for rid, pkey in {(k[0], k[1]) for k in sql}:
                for row in indicator_judgements(con, rid=rid, period=parse(periods[pkey]), at=at, rules=rules):
                    if row["tid"] is not None:
                        pages[(rid, pkey, row["iid"])] = row
            assert pages.keys() == sql.keys()
            for key, s in sql.items():
                p = pages[key]
                for field in ("category", "light", "met", "stale", "synthetic", "tid", "complete", "periods_reported",
                              "periods_expected"):
                    assert p[field] == s[field], (at, key, field, p, s)
                for field in ("value", "target", "attainment", "expected", "progress", "shortfall", "pace_value", "gap"):
                    assert (p[field] is None) == (s[field] is None), f"{at} {key} {field} {p} {s}"
                    if s[field] is not None:
                        assert p[field] == pytest.approx(s[field], rel=1e-9, abs=1e-9), (at, key, field, p, s)
                if s["value"] is not None:
                    assert p["data_through"] == s["data_through"], (at, key)
                compared += 1
    assert compared > 300


def test_a_weekly_target_in_a_week_that_starts_the_year_before(tiny_ws, tmp_path):
    """Hand-checked: ISO week 2025W01 runs from 2024-12-30 to 2025-01-05; its target is judged by
    the week's own value, whose key is of 2025 though the week starts in 2024."""
    ind = tmp_path / "weekly.yaml"
    ind.write_text("indicators:\n  - {code: visits, name_zh: 访客, name_en: Visits, unit: 人, frequency: W, "
                   "region_agg: sum, time_agg: sum}\n", encoding="utf-8")
    tiny_ws.load_indicators(ind)
    f = tmp_path / "t.csv"
    f.write_text("indicator,region,period,comparator,value\nvisits,900101,2025W01,at_least,100\n", encoding="utf-8")
    tiny_ws.load_targets(f)
    tiny_ws.record([{"indicator": "visits", "region": "900101", "period": "2025W01", "value": 120}])
    [j] = tiny_ws.judge_all(at=date(2025, 1, 8))
    assert (j["value"], str(j["data_through"]), j["category"]) == (120, "2025-01-05", "done")
