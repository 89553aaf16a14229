"""Judgement rules: how far behind the expected pace (序时进度) is yellow or red, and the judgement itself.

``judge`` is the reference definition for one target; ``analytics/judgement.py`` computes the same
thing set-based in SQL for every target at once, and the tests hold the two to each other.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from functools import lru_cache

from luoshi.domain.periods import Period, containing

# missed: a ceiling on a cumulative value broken before the period ends; incomplete: the period is
# over but some of its reporting periods are missing, so it cannot be judged
CATEGORIES = ("ahead", "on_pace", "behind", "done", "missed", "overdue", "incomplete", "no_data")
# the categories that count as behind in a plan node's share and the overview
BEHIND = ("behind", "missed", "overdue")
LIGHTS = ("green", "yellow", "red", "grey")
BEHIND_LIGHTS = ("red", "yellow")  # the lights of what is behind (a node, a region, an indicator)
COMPARATORS = ("at_least", "at_most", "around", "between", "in_step", "exact")
COMPARATOR_ALIASES = {
    ">=": "at_least", "≥": "at_least", "以上": "at_least", "不低于": "at_least", "above": "at_least",
    "<=": "at_most", "≤": "at_most", "以内": "at_most", "不超过": "at_most", "within": "at_most", "below": "at_most",
    "~": "around", "左右": "around", "about": "around", "range": "between", "同步": "in_step", "in step": "in_step",
    "=": "exact", "point": "exact",
}


@dataclass(frozen=True)
class Rules:
    """Thresholds in percentage points of the expected pace; configurable per plan."""

    yellow: float = 10.0          # shortfall from which a light is yellow (inclusive)
    red: float = 30.0             # shortfall beyond which it is red (exclusive)
    ahead: float = 10.0           # lead over the pace from which an item counts as ahead (inclusive)
    share_yellow: float = 0.25    # share of behind indicators from which a plan node is yellow
    share_red: float = 0.5        # ... and red
    pace_basis: str = "reported"  # "reported": elapsed up to the last complete reporting period; "calendar"
    pace_method: str = "linear"   # "linear" or "growth" (geometric path from the baseline, as Open SDG)
    stale_grace_days: int = 0     # extra days beyond the frequency before a series counts as stale

    @classmethod
    def from_dict(cls, data: dict | None) -> "Rules":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})

    def to_dict(self) -> dict:
        return asdict(self)

    def light(self, shortfall: float) -> str:
        if shortfall < self.yellow:
            return "green"
        return "yellow" if shortfall <= self.red else "red"

    def category(self, shortfall: float) -> str:
        if shortfall >= self.yellow:
            return "behind"
        return "ahead" if shortfall <= -self.ahead else "on_pace"


def normalise_comparator(text: str) -> str:
    t = (text or "").strip()
    low = t.lower().replace("-", "_").replace(" ", "_")
    if low in COMPARATORS:
        return low
    for alias, comp in COMPARATOR_ALIASES.items():
        if t == alias or t.lower().startswith(alias):
            return comp
    raise ValueError(f"{text!r} is not a comparator ({', '.join(COMPARATORS)})")


@lru_cache(maxsize=256)
def pace_cutoff(frequency: str, at: date, basis: str = "reported") -> date:
    """The day up to which progress is expected: ``at`` itself, or the end of the last reporting
    period of the indicator's frequency that is complete by ``at``."""
    if basis == "calendar" or frequency == "D":
        return at
    current = containing(at, frequency)
    return at if at >= current.end else current.start - timedelta(days=1)


def expected_share(period: Period, frequency: str, at: date, rules: Rules) -> float:
    return period.elapsed(pace_cutoff(frequency, at, rules.pace_basis))


@dataclass(frozen=True)
class Judgement:
    category: str
    light: str
    progress: float | None   # percent of the (interim) target reached
    expected: float | None   # percent expected by now
    shortfall: float | None  # percentage points behind the pace (negative: ahead)
    met: bool | None
    attainment: float | None  # percent of the full-period target
    # the value expected by now (序时进度) in the indicator's unit, and how far the value is short of it
    # (positive: behind; for a ceiling, the excess); None for a two-sided range.  They follow from the
    # fields above and the target, so they take no part in comparing judgements.
    pace_value: float | None = field(default=None, compare=False)
    gap: float | None = field(default=None, compare=False)


def _ratio(v: float, t: float) -> float:
    if t == 0:
        return 100.0 if v >= 0 else 0.0
    return v / t * 100.0


