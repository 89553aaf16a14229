"""Administrative regions: levels, GB/T 2260 codes, and the versioned tree of who belongs to whom.

Validity is a closed range of days: ``valid_from`` is the first day a region (or a link to its
parent) is valid and ``valid_to`` the last, inclusive; no ``valid_to`` means still valid.  A change
on day D (a merge, a split) makes D the first day of what is new and D - 1 the last of what went.
docs/regions-format.md shows a worked example."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

LEVELS = ("province", "city", "county", "town", "village")
DEPTH = {name: i + 1 for i, name in enumerate(LEVELS)}
# The kinds in the bundled divisions files, mapped to the five levels.  Below the county they are
# the NBS statistical kinds: ``town_like`` units are like a township (farms, forest farms, development
# zones), ``community_like`` and ``village_like`` units like a community or a village.
KIND_LEVEL = {
    "province": "province", "prefecture_city": "city", "city": "city",
    "district": "county", "county": "county", "county_level_city": "county", "autonomous_county": "county",
    "town": "town", "township": "town", "subdistrict": "town", "town_like": "town",
    "village": "village", "community": "village", "community_like": "village", "village_like": "village",
}
LEVEL_NAMES = {
    "province": ("省", "province"), "city": ("市", "city"), "county": ("县区", "county"),
    "town": ("镇街", "town"), "village": ("村居", "village"),
}
CODE_RE = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")
OPEN_END = date(9999, 12, 31)


# why a region code is refused (a bad-value detail, in both languages)
CODE_RULE = {"detail": "a GB/T 2260 code has 6 digits (9 or 12 below county level)",
             "detail_zh": "GB/T 2260 代码为 6 位数字（县级以下为 9 或 12 位）"}


def valid_code(code: str) -> bool:
    """GB/T 2260 six-digit codes, or the 9/12-digit statistical codes used below county level."""
    return bool(CODE_RE.match(code or ""))


def valid_on_sql(alias: str, day: str) -> str:
    """SQL: the row ``alias`` (a region or region link, with valid_from and valid_to) is valid on
    ``day`` (a SQL date expression or ``?``, used twice).  ``alias`` "" for bare column names."""
    a = f"{alias}." if alias else ""
    return f"({a}valid_from <= {day} AND ({a}valid_to IS NULL OR {day} <= {a}valid_to))"


def reports_sql(rid: str, report_level: str) -> str:
    """SQL: the region with id ``rid`` (an SQL expression) is at a level that reports values, down
    to ``report_level`` (the setting of that name; the bundled towns and villages below it do not)."""
    return f"{rid} IN (SELECT rid FROM regions WHERE depth <= {DEPTH[report_level]})"


def valid_during_sql(alias: str, start: str, end: str) -> str:
    """SQL: the row ``alias`` is valid on at least one day from ``start`` to ``end`` (inclusive)."""
    a = f"{alias}." if alias else ""
    return f"({a}valid_from <= {end} AND ({a}valid_to IS NULL OR {start} <= {a}valid_to))"


def valid_on(valid_from: date, valid_to: date | None, day: date) -> bool:
    """``valid_on_sql`` in Python."""
    return valid_from <= day and (valid_to is None or day <= valid_to)


def valid_during(valid_from: date, valid_to: date | None, start: date, end: date) -> bool:
    """``valid_during_sql`` in Python."""
    return valid_from <= end and (valid_to is None or start <= valid_to)


@dataclass(frozen=True)
class Link:
    """Region ``child`` belongs to ``parent`` from ``valid_from`` to ``valid_to``, both days included."""

    child: str
    parent: str | None
    valid_from: date
    valid_to: date | None = None

    def covers(self, day: date) -> bool:
        return valid_on(self.valid_from, self.valid_to, day)


def parent_at(links: list[Link], child: str, day: date) -> str | None:
    """The parent of ``child`` on ``day``, or None when the region did not exist then."""
    for link in links:
        if link.child == child and link.covers(day):
            return link.parent
    return None


def ancestors_at(links: list[Link], child: str, day: date) -> list[str]:
    """Parent, grandparent, ... of ``child`` on ``day`` (nearest first)."""
    out, seen = [], {child}
    cur = parent_at(links, child, day)
    while cur is not None and cur not in seen:
        out.append(cur)
        seen.add(cur)
        cur = parent_at(links, cur, day)
    return out
