"""Period parsing, formatting, containment and elapsed share."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luoshi.domain.periods import DAY, MONTH, NESTED, TYPES, Period, PeriodError, containing, normalise, parse


@pytest.mark.parametrize("text,code,start,end", [
    ("2024", "2024", date(2024, 1, 1), date(2024, 12, 31)),
    ("2024S2", "2024S2", date(2024, 7, 1), date(2024, 12, 31)),
    ("2024h1", "2024S1", date(2024, 1, 1), date(2024, 6, 30)),
    ("2024Q1", "2024Q1", date(2024, 1, 1), date(2024, 3, 31)),
    ("2024-03", "2024-03", date(2024, 3, 1), date(2024, 3, 31)),
    ("202402", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2024W05", "2024W05", date(2024, 1, 29), date(2024, 2, 4)),
    ("2020W53", "2020W53", date(2020, 12, 28), date(2021, 1, 3)),
    ("2024-03-15", "2024-03-15", date(2024, 3, 15), date(2024, 3, 15)),
])
def test_parse_forms(text, code, start, end):
    p = parse(text)
    assert (p.code, p.start, p.end) == (code, start, end)


@pytest.mark.parametrize("bad", ["2024Q5", "2024-13", "202400", "2023W53", "2023-02-29", "24", "2024/03", "", "Q1",
                                 "2024-3-1x", "10000"])
def test_bad_periods_name_the_input(bad):
    with pytest.raises(PeriodError) as exc:
        parse(bad)
    assert repr(bad) in str(exc.value)
    assert exc.value.code == "bad-period"


def test_containment_and_ancestors():
    m = parse("2024-05")
    assert parse("2024Q2").contains(m) and parse("2024S1").contains(m) and parse("2024").contains(m)
    assert not parse("2024Q1").contains(m)
    assert [a.code for a in m.ancestors()] == ["2024Q2", "2024S1", "2024"]
    assert [c.code for c in parse("2024Q3").children(MONTH)] == ["2024-07", "2024-08", "2024-09"]
    assert parse("2024-01").previous().code == "2023-12"
    assert parse("2024W01").ancestors() == []


def test_elapsed_share_counts_whole_days():
    y = parse("2024")  # a leap year: 366 days
    assert y.elapsed(date(2023, 12, 31)) == 0
    assert y.elapsed(date(2024, 1, 1)) == 1 / 366
    assert y.elapsed(date(2024, 6, 30)) == 182 / 366
    assert y.elapsed(date(2024, 12, 31)) == 1
    assert parse("2024-02").elapsed(date(2024, 2, 15)) == 15 / 29


dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))


@given(dates, st.sampled_from(TYPES))
def test_roundtrip_and_key(d, t):
    p = containing(d, t)
    assert parse(p.code) == p
    assert normalise(p.code) == p.code
    assert Period.from_key(p.key) == p
    assert p.start <= d <= p.end


@given(dates, st.sampled_from([t for t in NESTED if t != DAY]))
def test_days_nest_in_every_calendar_type(d, t):
    day = containing(d, DAY)
    assert containing(d, t).contains(day)
    assert day.ancestor(t) == containing(d, t)


@given(dates)
def test_compact_month_equals_dashed(d):
    assert parse(f"{d.year}{d.month:02d}") == parse(f"{d.year}-{d.month:02d}")


@given(dates, st.integers(min_value=0, max_value=400))
def test_elapsed_is_monotonic(d, step):
    p = containing(d, "Y")
    later = d + timedelta(days=step)
    assert 0 <= p.elapsed(d) <= p.elapsed(later) <= 1
