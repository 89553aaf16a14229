"""Small cases of the judgement rules, each worked out by hand in its comment.

They are pure (no workspace), so the mutation benchmark (bench/mutation.py) can run them for
every mutant of ``domain/rules.py``.  The scenarios (tests/scenarios/) check the same rules
through every door; the SQL twin is held to ``judge`` in test_judgement.py.
"""

from datetime import date

import pytest

from luoshi.domain.periods import parse
from luoshi.domain.rules import (
    COMPARATORS, Judgement, Rules, SoFar, attainment, bounds, expected_share, judge, normalise_comparator,
    pace_cutoff, pieces, so_far, stale,
)

YEAR = parse("2024")          # 366 days
MID = date(2024, 6, 30)       # June's last day: 182 of 366 days passed, June counts as reported
HALF = 182 / 366 * 100        # the expected pace at MID, percent
AFTER = date(2025, 1, 15)


def approx(j: Judgement) -> Judgement:
    return Judgement(j.category, j.light, *(None if v is None else pytest.approx(v, abs=1e-6)
                                            for v in (j.progress, j.expected, j.shortfall)), j.met,
                     None if j.attainment is None else pytest.approx(j.attainment, abs=1e-6))


def J(category, light, progress, expected, shortfall, met, att):
    return approx(Judgement(category, light, progress, expected, shortfall, met, att))


# --- thresholds --------------------------------------------------------------------------------
@pytest.mark.parametrize("shortfall,light,category", [
    (-10.0, "green", "ahead"), (-9.999, "green", "on_pace"), (0.0, "green", "on_pace"),
    (9.999, "green", "on_pace"), (10.0, "yellow", "behind"), (30.0, "yellow", "behind"),
    (30.001, "red", "behind"),
])
def test_lights_and_categories_on_their_thresholds(shortfall, light, category):
    rules = Rules()
    assert (rules.light(shortfall), rules.category(shortfall)) == (light, category)


def test_thresholds_are_configurable_and_unknown_settings_ignored():
    rules = Rules.from_dict({"yellow": 5, "red": 20, "ahead": 2, "colour": "blue"})
    assert (rules.light(5), rules.light(20), rules.light(20.5), rules.category(-2), rules.category(-1.9)) == (
        "yellow", "yellow", "red", "ahead", "on_pace")
    assert Rules.from_dict(None) == Rules() and Rules.from_dict(Rules().to_dict()) == Rules()
    assert Rules().to_dict()["pace_basis"] == "reported"


# --- comparators -------------------------------------------------------------------------------
@pytest.mark.parametrize("text,comparator", [
    (">=", "at_least"), ("≥", "at_least"), ("以上", "at_least"), ("不低于", "at_least"), ("above", "at_least"),
    ("<=", "at_most"), ("≤", "at_most"), ("以内", "at_most"), ("不超过", "at_most"), ("within", "at_most"),
    ("Within", "at_most"), ("below", "at_most"), ("~", "around"), ("左右", "around"), ("About", "around"),
    ("range", "between"), ("同步", "in_step"), ("in step", "in_step"), ("=", "exact"), ("point", "exact"),
    ("at_least", "at_least"), ("at-most", "at_most"), ("at least", "at_least"), (" AROUND ", "around"),
    ("In_Step", "in_step"), ("between", "between"), ("exact", "exact"),
    ("以上（含）", "at_least"), ("不超过3%", "at_most"), (">= 5", "at_least"),
])
def test_comparators_and_their_aliases(text, comparator):
    assert normalise_comparator(text) == comparator


@pytest.mark.parametrize("text", ["", None, "roughly", "大于", "at_lest"])
def test_an_unknown_comparator_is_refused_naming_the_choices(text):
    with pytest.raises(ValueError, match="is not a comparator .at_least, at_most, around, between, in_step, exact"):
        normalise_comparator(text)


