"""Small cases of the period rules, each worked out on a calendar by hand.

They are pure (no workspace), so the mutation benchmark (bench/mutation.py) can run them for
every mutant of ``domain/periods.py``; the property tests in test_periods.py stay beside them.
"""

from datetime import date

import duckdb
import pytest

from luoshi.domain import periods as P
from luoshi.domain.periods import Period, PeriodError, containing, parse
from luoshi.domain.problems import Refusal


# --- parsing and spelling ------------------------------------------------------------------------
@pytest.mark.parametrize("text,code", [
    ("2024", "2024"), (" 2024 ", "2024"), (2024, "2024"),
    ("2024S2", "2024S2"), ("2024H1", "2024S1"), ("2024-s1", "2024S1"), ("2024_h2", "2024S2"), ("2024 S1", "2024S1"),
    ("2024Q3", "2024Q3"), ("2024-q4", "2024Q4"), ("2024 Q1", "2024Q1"),
    ("2024-03", "2024-03"), ("2024-3", "2024-03"), ("202412", "2024-12"),
    ("2024W05", "2024W05"), ("2024-w52", "2024W52"), ("2020W53", "2020W53"),
    ("2024-02-29", "2024-02-29"), ("20241231", "2024-12-31"), (date(2023, 7, 9), "2023-07-09"),
])
def test_every_accepted_spelling_gives_the_canonical_code(text, code):
    assert parse(text).code == code
    assert P.normalise(text) == code
    assert str(parse(text)) == code


@pytest.mark.parametrize("text,reason", [
    ("2024W53", "no week 53 in 2024"),          # 2024 has 52 ISO weeks (28 December is in week 52)
    ("2024-13", "no month 13 in 2024"),
    ("2024Q5", None), ("2024S3", None),          # no pattern matches: the generic message
    ("2024-00", "no month 0 in 2024"),
    ("1899", "year outside 1900-2199"), ("2200", "year outside 1900-2199"),
    ("2023-02-29", "day is out of range for month"),
    ("24-03", None), ("", None), ("2024/03", None),
])
def test_a_bad_period_names_the_input_and_says_why_once(text, reason):
    with pytest.raises(PeriodError) as err:
        parse(text)
    message = str(err.value)
    assert message.startswith(f"not a period: {text!r}")
    assert message.endswith("(expected 2024, 2024S1, 2024Q1, 2024-03, 202403, 2024W05 or 2024-03-15)")
    assert err.value.code == "bad-period" and err.value.text == text
    if reason:
        assert message.count(reason) == 1 and err.value.reason == reason
        assert message.count(repr(text)) == 1


@pytest.mark.parametrize("value", [None, 3.5, True, [2024]])
def test_only_text_numbers_dates_and_periods_are_periods(value):
    with pytest.raises(PeriodError, match="not text"):
        parse(value)


def test_a_period_parses_to_itself_and_a_given_period_is_refused_with_a_code():
    q = Period("Q", 2024, 2)
    assert parse(q) is q
    with pytest.raises(Refusal) as err:
        P.parse_given("2024Q9")
    assert err.value.code == "bad-period"
    assert P.parse_given("2024q2") == q
    assert P.period_type("2024-03-01") == "D" and P.period_type("2024W01") == "W"


@pytest.mark.parametrize("args", [("X", 2024, 1), ("M", 1899, 1), ("M", 2200, 1), ("M", 2024, 0),
                                  ("M", 2024, 13), ("Y", 2024, 2), ("S", 2024, 3), ("Q", 2024, 5),
                                  ("W", 2024, 53), ("D", 2023, 366), ("D", 2024, 367)])
def test_periods_outside_their_year_cannot_be_built(args):
    with pytest.raises(PeriodError):
        Period(*args)


def test_the_edges_of_what_can_be_built():
    assert Period("M", 1900, 12).code == "1900-12" and Period("Y", 2199).code == "2199"
    assert Period("W", 2020, 53).code == "2020W53" and Period("D", 2024, 366).code == "2024-12-31"
    assert Period("D", 2023, 365).code == "2023-12-31"
    # 2025 has 52 weeks though 29 December 2025, a Monday, starts week 1 of 2026
    assert Period("W", 2025, 52).end == date(2025, 12, 28) and Period("W", 2026, 1).start == date(2025, 12, 29)


