"""The dashboard in a real browser (Debian's chromium via Playwright) against `luoshi serve`.

Selectors use data-* attributes.  Every page must load without console errors and without a
request to any host but the server; the server sends a Content-Security-Policy, so anything on a
page that breaks it (an inline script, a <style> element) shows as a console error and fails here.
In CI a missing browser fails the run (LUOSHI_CI=1)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from ..serving import chromium

pytestmark = pytest.mark.browser

PAGES = ["/", "/glossary", "/regions/440000", "/regions/440100", "/regions/440103", "/indicators",
         "/indicators/tech_transform",
         "/indicators/tech_transform?region=440300", "/rankings", "/rankings?level=county&within=440100",
         "/coverage", "/outcomes", "/docs", "/documents", "/tasks", "/wallchart", "/scorecards", "/projects",
         "/login", "/reporting/imports", "/reporting/history", "/briefing", "/briefing?period=2025-05&region=440100"]


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


class Watch:
    """Console errors, page errors and off-host requests seen by one page."""

    def __init__(self, page, base):
        self.errors, self.offhost, self.host = [], [], urlsplit(base).netloc
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)

    def _request(self, req):
        parts = urlsplit(req.url)
        if parts.scheme not in ("data", "about", "blob") and parts.netloc != self.host:
            self.offhost.append(req.url)

    def clean(self):
        assert self.errors == [], self.errors
        assert self.offhost == [], self.offhost


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    pg = ctx.new_page()
    pg.watch = Watch(pg, server)
    yield pg
    ctx.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_every_page_loads_cleanly_at_desktop_and_phone_width(browser, server, width, lang):
    ctx = browser.new_context(viewport={"width": width, "height": 800}, base_url=server)
    pg = ctx.new_page()
    watch = Watch(pg, server)
    pg.goto(f"/?lang={lang}")  # remembered by cookie (English names are longer: the plan's widened a phone)
    for url in PAGES:
        resp = pg.goto(url)
        assert resp.status == 200, url
        assert pg.locator("[data-lang-switch]").count() == 1, url
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{url} overflows by {overflow}px at {width}px"
    watch.clean()
    ctx.close()


def test_language_switch_is_remembered(page):
    page.goto("/")
    assert page.locator("html").get_attribute("data-lang") == "zh"
    page.click("[data-lang-switch]")
    assert page.locator("html").get_attribute("data-lang") == "en"
    assert "Overview" in page.locator("[data-nav=overview]").inner_text()
    page.click("[data-nav=rankings]")
    assert page.locator("html").get_attribute("data-lang") == "en"
    # the default composite has no 2025 data in the fixture: the page says so, in English
    assert "Nothing to rank" in page.locator("[data-empty-ranking]").inner_text()
    page.goto("/rankings?indicator=tech_transform")
    assert "Guangzhou" in page.locator("[data-row='440100']").inner_text()
    page.click("[data-lang-switch]")
    assert page.locator("html").get_attribute("data-lang") == "zh"
    assert "广州市" in page.locator("[data-row='440100']").inner_text()
    page.watch.clean()


def test_drill_down_province_city_county(page):
    page.goto("/")
    page.click("[data-region-link='440000']")
    assert page.locator("[data-region]").get_attribute("data-region") == "440000"
    page.click("[data-child-region='440100']")
    assert page.locator("[data-region]").get_attribute("data-region") == "440100"
    assert page.locator("[data-breadcrumbs] [data-crumb]").count() == 2
    assert page.locator("[data-synthetic-banner]").count() == 1
    row = page.locator("[data-row='tech_transform']")
    assert "●" in row.inner_text()  # the light carries a symbol, not colour alone
    page.click("[data-child-region='440103']")
    crumbs = page.locator("[data-breadcrumbs] [data-crumb]")
    assert [crumbs.nth(i).get_attribute("data-crumb") for i in range(crumbs.count())] == ["440000", "440100", "440103"]
    assert page.locator("[data-row='tech_transform'] svg.spark").count() == 1
    page.watch.clean()


def test_sort_a_table(page):
    page.goto("/indicators/tech_transform?region=440100")
    first = lambda: page.locator("[data-table=child-regions] tbody tr").first.get_attribute("data-row")  # noqa: E731
    header = page.locator("[data-table=child-regions] th[data-sort-key=value]")
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert first() == "440103"  # 200 < 300; regions without a value sort last
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert first() == "440104"
    page.watch.clean()


def test_indicator_chart_data_and_region_switch(page):
    page.goto("/indicators/tech_transform")
    chart = page.locator("[data-chart][data-ready=true]")
    assert chart.get_attribute("data-region") == "440000"
    page.select_option("[data-region-switch]", "440300")
    page.wait_for_url("**region=440300**")
    chart = page.locator("[data-chart][data-ready=true]")
    assert chart.get_attribute("data-region") == "440300"
    points = page.locator("[data-chart] circle[data-point]")
    values = {points.nth(i).get_attribute("data-point"): float(points.nth(i).get_attribute("data-value"))
              for i in range(points.count())}
    assert values["2025-05"] == 200.0 and values["2025-01"] == 40.0  # year to date
    assert float(page.locator("[data-chart] line[data-target='2025']").get_attribute("data-value")) == 800.0
    tile = page.locator("[data-tilemap] [data-tile='440300']")
    assert tile.get_attribute("data-light") == "yellow"
    assert page.locator("[data-tilemap] [data-tile]").count() == 21
    page.watch.clean()
    # the tile map's positions are style attributes, which the policy allows (style-src-attr)
    column = tile.evaluate("t => getComputedStyle(t).gridColumnStart")
    assert column != "auto" and column == tile.get_attribute("style").split("grid-column:")[1].split(";")[0].strip()


@pytest.mark.parametrize("width", [1280, 375])
def test_why_an_indicator_is_behind_and_the_glossary(browser, server, width):
    """Shenzhen is behind on tech_transform: the why table names Futian and Nanshan (half each), every
    value of it is on screen, and the menu and the term links lead to the glossary, which fits a phone."""
    ctx = browser.new_context(viewport={"width": width, "height": 800}, base_url=server)
    pg = ctx.new_page()
    watch = Watch(pg, server)
    pg.goto("/indicators/tech_transform?region=440300&lang=en")
    rows = pg.locator("[data-why-row]")
    assert [rows.nth(i).get_attribute("data-why-row") for i in range(rows.count())] == ["440304", "440305"]
    assert [rows.nth(i).get_attribute("data-share") for i in range(rows.count())] == ["0.5", "0.5"]
    why = pg.locator("[data-why]")
    assert why.evaluate("e => e.querySelector('.scroll').scrollWidth <= e.querySelector('.scroll').clientWidth")
    assert "50%" in rows.first.inner_text() and rows.first.locator("[data-light=yellow]").is_visible()
    assert pg.locator("[data-trend] [data-trend-point]").count() == 6
    assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    pg.locator("[data-definition] a[href='/glossary#pace']").click()
    pg.wait_for_url("**/glossary#pace")
    assert pg.locator("#pace").is_visible() and pg.locator("[data-threshold=red]").inner_text().startswith("30")
    assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    pg.goto("/")
    pg.locator("[data-nav=glossary]").click()
    pg.wait_for_url("**/glossary")
    watch.clean()
    ctx.close()


def test_the_content_security_policy_is_enforced(page, server):
    """The policy reaches the browser: an inline script and a <style> element put on a page do not
    take effect, and each violation is a console error (which fails every other browser test)."""
    resp = page.goto("/")
    policy = resp.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert resp.headers["x-frame-options"] == "DENY"
    page.evaluate("""() => {
        const s = document.createElement('script'); s.textContent = 'window.inlineRan = true';
        document.body.appendChild(s);
        const st = document.createElement('style'); st.textContent = 'body { margin-left: 123px }';
        document.head.appendChild(st);
    }""")
    assert page.evaluate("window.inlineRan === undefined")
    assert page.evaluate("getComputedStyle(document.body).marginLeft") != "123px"
    violations = [e for e in page.watch.errors if "Content Security Policy" in e]
    assert len(violations) == 2, page.watch.errors
