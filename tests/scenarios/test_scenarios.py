"""Hand-computed scenarios through the CLI, asked of every door (see conftest.py).

Regions: province 900000 > cities 900100, 900200 > counties 900101, 900102 (under 900100) and
900201 (under 900200).  Indicators: tests/data/scenarios/indicators.yaml.  The plan's thresholds
are the defaults: yellow from 10 points behind the expected pace, red beyond 30, ahead from 10
points in front.
"""

from __future__ import annotations

import pytest

TRAJECTORY = "indicator,region,period,comparator,value,trajectory\n"


def test_a_count_with_a_target_at_several_dates_and_exactly_on_thresholds(sc):
    # jobs in 900101 for 2025: at least 1000, trajectory Q1 250 and first half 500, so the expected
    # pace is 250/1000 = 25 % once March is over and 50 % once June is
    sc.target(TRAJECTORY + "jobs,900101,2025,at_least,1000,2025Q1=250;2025S1=500\n")
    sc.observe("jobs,900101,2025-01,50\njobs,900101,2025-02,50\njobs,900101,2025-03,50\n")
    # 10 April: Jan-Mar, 150 of 1000 = 15 %, against 25 %: exactly 10 points behind, where yellow starts
    v = sc.verdict("jobs", "900101", "2025", "2025-04-10")
    assert (v["value"], v["attainment"], v["category"], v["light"], v["met"]) == (150, 15.0, "behind", "yellow", False)
    assert (v["periods_reported"], v["periods_expected"], v["complete"], v["data_through"]) == (3, 3, True, "2025-03-31")
    # March revised to 51: 151 = 15.1 %, 9.9 points behind: green, on pace
    sc.observe("jobs,900101,2025-03,51\n")
    v = sc.verdict("jobs", "900101", "2025", "2025-04-10")
    assert (v["value"], v["category"], v["light"]) == (151, "on_pace", "green")
    # 10 July: April-June at 50 each, 301 = 30.1 % against 50 %: 19.9 behind, yellow
    sc.observe("".join(f"jobs,900101,2025-{m:02d},50\n" for m in (4, 5, 6)))
    v = sc.verdict("jobs", "900101", "2025", "2025-07-10")
    assert (v["value"], v["category"], v["light"]) == (301, "behind", "yellow")
    # July-November 116 each (580) and December 119: 301 + 580 + 119 = 1000, exactly the target
    sc.observe("".join(f"jobs,900101,2025-{m:02d},116\n" for m in range(7, 12)) + "jobs,900101,2025-12,119\n")
    v = sc.verdict("jobs", "900101", "2025", "2026-01-05")
    assert (v["value"], v["attainment"], v["category"], v["light"], v["met"]) == (1000, 100.0, "done", "green", True)


def test_a_ceiling_on_a_sum_already_broken_is_missed_at_once(sc):
    # deaths (lower is better, summed over months) in 900101 for 2025: at most 120
    sc.target("deaths,900101,2025,at_most,120,,\ndeaths,900102,2025,at_most,120,,\n")
    sc.observe("".join(f"deaths,900101,2025-{m:02d},10\n" for m in range(1, 12)))
    # 4 December: January-November, 110 of 120 = 91.67 %, against 334/365 = 91.51 % of the year
    # elapsed to 30 November: 0.16 points over the pace of a ceiling, green
    v = sc.verdict("deaths", "900101", "2025", "2025-12-04")
    assert (v["value"], v["category"], v["light"], v["met"]) == (110, "on_pace", "green", True)
    # November revised to 21: 121 > 120 with a month to go, the cap can no longer be kept
    sc.observe("deaths,900101,2025-11,21\n")
    v = sc.verdict("deaths", "900101", "2025", "2025-12-04")
    assert (v["value"], v["category"], v["light"], v["met"]) == (121, "missed", "red", False)
    assert v["attainment"] == pytest.approx(120 / 121 * 100)
    # exactly on the ceiling at the year's end (12 x 10 = 120) is met
    sc.observe("".join(f"deaths,900102,2025-{m:02d},10\n" for m in range(1, 13)))
    v = sc.verdict("deaths", "900102", "2025", "2026-01-05")
    assert (v["value"], v["category"], v["light"], v["met"]) == (120, "done", "green", True)