@pytest.mark.parametrize("comparator,target,high,tol,direction,expected", [
    ("at_least", 5, None, 1, "lower", (5, None)),
    ("at_most", 5, None, 1, "higher", (None, 5)),
    ("in_step", 5, None, 1, "band", (4, None)),
    ("in_step", 5, None, None, "higher", (5, None)),
    ("around", 3, None, 0.5, "higher", (2.5, None)),     # "growth of 3% or so": a floor
    ("around", 3, None, 0.5, "lower", (None, 3.5)),      # "CPI 3% or so": a ceiling
    ("around", 3, None, 0.5, "band", (2.5, 3.5)),
    ("around", 3, None, None, "band", (3, 3)),
    ("exact", 5, None, 0.2, "higher", (4.8, None)),
    ("exact", 5, None, 0.2, "lower", (None, 5.2)),
    ("exact", 5, None, 0, "band", (5, 5)),
    ("between", 3, 5, None, "higher", (3, None)),
    ("between", 3, 5, None, "lower", (None, 5)),
    ("between", 3, 5, 9, "band", (3, 5)),                # the tolerance does not widen a range
    ("between", 3, None, None, "band", (3, 3)),
])
def test_bounds_one_sided_by_direction_two_sided_on_a_band(comparator, target, high, tol, direction, expected):
    got = bounds(comparator, target, high, tol, direction)
    assert [g if g is None else pytest.approx(g) for g in got] == list(expected)


def test_bounds_without_a_direction_read_higher_is_better():
    assert bounds("around", 3, tolerance=0.5) == (2.5, None)
    assert bounds("between", 3, 5) == (3, None)


def test_bounds_of_an_unknown_comparator():
    with pytest.raises(ValueError, match="unknown comparator"):
        bounds("roughly", 3)
    assert set(COMPARATORS) == {"at_least", "at_most", "around", "between", "in_step", "exact"}


# --- attainment of a level ---------------------------------------------------------------------
@pytest.mark.parametrize("value,args,progress,met", [
    (4, ("at_least", 5), 80.0, False),            # 4 / 5
    (5, ("at_least", 5), 100.0, True),            # exactly on a floor is met
    (6, ("at_least", 5), 120.0, True),
    (-1, ("at_least", 0), 0.0, False),            # below a floor of 0
    (0, ("at_least", 0), 100.0, True),
    (3, ("at_least", 0), 100.0, True),
    (5, ("at_most", 5), 100.0, True),             # exactly on a ceiling is met
    (10, ("at_most", 5), 50.0, False),            # 5 / 10
    (4, ("at_most", 5), 125.0, True),             # 5 / 4
    (0, ("at_most", 5), 200.0, True),             # nothing against a positive ceiling: twice as good
    (-1, ("at_most", 5), 200.0, True),
    (-1, ("at_most", 0), 100.0, True),            # a negative value against a ceiling of 0
    (0, ("at_most", 0), 100.0, True),
    (1, ("at_most", 0), 0.0, False),              # 0 / 1
    (3.4, ("around", 3, None, 0.5, "band"), 100.0, True),
    (4.0, ("around", 3, None, 0.5, "band"), 100 - 0.5 / 3 * 100, False),   # 0.5 above 3.5, relative to 3
    (2.0, ("around", 3, None, 0.5, "band"), 100 - 0.5 / 3 * 100, False),   # 0.5 below 2.5
    (0.4, ("around", 3, None, 0.5, "lower"), 100.0, True),                 # CPI 0.4 against "3% or so"
    (3.6, ("around", 3, None, 0.5, "lower"), 100 - 0.1 / 3 * 100, False),
    (9.0, ("around", 5, None, 0.5, "higher"), 100.0, True),                # well above a floor
    (4.0, ("around", 5, None, 0.5, "higher"), 100 - 0.5 / 5 * 100, False),
    (5.0, ("between", 2, 4, None, "band"), 75.0, False),   # 1 above 4, relative to 4
    (1.0, ("between", 2, 4, None, "band"), 50.0, False),   # 1 below 2, relative to 2
    (3.0, ("between", 2, 4, None, "band"), 100.0, True),
    (6.0, ("exact", 5, None, 0, "band"), 80.0, False),     # 1 off 5
    (4.0, ("exact", 5, None, 0, "band"), 80.0, False),
    (5.0, ("exact", 5, None, 0, "band"), 100.0, True),
    (4.0, ("exact", 5, None, 0, "higher"), 80.0, False),   # a floor: 4 / 5
    (6.0, ("exact", 5, None, 0, "lower"), 5 / 6 * 100, False),
    (2.0, ("around", 0, None, 1, "band"), 0.0, False),     # a target of 0 measures in units
    (-3.0, ("around", -2, None, 0, "band"), 50.0, False),  # 1 below -2, relative to |-2|
    (-1.0, ("around", -2, None, 0, "band"), 50.0, False),
    (4.5, ("in_step", 5, None, 1), 112.5, True),           # a floor of 5 - 1 = 4: 4.5 / 4
    (3.5, ("in_step", 5, None, 1), 87.5, False),
    (4.0, ("around", 5, None, 0.5), 90.0, False),         # no direction given: higher is better, a floor
    (9.0, ("around", 5, None, 0.5), 100.0, True),
    (3.0, ("between", 2, 4, None, "higher"), 100.0, True),  # inside the range, above its floor: 100, not 150
    (9.0, ("between", 2, 4, None, "higher"), 100.0, True),
    (-2.0, ("around", 0, None, 1, "band"), 0.0, False),    # 1 below -1, in units of 1
    (0.0, ("at_most", 0.5), 200.0, True),                  # nothing against a small positive ceiling
])
def test_attainment_of_a_level(value, args, progress, met):
    got = attainment(value, *args)
    assert got == (pytest.approx(progress), met)


