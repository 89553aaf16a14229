"""A ranking with nothing to rank says why and what to pick instead, rather than 21 rows of "—".

The fixture (tests/web/fixtures.py) has tech_transform for Guangzhou's and Shenzhen's districts in
2024-12 and 2025-01..05 only; the bundled city_stats_2023.csv gives Guangzhou's 2023 resident
population; nothing at all holds party_training."""

from __future__ import annotations

from lxml import html

HTML = {"Accept": "text/html"}


def test_an_empty_ranking_names_the_periods_with_data(client):
    data = client.get("/api/rankings?indicator=tech_transform&period=2023").json()
    assert data["ranked"] == 0 and len(data["rows"]) == 21
    assert data["periods_with_data"][:2] == ["2025", "2024"]  # years first, as asked, latest first
    full = client.get("/api/rankings?indicator=tech_transform&period=2025").json()
    assert full["ranked"] == 2 and "periods_with_data" not in full


def test_the_page_explains_instead_of_listing_dashes(client):
    doc = html.fromstring(client.get("/rankings?indicator=tech_transform&period=2023&lang=zh", headers=HTML).text)
    box = doc.xpath("//*[@data-empty-ranking]")
    assert len(box) == 1
    text = " ".join(box[0].text_content().split())
    assert "无法排名" in text and "2023年" in text and "工业企业技术改造" in text
    picks = {a.get("data-pick-period"): a.get("href") for a in box[0].xpath(".//a[@data-pick-period]")}
    assert list(picks)[:2] == ["2025", "2024"]
    assert picks["2025"] == "?indicator=tech_transform&level=city&period=2025"
    assert doc.xpath("//table[@data-table='rankings']") == []


def test_a_bundled_fact_is_found_and_nothing_anywhere_says_pick_another_indicator(client):
    data = client.get("/api/rankings?indicator=population&period=2025").json()
    assert data["ranked"] == 0 and data["periods_with_data"] == ["2023"]
    data = client.get("/api/rankings?indicator=party_training&period=2025").json()
    assert data["ranked"] == 0 and data["periods_with_data"] == []
    doc = html.fromstring(client.get("/rankings?indicator=party_training&period=2025&lang=en", headers=HTML).text)
    text = " ".join(doc.xpath("//*[@data-empty-ranking]")[0].text_content().split())
    assert "Nothing to rank" in text and "pick another indicator" in text