def test_a_finished_year_with_months_missing_is_incomplete(sc):
    # deaths in 900201: at most 120 for 2025, only January to June reported (6 x 5 = 30)
    sc.target("deaths,900201,2025,at_most,120,,\n")
    sc.observe("".join(f"deaths,900201,2025-{m:02d},5\n" for m in range(1, 7)))
    v = sc.verdict("deaths", "900201", "2025", "2026-03-01")
    assert (v["value"], v["category"], v["light"], v["met"]) == (30, "incomplete", "grey", None)
    assert (v["periods_reported"], v["periods_expected"], v["complete"]) == (6, 12, False)
    assert v["data_through"] == "2025-06-30" and v["stale"]
    out = sc.run("status", "--plan", "sp", "--region", "900201", "--period", "2025", "--at", "2026-03-01").output
    assert "incomplete" in out and "periods 6/12" in out


def test_a_period_without_a_target_shows_its_own_value(sc):
    # jobs in 900102: January 10, February 20, March 30; the first quarter is their sum, 60
    sc.observe("jobs,900102,2025-01,10\njobs,900102,2025-02,20\njobs,900102,2025-03,30\n")
    v = sc.verdict("jobs", "900102", "2025Q1", "2025-04-10")
    assert (v["value"], v["target"], v["category"], v["complete"]) == (60, None, "no_data", True)
    # the city: only one of its two counties reported
    doors = sc.doors("jobs", "900100", "2025Q1", "2025-04-10")
    assert doors["cli status"]["value"] == doors["api region"]["value"] == 60
    assert (doors["cli status"]["n_reporting"], doors["cli status"]["n_expected"]) == (1, 2)


def test_a_ratio_is_a_ratio_of_sums(sc):
    # pass_rate = num / den x 100; 900101: 1 of 2 (50 %), 900102: 1 of 8 (12.5 %); the city is
    # (1 + 1) / (2 + 8) = 20 %, not the mean of the ratios (31.25 %)
    sc.observe("num,900101,2025-01,1\nden,900101,2025-01,2\nnum,900102,2025-01,1\nden,900102,2025-01,8\n")
    sc.target("pass_rate,900100,2025,at_least,25,,\n")
    # a level target: 20 of 25 = 80 %, 20 points short: yellow
    v = sc.verdict("pass_rate", "900100", "2025", "2025-02-10")
    assert v["value"] == pytest.approx(20.0)
    assert (v["attainment"], v["category"], v["light"], v["met"]) == (pytest.approx(80.0), "behind", "yellow", False)


def test_a_lower_is_better_weighted_mean_and_a_missing_weight(sc):
    # pm weighted by pop: 900101 30 (pop 100), 900102 60 (pop 300): (3000 + 18000) / 400 = 52.5
    sc.observe("pm,900101,2025-01,30\npop,900101,2025-01,100\npm,900102,2025-01,60\npop,900102,2025-01,300\n"
               "pm,900201,2025-01,40\n")
    sc.target("pm,900100,2025,at_most,50,,\n")
    # at most 50 against 52.5: 50 / 52.5 = 95.24 %, 4.76 points short: green, but not met
    v = sc.verdict("pm", "900100", "2025", "2025-02-10")
    assert (v["value"], v["category"], v["light"], v["met"]) == (52.5, "on_pace", "green", False)
    assert v["attainment"] == pytest.approx(50 / 52.5 * 100)
    # 900201 reported pm without pop: the city 900200 has no mean, and says which weight is missing
    doors = sc.doors("pm", "900200", "2025", "2025-02-10")
    assert doors["cli status"]["value"] is None
    assert doors["cli status"]["missing_weight"] == doors["api region"]["missing_weight"] == ["900201 2025-01"]
    sc.observe("jobs,900201,2025-01,1\n")
    out = sc.run("status", "--plan", "sp", "--region", "900200", "--period", "2025", "--at", "2025-02-10").output
    assert "no weight: 900201 2025-01" not in out  # only rows with a value name what they lack


def test_a_reported_value_of_a_ratio_wins(sc):
    # the province's components: 3 unemployed of 50 every month of 2024 in 900101: 6 %
    sc.observe("".join(f"jobless,900101,2024-{m:02d},3\nlabour,900101,2024-{m:02d},50\n" for m in range(1, 13)))
    # the province reports its annual rate directly: 5.0 (a reported value wins over the formula)
    sc.observe("jobless_rate,900000,2024,5.0\n")
    # "5.5 % or so" on a lower-is-better indicator is a ceiling of 5.5 + 0.5
    sc.target("jobless_rate,900000,2024,around,5.5,,0.5\n")
    v = sc.verdict("jobless_rate", "900000", "2024", "2025-06-30")
    assert (v["value"], v["category"], v["light"], v["met"], v["complete"]) == (5.0, "done", "green", True, True)
    # in July 2024 the year is not over: the rate is its own last month, from the components: 6 %,
    # exactly on the ceiling of 6: met, 100 %
    v = sc.verdict("jobless_rate", "900000", "2024", "2024-07-10")
    assert v["value"] == pytest.approx(6.0)
    assert (v["attainment"], v["category"], v["met"]) == (100.0, "on_pace", True)


