"""Reporting periods: parse, format, contain, and measure how much of one has elapsed.

Canonical forms: ``2024`` (year), ``2024S1`` (half), ``2024Q1`` (quarter),
``2024-03`` (month; ``202403`` is accepted), ``2024W05`` (ISO week) and
``2024-03-15`` (day).  Every period also has an integer key, sortable within
a type, that the store uses instead of the string.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import total_ordering

from luoshi.domain.problems import Refusal

# Type letters, ordered from coarsest to finest; the digit is part of the integer key.
YEAR, HALF, QUARTER, MONTH, WEEK, DAY = "Y", "S", "Q", "M", "W", "D"
TYPES = (YEAR, HALF, QUARTER, MONTH, WEEK, DAY)
TYPE_DIGIT = {t: i for i, t in enumerate(TYPES)}
TYPE_NAMES = {YEAR: "year", HALF: "half-year", QUARTER: "quarter", MONTH: "month", WEEK: "week", DAY: "day"}
TYPE_NAMES_ZH = {YEAR: "年度", HALF: "半年度", QUARTER: "季度", MONTH: "月度", WEEK: "周度", DAY: "日度"}
# Calendar types nest: day in month in quarter in half in year.  ISO weeks nest in nothing but themselves.
NESTED = (YEAR, HALF, QUARTER, MONTH, DAY)

MIN_YEAR, MAX_YEAR = 1900, 2199

_PATTERNS = [
    (re.compile(r"^(\d{4})$"), YEAR),
    (re.compile(r"^(\d{4})[-_ ]?[SsHh]([12])$"), HALF),
    (re.compile(r"^(\d{4})[-_ ]?[Qq]([1-4])$"), QUARTER),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), MONTH),
    (re.compile(r"^(\d{4})(\d{2})$"), MONTH),
    (re.compile(r"^(\d{4})-?[Ww](\d{2})$"), WEEK),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), DAY),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), DAY),
]


class PeriodError(ValueError):
    """A text that is not a period; the message names the input."""

    code = "bad-period"

    def __init__(self, text: object, reason: str = ""):
        self.text, self.reason = text, reason
        detail = f": {reason}" if reason else ""
        super().__init__(
            f"not a period: {text!r}{detail} (expected 2024, 2024S1, 2024Q1, 2024-03, 202403, 2024W05 or 2024-03-15)"
        )


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """One reporting period: a type letter, a year and a 1-based index within the year."""

    type: str
    year: int
    index: int = 1

    def __post_init__(self):
        given = (self.type, self.year, self.index)
        if self.type not in TYPE_DIGIT:
            raise PeriodError(given, "unknown period type")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise PeriodError(given, f"year outside {MIN_YEAR}-{MAX_YEAR}")
        if not 1 <= self.index <= _count_in_year(self.type, self.year):
            raise PeriodError(given, f"no {TYPE_NAMES[self.type]} {self.index} in {self.year}")

    # --- formatting -------------------------------------------------------------------------
    @property
    def code(self) -> str:
        t, y, i = self.type, self.year, self.index
        if t == YEAR:
            return f"{y}"
        if t == HALF:
            return f"{y}S{i}"
        if t == QUARTER:
            return f"{y}Q{i}"
        if t == MONTH:
            return f"{y}-{i:02d}"
        if t == WEEK:
            return f"{y}W{i:02d}"
        d = self.start
        return d.isoformat()

    def __str__(self) -> str:
        return self.code

    @property
    def key(self) -> int:
        """Integer key: year * 10000 + type digit * 1000 + index (sortable within a type)."""
        return make_key(self.year, TYPE_DIGIT[self.type], self.index)

    @classmethod
    def from_key(cls, key: int) -> "Period":
        key = int(key)
        if key_type(key) >= len(TYPES):
            raise PeriodError(key, "not a period key")
        return cls(TYPES[key_type(key)], key_year(key), key_index(key))

    # --- calendar ---------------------------------------------------------------------------
    @property
    def start(self) -> date:
        t, y, i = self.type, self.year, self.index
        if t == YEAR:
            return date(y, 1, 1)
        if t == HALF:
            return date(y, 6 * (i - 1) + 1, 1)
        if t == QUARTER:
            return date(y, 3 * (i - 1) + 1, 1)
        if t == MONTH:
            return date(y, i, 1)
        if t == WEEK:
            return date.fromisocalendar(y, i, 1)
        return date(y, 1, 1) + timedelta(days=i - 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        t, y, i = self.type, self.year, self.index
        if t == YEAR:
            return date(y, 12, 31)
        if t in (HALF, QUARTER, MONTH):
            months = {HALF: 6, QUARTER: 3, MONTH: 1}[t]
            last_month = months * i
            return date(y, last_month, calendar.monthrange(y, last_month)[1])
        if t == WEEK:
            return self.start + timedelta(days=6)
        return self.start

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def elapsed(self, at: date) -> float:
        """Share of the period's days fully passed by the end of ``at`` (0 before it starts, 1 from its last day)."""
        if at < self.start:
            return 0.0
        if at >= self.end:
            return 1.0
        return ((at - self.start).days + 1) / self.days

    def contains(self, other: "Period") -> bool:
        """True when ``other`` lies wholly inside this period (a period contains itself)."""
        return self.start <= other.start and other.end <= self.end

    def ancestor(self, type_: str) -> "Period":
        """The period of a coarser calendar type that contains this one."""
        if type_ == self.type:
            return self
        if self.type == WEEK or type_ == WEEK or TYPE_DIGIT[type_] > TYPE_DIGIT[self.type]:
            raise PeriodError(self.code, f"a {TYPE_NAMES[self.type]} is not inside a single {TYPE_NAMES[type_]}")
        return containing(self.start, type_)

    def ancestors(self) -> list["Period"]:
        """Every coarser calendar period containing this one, finest first (empty for a week)."""
        if self.type == WEEK:
            return []
        coarser = [t for t in reversed(NESTED) if TYPE_DIGIT[t] < TYPE_DIGIT[self.type]]
        return [self.ancestor(t) for t in coarser]

    def children(self, type_: str) -> list["Period"]:
        """The periods of a finer calendar type that make up this one."""
        if type_ == WEEK or self.type == WEEK or TYPE_DIGIT[type_] < TYPE_DIGIT[self.type]:
            raise PeriodError(self.code, f"cannot split a {TYPE_NAMES[self.type]} into {TYPE_NAMES[type_]}s")
        out, d = [], self.start
        while d <= self.end:
            p = containing(d, type_)
            out.append(p)
            d = p.end + timedelta(days=1)
        return out

    def inside(self, type_: str) -> list["Period"]:
        """The periods of a type that lie wholly inside this one, in order (a week that straddles
        an edge is not inside; a coarser type gives none)."""
        out, d = [], self.start
        while d <= self.end:
            p = containing(d, type_)
            if p.start >= self.start and p.end <= self.end:
                out.append(p)
            d = p.end + timedelta(days=1)
        return out

    def previous(self) -> "Period":
        """The period of the same type just before this one."""
        return containing(self.start - timedelta(days=1), self.type)

    def next(self) -> "Period":
        return containing(self.end + timedelta(days=1), self.type)

    def __lt__(self, other: "Period") -> bool:
        return (self.start, -self.days) < (other.start, -other.days)


