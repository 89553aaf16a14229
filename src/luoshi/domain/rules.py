"""Judgement rules: how far behind the expected pace (序时进度) is yellow or red, and the judgement itself.

``judge`` is the reference definition for one target; ``analytics/judgement.py`` computes the same
thing set-based in SQL for every target at once, and the tests hold the two to each other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from functools import lru_cache

from luoshi.domain.periods import Period, containing

CATEGORIES = ("ahead", "on_pace", "behind", "done", "overdue", "no_data")
LIGHTS = ("green", "yellow", "red", "grey")
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


def _ratio(v: float, t: float) -> float:
    if t == 0:
        return 100.0 if v >= 0 else 0.0
    return v / t * 100.0


def attainment(value: float, comparator: str, target: float, high: float | None = None,
               tolerance: float | None = None, direction: str = "higher") -> tuple[float, bool]:
    """(progress percent, met) of a level against a target, honouring comparator and direction."""
    comp = comparator
    if comp == "exact":
        comp = {"higher": "at_least", "lower": "at_most"}.get(direction, "around")
    tol = tolerance or 0.0
    if comp in ("at_least", "in_step"):
        t = target - tol if comp == "in_step" else target
        return _ratio(value, t), value >= t
    if comp == "at_most":
        if value <= 0:
            return 100.0 + (0.0 if target <= 0 else 100.0), value <= target
        return target / value * 100.0, value <= target
    if comp == "around":
        dev = max(0.0, abs(value - target) - tol)
        return 100.0 - (dev / abs(target) * 100.0 if target else dev * 100.0), abs(value - target) <= tol
    if comp == "between":
        lo, hi = target, high if high is not None else target
        if value < lo:
            return 100.0 - (lo - value) / (abs(lo) or 1.0) * 100.0, False
        if value > hi:
            return 100.0 - (value - hi) / (abs(hi) or 1.0) * 100.0, False
        return 100.0, True
    raise ValueError(f"unknown comparator {comparator!r}")


def judge(*, value: float | None, target: float | None, comparator: str, period: Period, at: date,
          frequency: str, cumulative: bool, direction: str = "higher", high: float | None = None,
          tolerance: float | None = None, interim: float | None = None, baseline: float | None = None,
          rules: Rules = Rules()) -> Judgement:
    """Judge one target at date ``at`` given the value accumulated so far (``value``).

    ``interim`` is the trajectory's target for the latest trajectory period ended by now, if any.
    """
    share = expected_share(period, frequency, at, rules)
    over = at > period.end
    lower = comparator == "at_most" or (comparator == "exact" and direction == "lower")
    cumulative = cumulative and comparator in ("at_least", "at_most", "exact")
    expected = (interim / target * 100.0 if interim is not None and target else share * 100.0) if cumulative \
        else 100.0
    if value is None or target is None:  # nothing reported yet, or nothing to keep in step with
        return Judgement("no_data", "grey", None, expected, None, None, None)
    if cumulative:
        progress = _ratio(value, target)
        shortfall = progress - expected if lower else expected - progress
        met = value <= target if lower else value >= target
        done = met and (over or not lower)
        att = progress if not lower else attainment(value, "at_most", target)[0]
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
        met = met_full if over else met
    shortfall = round(shortfall, 6)
    if done:
        return Judgement("done", "green", progress, expected, shortfall, True, att)
    if over:
        return Judgement("overdue", "red", progress, expected, shortfall, False, att)
    return Judgement(rules.category(shortfall), rules.light(shortfall), progress, expected, shortfall, met, att)


# A series is stale when its latest value is older than one reporting period plus the grace days.
STALE_AFTER_DAYS = {"Y": 366, "S": 184, "Q": 92, "M": 31, "W": 7, "D": 1}


def stale(data_through: date | None, at: date, frequency: str, rules: Rules = Rules()) -> bool:
    return data_through is not None and (at - data_through).days > STALE_AFTER_DAYS[frequency] + rules.stale_grace_days


def so_far(values: list[tuple[int, date, float, bool]], time_agg: str) -> tuple[float | None, date | None, bool]:
    """The value of a target period so far, from the values (key, end, value, synthetic) of its
    reporting periods that have ended: their sum, mean or last (by key) value, the end of the
    latest of them, and whether any is synthetic."""
    if not values:
        return None, None, False
    if time_agg == "sum":
        value = sum(v[2] for v in values)
    elif time_agg == "mean":
        value = sum(v[2] for v in values) / len(values)
    else:
        value = max(values)[2]
    return value, max(v[1] for v in values), any(v[3] for v in values)
