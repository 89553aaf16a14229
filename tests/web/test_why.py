"""The indicator page says why (the shortfall against the pace split among the subdivisions) and the
trend; lights on chips, breadcrumbs, tiles and ranking rows; the glossary with the plan's thresholds.

The decomposition is checked on the tiny hierarchy (tests/conftest.py) with values worked out by
hand: as of 2024-04-15 the monthly pace runs to March 31, 91 of 2024's 366 days (s = 0.248634).

jobs (summed over regions and months), 2024 targets at least: City One 1300, County 1-1 600, County 1-2 600;
values Jan-Mar: County 1-1 30 a month (90), County 1-2 60 a month (180), so City One 270.
  City One:   expected 1300 s = 323.224, gap 53.224
  County 1-1: expected  600 s = 149.180, gap 59.180, share 59.180 / 53.224 = 1.1119
  County 1-2: expected  600 s = 149.180, gap -30.820 (ahead), share -0.5791
  remainder:  the children's targets add up to 1200, not 1300: 53.224 - 28.361 = 24.863, share 0.4671
price (a mean, lower is better), at most 10 in County 1-1 and 12 in County 1-2, 11 and 12.5 each month:
  County 1-1: gap 11 - 10 = 1, 10 pace points behind as progress is 10/11 = 90.91 % -> 9.09 points
  County 1-2: gap 0.5, progress 12/12.5 = 96 % -> 4 points
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from luoshi.analytics.shortfall import trend
from luoshi.web import create_app, views

S = 91 / 366
AT = "2024-04-15"


@pytest.fixture
def why_ws(tiny_ws, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("indicator,region,period,comparator,value\n"
                 "jobs,900100,2024,at_least,1300\njobs,900101,2024,at_least,600\njobs,900102,2024,at_least,600\n"
                 "price,900101,2024,at_most,10\nprice,900102,2024,at_most,12\n", encoding="utf-8")
    tiny_ws.load_targets(f)
    rows = [{"indicator": "jobs", "region": r, "period": f"2024-0{m}", "value": v}
            for r, v in (("900101", 30), ("900102", 60)) for m in (1, 2, 3)]
    rows += [{"indicator": "price", "region": r, "period": f"2024-0{m}", "value": v}
             for r, v in (("900101", 11), ("900102", 12.5)) for m in (1, 2, 3)]
    tiny_ws.record(rows)
    return tiny_ws


def test_an_additive_shortfall_splits_among_the_subdivisions(why_ws):
    data = views.indicator(why_ws, "jobs", region="900100", period="2024", at=AT)
    why = data["why"]
    assert why["method"] == "additive" and why["behind"] is True
    assert why["parent"]["value"] == 270
    assert why["parent"]["pace_value"] == pytest.approx(1300 * S)
    assert why["parent"]["gap"] == pytest.approx(53.224, abs=1e-3)
    assert [r["code"] for r in why["rows"]] == ["900101", "900102"]  # the biggest contribution first
    k11, k12 = why["rows"]
    assert k11["gap"] == pytest.approx(59.180, abs=1e-3) and k11["share"] == pytest.approx(1.1119, abs=1e-4)
    assert k12["gap"] == pytest.approx(-30.820, abs=1e-3) and k12["share"] == pytest.approx(-0.5791, abs=1e-4)
    assert why["remainder"] == pytest.approx(24.863, abs=1e-3)
    assert why["remainder_share"] == pytest.approx(0.4671, abs=1e-4)
    # the shares and the remainder make up the whole shortfall
    assert k11["share"] + k12["share"] + why["remainder_share"] == pytest.approx(1.0)


def test_a_mean_does_not_split_and_lists_the_subdivisions_furthest_behind_first(why_ws):
    why = views.indicator(why_ws, "price", region="900100", period="2024", at=AT)["why"]
    assert why["method"] == "not_additive"
    assert why["parent"]["gap"] is None  # City One has no price target
    assert [r["code"] for r in why["rows"]] == ["900101", "900102"]
    k11, k12 = why["rows"]
    assert (k11["gap"], k12["gap"]) == (pytest.approx(1.0), pytest.approx(0.5))
    assert k11["shortfall"] == pytest.approx(100 - 10 / 11 * 100, abs=1e-5)
    assert k12["shortfall"] == pytest.approx(4.0, abs=1e-5)
    assert k11["share"] is None and k12["share"] is None and why["remainder"] is None


def test_not_behind_gives_no_shares(why_ws):
    """County 1-2 alone: 180 against 149.18 expected is ahead, so nothing is short and nothing splits."""
    data = views.indicator(why_ws, "jobs", region="900102", period="2024", at=AT)
    assert data["judgement"]["gap"] == pytest.approx(600 * S - 180)
    assert data["why"]["behind"] is False and data["why"]["rows"] == []


def test_trend_by_hand():
    pts = [{"period": p, "value": v} for p, v in (("2024-03", 5.0), ("2024-12", 9.0), ("2025-01", 7.0),
                                                  ("2025-02", 8.0), ("2025-03", 6.0))]
    t = trend(pts, "higher", n=3)
    assert [p["period"] for p in t["points"]] == ["2025-01", "2025-02", "2025-03"]
    assert (t["direction"], t["change"], t["better"]) == ("down", -2.0, False)
    assert (t["year_ago"], t["change_year"]) == (5.0, 1.0)
    assert trend(pts, "lower")["better"] is True
    assert trend(pts[:1], "higher")["direction"] is None


def test_the_indicator_page_and_its_json_twin_say_why(why_ws):
    with TestClient(create_app(why_ws)) as c:
        api = c.get(f"/api/indicators/jobs?region=900100&period=2024&at={AT}").json()
        assert [r["code"] for r in api["why"]["rows"]] == ["900101", "900102"]
        assert api["trend"]["points"][-1] == {"period": "2024-03", "value": 90.0}  # City One's March: 30 + 60
        zh = c.get(f"/indicators/jobs?region=900100&period=2024&at={AT}&lang=zh").text
        en = c.get(f"/indicators/jobs?region=900100&period=2024&at={AT}&lang=en").text
    for html in (zh, en):
        assert 'data-why="additive"' in html and 'data-why-row="900101"' in html and "data-why-remainder" in html
        assert 'data-definition' in html and 'href="/glossary#pace"' in html
    assert "差距来自哪里" in zh and "占差距" in zh and "近期走势" in zh and "指标说明" in zh
    assert "where the shortfall comes from" in en and "Share of shortfall" in en and "Recent trend" in en
    assert "111%" in zh and "-58%" in zh and "47%" in zh  # the shares as worked out above
    # the breadcrumb chips carry the region's light on this indicator
    assert re.search(r'data-crumb="900100"[^>]*>[^<]*</span> <span class="light light-(\w+)', zh)


def test_the_glossary_reads_the_thresholds_of_the_plan(tiny_ws, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("plans:\n  - id: odd\n    owner_region: \"900000\"\n    name_zh: 另一规划\n    name_en: Another plan\n"
                    "    rules: {yellow: 7.5, red: 22, ahead: 4, share_yellow: 0.2, share_red: 0.6, stale_grace_days: 3}\n"
                    "    nodes:\n      - {code: G, kind: goal, title_zh: 目标, title_en: Goal}\n", encoding="utf-8")
    tiny_ws.load_plans(plan)
    with TestClient(create_app(tiny_ws)) as c:
        assert c.get("/api/glossary?plan=odd").json()["rules"]["yellow"] == 7.5
        zh = c.get("/glossary?plan=odd&lang=zh").text
        en = c.get("/glossary?plan=odd&lang=en").text
        default = c.get("/glossary?plan=tp&lang=en").text
    for html in (zh, en):
        got = dict(re.findall(r'data-threshold="(\w+)">([^<]+)<', html))
        assert got["yellow"].startswith("7.5 ") and got["red"].startswith("22 ") and got["ahead"].startswith("4 ")
        assert got["share_yellow"] == "20%" and got["share_red"] == "60%" and got["stale_grace_days"] == "3"
    assert dict(re.findall(r'data-threshold="(\w+)">([^<]+)<', default))["yellow"].startswith("10 ")
    for term in ("pace", "lights", "completeness", "stale"):
        assert f'id="{term}"' in zh
    main_en = en.split("<main>")[1].split("</main>")[0]
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"<option[^>]*>[^<]*</option>", "", main_en))
    main_zh = zh.split("<main>")[1].split("</main>")[0]
    assert not re.search(r"\b[A-Za-z]{3,}\b", re.sub(r"<[^>]+>", " ", main_zh))


def test_chips_tiles_and_ranking_rows_carry_their_light(client):
    """The web fixture (tests/web/fixtures.py): Guangzhou on pace (green), Shenzhen behind (yellow) on
    tech_transform; as a region, Shenzhen's one judged indicator is behind: a share of 1, red by the plan's
    share thresholds, Guangzhou's none: green."""
    prov = client.get("/regions/440000?lang=en").text
    assert re.search(r'data-chip="440100">.*?data-light="green"', prov)
    assert re.search(r'data-chip="440300">.*?data-light="red"', prov)
    assert re.search(r'data-chip="440500">.*?data-light="grey"', prov)  # Shantou: nothing judged
    county = client.get("/regions/440103").text  # breadcrumbs: province (no target), Guangzhou, Liwan
    assert re.findall(r'data-crumb="(\d+)"[^>]*>[^<]*</(?:a|span)> <span class="light light-(\w+)', county) == [
        ("440000", "grey"), ("440100", "green"), ("440103", "green")]
    ind = client.get("/indicators/tech_transform?lang=zh").text
    assert re.search(r'data-tile="440300"[^>]*>.*?<span class="light light-yellow"[^>]*>▲ 黄灯</span>', ind, re.S)
    rank = client.get("/rankings?indicator=tech_transform&period=2025&lang=en").text
    rows = dict(re.findall(r'data-row="(\d+)".*?data-light="(\w+)"', rank, re.S))
    assert (rows["440100"], rows["440300"], rows["440500"]) == ("green", "yellow", "grey")
    assert client.get("/api/rankings?indicator=tech_transform&period=2025").json()["rows"][0]["light"] == "green"


def test_the_definition_unit_and_method_in_both_languages(client):
    zh = client.get("/indicators/unemployment_rate?lang=zh").text
    en = client.get("/indicators/unemployment_rate?lang=en").text
    dzh = zh.split("data-definition")[1].split("</section>")[0]
    den = en.split("data-definition")[1].split("</section>")[0]
    assert "城镇调查失业人数占城镇劳动力的百分比" in dzh and "城镇调查失业人数 ÷ 城镇劳动力" in dzh
    assert "as a percentage of the urban labour force" in den and "Surveyed urban unemployed ÷ Urban labour force" in den
    assert "Judged:" in den and ">as a level" in den and "does not split" in den and "a ratio of totals" in den
    gdp = client.get("/indicators/gdp?lang=en").text.split("data-definition")[1].split("</section>")[0]
    assert "100 million yuan" in gdp and "against the expected pace" in gdp and "splits among subdivisions" in gdp
