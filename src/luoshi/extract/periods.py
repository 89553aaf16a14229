"""The period a value refers to when a text speaks of several years: an average annual growth "by
2015" runs over the plan period it ends; in a period of three years or more (十四五, 2021-2025, 过去五年)
a level reached is of its last year and a change, an average or a total over it is of the whole period
(the gold set's rule, tests/data/extraction/README.md)."""

from __future__ import annotations

import re

from luoshi.extract.cues import explicit_time, periods_named
from luoshi.extract.patterns import pattern

_AVERAGE = pattern(r"年均|年平均|\b(?:average annual|annual average|an average of|a year on average|per year|"
                   r"(?:on )?average(?:d)? annual|annually|per annum|a year)\b", re.I)


def average_period(s: str, pos: int, year, doc_year: int | None):
    """An average annual growth "by 2015" or "到2027年" runs over the years up to it: the five-year plan
    period it ends (2011-2015), else from the year after the document's."""
    if not isinstance(year, int) or doc_year is None or year <= doc_year or \
            not _AVERAGE.search(s, max(0, pos - 30), pos + 30):
        return year
    if year % 5 == 0 and doc_year > year - 5:
        return f"{year - 4}-{year}"
    return f"{doc_year + 1}-{year}"


_CHANGE_BEFORE = pattern(r"增长|增加|增幅|增速|提高|提升|下降|降低|减少|新增|累计|共计|总共|年均|建成|建设|完成|实施|开工|改造|"
                         r"培育|引进|投资|投入|带动|拉动|翻|"
                         r"\b(?:gr[eo]w|grown|growing|rise|rose|risen|rising|increas|decreas|declin|fell|fall|drop|"
                         r"cut|reduc|add|new|creat|built|build|invest|spen[dt]|total|cumulative|average|up|down|"
                         r"more|less|lower|higher|improv|expand|doubl)", re.I)
# "a 15.8 percent gross domestic product (GDP) increase": the change named after the indicator
_CHANGE_AFTER = pattern(r"^\s*(?:(?!(?:of|in|to|by|for|and|than|from|at)\b)[A-Za-z()-]+\s+){0,4}?"
                        r"(?:growth|increase|rise|decline|drop|reduction|cut|more|less|higher|lower)\b", re.I)
_HELD = pattern(r"保持|稳定在|控制在|维持|\b(?:keep|kept|maintain\w*|remain\w*|stay\w*|hold|held|within)\b", re.I)


def level_at_end(s: str, clause: tuple[int, int], start: int, end: int, year, unit):
    """A level or stock reached in a period of three years or more (十四五, 2021-2025, the past five
    years) is the period's last year; a change, an average or a total over it, or a level held
    through it (a cap, at_most, the caller leaves alone), keeps the span."""
    if not isinstance(year, str) or int(year[-4:]) - int(year[:4]) < 2 or unit in ("pp", "times"):
        return year
    if _is_change(s, clause, start, end) or _HELD.search(s, clause[0], start):
        return year
    return int(year[-4:])


_OVER_PERIOD = pattern(r"年均|年平均|累计|新增|共计|总共|每年|新(?:培育|建|引进|认定|开工|招引|打造|创建)|"
                       r"\b(?:average annual|annual average|cumulative|in total|a total of|each year|every year)\b", re.I)


_DEADLINE = pattern(r"(?:到|至|\bby|\buntil)\s*$", re.I)


def change_over_period(s: str, clause: tuple[int, int], start: int, year, headings: tuple, lead_in, era: int = 0,
                       title_time=None):
    """A change over a period of three years or more that the sentence, its lead-in, its headings or the
    document's title name (十四五时期回顾: 年均增长6.4%, 新增就业54万人; 三年行动方案(2025—2027年): 到2027年新培育
    100家), when the year found is the period's last: the period."""
    if not isinstance(year, int) or not _OVER_PERIOD.search(s, clause[0], start):
        return year
    named = explicit_time(s, start, era)
    if named is not None and isinstance(named.value, int) and not _DEADLINE.search(s, max(0, named.start - 6), named.start):
        return year  # the sentence names the year itself (a deadline, 到2027年, is the period's end)
    above = ([lead_in.text] if lead_in is not None else []) + [h.text for h in reversed(headings)]
    for text in [s[:start]] + above:
        period = next((p for p in periods_named(text, era) if int(p[-4:]) == year), None)
        if period is not None:
            return period
    if isinstance(title_time, str) and int(title_time[-4:]) == year and int(title_time[-4:]) - int(title_time[:4]) >= 2:
        return title_time
    return year


_LEVEL_REACHED = pattern(r"(?:到|至|达|为|\bto|\breach(?:ed|ing)?)\s*$", re.I)


def _is_change(s: str, clause: tuple[int, int], start: int, end: int) -> bool:
    """Whether the quantity at [start, end) is a change (grew 5%, 新增54万人), not a level (提高至77.9岁,
    rose to 5%)."""
    if _LEVEL_REACHED.search(s, max(clause[0], start - 4), start):
        return False
    return bool(_CHANGE_BEFORE.search(s, clause[0], start) or _CHANGE_AFTER.match(s[end:end + 60]))