def bounds(comparator: str, target: float, high: float | None = None, tolerance: float | None = None,
           direction: str = "higher") -> tuple[float | None, float | None]:
    """The values a target is met between: (low, high), None for an open side.

    ``at_least``, ``at_most`` and ``in_step`` (at least the step value less the tolerance) say
    their side themselves.  ``exact``, ``around`` (target +- tolerance) and ``between`` (target to
    high) are ranges that the indicator's direction makes one-sided, as the offices read them:
    "CPI 3% or so" on a lower-is-better indicator is a ceiling of 3 + tolerance, "growth of 5% or so"
    a floor of 5 - tolerance.  Only a ``band`` indicator keeps both sides.
    """
    tol = tolerance or 0.0
    if comparator == "at_least":
        return target, None
    if comparator == "at_most":
        return None, target
    if comparator == "in_step":
        return target - tol, None
    if comparator in ("exact", "around"):
        low, top = target - tol, target + tol
    elif comparator == "between":
        low, top = target, (high if high is not None else target)
    else:
        raise ValueError(f"unknown comparator {comparator!r}")
    if direction == "higher":
        return low, None
    if direction == "lower":
        return None, top
    return low, top


def attainment(value: float, comparator: str, target: float, high: float | None = None,
               tolerance: float | None = None, direction: str = "higher") -> tuple[float, bool]:
    """(progress percent, met) of a level against a target, honouring comparator and direction.

    A floor (at least) is measured as value / floor and a ceiling (at most) as ceiling / value;
    a range (around, between, and exact on a band) is 100 inside and loses the distance outside,
    relative to the nearest bound's size (the target's for around)."""
    low, top = bounds(comparator, target, high, tolerance, direction)
    met = (low is None or value >= low) and (top is None or value <= top)
    if comparator in ("around", "between") or (low is not None and top is not None):
        if low is not None and value < low:  # relative to the target, which is also between's low
            return 100.0 - (low - value) / (abs(target) or 1.0) * 100.0, met
        if top is not None and value > top:
            scale = target if comparator != "between" else top
            return 100.0 - (value - top) / (abs(scale) or 1.0) * 100.0, met
        return 100.0, met
    if top is None:
        return _ratio(value, low), met
    if value <= 0:
        return 100.0 + (0.0 if top <= 0 else 100.0), met
    return top / value * 100.0, met



def round_half_away(x: float, digits: int) -> float:
    """``x`` rounded to ``digits`` decimals the way the SQL of both engines computes it
    (sql_dialect.rounded): scaled by 10**digits in floating point, rounded half away from zero to a
    whole number, scaled back.  (Python's ``round`` rounds the exact binary value half to even, and
    Spark's ``round(x, d)`` its shortest decimal form: 9.9999995 is 9.999999 in one and 10.0 in the
    other.)"""
    scale = 10.0 ** digits
    y = abs(x * scale)
    whole = math.floor(y)
    return math.copysign(whole + (1.0 if y - whole >= 0.5 else 0.0), x) / scale

def judge(*, value: float | None, target: float | None, comparator: str, period: Period, at: date,
          frequency: str, cumulative: bool, direction: str = "higher", high: float | None = None,
          tolerance: float | None = None, interim: float | None = None, baseline: float | None = None,
          rules: Rules = Rules(), complete: bool = True) -> Judgement:
    """Judge one target at date ``at`` given the value accumulated so far (``value``).

    ``cumulative``: the indicator accumulates over the period (summed over time, not a formula); a
    target on it with one side (a floor or a ceiling, see ``bounds``) is judged against the pace
    expected by now (序时进度), other targets as a level.  ``interim`` is the trajectory's target for
    the latest trajectory period ended by now, if any.  ``complete`` is false when some of the
    reporting periods that have ended are missing: such a value is never judged met, and a period
    that is over is ``incomplete``.  A ceiling on a cumulative value that is already broken can no
    longer be kept: it is ``missed`` at once (``overdue`` once the period is over).
    """
    share = expected_share(period, frequency, at, rules)
    over = at > period.end
    low, top = bounds(comparator, target, high, tolerance, direction) if target is not None else (None, None)
    cumulative = cumulative and (low is None) != (top is None) and comparator != "in_step"
    goal = top if low is None else low
    expected = (interim / goal * 100.0 if interim is not None and goal else share * 100.0) if cumulative else 100.0
    if value is None or target is None:  # nothing reported yet, or nothing to keep in step with
        return Judgement("no_data", "grey", None, expected, None, None, None)
    broken = False
    if cumulative:
        lower = low is None
        progress = _ratio(value, goal)
        shortfall = progress - expected if lower else expected - progress
        met = value <= goal if lower else value >= goal
        broken = lower and not met
        done = met and (over or not lower)
        att = attainment(value, "at_most", goal)[0] if lower else progress
    else:
        goal = target
        if interim is not None:
            goal = interim
        elif baseline is not None and comparator in ("at_least", "at_most", "exact") and not over:
            if rules.pace_method == "growth" and baseline > 0 and target > 0:
                goal = baseline * (target / baseline) ** share
            else:
                goal = baseline + (target - baseline) * share
        progress, met = attainment(value, comparator, goal, high, tolerance, direction)
        shortfall = expected - progress
        att, met_full = attainment(value, comparator, target, high, tolerance, direction)
        done = over and met_full
    shortfall = round_half_away(shortfall, 6)
    if cumulative:
        pace = expected / 100.0 * goal
        gap = value - pace if lower else pace - value
    else:
        pace, gap = _pace_gap(value, *bounds(comparator, goal, high, tolerance, direction))
    extra = {"pace_value": pace, "gap": gap}
    if broken:
        return Judgement("overdue" if over else "missed", "red", progress, expected, shortfall, False, att, **extra)
    if over and not complete:
        return Judgement("incomplete", "grey", progress, expected, shortfall, None, att, **extra)
    if done and complete:
        return Judgement("done", "green", progress, expected, shortfall, True, att, **extra)
    if over:
        return Judgement("overdue", "red", progress, expected, shortfall, False, att, **extra)
    return Judgement(rules.category(shortfall), rules.light(shortfall), progress, expected, shortfall,
                     met if complete else None, att, **extra)