def test_scale_words_are_converted_into_the_indicators_unit(sc):
    # a number with a scale word counts base units: 1.2万 people = 12,000 people = 1.2 万人;
    # 1.2亿 yuan = 1.2 亿元; 5000万 yuan = 0.5 亿元
    sc.observe("jobs_wan,900101,2025-01,1.2万\njobs,900101,2025-01,1.2万\ninvest,900101,2025-01,1.2亿\n"
               "invest,900101,2025-02,5000万\njobs,900102,2025-01,\"1，234\"\n")
    assert sc.verdict("jobs_wan", "900101", "2025-01", "2025-03-10")["value"] == pytest.approx(1.2)
    assert sc.verdict("jobs", "900101", "2025-01", "2025-03-10")["value"] == pytest.approx(12000)
    assert sc.verdict("invest", "900101", "2025-01", "2025-03-10")["value"] == pytest.approx(1.2)
    assert sc.verdict("invest", "900101", "2025-02", "2025-03-10")["value"] == pytest.approx(0.5)
    assert sc.verdict("jobs", "900102", "2025-01", "2025-03-10")["value"] == 1234  # a full-width comma


def test_a_county_merged_mid_year(sc):
    # 900101 and 900102 merge into a new 900103 on 1 July 2025 (its last days: 30 June)
    sc.observe("".join(f"jobs,900101,2025-{m:02d},10\njobs,900102,2025-{m:02d},20\n" for m in range(1, 7)))
    sc.run("regions", "merge", "--date", "2025-07-01", "--from", "900101,900102", "--into", "900103",
           "--name-zh", "甲新县", "--name-en", "New County", "--parent", "900100", "--level", "county")
    sc.observe("".join(f"jobs,900103,2025-{m:02d},30\n" for m in range(7, 13)))
    # a July value of a retired county is refused
    out = sc.observe("jobs,900101,2025-07,1\n", code=2).output
    assert "region-not-valid" in out
    sc.target("jobs,900100,2025,at_least,360,,\njobs,900103,2025,at_least,180,,\njobs,900101,2025,at_least,60,,\n")
    # the city: 6 x 10 + 6 x 20 + 6 x 30 = 360, exactly the target
    v = sc.verdict("jobs", "900100", "2025", "2026-01-10")
    assert (v["value"], v["category"], v["met"], v["complete"]) == (360, "done", True, True)
    # the new county existed for six months and reported all six: complete
    v = sc.verdict("jobs", "900103", "2025", "2026-01-10")
    assert (v["value"], v["periods_reported"], v["periods_expected"], v["complete"], v["category"]) == \
        (180, 6, 6, True, "done")
    # the retired one too: its own six months, January to June
    v = sc.verdict("jobs", "900101", "2025", "2026-01-10")
    assert (v["value"], v["periods_reported"], v["periods_expected"], v["complete"], v["category"]) == \
        (60, 6, 6, True, "done")


# (indicator, comparator, target, high, tolerance, observed) -> (met, attainment %, category, light)
# up is higher-is-better, down lower-is-better, level a band (2 to 4).  A level target judged in
# February on January's value (kept by its last value): attainment against the target, and the
# shortfall is 100 - attainment.
COMPARATORS = [
    ("up", "at_least", 5, None, None, 4, (False, 80.0, "behind", "yellow")),
    ("up", "at_least", 5, None, None, 6, (True, 120.0, "ahead", "green")),
    ("up", "at_most", 5, None, None, 6, (False, 5 / 6 * 100, "behind", "yellow")),
    ("up", "at_most", 5, None, None, 4, (True, 125.0, "ahead", "green")),
    ("up", "around", 5, None, 0.5, 4.6, (True, 100.0, "on_pace", "green")),    # within the floor of 4.5
    ("up", "around", 5, None, 0.5, 4, (False, 90.0, "behind", "yellow")),     # 0.5 under 4.5: 0.5/5 = 10 %
    ("up", "around", 5, None, 0.5, 8, (True, 100.0, "on_pace", "green")),     # the good side of a floor
    ("up", "between", 4.5, 5, None, 5.8, (True, 100.0, "on_pace", "green")),  # 4.5-5 %, got 5.8: better
    ("up", "between", 4.5, 5, None, 4, (False, 100 - 0.5 / 4.5 * 100, "behind", "yellow")),
    ("up", "exact", 5, None, None, 4, (False, 80.0, "behind", "yellow")),     # "growth of 5 %" is at least
    ("down", "around", 3, None, 0.5, 0.4, (True, 100.0, "on_pace", "green")),  # CPI "3 % or so" vs 0.4 %
    ("down", "around", 3, None, 0.5, 3.4, (True, 100.0, "on_pace", "green")),
    ("down", "around", 3, None, 0.5, 4, (False, 100 - 0.5 / 3 * 100, "behind", "yellow")),
    ("down", "between", 2, 3, None, 1, (True, 100.0, "on_pace", "green")),
    ("down", "between", 2, 3, None, 3.5, (False, 100 - 0.5 / 3 * 100, "behind", "yellow")),
    ("down", "exact", 3, None, None, 2, (True, 150.0, "ahead", "green")),     # a ceiling: 3 / 2
    ("down", "exact", 3, None, None, 4, (False, 75.0, "behind", "yellow")),
    ("down", "at_least", 2, None, None, 1, (False, 50.0, "behind", "red")),   # the comparator says the side
    ("level", "around", 3, None, 0.5, 3.4, (True, 100.0, "on_pace", "green")),
    ("level", "around", 3, None, 0.5, 2, (False, 100 - 0.5 / 3 * 100, "behind", "yellow")),  # both sides count
    ("level", "around", 3, None, 0.5, 4, (False, 100 - 0.5 / 3 * 100, "behind", "yellow")),
    ("level", "between", 2, 4, None, 4.5, (False, 87.5, "behind", "yellow")),  # 0.5 over 4: 0.5/4
    ("level", "between", 2, 4, None, 3, (True, 100.0, "on_pace", "green")),
    ("level", "exact", 3, None, None, 3.3, (False, 90.0, "behind", "yellow")),
]
REGIONS = ("900000", "900100", "900200", "900101", "900102", "900201")