# --- the pace ----------------------------------------------------------------------------------
@pytest.mark.parametrize("frequency,at,basis,cutoff", [
    ("M", date(2024, 3, 31), "reported", date(2024, 3, 31)),   # a month is complete on its own last day
    ("M", date(2024, 3, 30), "reported", date(2024, 2, 29)),
    ("M", date(2024, 3, 1), "reported", date(2024, 2, 29)),
    ("Q", date(2024, 5, 15), "reported", date(2024, 3, 31)),
    ("Q", date(2024, 6, 30), "reported", date(2024, 6, 30)),
    ("Y", date(2024, 12, 30), "reported", date(2023, 12, 31)),
    ("W", date(2024, 1, 10), "reported", date(2024, 1, 7)),
    ("D", date(2024, 3, 30), "reported", date(2024, 3, 30)),
    ("M", date(2024, 3, 30), "calendar", date(2024, 3, 30)),
])
def test_pace_cutoff(frequency, at, basis, cutoff):
    assert pace_cutoff(frequency, at, basis) == cutoff


def test_expected_share_counts_whole_reporting_periods():
    assert expected_share(YEAR, "M", date(2024, 3, 31), Rules()) == pytest.approx(91 / 366)
    assert expected_share(YEAR, "M", date(2024, 3, 30), Rules()) == pytest.approx(60 / 366)
    assert expected_share(YEAR, "M", date(2024, 3, 30), Rules(pace_basis="calendar")) == pytest.approx(90 / 366)
    assert expected_share(YEAR, "Q", date(2024, 3, 30), Rules()) == 0.0


# --- judge: cumulative targets (序时进度) -----------------------------------------------------------
def cum(value, comparator="at_least", target=100.0, at=MID, **kw):
    return approx(judge(value=value, target=target, comparator=comparator, period=YEAR, at=at,
                        frequency="M", cumulative=True, **kw))


def test_a_cumulative_floor_on_pace():
    # 50 of 100 at mid-year against 49.73% expected: 0.27 points ahead, on pace, not yet met
    assert cum(50) == J("on_pace", "green", 50, HALF, HALF - 50, False, 50)


def test_a_cumulative_floor_behind_yellow_and_red():
    # 39.7 of 100: 10.03 points behind -> yellow; 19 of 100: 30.73 behind -> red
    assert cum(39.7) == J("behind", "yellow", 39.7, HALF, HALF - 39.7, False, 39.7)
    assert cum(19) == J("behind", "red", 19, HALF, HALF - 19, False, 19)
    assert cum(61) == J("ahead", "green", 61, HALF, HALF - 61, False, 61)


def test_a_value_exactly_on_a_cumulative_floor_is_met_and_done():
    assert cum(100) == J("done", "green", 100, HALF, HALF - 100, True, 100)
    assert cum(100, at=AFTER) == J("done", "green", 100, 100, 0, True, 100)
    assert cum(99.99, at=AFTER) == J("overdue", "red", 99.99, 100, 0.01, False, 99.99)


