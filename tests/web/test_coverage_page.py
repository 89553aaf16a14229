"""The cascade coverage page reads as words in the page's language, names the plan, and fits the screen.

Expected cells, worked out from tests/web/fixtures.py and the bundled plans: tech_transform measures
B2.T1; Guangzhou (440100, plan gz-1312, which aligns nothing to B2.T1) and Shenzhen (440300, no plan of
its own) have a 2025 target and data for it; Shaoguan (440200) has neither; B2.T4 has no indicator."""

from __future__ import annotations

import re

import pytest
from lxml import html

from ..serving import chromium

ZH = {("B2.T1", "440100"): ["缺对应"], ("B2.T1", "440300"): ["✓"], ("B2.T1", "440200"): ["缺目标", "缺数据"],
      ("B2.T4", "440200"): ["—"], ("B2.T4", "440100"): ["缺对应"]}
EN = {("B2.T1", "440100"): ["no link"], ("B2.T1", "440200"): ["no target", "no data"]}


def _page(client, lang):
    r = client.get(f"/coverage?plan=gd-1310&lang={lang}", headers={"Accept": "text/html"})
    assert r.status_code == 200
    return html.fromstring(r.text)


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _one(doc, xpath):
    found = doc.xpath(xpath)
    assert len(found) == 1, xpath
    return found[0]


def _cell(doc, node, region):
    td = _one(doc, f"//td[@data-cell='{node}:{region}']")
    words = [_text(s) for s in td.xpath(".//span[@class='gapword']")]
    return words or [_text(td)]


@pytest.mark.parametrize("lang, expected", [("zh", ZH), ("en", EN)])
def test_cells_name_what_is_missing_in_words(client, lang, expected):
    soup = _page(client, lang)
    for (node, region), words in expected.items():
        assert _cell(soup, node, region) == words, (node, region)
    codes = [_text(td) for td in soup.xpath("//td[@data-cell]") if re.fullmatch(r"[-ATD!]{3,4}", _text(td))]
    assert codes == []  # the old letter codes (ATD, -TD!) are gone


def test_the_plan_is_named_and_the_legend_speaks_the_page_language(client):
    zh, en = _page(client, "zh"), _page(client, "en")
    assert _text(_one(zh, "//*[@data-plan-name]")) == "“1310”具体部署"
    assert _text(_one(en, "//*[@data-plan-name]")) == "The '1310' specific deployment"
    legend = _text(_one(zh, "//*[@data-legend='coverage']"))
    assert not re.search(r"[A-Za-z]", legend), legend  # no no-plan / no-data codes left in Chinese
    assert "缺对应" in legend and "缺数据" in legend and "缺目标" in legend
    assert "no-plan" not in _text(_one(en, "//*[@data-legend='coverage']"))


def test_the_json_names_the_plans(client):
    data = client.get("/api/coverage?plan=gd-1310").json()
    assert (data["plan_name_zh"], data["plan_name_en"]) == ("“1310”具体部署", "The '1310' specific deployment")
    gz = next(c for c in data["columns"] if c["code"] == "440100")
    assert gz["plan"] == "gz-1312" and gz["plan_name_zh"]


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_city_is_visible_at_1280_and_the_matrix_scrolls_by_itself_at_375(server, lang):
    with chromium() as browser:
        for width in (1280, 375):
            ctx = browser.new_context(viewport={"width": width, "height": 800}, base_url=server)
            pg = ctx.new_page()
            pg.goto(f"/coverage?lang={lang}")
            assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
            box = pg.locator("[data-scroll=coverage]")
            inner = box.evaluate("b => b.scrollWidth - b.clientWidth")
            cities = pg.locator("th[data-column]")
            assert cities.count() == 21
            if width == 1280:
                assert inner <= 1, f"the matrix is {inner}px wider than its box at 1280px"
                right = cities.last.evaluate("e => e.getBoundingClientRect().right")
                assert right <= 1280
            else:
                assert inner > 0 and box.evaluate("b => getComputedStyle(b).overflowX") == "auto"
            ctx.close()
