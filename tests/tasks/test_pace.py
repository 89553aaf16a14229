"""Hand-computed pace judgements of tasks around every threshold, milestone, leap day and weekend."""

from datetime import date

import pytest

from luoshi.domain.rules import Rules
from luoshi.domain.tasks import (Milestone, TaskRules, effective_deadline, elapsed_share, judge_task,
                                 milestone_pace, months_between, report_due)

R = TaskRules()  # yellow 10 (inclusive), red beyond 30, ahead from 10, blue 7 days, weekend roll-over


def j(percent, at, start=date(2024, 2, 1), deadline=date(2024, 3, 11), **kw):
    return judge_task(start=start, deadline=deadline, at=at, percent=percent, rules=kw.pop("rules", R), **kw)


# Task of 40 days in a leap year: 2024-02-01 .. 2024-03-11 (29 February days + 11 March days).
# By the end of 2024-02-20, 20 of 40 days have passed: expected 50 %.
@pytest.mark.parametrize("percent, category, light", [
    (60.0, "ahead", "green"),        # 10 points ahead: ahead (inclusive)
    (59.99, "on_pace", "green"),
    (40.01, "on_pace", "green"),     # 9.99 behind
    (40.0, "behind", "yellow"),      # exactly 10 behind: yellow (inclusive)
    (20.0, "behind", "yellow"),      # exactly 30 behind: still yellow
    (19.99, "behind", "red"),        # more than 30 behind: red
])
def test_thresholds_on_elapsed_time(percent, category, light):
    out = j(percent, date(2024, 2, 20))
    assert out.expected == pytest.approx(50.0)
    assert (out.category, out.light) == (category, light)
    assert out.basis == "time"


def test_leap_day_counts():
    # 2024-02-29 is day 29 of 40; the same span in 2023 has 39 days.
    assert elapsed_share(date(2024, 2, 1), date(2024, 3, 11), date(2024, 2, 29)) == pytest.approx(29 / 40)
    assert elapsed_share(date(2024, 2, 1), date(2024, 3, 11), date(2024, 3, 1)) == pytest.approx(30 / 40)
    assert elapsed_share(date(2023, 2, 1), date(2023, 3, 11), date(2023, 2, 20)) == pytest.approx(20 / 39)
    # a whole leap year: 30 June is day 182 of 366
    assert elapsed_share(date(2024, 1, 1), date(2024, 12, 31), date(2024, 6, 30)) == pytest.approx(182 / 366)
    assert elapsed_share(date(2023, 1, 1), date(2023, 12, 31), date(2023, 6, 30)) == pytest.approx(181 / 365)


def test_mid_year_in_a_leap_year():
    y = dict(start=date(2024, 1, 1), deadline=date(2024, 12, 31))
    # 182/366 = 49.727 %: 39.73 % is 9.997 behind (on pace), 39.72 % is 10.007 behind (yellow)
    assert j(39.73, date(2024, 6, 30), **y).category == "on_pace"
    assert j(39.72, date(2024, 6, 30), **y).light == "yellow"


def test_before_start_and_at_start():
    assert j(0, date(2024, 1, 15)).expected == 0.0
    assert j(0, date(2024, 1, 15)).category == "on_pace"
    assert j(0, date(2024, 2, 1)).expected == pytest.approx(2.5)  # the first day is fully passed by its end


def test_weekend_deadline_rolls_to_monday():
    sat = date(2024, 6, 29)
    assert sat.weekday() == 5 and effective_deadline(sat) == date(2024, 7, 1)
    assert effective_deadline(date(2024, 6, 30)) == date(2024, 7, 1)  # Sunday
    assert effective_deadline(date(2024, 6, 28)) == date(2024, 6, 28)  # Friday
    assert effective_deadline(sat, rollover=False) == sat
    span = dict(start=date(2024, 6, 1), deadline=sat)
    sunday = j(90, date(2024, 6, 30), **span)
    assert (sunday.category, sunday.light, sunday.days_left, sunday.due_soon) == ("behind", "yellow", 1, True)
    monday = j(95, date(2024, 7, 1), **span)
    assert (monday.category, monday.days_left) == ("on_pace", 0)
    assert monday.light == "blue"
    tuesday = j(95, date(2024, 7, 2), **span)
    assert (tuesday.category, tuesday.light, tuesday.days_left) == ("overdue", "red", -1)
    no_roll = j(95, date(2024, 6, 30), rules=TaskRules(weekend_rollover=False), **span)
    assert no_roll.category == "overdue"


def test_done_on_the_rolled_deadline_is_not_late():
    span = dict(start=date(2024, 6, 1), deadline=date(2024, 6, 29))
    on_monday = j(100, date(2024, 7, 10), done_on=date(2024, 7, 1), **span)
    assert (on_monday.category, on_monday.late) == ("done", False)
    on_tuesday = j(100, date(2024, 7, 10), done_on=date(2024, 7, 2), **span)
    assert (on_tuesday.category, on_tuesday.late, on_tuesday.light) == ("done", True, "green")