def test_every_comparator_with_each_direction(sc):
    targets, values, slots = [], [], []
    for n, (ind, comp, t, high, tol, obs, _) in enumerate(COMPARATORS):
        region, year = REGIONS[n % 6], 2020 + n // 6  # a region and year of its own for each case
        targets.append(f"{ind},{region},{year},{comp},{t},{high or ''},{tol or ''}\n")
        values.append(f"{ind},{region},{year}-01,{obs}\n")
        slots.append((ind, region, year))
    sc.target("".join(targets))
    sc.observe("".join(values))
    for (ind, region, year), case in zip(slots, COMPARATORS):
        met, attainment, category, light = case[-1]
        v = sc.verdict(ind, region, str(year), f"{year}-02-10")
        assert (v["met"], v["category"], v["light"]) == (met, category, light), case
        assert v["attainment"] == pytest.approx(attainment), case


def test_child_regions_reporting_counts_the_period_not_its_last_month(sc):
    # 900101 reports January to March, 900102 January only: both have a value for the quarter, so
    # the city's quarter has 2 of its 2 counties reporting (its March alone had 1)
    sc.observe("jobs,900101,2025-01,1\njobs,900101,2025-02,1\njobs,900101,2025-03,1\njobs,900102,2025-01,1\n")
    doors = sc.doors("jobs", "900100", "2025Q1", "2025-04-10")
    for door in ("cli status", "api region"):
        assert (doors[door]["n_reporting"], doors[door]["n_expected"]) == (2, 2), door
    march = sc.doors("jobs", "900100", "2025-03", "2025-04-10")["cli status"]
    assert (march["n_reporting"], march["n_expected"]) == (1, 2)


def test_a_quarter_reported_for_a_monthly_count_stands_for_its_months(sc):
    # jobs in 900102, at least 200 in 2025: the first quarter reported as a whole (60), then April 10
    # and May 20.  On 10 June May is the last month ended: 60 + 10 + 20 = 90, 5 of 5 months covered;
    # the pace is 151 of 365 days (41.37 %), 90 / 200 = 45 %: 3.6 points ahead, on pace
    sc.target("jobs,900102,2025,at_least,200,,\n")
    sc.observe("jobs,900102,2025Q1,60\njobs,900102,2025-04,10\njobs,900102,2025-05,20\n")
    v = sc.verdict("jobs", "900102", "2025", "2025-06-10")
    assert (v["value"], v["category"], v["light"], v["met"], v["attainment"]) == (90, "on_pace", "green", False, 45)
    assert (v["periods_reported"], v["periods_expected"], v["complete"], v["data_through"]) == (5, 5, True, "2025-05-31")
    # June 30 and the second half reported as a whole (120): 240 for the year, every month covered, done
    sc.observe("jobs,900102,2025-06,30\njobs,900102,2025S2,120\n")
    v = sc.verdict("jobs", "900102", "2025", "2026-02-01")
    assert (v["value"], v["category"], v["met"], v["periods_reported"], v["complete"]) == (240, "done", True, 12, True)
    assert v["data_through"] == "2025-12-31"
