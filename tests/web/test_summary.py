"""The overview's at-a-glance summary (services/summary.py) against the counts worked out by hand in
tests/web/glance_fixture.py, through the service, the JSON API and the page in both languages."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from luoshi.services.summary import month_before
from luoshi.web import create_app, views

from . import glance_fixture

QUERY = "plan=tp&period=2024&at=2024-06-30"


@pytest.fixture
def glance_ws(tiny_ws, tmp_path):
    glance_fixture.build(tiny_ws, tmp_path)
    return tiny_ws


@pytest.fixture
def summary(glance_ws):
    return views.overview(glance_ws, plan="tp", period="2024", at="2024-06-30")["summary"]


def test_the_breakthroughs_behind_and_what_pulls_them_down(summary):
    # B2 is red (its one judged indicator, price, is behind); B1 is green (jobs on pace)
    assert [(b["code"], b["light"], b["judged"]) for b in summary["breakthroughs"]] == [("B2", "red", 1)]
    assert [(i["code"], i["light"], i["category"]) for i in summary["breakthroughs"][0]["pulling"]] == \
        [("price", "red", "behind")]
    assert summary["breakthroughs"][0]["pulling"][0]["shortfall"] == pytest.approx(100 - 10 / 15 * 100, abs=1e-4)


def test_the_cities_behind_on_the_most_indicators(summary):
    got = [(e["code"], e["behind"], e["judged"], e["red"], [i["code"] for i in e["indicators"]])
           for e in summary["lagging"]]
    # 900200: pop 50 points behind (red), jobs 24.7 (yellow); 900100: price 33.3 (red), jobs on pace
    assert got == [("900200", 2, 3, 1, ["pop", "jobs"]), ("900100", 1, 2, 1, ["price"])]
    assert (summary["subdivisions"], summary["subdivisions_behind"], summary["level"]) == (2, 2, "city")
    assert summary["lagging"][0]["indicators"][1]["shortfall"] == pytest.approx(182 / 366 * 100 - 25, abs=1e-4)


def test_what_changed_since_a_month_before(summary):
    ch = summary["changes"]
    assert ch["since"] == "2024-05-31"
    assert [(i["code"], i["was"], i["light"]) for i in ch["new_red"]] == [("price", "yellow", "red")]
    assert [(i["code"], i["was"], i["light"]) for i in ch["recovered"]] == [("jobs", "yellow", "green")]


def test_the_leaderboard_on_the_composite_with_rank_change(summary):
    board = summary["leaderboard"]
    assert board["indicators"] == ["gdp_growth", "income_growth"]
    assert (board["period"], board["previous_period"]) == ("2024", "2023")
    assert [(r["code"], r["rank"], r["previous_rank"], r["change"], r["score"]) for r in board["rows"]] == \
        [("900100", 1, 2, 1, 100.0), ("900200", 2, 1, -1, 0.0)]
    # every row carries its light over the composite's indicators: neither has a target here, so none
    # is judged (grey), and it is the light the rankings page gives the same rows
    assert [(r["code"], r["light"]) for r in board["rows"]] == [("900100", "grey"), ("900200", "grey")]


def test_nothing_to_compare_in_the_first_month_of_the_period(glance_ws):
    s = views.overview(glance_ws, plan="tp", period="2024", at="2024-01-20")["summary"]
    assert s["changes"] is None  # a month before is in 2023, before the period began


@pytest.mark.parametrize("at, before", [
    (date(2024, 6, 30), date(2024, 5, 31)), (date(2024, 3, 31), date(2024, 2, 29)),
    (date(2024, 3, 15), date(2024, 2, 15)), (date(2024, 3, 30), date(2024, 2, 29)),
    (date(2024, 1, 10), date(2023, 12, 10))])
def test_a_month_before(at, before):
    assert month_before(at) == before


@pytest.fixture
def glance_client(glance_ws):
    with TestClient(create_app(glance_ws), raise_server_exceptions=False) as c:
        yield c


def test_the_api_and_the_page_show_the_summary_in_both_languages(glance_client, summary):
    api = glance_client.get(f"/api/overview?{QUERY}").json()["summary"]
    assert [b["code"] for b in api["breakthroughs"]] == ["B2"]
    assert [(e["code"], e["behind"]) for e in api["lagging"]] == [("900200", 2), ("900100", 1)]
    zh = glance_client.get(f"/?{QUERY}&lang=zh").text
    en = glance_client.get(f"/?{QUERY}&lang=en").text
    for html in (zh, en):
        assert 'data-glance-node="B2"' in html and 'data-glance-pull="price"' in html
        assert 'data-glance-region="900200" data-behind="2" data-judged="3"' in html
        assert 'data-glance-region="900100" data-behind="1" data-judged="2"' in html
        assert 'data-board-region="900100" data-rank="1" data-change="1"' in html
        assert 'data-board-region="900200" data-rank="2" data-change="-1"' in html
        assert 'data-glance-change="new_red"' in html and 'data-glance-changed="price"' in html
    assert "滞后的突破" in zh and "较上月变化" in zh and "Breakthroughs behind" not in zh
    assert "Breakthroughs behind" in en and "New reds" in en and "滞后的突破" not in en


def test_a_leaderboard_row_is_lit_by_its_composite_targets(glance_ws):
    # gdp_growth of June 2024 (kept by its last value): 900100 6 against at least 5, met (green);
    # 900200 4 against at least 10, 60 % short (red); each row's only judged indicator decides its light
    glance_ws.set_targets([
        {"indicator": "gdp_growth", "region": "900100", "period": "2024", "comparator": "at_least", "value": 5},
        {"indicator": "gdp_growth", "region": "900200", "period": "2024", "comparator": "at_least", "value": 10}])
    board = views.overview(glance_ws, plan="tp", period="2024", at="2024-06-30")["summary"]["leaderboard"]
    assert [(r["code"], r["light"]) for r in board["rows"]] == [("900100", "green"), ("900200", "red")]
