"""The bundled real facts say honestly where they come from (src/luoshi/data/SOURCES.md).

Every source URL of targets_gd.csv, outcomes_gd.csv and city_stats_2023.csv is on a host classified
below, so a new host has to be looked at: an official publisher (a government site), a news outlet's
own page, or a copy on an unofficial host (a mirror, a WeChat repost, an aggregator).  A fact read
only in such a copy says so in its status ("-repost"); one with an official or a publisher's source
does not.  Where the stored corpus holds the official page of a fact, that page is cited."""

from __future__ import annotations

import csv
from urllib.parse import urlsplit

import pytest

from luoshi.data.bundle import path

OFFICIAL = {"tjj.gz.gov.cn"}  # the Guangzhou Statistics Bureau
PUBLISHERS = {"en.people.cn", "gd.sina.com.cn", "cj.sina.com.cn", "dotdotnews.com", "yicaiglobal.com",
              "www.caixinglobal.com", "udn.com", "www.xkb.com.cn", "huacheng.gz-cmc.com", "www.yxiu.cn"}
REPOSTS = {"freewechat.com", "my67778.com", "wzh.radiomandarin.fr", "m.wwwhomehomedepot.com", "dwqgbh.cn",
           "reportify.cn", "guibinke.net", "south.hz061.com", "27.185.56.112:8082", "shaozxit.901029.com"}
FILES = ("targets_gd.csv", "outcomes_gd.csv", "city_stats_2023.csv")


def _rows():
    """(where, row, facts): each fact of a row (city_stats has two: GDP and population) as its sources' hosts."""
    for name in FILES:
        with open(path(name), encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                facts = [[urlsplit(u).netloc for u in (v or "").split() if u.startswith("http")]
                         for k, v in row.items() if "source" in k]
                yield f"{name}:{n}", row, [f for f in facts if f]


def test_every_source_host_is_classified():
    hosts = {h for _, _, facts in _rows() for hs in facts for h in hs}
    assert hosts - OFFICIAL - PUBLISHERS - REPOSTS == set()
    assert not OFFICIAL & REPOSTS and not PUBLISHERS & REPOSTS


@pytest.mark.parametrize("where, row, facts", list(_rows()), ids=lambda x: x if isinstance(x, str) else "")
def test_a_fact_seen_only_in_a_repost_says_so(where, row, facts):
    only_reposts = any(all(h in REPOSTS for h in hosts) for hosts in facts)
    assert only_reposts == row["status"].endswith("-repost"), (where, facts, row["status"])


def test_the_official_page_is_cited_where_it_was_found():
    rows = {(r.get("indicator"), r.get("region") or r.get("code"), r.get("period")): r for _, r, _ in _rows()}
    gz = rows[("population", "440100", "2023")]
    assert gz["source"] == "http://tjj.gz.gov.cn/stats_newtjyw/sjjd/content/post_9571142.html"
    assert "freewechat.com" not in rows[("gdp_growth", "440000", "2023")]["source"]