def test_a_value_exactly_on_a_cumulative_ceiling_is_met():
    # a ceiling used up at mid-year is kept but running far ahead of the pace: behind, red, met
    assert cum(100, "at_most") == J("behind", "red", 100, HALF, 100 - HALF, True, 100)
    assert cum(100, "at_most", at=AFTER) == J("done", "green", 100, 100, 0, True, 100)
    # 40 of a ceiling of 100 at mid-year: 9.73 points under the pace, on pace
    assert cum(40, "at_most") == J("on_pace", "green", 40, HALF, 40 - HALF, True, 250)


def test_a_broken_cumulative_ceiling_is_missed_at_once_and_overdue_after():
    assert cum(100.5, "at_most") == J("missed", "red", 100.5, HALF, 100.5 - HALF, False, 100 / 100.5 * 100)
    assert cum(100.5, "at_most", at=AFTER) == J("overdue", "red", 100.5, 100, 0.5, False, 100 / 100.5 * 100)
    # broken even with missing reports: the sum so far is already over
    assert cum(101, "at_most", complete=False).category == "missed"


def test_the_pace_counts_whole_reporting_periods_only():
    # on 29 June, May is the last month reported: 152 of 366 days expected
    assert cum(50, at=date(2024, 6, 29)) == J("on_pace", "green", 50, 152 / 366 * 100, 152 / 366 * 100 - 50,
                                              False, 50)


def test_on_the_periods_last_day_it_is_not_yet_over():
    # every day has passed and December counts: 100% expected, but not overdue until the day after
    assert cum(50, at=date(2024, 12, 31)) == J("behind", "red", 50, 100, 50, False, 50)
    assert cum(50, at=date(2025, 1, 1)).category == "overdue"


def test_a_cumulative_range_on_a_lower_is_better_count_is_a_ceiling_at_its_top():
    # between 3 and 5 on a lower-is-better count: a ceiling of 5; 4 is 80% of it
    assert cum(4, "between", target=3, high=5, direction="lower") == J(
        "behind", "red", 80, HALF, 80 - HALF, True, 125)


def test_a_range_without_a_target_is_no_data():
    assert cum(5, "around", target=None, tolerance=1) == J("no_data", "grey", None, 100, None, None, None)


def test_a_cumulative_around_reads_as_its_side():
    # "about 100, +-10" on a higher-is-better count is a floor of 90: 45 of 90 is 50%
    assert cum(45, "around", tolerance=10) == J("on_pace", "green", 50, HALF, HALF - 50, False, 50)
    # the same on a lower-is-better count is a ceiling of 110
    assert cum(110, "around", tolerance=10, direction="lower") == J(
        "behind", "red", 100, HALF, 100 - HALF, True, 100)
    # on a band it is two-sided: judged as a level, 45 is 45 below 90, relative to 100
    assert cum(45, "around", tolerance=10, direction="band") == J(
        "behind", "red", 55, 100, 45, False, 55)


def test_in_step_is_never_paced():
    # in step with 6 (tolerance 0.5): a floor of 5.5, judged as a level even on a summed indicator
    assert cum(5.5, "in_step", target=6, tolerance=0.5) == J("on_pace", "green", 100, 100, 0, True, 100)


def test_an_interim_target_sets_the_pace():
    # a trajectory's 40 by now out of 100: 40% expected; 30 is 10 points behind
    assert cum(30, interim=40) == J("behind", "yellow", 30, 40, 10, False, 30)
    # an interim of 0 (nothing due yet): nothing expected, 30 points ahead
    assert cum(30, interim=0) == J("ahead", "green", 30, 0, -30, False, 30)
    # a target of 0 gives no scale to an interim: the calendar's pace; any value reaches 0
    assert cum(5, target=0, interim=5) == J("done", "green", 100, HALF, HALF - 100, True, 100)


def test_an_incomplete_finished_period_is_never_met():
    assert cum(100, at=AFTER, complete=False) == J("incomplete", "grey", 100, 100, 0, None, 100)
    assert cum(50, complete=False) == J("on_pace", "green", 50, HALF, HALF - 50, None, 50)


