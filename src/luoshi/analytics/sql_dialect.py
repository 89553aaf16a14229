"""The SQL both engines read: what DuckDB and Apache Spark write differently, said once.

The rollup's steps (rollup_steps.py) and the judgement (judgement.py) are written in the part of
SQL that DuckDB and Spark read alike; where they differ, a ``Dialect`` says how each writes it:

- integer division: DuckDB ``//``, Spark ``div`` (both truncate; period keys are positive);
- a common table expression computed once: DuckDB ``AS MATERIALIZED``, Spark plans it itself;
- a quoted name (a column called ``end``): DuckDB ``"end"``, Spark ```end```;
- the days from one date to another: DuckDB ``date_diff('day', a, b)``, Spark ``datediff(b, a)``;
- a row once per integer in a range: DuckDB ``unnest(range(a, b + 1))``, Spark ``explode(sequence(a, b))``;
- casts are ``CAST(x AS T)``, never ``::``;
- "the value at the latest period" is ``max_by(x, CASE WHEN x IS NOT NULL THEN k END)``: DuckDB's
  ``arg_max`` skips rows whose value is NULL, Spark's ``max_by`` does not, but both skip rows whose
  ordering is NULL;
- ``round(x, d)`` differs: DuckDB rounds the double's binary value, Spark its shortest decimal
  form, so 9.9999995 is 9.999999 in one and 10.0 in the other; ``rounded`` writes it out as both
  compute it alike (scaled, rounded to a whole number half away from zero, scaled back), which is
  also what the Python reference does (``rules.round_half_away``);
- ``least`` skips NULLs in both; ``bool_or``, ``nullif``, ``NOT EXISTS``, ``pow`` (but for the
  last bit) and ``year`` mean the same in both;
- no macros, ``EXCLUDE``, ``?`` parameters or correlated scalar subqueries (Spark
  allows only equality in a correlated one): they are joins here.
"""

from __future__ import annotations

from dataclasses import dataclass

from luoshi.domain.periods import ptype_sql, up_key_sql, year_sql


@dataclass(frozen=True)
class Dialect:
    name: str
    div: str  # integer division
    materialized: str  # how a CTE computed once is marked
    # Aggregate every rule in one pass, picking each indicator's (Spark: a pass is a shuffle), or
    # one pass per rule over the rows of its indicators (DuckDB: one aggregate per row is cheaper).
    one_pass: bool
    quote: str  # around a name that is also a keyword
    days_between: str  # the days from {start} to {end}
    each_of: str  # one row per integer from {first} to {last}, in a SELECT list

    def last(self, value: str, key: str) -> str:
        """The value at the latest key among rows where it is not NULL."""
        return f"max_by({value}, CASE WHEN {value} IS NOT NULL THEN {key} END)"

    def up(self, fine: str, key: str) -> str:
        """The key of the next coarser period (month -> quarter -> half -> year)."""
        return up_key_sql(fine, key, div=self.div)

    def year(self, key: str) -> str:
        """The year of a period key."""
        return year_sql(key, div=self.div)

    def ptype(self, key: str) -> str:
        """The type digit of a period key."""
        return ptype_sql(key, div=self.div)

    def col(self, column: str, alias: str = "") -> str:
        """A column whose name is a keyword (``end``), quoted, after ``alias.`` if given."""
        return f"{alias + '.' if alias else ''}{self.quote}{column}{self.quote}"

    def each(self, first: str, last: str) -> str:
        """In a SELECT list: the row repeated once per integer from ``first`` to ``last``."""
        return self.each_of.format(first=first, last=last)

    def days(self, start: str, end: str) -> str:
        """The days from date ``start`` to date ``end`` (negative when ``end`` is earlier)."""
        return self.days_between.format(start=start, end=end)


DUCKDB = Dialect("duckdb", "//", "MATERIALIZED ", one_pass=False, quote='"',
                 days_between="date_diff('day', {start}, {end})", each_of="unnest(range({first}, {last} + 1))")
SPARK = Dialect("spark", "div", "", one_pass=True, quote="`", days_between="datediff({end}, {start})",
                each_of="explode(sequence({first}, {last}))")


def rounded(x: str, digits: str) -> str:
    """``x`` rounded to ``digits`` decimals (an expression), in the SQL both engines compute alike:
    the SQL twin of ``rules.round_half_away``."""
    return f"round({x} * power(10, {digits})) / power(10, {digits})"