# --- the calendar ------------------------------------------------------------------------------
@pytest.mark.parametrize("code,start,end,days", [
    ("2024", date(2024, 1, 1), date(2024, 12, 31), 366),
    ("2023", date(2023, 1, 1), date(2023, 12, 31), 365),
    ("2024S1", date(2024, 1, 1), date(2024, 6, 30), 182),
    ("2024S2", date(2024, 7, 1), date(2024, 12, 31), 184),
    ("2023S1", date(2023, 1, 1), date(2023, 6, 30), 181),
    ("2024Q1", date(2024, 1, 1), date(2024, 3, 31), 91),
    ("2024Q2", date(2024, 4, 1), date(2024, 6, 30), 91),
    ("2024Q4", date(2024, 10, 1), date(2024, 12, 31), 92),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), 29),
    ("2023-02", date(2023, 2, 1), date(2023, 2, 28), 28),
    ("2024-04", date(2024, 4, 1), date(2024, 4, 30), 30),
    ("2024-12", date(2024, 12, 1), date(2024, 12, 31), 31),
    ("2024W01", date(2024, 1, 1), date(2024, 1, 7), 7),      # 1 January 2024 was a Monday
    ("2025W01", date(2024, 12, 30), date(2025, 1, 5), 7),    # week 1 of 2025 starts in 2024
    ("2020W53", date(2020, 12, 28), date(2021, 1, 3), 7),
    ("2024-03-01", date(2024, 3, 1), date(2024, 3, 1), 1),
])
def test_start_end_and_days(code, start, end, days):
    p = parse(code)
    assert (p.start, p.end, p.days) == (start, end, days)


@pytest.mark.parametrize("d,type_,code", [
    (date(2024, 6, 30), "S", "2024S1"), (date(2024, 7, 1), "S", "2024S2"),
    (date(2024, 3, 31), "Q", "2024Q1"), (date(2024, 4, 1), "Q", "2024Q2"), (date(2024, 12, 31), "Q", "2024Q4"),
    (date(2024, 9, 30), "M", "2024-09"), (date(2024, 12, 31), "Y", "2024"),
    (date(2024, 12, 30), "W", "2025W01"), (date(2021, 1, 3), "W", "2020W53"),
    (date(2024, 2, 1), "D", "2024-02-01"),
])
def test_the_period_containing_a_day(d, type_, code):
    assert containing(d, type_).code == code


def test_day_periods_count_days_of_the_year():
    assert containing(date(2024, 2, 1), "D") == Period("D", 2024, 32)
    assert containing(date(2024, 12, 31), "D").index == 366


@pytest.mark.parametrize("at,share", [
    (date(2023, 12, 31), 0.0),       # before it starts
    (date(2024, 4, 1), 1 / 91),      # its first day, passed by its end
    (date(2024, 4, 30), 30 / 91),
    (date(2024, 6, 29), 90 / 91),
    (date(2024, 6, 30), 1.0),        # its last day
    (date(2025, 1, 1), 1.0),         # after it
])
def test_elapsed_share_of_a_quarter(at, share):
    assert parse("2024Q2").elapsed(at) == pytest.approx(share, abs=1e-12)


def test_containment():
    q1 = parse("2024Q1")
    assert q1.contains(parse("2024-01"))        # a child that starts the same day
    assert q1.contains(parse("2024-03"))        # ... and one that ends the same day
    assert q1.contains(q1)
    assert not q1.contains(parse("2024-04"))
    assert not q1.contains(parse("2024"))       # a parent is not inside its child
    assert q1.contains(parse("2024W13"))        # 25 to 31 March is inside ...
    assert q1.contains(parse("2024-03-31")) and not q1.contains(parse("2024W14"))  # ... 1 April's week is not
    assert not parse("2024-02").contains(parse("2024W05"))  # 29 January to 4 February straddles


def test_ancestors_of_a_month_a_day_and_a_week():
    assert parse("2024-05").ancestor("Q").code == "2024Q2"
    assert parse("2024-05").ancestor("M").code == "2024-05"
    assert [p.code for p in parse("2024-08").ancestors()] == ["2024Q3", "2024S2", "2024"]
    assert [p.code for p in parse("2024-12-31").ancestors()] == ["2024-12", "2024Q4", "2024S2", "2024"]
    assert parse("2024").ancestors() == []
    assert parse("2024W10").ancestors() == []
    with pytest.raises(PeriodError, match="not inside a single"):
        parse("2024W10").ancestor("M")
    with pytest.raises(PeriodError, match="not inside a single"):
        parse("2024-05").ancestor("W")
    with pytest.raises(PeriodError, match="not inside a single"):
        parse("2024Q2").ancestor("M")