# --- the integer key's layout: written once, used on numbers and on SQL --------------------------
# The functions below take an int, a numpy array of ints, or a SQL expression (``Sql``), so the
# store's SQL and the in-memory rollup do the same arithmetic as ``Period.key``.
YEAR_FACTOR, TYPE_FACTOR = 10000, 1000
# One step up the chain month > quarter > half > year, by arithmetic on the key: (coarser type, how many in it).
STEP_UP = {MONTH: (QUARTER, 3), QUARTER: (HALF, 2), HALF: (YEAR, 2)}


class Sql:
    """A SQL expression that Python's arithmetic operators extend (each step parenthesised), so
    ``key_year(Sql("r.pkey"))`` is the SQL of ``key_year``.  Integer operands only; ``div`` is the
    dialect's integer division (DuckDB ``//``, Spark ``div``)."""

    __slots__ = ("text", "div")

    def __init__(self, text: str, div: str = "//"):
        self.text, self.div = text, div

    def __str__(self) -> str:
        return self.text

    def _op(self, op: str, other, swap: bool = False) -> "Sql":
        a, b = (other, self) if swap else (self, other)
        return Sql(f"({a} {op} {b})", self.div)

    def __add__(self, o): return self._op("+", o)
    def __radd__(self, o): return self._op("+", o, True)
    def __sub__(self, o): return self._op("-", o)
    def __mul__(self, o): return self._op("*", o)
    def __rmul__(self, o): return self._op("*", o, True)
    def __floordiv__(self, o): return self._op(self.div, o)
    def __mod__(self, o): return self._op("%", o)


def make_key(year, digit, index):
    return year * YEAR_FACTOR + digit * TYPE_FACTOR + index


def key_year(key):
    return key // YEAR_FACTOR


def key_type(key):
    """The type digit of a key (``TYPE_DIGIT``)."""
    return key // TYPE_FACTOR % 10


def key_index(key):
    return key % TYPE_FACTOR