def test_done_early_boundary():
    # Whole of 2024: done early when finished while at least 10 points of time remained, i.e. by day
    # 329 (24 November: 329/366 = 89.89 % elapsed); on 25 November 330/366 = 90.16 %: plain done.
    y = dict(start=date(2024, 1, 1), deadline=date(2024, 12, 31))
    assert j(100, date(2024, 12, 1), done_on=date(2024, 11, 24), **y).category == "done_early"
    assert j(100, date(2024, 12, 1), done_on=date(2024, 11, 25), **y).category == "done"
    assert j(100, date(2025, 3, 1), done_on=date(2024, 12, 31), **y).category == "done"
    # done_on after ``at`` is not known yet on ``at``
    later = j(80, date(2024, 11, 1), done_on=date(2024, 11, 20), **y)
    assert later.category in ("ahead", "on_pace", "behind")


def test_overdue():
    out = j(90, date(2025, 1, 1), start=date(2024, 1, 1), deadline=date(2024, 12, 31))
    assert (out.category, out.light, out.days_left) == ("overdue", "red", -1)


def test_blue_window():
    # 2024-01-01 .. 2024-01-31 (a Wednesday); 7 days before it the task is due soon.
    span = dict(start=date(2024, 1, 1), deadline=date(2024, 1, 31))
    in_window = j(80, date(2024, 1, 24), **span)          # 24/31 = 77.42 % expected, 2.58 ahead
    assert (in_window.days_left, in_window.due_soon, in_window.light) == (7, True, "blue")
    assert in_window.category == "on_pace"
    outside = j(80, date(2024, 1, 23), **span)
    assert (outside.days_left, outside.light) == (8, "green")
    behind = j(60, date(2024, 1, 24), **span)             # 17.42 behind: yellow wins over blue
    assert (behind.light, behind.due_soon) == ("yellow", True)
    wider = j(80, date(2024, 1, 23), rules=TaskRules(blue_days=10), **span)
    assert wider.light == "blue"


MS = [Milestone(1, "方案", date(2024, 3, 31), 20), Milestone(2, "中期", date(2024, 6, 30), 30),
      Milestone(3, "主体", date(2024, 9, 30), 30)]  # the remaining 20 % falls on the deadline


@pytest.mark.parametrize("at, expected", [
    (date(2024, 3, 30), 0.0), (date(2024, 3, 31), 20.0), (date(2024, 6, 29), 20.0), (date(2024, 6, 30), 50.0),
    (date(2024, 9, 30), 80.0), (date(2024, 12, 30), 80.0), (date(2024, 12, 31), 100.0),
])
def test_milestone_schedule(at, expected):
    assert milestone_pace(MS, date(2024, 12, 31), at) == expected
    out = judge_task(start=date(2024, 1, 1), deadline=date(2024, 12, 31), at=at, percent=0, milestones=MS)
    assert out.basis == "milestones" and out.expected == expected


def test_milestone_done_counts_as_progress_and_flags():
    y = dict(start=date(2024, 1, 1), deadline=date(2024, 12, 31))
    # 31 March 2024 is a Sunday: the milestone is due, then overdue from Tuesday 2 April.
    behind = judge_task(at=date(2024, 3, 31), percent=10, milestones=MS, **y)
    assert (behind.shortfall, behind.light) == (10.0, "yellow")
    assert [f.state for f in behind.milestones] == ["due", "upcoming", "upcoming"]
    done = [Milestone(1, "方案", date(2024, 3, 31), 20, done_on=date(2024, 3, 28)), *MS[1:]]
    ok = judge_task(at=date(2024, 3, 31), percent=10, milestones=done, **y)
    assert (ok.progress, ok.category, ok.milestones[0].state) == (20.0, "on_pace", "done")
    monday = judge_task(at=date(2024, 4, 1), percent=10, milestones=MS, **y)
    assert monday.milestones[0].state == "due"
    tuesday = judge_task(at=date(2024, 4, 2), percent=10, milestones=MS, **y)
    assert tuesday.milestones[0].state == "overdue"


def test_time_basis_can_be_forced():
    out = judge_task(start=date(2024, 1, 1), deadline=date(2024, 12, 31), at=date(2024, 6, 30), percent=50,
                     milestones=MS, rules=TaskRules(basis="time"))
    assert out.basis == "time" and out.expected == pytest.approx(18200 / 366)


def test_thresholds_come_from_the_plan_rules():
    strict = TaskRules(rules=Rules(yellow=5, red=15))
    assert j(44, date(2024, 2, 20), rules=strict).light == "yellow"   # 6 behind
    assert j(34, date(2024, 2, 20), rules=strict).light == "red"      # 16 behind
    assert TaskRules.from_dict({"yellow": 5, "blue_days": 3}).blue_days == 3
    assert TaskRules.from_dict({"yellow": 5, "blue_days": 3}).rules.yellow == 5


def test_reporting_calendar():
    assert report_due("2024-05") == date(2024, 6, 5)
    assert report_due("2024-12") == date(2025, 1, 5)
    assert months_between(date(2023, 11, 20), date(2024, 2, 1)) == ["2023-11", "2023-12", "2024-01", "2024-02"]