def test_children_split_a_period_into_finer_ones():
    assert [p.code for p in parse("2024Q3").children("M")] == ["2024-07", "2024-08", "2024-09"]
    assert [p.code for p in parse("2024").children("S")] == ["2024S1", "2024S2"]
    assert parse("2024").children("Y") == [parse("2024")]
    days = parse("2024-02").children("D")
    assert len(days) == 29 and days[0].code == "2024-02-01" and days[-1].code == "2024-02-29"
    assert len(parse("2023").children("D")) == 365
    for bad in (("2024Q1", "W"), ("2024W05", "D"), ("2024-03", "Q")):
        with pytest.raises(PeriodError, match="cannot split"):
            parse(bad[0]).children(bad[1])


def test_inside_keeps_only_the_periods_wholly_inside():
    # January 2024: weeks 1 to 4 start on Mondays 1, 8, 15 and 22; week 5 (29 Jan to 4 Feb) straddles
    assert [p.code for p in parse("2024-01").inside("W")] == ["2024W01", "2024W02", "2024W03", "2024W04"]
    # February 2024: week 5 straddles its start; weeks 6 to 9 (5 Feb to 3 Mar) ... week 9 straddles its end
    assert [p.code for p in parse("2024-02").inside("W")] == ["2024W06", "2024W07", "2024W08"]
    assert [p.code for p in parse("2024S2").inside("Q")] == ["2024Q3", "2024Q4"]
    assert parse("2024-01").inside("Q") == []
    assert len(parse("2024Q1").inside("D")) == 91


@pytest.mark.parametrize("code,prev,nxt", [
    ("2024", "2023", "2025"), ("2024S1", "2023S2", "2024S2"), ("2024Q1", "2023Q4", "2024Q2"),
    ("2024Q4", "2024Q3", "2025Q1"), ("2024-01", "2023-12", "2024-02"), ("2024-12", "2024-11", "2025-01"),
    ("2024W01", "2023W52", "2024W02"), ("2020W53", "2020W52", "2021W01"),
    ("2024-03-01", "2024-02-29", "2024-03-02"), ("2024-12-31", "2024-12-30", "2025-01-01"),
])
def test_previous_and_next(code, prev, nxt):
    assert parse(code).previous().code == prev
    assert parse(code).next().code == nxt


def test_ordering_by_start_then_longest_first():
    assert parse("2024-01") < parse("2024-02") < parse("2024Q2")
    assert parse("2023-12") < parse("2024")
    assert parse("2024") < parse("2024S1") < parse("2024Q1") < parse("2024-01") < parse("2024-01-01")
    assert not parse("2024Q1") < parse("2024Q1")
    assert parse("2024Q1") <= parse("2024Q1") and parse("2024S2") > parse("2024Q2")
    assert parse("2025W01") < parse("2025")       # starts on 30 December 2024
    assert sorted(map(parse, ["2024Q2", "2024", "2024-03", "2023-12"])) == list(
        map(parse, ["2023-12", "2024", "2024-03", "2024Q2"]))


# --- keys --------------------------------------------------------------------------------------
@pytest.mark.parametrize("code,key", [
    ("2024", 20240001), ("2024S2", 20241002), ("2024Q3", 20242003), ("2024-11", 20243011),
    ("2024W07", 20244007), ("2024-02-01", 20245032),
])
def test_keys_year_type_digit_index(code, key):
    p = parse(code)
    assert p.key == key
    assert Period.from_key(key) == p
    assert P.key_year(key) == 2024 and P.key_type(key) == P.TYPE_DIGIT[p.type] and P.key_index(key) == p.index


def test_a_key_with_an_unknown_type_digit_is_refused():
    with pytest.raises(PeriodError, match="not a period key"):
        Period.from_key(20246001)
    assert Period.from_key("20243001").code == "2024-01"


@pytest.mark.parametrize("fine,code,up", [("M", "2024-05", "2024Q2"), ("M", "2024-03", "2024Q1"),
                                          ("M", "2024-04", "2024Q2"), ("Q", "2024Q3", "2024S2"),
                                          ("Q", "2024Q2", "2024S1"), ("S", "2024S2", "2024"), ("S", "2024S1", "2024")])
def test_one_step_up_by_key_arithmetic(fine, code, up):
    assert Period.from_key(P.up_key(fine, parse(code).key)).code == up