def test_no_value_or_no_target_is_no_data():
    assert cum(None) == J("no_data", "grey", None, HALF, None, None, None)
    assert cum(5, target=None) == J("no_data", "grey", None, 100, None, None, None)
    lvl = judge(value=None, target=5, comparator="at_least", period=YEAR, at=MID, frequency="M", cumulative=False)
    assert lvl == Judgement("no_data", "grey", None, 100.0, None, None, None)


# --- judge: levels, baselines and growth paths --------------------------------------------------
APRIL = parse("2024-04")      # 30 days; on 15 April half of it has passed (daily data)
A15 = date(2024, 4, 15)


def level(value, target, comparator="at_least", baseline=None, rules=Rules(), at=A15, **kw):
    return approx(judge(value=value, target=target, comparator=comparator, period=APRIL, at=at, frequency="D",
                        cumulative=False, baseline=baseline, rules=rules, **kw))


def test_a_level_without_baseline_is_judged_against_the_target():
    assert level(4.5, 5) == J("behind", "yellow", 90, 100, 10, False, 90)
    assert level(5, 5) == J("on_pace", "green", 100, 100, 0, True, 100)


def test_a_linear_path_from_the_baseline():
    # baseline 2, target 6: half-way 4; 4 is on the path, 3.5 is 12.5 points behind
    assert level(4, 6, baseline=2) == J("on_pace", "green", 100, 100, 0, True, 4 / 6 * 100)
    assert level(3.5, 6, baseline=2) == J("behind", "yellow", 87.5, 100, 12.5, False, 3.5 / 6 * 100)


def test_a_growth_path_from_a_fractional_baseline():
    # 0.5 to 2 geometrically: half-way 0.5 * 4 ** 0.5 = 1 (linear would be 1.25)
    growth = Rules(pace_method="growth")
    assert level(1, 2, baseline=0.5, rules=growth) == J("on_pace", "green", 100, 100, 0, True, 50)
    assert level(1, 2, baseline=0.5) == J("behind", "yellow", 80, 100, 20, False, 50)


@pytest.mark.parametrize("baseline,goal", [(0, 5), (-2, 4)])
def test_a_growth_path_from_a_zero_or_negative_baseline_is_linear(baseline, goal):
    # no geometric path starts at 0 or below: the linear one, half-way from the baseline to 10
    growth = Rules(pace_method="growth")
    assert level(goal, 10, baseline=baseline, rules=growth).progress == pytest.approx(100)
    assert level(goal * 0.9, 10, baseline=baseline, rules=growth).progress == pytest.approx(90)


def test_a_growth_path_below_one():
    # 1/9 to 1 geometrically: half-way 1/9 * 9 ** 0.5 = 1/3 (linear 5/9; 1/9 * 9 * 0.5 would be 1/2)
    growth = Rules(pace_method="growth")
    assert level(1 / 3, 1, baseline=1 / 9, rules=growth) == J("on_pace", "green", 100, 100, 0, True, 100 / 3)


def test_a_growth_path_down_to_zero_is_linear():
    # from 4 down to a ceiling of 0: half-way 2 on the linear path (no geometric path reaches 0)
    growth = Rules(pace_method="growth")
    assert level(2, 0, "at_most", baseline=4, rules=growth) == J("on_pace", "green", 100, 100, 0, True, 0)


def test_an_exact_target_follows_the_path_from_its_baseline():
    # exactly 6 from 2, on a higher-is-better indicator: a floor of 4 half-way; 4 is on the path
    assert level(4, 6, "exact", baseline=2) == J("on_pace", "green", 100, 100, 0, True, 4 / 6 * 100)


def test_a_range_level_on_a_band():
    # between 2 and 4: 3 is inside; 5 is 1 above 4, relative to 4
    assert level(3, 2, "between", high=4, direction="band") == J("on_pace", "green", 100, 100, 0, True, 100)
    assert level(5, 2, "between", high=4, direction="band") == J("behind", "yellow", 75, 100, 25, False, 75)


def test_a_shortfall_within_a_millionth_of_a_point_counts_on_the_threshold():
    # 90.00000006% of the target: 9.99999994 points short, which is 10 to a millionth of a point: yellow
    assert level(90.00000006, 100).light == "yellow"
    assert level(90.0000006, 100).light == "green"


