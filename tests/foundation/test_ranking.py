"""Ranking of sibling regions: values in their better direction, min-max composite scores, ties
and rank change, on values worked out by hand."""

from __future__ import annotations

import pytest


@pytest.fixture
def ranked(tiny_ws):
    """Counties K11, K12 (city C1) and K21 (city C2); March and February 2024."""
    march = {"jobs": {"900101": 10, "900102": 30, "900201": 20}, "price": {"900101": 5, "900102": 5, "900201": 9}}
    feb = {"jobs": {"900101": 30, "900102": 10}}
    tiny_ws.record([{"indicator": i, "region": r, "period": p, "value": v}
                    for p, data in (("2024-03", march), ("2024-02", feb))
                    for i, values in data.items() for r, v in values.items()])
    return tiny_ws


def _rows(result):
    return {r["code"]: r for r in result["rows"]}


def test_single_indicator_higher_is_better_with_rank_change(ranked):
    res = ranked.rank("jobs", level="county", within="900000", period="2024-03")
    rows = _rows(res)
    assert [r["code"] for r in res["rows"]] == ["900102", "900201", "900101"]
    assert {c: r["rank"] for c, r in rows.items()} == {"900102": 1, "900201": 2, "900101": 3}
    # February: K11 first, K12 second, K21 without a value
    assert {c: r["previous_rank"] for c, r in rows.items()} == {"900102": 2, "900201": None, "900101": 1}
    assert {c: r["change"] for c, r in rows.items()} == {"900102": 1, "900201": None, "900101": -2}


def test_lower_is_better_and_ties_share_a_rank(ranked):
    rows = _rows(ranked.rank("price", level="county", within="900000", period="2024-03"))
    assert {c: r["rank"] for c, r in rows.items()} == {"900101": 1, "900102": 1, "900201": 3}


def test_composite_is_the_weighted_mean_of_min_max_scores(ranked):
    res = ranked.rank(["jobs", "price"], level="county", within="900000", period="2024-03", weights=[2, 1])
    rows = _rows(res)
    # jobs 10/30/20 -> 0/100/50; price (lower is better) 5/5/9 -> 100/100/0; weights 2:1
    assert rows["900102"]["score"] == pytest.approx(100.0)
    assert rows["900101"]["score"] == pytest.approx((0 * 2 + 100) / 3)
    assert rows["900201"]["score"] == pytest.approx((50 * 2 + 0) / 3)
    assert {c: r["rank"] for c, r in rows.items()} == {"900102": 1, "900101": 2, "900201": 2}
    assert rows["900101"]["value"] == 10  # the first indicator's value is shown beside the score
    # February has only jobs for K11 and K12: their scores are the jobs scores alone
    feb = _rows(ranked.rank(["jobs", "price"], level="county", within="900000", period="2024-02", weights=[2, 1]))
    assert (feb["900101"]["score"], feb["900102"]["score"], feb["900201"]["score"]) == (100.0, 0.0, None)


def test_siblings_are_found_below_intermediate_levels(ranked):
    within_city = ranked.rank("jobs", level="county", within="900100", period="2024-03")
    assert [r["code"] for r in within_city["rows"]] == ["900102", "900101"]
    cities = _rows(ranked.rank("jobs", level="city", within="900000", period="2024-03"))
    assert (cities["900100"]["value"], cities["900200"]["value"]) == (40, 20)  # sums of their counties