def test_the_sql_fragments_compute_what_python_computes():
    keys = [parse(c).key for c in ("2024", "2024S2", "2024Q3", "2024-05", "2024-12", "2024W07", "2024-02-01")]
    con = duckdb.connect()
    con.execute("CREATE TABLE k(k INTEGER)")
    con.executemany("INSERT INTO k VALUES (?)", [(k,) for k in keys])
    got = con.execute(f"SELECT k, {P.year_sql('k')}, {P.ptype_sql('k')} FROM k ORDER BY k").fetchall()
    assert got == [(k, P.key_year(k), P.key_type(k)) for k in sorted(keys)]
    months = [parse(f"2024-{m:02d}").key for m in range(1, 13)]
    ups = con.execute(f"SELECT {P.up_key_sql('M', 'm')} FROM unnest(?) t(m)", [months]).fetchall()
    assert [r[0] for r in ups] == [P.up_key("M", m) for m in months]
    for t in P.TYPES:
        digit, name, name_zh = con.execute(
            f"SELECT {P.type_digit_sql('?')}, {P.type_name_sql('?')}, {P.type_name_sql('?', 'zh')}", [t, t, t]).fetchone()
        assert (digit, name, name_zh) == (P.TYPE_DIGIT[t], P.TYPE_NAMES[t], P.TYPE_NAMES_ZH[t])
        for f in P.TYPES:
            sql = con.execute(f"SELECT {P.reportable_sql('$t', '$f')}", {"t": t, "f": f}).fetchone()[0]
            assert sql == P.reportable(t, f), (t, f)


def test_the_sql_expression_class_parenthesises_each_step():
    k = P.Sql("k")
    assert str(P.key_year(k)) == "(k // 10000)"
    assert str(P.key_type(k)) == "((k // 1000) % 10)"
    assert str(2 * k + 1) == "((2 * k) + 1)" and str(1 + k - 3) == "((1 + k) - 3)"


@pytest.mark.parametrize("ptype,frequency,ok", [
    ("M", "M", True), ("Q", "M", True), ("Y", "M", True), ("Y", "D", True), ("W", "W", True),
    ("M", "Q", False), ("W", "M", False), ("M", "W", False), ("W", "D", False), ("D", "Y", False),
])
def test_which_period_types_may_be_reported(ptype, frequency, ok):
    assert P.reportable(ptype, frequency) is ok


def test_all_periods_of_a_year():
    got = P.all_periods(2024, 2024)
    # 1 year, 2 halves, 4 quarters, 12 months, 52 weeks, 366 days
    assert len(got) == 1 + 2 + 4 + 12 + 52 + 366
    assert len(P.all_periods(2020, 2021)) == (1 + 2 + 4 + 12 + 53 + 366) + (1 + 2 + 4 + 12 + 52 + 365)
    assert got[0].code == "2024" and got[-1].code == "2024-12-31"


# --- what the errors say -----------------------------------------------------------------------
EXPECTED = " (expected 2024, 2024S1, 2024Q1, 2024-03, 202403, 2024W05 or 2024-03-15)"


@pytest.mark.parametrize("call,message", [
    (lambda: parse("24-03"), "not a period: '24-03'"),
    (lambda: parse(3.5), "not a period: 3.5: not text"),
    (lambda: Period("X", 2024), "not a period: ('X', 2024, 1): unknown period type"),
    (lambda: Period("M", 1899, 1), "not a period: ('M', 1899, 1): year outside 1900-2199"),
    (lambda: Period("M", 2024, 13), "not a period: ('M', 2024, 13): no month 13 in 2024"),
    (lambda: Period.from_key(20246001), "not a period: 20246001: not a period key"),
    (lambda: parse("2024W10").ancestor("M"), "not a period: '2024W10': a week is not inside a single month"),
    (lambda: parse("2024-03").children("Q"), "not a period: '2024-03': cannot split a month into quarters"),
])
def test_the_whole_message_of_each_error(call, message):
    with pytest.raises(PeriodError) as err:
        call()
    assert str(err.value) == message + EXPECTED


def test_a_refused_period_names_the_value_given():
    with pytest.raises(Refusal) as err:
        P.parse_given("2024Q9")
    assert "2024Q9" in err.value.problem.message


@pytest.mark.parametrize("text,day", [(None, None), ("", None), ("2024-02-29", date(2024, 2, 29)),
                                      ("1900-01-01", date(1900, 1, 1)), ("2199-12-31", date(2199, 12, 31))])
def test_a_day_given(text, day):
    assert P.parse_day(text) == day


@pytest.mark.parametrize("text,code", [("2023-02-29", "bad-date"), ("20240301x", "bad-date"), ("tomorrow", "bad-date"),
                                       ("1899-12-31", "date-out-of-range"), ("2200-01-01", "date-out-of-range")])
def test_a_day_refused_names_it(text, code):
    with pytest.raises(Refusal) as err:
        P.parse_day(text)
    assert err.value.code == code and text in err.value.problem.message
    if code == "date-out-of-range":
        assert "1900" in err.value.problem.message and "2199" in err.value.problem.message
