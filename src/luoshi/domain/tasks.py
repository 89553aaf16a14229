"""Task pace (序时进度) and lights: pure judgement of one task at a date, against elapsed time or
against its milestone schedule.

The thresholds are the indicators' ``Rules`` (yellow from 10 points behind the pace, red beyond 30,
ahead from 10 points in front); tasks add blue for "deadline within N days", the weekend roll-over
of deadlines and the monthly reporting calendar.  Everything here is hand-computable:

* elapsed share by the end of ``at`` = (at − start + 1 day) / (deadline − start + 1 day), clamped to 0..1
  (the same definition as ``Period.elapsed``, so 2024-06-30 is 182/366 of the leap year 2024);
* milestone pace by the end of ``at`` = the sum of the shares of the milestones due on or before ``at``
  (100 from the deadline on);
* progress = the larger of the reported percent and the shares of the milestones done by ``at``;
* shortfall = expected − progress, in percentage points.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from luoshi.domain.rules import Rules

CATEGORIES = ("ahead", "on_pace", "behind", "done", "done_early", "overdue")
LIGHTS = ("green", "blue", "yellow", "red")
MILESTONE_STATES = ("done", "overdue", "due", "upcoming")
BASES = ("auto", "time", "milestones")


@dataclass(frozen=True)
class TaskRules:
    """Task judgement settings; the light thresholds come from the plan's ``Rules``."""

    rules: Rules = Rules()
    blue_days: int = 7             # deadline within this many days (and otherwise green): blue
    weekend_rollover: bool = True  # a deadline on a Saturday or Sunday moves to the Monday
    report_due_day: int = 5        # a month's progress report is due by this day of the next month
    basis: str = "auto"            # "time", "milestones", or "auto" (milestones when the task has any)

    @classmethod
    def from_dict(cls, data: dict | None) -> "TaskRules":
        data = dict(data or {})
        own = {k: data.pop(k) for k in ("blue_days", "weekend_rollover", "report_due_day", "basis") if k in data}
        return cls(rules=Rules.from_dict(data), **own)


@dataclass(frozen=True)
class Milestone:
    seq: int
    title: str
    due: date
    share: float               # percent of the whole task's work
    done_on: date | None = None


@dataclass(frozen=True)
class MilestoneFlag:
    seq: int
    title: str
    due: date
    share: float
    state: str                 # done, overdue, due (within the blue window), upcoming
    done_on: date | None


@dataclass(frozen=True)
class TaskJudgement:
    category: str
    light: str
    progress: float
    expected: float
    shortfall: float
    basis: str
    deadline: date             # the effective deadline (after the weekend roll-over)
    days_left: int             # days from ``at`` to the effective deadline (negative: overdue)
    due_soon: bool
    late: bool                 # done, but after the effective deadline
    milestones: list[MilestoneFlag] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in ("category", "light", "progress", "expected", "shortfall", "basis",
                                             "deadline", "days_left", "due_soon", "late")}
        out["milestones"] = [asdict(m) for m in self.milestones]
        return out


def effective_deadline(deadline: date, rollover: bool = True) -> date:
    """The last day on which the work still counts as on time: weekend deadlines move to Monday."""
    if rollover and deadline.weekday() >= 5:
        return deadline + timedelta(days=7 - deadline.weekday())
    return deadline


def elapsed_share(start: date, deadline: date, at: date) -> float:
    """Share of the task's days fully passed by the end of ``at``."""
    if at < start:
        return 0.0
    if at >= deadline:
        return 1.0
    return ((at - start).days + 1) / ((deadline - start).days + 1)


def milestone_pace(milestones: list[Milestone], deadline: date, at: date) -> float:
    """Percent of the work scheduled to be done by the end of ``at`` (the rest falls on the deadline)."""
    if at >= deadline:
        return 100.0
    return min(100.0, sum(m.share for m in milestones if m.due <= at))


def expected_percent(start: date, deadline: date, milestones: list[Milestone], at: date, basis: str) -> float:
    if basis == "milestones":
        return milestone_pace(milestones, deadline, at)
    return 100.0 * elapsed_share(start, deadline, at)


def report_due(month: str, due_day: int = 5) -> date:
    """The day by which the progress report for month ``YYYY-MM`` is due."""
    y, m = int(month[:4]), int(month[5:7])
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return date(y, m, due_day)


def months_between(first: date, last: date) -> list[str]:
    """Months ``YYYY-MM`` from the one containing ``first`` to the one containing ``last``."""
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def flag_milestones(milestones: list[Milestone], at: date, rules: TaskRules) -> list[MilestoneFlag]:
    flags = []
    for m in sorted(milestones, key=lambda m: (m.due, m.seq)):
        done = m.done_on is not None and m.done_on <= at
        eff = effective_deadline(m.due, rules.weekend_rollover)
        if done:
            state = "done"
        elif at > eff:
            state = "overdue"
        elif (eff - at).days <= rules.blue_days:
            state = "due"
        else:
            state = "upcoming"
        flags.append(MilestoneFlag(m.seq, m.title, m.due, m.share, state, m.done_on if done else None))
    return flags


def judge_task(*, start: date, deadline: date, at: date, percent: float = 0.0, done_on: date | None = None,
               milestones: list[Milestone] | tuple = (), rules: TaskRules = TaskRules()) -> TaskJudgement:
    """Judge one task at the end of day ``at``.

    ``percent`` is the latest reported completion on or before ``at``; ``done_on`` the day it
    reached 100 (if it has, by ``at``).
    """
    ms = list(milestones)
    basis = rules.basis if rules.basis != "auto" else ("milestones" if ms else "time")
    eff = effective_deadline(deadline, rules.weekend_rollover)
    flags = flag_milestones(ms, at, rules)
    shares_done = sum(f.share for f in flags if f.state == "done")
    progress = min(100.0, max(percent, shares_done))
    expected = expected_percent(start, deadline, ms, at, basis)
    shortfall = round(expected - progress, 6)
    days_left = (eff - at).days
    finished = done_on is not None and done_on <= at
    if finished or progress >= 100.0:
        day = done_on if finished else at
        lead = 100.0 - expected_percent(start, deadline, ms, day, basis)
        late = day > eff
        early = not late and day < deadline and lead >= rules.rules.ahead
        return TaskJudgement("done_early" if early else "done", "green", progress, expected, shortfall, basis,
                             eff, days_left, False, late, flags)
    if at > eff:
        return TaskJudgement("overdue", "red", progress, expected, shortfall, basis, eff, days_left, False, False,
                             flags)
    due_soon = days_left <= rules.blue_days
    light = rules.rules.light(shortfall)
    if light == "green" and due_soon:
        light = "blue"
    return TaskJudgement(rules.rules.category(shortfall), light, progress, expected, shortfall, basis, eff,
                         days_left, due_soon, False, flags)


def validate_milestones(milestones: list[Milestone], start: date, deadline: date) -> list[tuple[str, dict]]:
    """Problems with a milestone schedule, as (catalogue code, params) pairs."""
    out: list[tuple[str, dict]] = []
    total = 0.0
    for m in milestones:
        if not 0 < m.share <= 100:
            out.append(("bad-share", {"value": m.share, "title": m.title}))
        if m.due > deadline or m.due < start:
            out.append(("milestone-outside-task", {"value": m.due.isoformat(), "title": m.title,
                                                   "start": start.isoformat(), "deadline": deadline.isoformat()}))
        total += m.share
    if total > 100.0 + 1e-9:
        out.append(("shares-over-100", {"value": round(total, 3)}))
    return out