def _pace_gap(value: float, low: float | None, top: float | None) -> tuple[float | None, float | None]:
    """A level's value expected by now and its gap: below a floor, above a ceiling; none for a range."""
    if top is None and low is not None:
        return low, low - value
    if low is None and top is not None:
        return top, value - top
    return None, None


# A series is stale when its latest value is older than one reporting period plus the grace days.
STALE_AFTER_DAYS = {"Y": 366, "S": 184, "Q": 92, "M": 31, "W": 7, "D": 1}


def stale(data_through: date | None, at: date, frequency: str, rules: Rules = Rules()) -> bool:
    return data_through is not None and (at - data_through).days > STALE_AFTER_DAYS[frequency] + rules.stale_grace_days


@dataclass(frozen=True)
class SoFar:
    """The value of a target period so far, and how complete it is."""

    value: float | None
    through: date | None   # the last day the value covers
    synthetic: bool
    reported: int          # reporting periods inside the period, ended by now, that have a value
    expected: int          # reporting periods inside the period ended by now
    complete: bool


def pieces(candidates: list[tuple[Period, float, bool, bool]], frequency: str) -> list[tuple[int, date, float, bool, int]]:
    """The values a period's value so far is made of, from its region's rolled-up values inside it.

    ``candidates`` are (period, value, synthetic, whole) of the periods inside it that have ended,
    of the reporting frequency and of the calendar types between; ``whole``: the value was reported
    for that period or aggregated over regions (not over time).  A monthly indicator may be reported
    for a quarter: that quarter's value stands for its three months, as in the rollup, where a
    reported value wins over its sub-periods'.  So the pieces are the coarsest whole values and the
    reporting frequency's values outside them, each as (key, end, value, synthetic, n) with n the
    reporting periods it covers."""
    out: list[tuple[int, date, float, bool, int]] = []
    kept: list[Period] = []
    for p, value, synthetic, whole in sorted(candidates):  # in period order: a period before those inside it
        if value is None or not (whole or p.type == frequency) or any(k.contains(p) for k in kept):
            continue
        kept.append(p)
        out.append((p.key, p.end, value, synthetic, len(p.inside(frequency))))
    return out


def so_far(values: list[tuple[int, date, float, bool, int]], time_agg: str, *, expected: int,
           own: tuple[float, bool] | None = None, own_whole: bool = False, end: date | None = None) -> SoFar:
    """The value of a target period so far.

    ``values`` are the ``pieces`` (key, end, value, synthetic, n) of its reporting periods that have
    ended; ``expected`` is how many reporting periods have ended.  Their sum, mean (each piece
    weighing the n reporting periods it covers) or latest value is the value so far, through the end
    of the latest piece.  Once the period is over its own value (``own``: value, synthetic) stands
    instead, through the period's ``end`` when complete.  ``own_whole``: that value does not depend
    on the reporting periods (it was reported for the period, or aggregated over regions), so the
    period counts as complete.  Otherwise it is complete when no reporting period is missing."""
    n = sum(v[4] for v in values)
    complete = n >= expected
    latest = max((v[1] for v in values), default=None)
    if own is not None and own[0] is not None:
        complete = complete or own_whole
        return SoFar(own[0], end if complete else latest, bool(own[1]), n, expected, complete)
    if not values:
        return SoFar(None, None, False, 0, expected, complete)
    if time_agg == "sum":
        value = sum(v[2] for v in values)
    elif time_agg == "mean":
        value = sum(v[2] * v[4] for v in values) / n
    else:
        value = max(values, key=lambda v: v[1])[2]  # pieces do not overlap: the latest ends last
    return SoFar(value, latest, any(v[3] for v in values), n, expected, complete)