def test_a_ceiling_path_and_a_baseline_ignored_by_ranges_and_after_the_end():
    # at most: from 10 down to 6, half-way 8; 8.8 is 8 / 8.8 = 90.9%
    assert level(8.8, 6, "at_most", baseline=10) == J("on_pace", "green", 8 / 8.8 * 100, 100, 100 - 8 / 8.8 * 100,
                                                      False, 6 / 8.8 * 100)
    # around keeps its target whatever the baseline
    assert level(5, 5, "around", baseline=1, tolerance=0.1) == J("on_pace", "green", 100, 100, 0, True, 100)
    # once the period is over the full target counts
    assert level(4, 6, baseline=2, at=date(2024, 5, 2)) == J("overdue", "red", 4 / 6 * 100, 100, 100 - 4 / 6 * 100,
                                                             False, 4 / 6 * 100)
    assert level(6, 6, baseline=2, at=date(2024, 5, 2)) == J("done", "green", 100, 100, 0, True, 100)


def test_an_interim_level_and_a_level_met_before_the_end():
    # the interim replaces the target while the period runs; met means met against it
    assert level(3, 6, interim=3) == J("on_pace", "green", 100, 100, 0, True, 50)
    # once over, the full target decides: 3 of 6 is not met, whatever the interim
    assert level(3, 6, interim=3, at=date(2024, 5, 2)) == J("overdue", "red", 100, 100, 0, False, 50)


def test_a_level_on_a_band_inside_and_outside():
    assert level(3.2, 3, "around", tolerance=0.5, direction="band") == J("on_pace", "green", 100, 100, 0, True, 100)
    assert level(0.4, 3, "around", tolerance=0.5, direction="lower") == J("on_pace", "green", 100, 100, 0, True, 100)
    assert level(0.4, 3, "around", tolerance=0.5, direction="band").met is False


# --- staleness ---------------------------------------------------------------------------------
@pytest.mark.parametrize("frequency,through,fresh_until", [
    ("M", date(2024, 1, 31), date(2024, 3, 2)),     # 31 days after its last day
    ("Q", date(2024, 3, 31), date(2024, 7, 1)),     # 92 days
    ("S", date(2024, 6, 30), date(2024, 12, 31)),   # 184 days
    ("Y", date(2023, 12, 31), date(2024, 12, 31)),  # 366 days
    ("W", date(2024, 1, 7), date(2024, 1, 14)),     # 7 days
    ("D", date(2024, 1, 7), date(2024, 1, 8)),      # 1 day
])
def test_staleness_on_its_boundary_day(frequency, through, fresh_until):
    assert stale(through, fresh_until, frequency) is False
    assert stale(through, date.fromordinal(fresh_until.toordinal() + 1), frequency) is True
    grace = Rules(stale_grace_days=3)
    assert stale(through, date.fromordinal(fresh_until.toordinal() + 3), frequency, grace) is False
    assert stale(through, date.fromordinal(fresh_until.toordinal() + 4), frequency, grace) is True


def test_no_data_is_not_stale():
    assert stale(None, date(2030, 1, 1), "M") is False


# --- the value so far --------------------------------------------------------------------------
JAN, FEB, MAR = (20243001, date(2024, 1, 31)), (20243002, date(2024, 2, 29)), (20243003, date(2024, 3, 31))


def test_so_far_sums_means_or_takes_the_last_reported():
    values = [(*MAR, 5.0, False, 1), (*JAN, 2.0, False, 1), (*FEB, 3.0, True, 1)]
    assert so_far(values, "sum", expected=3) == SoFar(10.0, MAR[1], True, 3, 3, True)
    assert so_far(values, "mean", expected=3).value == pytest.approx(10 / 3)
    assert so_far(values, "last", expected=3).value == 5.0       # March: the latest, not the last listed
    assert so_far(values, "sum", expected=4).complete is False
    assert so_far([(*JAN, 2.0, False, 1)], "sum", expected=1).synthetic is False


def test_so_far_with_a_gap_reports_through_its_latest_value():
    got = so_far([(*JAN, 2.0, False, 1), (*MAR, 5.0, False, 1)], "sum", expected=3)
    assert got == SoFar(7.0, MAR[1], False, 2, 3, False)


