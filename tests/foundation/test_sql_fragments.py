"""The SQL fragments generated from domain/ (period keys, region validity) agree with the Python
definitions, checked by an independent method: keys against the periods' calendar (``start``,
``ancestor``), validity on a range against validity on each of its days."""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import pytest

from luoshi.domain.periods import (STEP_UP, TYPE_DIGIT, TYPE_NAMES, TYPES, all_periods, ptype_sql, reportable,
                                   reportable_sql, type_digit_sql, type_name_sql, up_key, up_key_sql, year_sql)
from luoshi.analytics.sql_dialect import rounded
from luoshi.domain.regions import Link, valid_during, valid_during_sql, valid_on_sql
from luoshi.domain.rules import round_half_away


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    keys = [(p.key, p.type, p.year, p.ancestor(STEP_UP[p.type][0]).key if p.type in STEP_UP else None)
            for p in all_periods(2023, 2025)]  # every type, including weeks and days, over a leap year
    c.execute("CREATE TABLE k (pkey INTEGER, type TEXT, year INTEGER, up INTEGER)")
    c.executemany("INSERT INTO k VALUES (?, ?, ?, ?)", keys)
    yield c
    c.close()


def test_year_and_type_of_every_key(con):
    wrong = con.execute(f"""SELECT pkey FROM k WHERE {year_sql('pkey')} <> year
                            OR {ptype_sql('pkey')} <> {type_digit_sql('type')} LIMIT 5""").fetchall()
    assert wrong == []
    # the type digit of a letter is its place in TYPES, coarsest first
    assert con.execute(f"SELECT {type_digit_sql('t')} FROM unnest(?) x(t)", [list(TYPES)]).fetchall() == \
        [(i,) for i in range(len(TYPES))]


@pytest.mark.parametrize("fine", sorted(STEP_UP))
def test_one_step_up_is_the_calendar_ancestor(con, fine):
    # expected: Period.ancestor, computed from the period's first day, not from key arithmetic
    rows = con.execute(f"SELECT pkey, up, {up_key_sql(fine, 'pkey')} FROM k WHERE type = ?", [fine]).fetchall()
    assert rows and all(sql == up for _, up, sql in rows)
    assert all(up_key(fine, pkey) == up for pkey, up, _ in rows)


def test_type_names_and_reportable_pairs(con):
    pairs = [(a, b) for a in TYPES for b in TYPES]
    got = con.execute(f"SELECT a, b, {reportable_sql('a', 'b')}, {type_name_sql('a')} FROM unnest(?) x(p), "
                      "LATERAL (SELECT p[1] AS a, p[2] AS b)", [[list(p) for p in pairs]]).fetchall()
    assert {(a, b): r for a, b, r, _ in got} == {(a, b): reportable(a, b) for a, b in pairs}
    assert {a: n for a, _, _, n in got} == TYPE_NAMES
    # by hand: a monthly indicator takes a quarter or a year, never a day or a week
    assert reportable("Q", "M") and reportable("Y", "M") and not reportable("D", "M") and not reportable("W", "M")


def test_validity_on_a_day_and_during_a_range():
    rng = random.Random(7)
    base = date(2024, 1, 1)
    rows = []
    for _ in range(300):
        vf = base + timedelta(days=rng.randint(0, 60))
        vt = None if rng.random() < 0.2 else vf + timedelta(days=rng.randint(0, 30))
        start = base + timedelta(days=rng.randint(-5, 90))
        end = start + timedelta(days=rng.randint(0, 20))
        rows.append((vf, vt, start, end))
    c = duckdb.connect()
    c.execute("CREATE TABLE l (valid_from DATE, valid_to DATE, s DATE, e DATE)")
    c.executemany("INSERT INTO l VALUES (?, ?, ?, ?)", rows)
    got = c.execute(f"SELECT {valid_on_sql('l', 'l.s')}, {valid_during_sql('', 's', 'e')} FROM l").fetchall()
    for (vf, vt, s, e), (on, during) in zip(rows, got):
        link = Link("x", "p", vf, vt)
        assert on == link.covers(s)
        days = [s + timedelta(days=i) for i in range((e - s).days + 1)]
        assert during == any(link.covers(d) for d in days) == valid_during(vf, vt, s, e)


def test_both_ends_are_days_included():
    link = Link("900101", "900100", date(2024, 1, 1), date(2024, 7, 14))  # retired by a change on 15 July
    assert [link.covers(d) for d in (date(2023, 12, 31), date(2024, 1, 1), date(2024, 7, 14), date(2024, 7, 15))] \
        == [False, True, True, False]


@pytest.mark.parametrize("x,expected", [
    (9.9999995, 10.0),       # 9.99999949999… scaled is 9999999.5 in floating point: away from zero
    (-9.9999995, -10.0),
    (12.3456784, 12.345678),
    (0.0000025, 0.000003),   # 2.5 scaled: half away from zero, not to even
    (0.0000015, 0.000002),
    (1.0, 1.0),
])
def test_rounding_is_the_same_in_python_and_sql(con, x, expected):
    """rules.round_half_away and its SQL twin sql_dialect.rounded (which Spark computes alike:
    tests/scale) give the hand-worked values; Python's own round gives 9.999999 for the first."""
    assert round_half_away(x, 6) == expected
    assert con.execute(f"SELECT {rounded('?', '6')}", [x]).fetchone()[0] == expected