def up_key(fine: str, key):
    """The key of the period one step up the chain from a key of type ``fine`` (month, quarter, half)."""
    coarse, n = STEP_UP[fine]
    return make_key(key_year(key), TYPE_DIGIT[coarse], (key_index(key) - 1) // n + 1)


def year_sql(key: str, div: str = "//") -> str:
    """SQL: the year of the period key ``key`` (a column or expression)."""
    return str(key_year(Sql(key, div)))


def ptype_sql(key: str, div: str = "//") -> str:
    """SQL: the type digit of the period key ``key``."""
    return str(key_type(Sql(key, div)))


def up_key_sql(fine: str, key: str, div: str = "//") -> str:
    """SQL: ``up_key(fine, key)`` (``div``: the dialect's integer division)."""
    return str(up_key(fine, Sql(key, div)))


def type_digit_sql(letter: str) -> str:
    """SQL: the type digit of a period type letter (an indicator's frequency, a period's type)."""
    whens = " ".join(f"WHEN '{t}' THEN {TYPE_DIGIT[t]}" for t in TYPES)
    return f"(CASE {letter} {whens} END)"


def type_name_sql(letter: str, lang: str = "en") -> str:
    """SQL: the English (or Chinese) name of a period type letter (``TYPE_NAMES``, ``TYPE_NAMES_ZH``)."""
    names = TYPE_NAMES_ZH if lang == "zh" else TYPE_NAMES
    whens = " ".join(f"WHEN '{t}' THEN '{names[t]}'" for t in TYPES)
    return f"(CASE {letter} {whens} END)"


def reportable(ptype: str, frequency: str) -> bool:
    """May a value of period type ``ptype`` be reported for an indicator of ``frequency``?  Its own
    type, or a coarser calendar type (a monthly indicator takes a quarter's or a year's value)."""
    return ptype == frequency or (ptype in NESTED and frequency in NESTED and TYPE_DIGIT[ptype] < TYPE_DIGIT[frequency])


def piece_types(period_type: str, frequency: str) -> list[str]:
    """The period types whose values inside a period of ``period_type`` may make up its value of an
    indicator of ``frequency`` (``rules.pieces``): the frequency, and the calendar types between the
    two (a monthly indicator's quarter inside a year), which may be reported instead."""
    between = [t for t in NESTED if TYPE_DIGIT[period_type] < TYPE_DIGIT[t] < TYPE_DIGIT[frequency]] \
        if period_type in NESTED and frequency in NESTED else []
    return [*between, frequency]


def reportable_sql(ptype: str, frequency: str) -> str:
    """SQL: ``reportable`` of two type-letter expressions."""
    nested = ", ".join(f"'{t}'" for t in NESTED)
    return (f"({ptype} = {frequency} OR ({ptype} IN ({nested}) AND {frequency} IN ({nested}) "
            f"AND {type_digit_sql(ptype)} < {type_digit_sql(frequency)}))")


def _count_in_year(type_: str, year: int) -> int:
    if type_ == YEAR:
        return 1
    if type_ == HALF:
        return 2
    if type_ == QUARTER:
        return 4
    if type_ == MONTH:
        return 12
    if type_ == WEEK:
        return date(year, 12, 28).isocalendar()[1]
    return 366 if calendar.isleap(year) else 365


def containing(d: date, type_: str) -> Period:
    """The period of the given type that contains day ``d``."""
    if type_ == YEAR:
        return Period(YEAR, d.year)
    if type_ == HALF:
        return Period(HALF, d.year, 1 if d.month <= 6 else 2)
    if type_ == QUARTER:
        return Period(QUARTER, d.year, (d.month - 1) // 3 + 1)
    if type_ == MONTH:
        return Period(MONTH, d.year, d.month)
    if type_ == WEEK:
        iso = d.isocalendar()
        return Period(WEEK, iso[0], iso[1])
    return Period(DAY, d.year, d.timetuple().tm_yday)


def parse(text: object) -> Period:
    """Parse a period in any accepted spelling; raise PeriodError naming the input otherwise."""
    if isinstance(text, Period):
        return text
    if isinstance(text, date):
        return containing(text, DAY)
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        raise PeriodError(text, "not text")
    s = text.strip()
    for pattern, type_ in _PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        nums = [int(g) for g in m.groups()]
        try:
            if type_ == DAY:
                return containing(date(*nums), DAY)
            if type_ == YEAR:
                return Period(YEAR, nums[0])
            return Period(type_, nums[0], nums[1])
        except (ValueError, PeriodError) as exc:
            raise PeriodError(text, exc.reason if isinstance(exc, PeriodError) else str(exc)) from None
    raise PeriodError(text)


def parse_given(text: object) -> Period:
    """A period a person gave (an option, a query, a form field): parsed, or the refusal ``bad-period``."""
    try:
        return parse(text)
    except PeriodError:
        raise Refusal("bad-period", value=text) from None


def parse_day(text: str | None) -> date | None:
    """A day a person gave (an as-of date, a filter) as YYYY-MM-DD, None when blank; else the refusal
    ``bad-date``, or ``date-out-of-range`` for a year no period can hold (every view turns its day into
    periods, so such a day would otherwise fail deep inside one)."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Refusal("bad-date", value=text) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise Refusal("date-out-of-range", value=text, low=MIN_YEAR, high=MAX_YEAR)
    return day


def normalise(text: object) -> str:
    """The canonical spelling of a period."""
    return parse(text).code


def period_type(text: object) -> str:
    return parse(text).type


def all_periods(first_year: int, last_year: int) -> list[Period]:
    """Every period of every type in the given years (used to build the period dimension)."""
    out: list[Period] = []
    for y in range(first_year, last_year + 1):
        for t in TYPES:
            out.extend(Period(t, y, i) for i in range(1, _count_in_year(t, y) + 1))
    return out