def test_so_far_nothing_reported():
    assert so_far([], "sum", expected=2) == SoFar(None, None, False, 0, 2, False)
    assert so_far([], "sum", expected=0).complete is True


def test_the_periods_own_value_stands_once_reported():
    end = date(2024, 3, 31)
    values = [(*JAN, 2.0, False, 1)]
    # its own (aggregated) value, with a month missing: through the latest month only
    assert so_far(values, "sum", expected=3, own=(9.0, False), end=end) == SoFar(9.0, JAN[1], False, 1, 3, False)
    # reported for the quarter as a whole: complete, through its end
    assert so_far(values, "sum", expected=3, own=(9.0, True), own_whole=True, end=end) == SoFar(
        9.0, end, True, 1, 3, True)
    # every month there: complete
    full = [(*JAN, 2.0, False, 1), (*FEB, 3.0, False, 1), (*MAR, 4.0, False, 1)]
    assert so_far(full, "sum", expected=3, own=(9.5, False), end=end).through == end
    # an own value of None does not count
    assert so_far(values, "sum", expected=3, own=(None, False), end=end).value == 2.0


def test_a_quarter_reported_for_a_monthly_indicator_stands_for_its_months():
    # first quarter reported as 60 (mean 4), April 10 and May 20 (mean 8 and 2)
    q1, apr, may = parse("2024Q1"), parse("2024-04"), parse("2024-05")
    got = pieces([(apr, 10.0, False, False), (q1, 60.0, True, True), (may, 20.0, False, False)], "M")
    assert got == [(q1.key, q1.end, 60.0, True, 3), (apr.key, apr.end, 10.0, False, 1), (may.key, may.end, 20.0, False, 1)]
    assert so_far(got, "sum", expected=5) == SoFar(90.0, may.end, True, 5, 5, True)
    mean = pieces([(q1, 4.0, False, True), (apr, 8.0, False, False), (may, 2.0, False, False)], "M")
    assert so_far(mean, "mean", expected=5).value == pytest.approx((4 * 3 + 8 + 2) / 5)    # 4.4, not 14 / 3
    assert so_far(mean, "last", expected=5).value == 2.0
    # the latest piece is the one that ends last, whatever its type: the second half, not June
    s2, jun = parse("2024S2"), parse("2024-06")
    last = pieces([(jun, 7.0, False, False), (s2, 9.0, False, True)], "M")
    assert so_far(last, "last", expected=12).value == 9.0


def test_a_reported_quarter_wins_over_its_months_and_an_aggregate_over_time_does_not_count():
    q1, jan, feb = parse("2024Q1"), parse("2024-01"), parse("2024-02")
    # months reported and the quarter too: the quarter's value, as in the rollup
    assert pieces([(jan, 1.0, False, True), (q1, 9.0, False, True), (feb, 2.0, False, True)], "M") == [
        (q1.key, q1.end, 9.0, False, 3)]
    # a quarter summed from its months is not a piece of its own: the months are
    assert pieces([(q1, 3.0, False, False), (jan, 1.0, False, True), (feb, 2.0, False, True)], "M") == [
        (jan.key, jan.end, 1.0, False, 1), (feb.key, feb.end, 2.0, False, 1)]
    # a half-year reported covers the quarter inside it; values of None are no pieces
    s1 = parse("2024S1")
    assert pieces([(q1, 9.0, False, True), (s1, 20.0, False, True), (jan, None, False, True)], "M") == [
        (s1.key, s1.end, 20.0, False, 6)]


@pytest.mark.parametrize("period_type,frequency,types", [
    ("Y", "M", ["S", "Q", "M"]), ("Q", "M", ["M"]), ("M", "M", ["M"]), ("Y", "D", ["S", "Q", "M", "D"]),
    ("Y", "W", ["W"]), ("W", "D", ["D"]), ("S", "Q", ["Q"]), ("M", "Q", ["Q"]),
])
def test_the_types_a_value_so_far_is_made_of(period_type, frequency, types):
    from luoshi.domain.periods import piece_types
    assert piece_types(period_type, frequency) == types
