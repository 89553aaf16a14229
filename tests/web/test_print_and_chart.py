"""The chart's tooltips and downloads, the sparklines' words, and printing, in a real browser (Debian's
chromium) against `luoshi serve` over the web workspace.

Expected values by hand (tests/web/fixtures.py): Shenzhen 440300 reports 40 a month from January to May
2025 (year to date 40, 80, ... 200) against a 2025 target of at least 800, whose pace runs from 0 at the
end of 2024 to 800 at the end of 2025: at 31 May (151 days in) 800 * 151 / 365 = 330.96, at 30 April
(120 days) 800 * 120 / 365 = 263.01."""

from __future__ import annotations

import io
import struct

import pytest
from pypdf import PdfReader

from ..serving import chromium, watch_errors

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server, accept_downloads=True)
    pg = watch_errors(ctx.new_page())
    yield pg
    ctx.close()
    assert pg.errors == []


def tip(page) -> dict:
    t = page.locator("[data-chart-tip]")
    return {k: t.get_attribute(f"data-tip-{k}") for k in ("point", "value", "target", "pace")} | {"text": t.inner_text()}


def test_the_tooltip_gives_value_target_and_pace_by_pointer_and_keyboard(page):
    page.goto("/indicators/tech_transform?region=440300&lang=en")
    svg = page.locator("[data-chart][data-ready=true] svg[data-chart-svg]")
    assert page.locator("[data-chart-tip]").is_hidden()
    svg.focus()  # the last point first
    t = tip(page)
    assert (t["point"], float(t["value"]), float(t["target"])) == ("2025-05", 200.0, 800.0)
    assert float(t["pace"]) == pytest.approx(800 * 151 / 365)
    assert t["text"].split("\n") == ["2025-05: 200", "Target 2025: 800", "Pace: 331"]
    page.keyboard.press("ArrowLeft")
    t = tip(page)
    assert (t["point"], float(t["value"])) == ("2025-04", 160.0)
    assert float(t["pace"]) == pytest.approx(800 * 120 / 365)
    page.keyboard.press("Home")
    assert tip(page)["point"] == "2024-12"  # Shenzhen's December 2024 (its own year: no 2025 target)
    assert tip(page)["target"] == "" and tip(page)["pace"] == ""
    page.keyboard.press("Escape")
    assert page.locator("[data-chart-tip]").is_hidden()
    # the pointer: the point nearest to it, and the tip stays inside the chart's box
    point = page.locator("[data-chart] circle[data-point='2025-03']").bounding_box()
    page.mouse.move(point["x"] + 2, point["y"] + 2)
    assert tip(page)["point"] == "2025-03" and float(tip(page)["value"]) == 120.0
    box, shown = page.locator("[data-chart]").bounding_box(), page.locator("[data-chart-tip]").bounding_box()
    assert box["x"] <= shown["x"] and shown["x"] + shown["width"] <= box["x"] + box["width"] + 1


def test_the_chart_downloads_as_svg_and_png(page):
    page.goto("/indicators/tech_transform?region=440300&lang=zh")
    page.locator("[data-chart][data-ready=true] svg").focus()
    assert tip(page)["text"].split("\n") == ["2025-05：200", "目标 2025：800", "序时进度：331"]
    with page.expect_download() as got:
        page.click("[data-download=svg]")
    assert got.value.suggested_filename == "tech_transform-440300.svg"
    svg = open(got.value.path(), encoding="utf-8").read()
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "实际值与目标 · 深圳市 ◆ 合成" in svg  # the heading travels with the chart, synthetic mark too
    assert 'data-point="2025-05"' in svg and "实际（累计）" in svg and "序时/路径" in svg  # points and legend
    assert "stroke:" in svg and "chart-focus" not in svg  # styles inlined, the focus ring left out
    width = int(svg.split('width="', 1)[1].split('"', 1)[0])
    with page.expect_download() as got:
        page.click("[data-download=png]")
    assert got.value.suggested_filename == "tech_transform-440300.png"
    png = open(got.value.path(), "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">I", png[16:20])[0] == 2 * width  # drawn at twice the size
    assert len(png) > 10_000  # not blank


def test_the_chart_table_holds_the_trajectory(page):
    page.goto("/indicators/tech_transform?region=440300&lang=en")
    rows = page.locator("[data-table=chart-pace] tbody tr")
    assert rows.evaluate_all("rs => rs.map(r => [...r.cells].map(c => c.textContent))") == [
        ["2025", "31 Dec 2024", "0"], ["2025", "31 Dec 2025", "800"]]


def test_sparklines_say_their_trend_in_words(page):
    page.goto("/regions/440103?lang=en")
    spark = page.locator("[data-row='tech_transform'] svg.spark")
    assert spark.get_attribute("role") == "img"
    assert spark.get_attribute("aria-label") == "Trend over 6 periods, Dec 2024 to May 2025: from 10 to 40, low 10, high 40"
    page.goto("/regions/440103?lang=zh")
    assert page.locator("[data-row='tech_transform'] svg.spark").get_attribute("aria-label") == \
        "趋势：2024年12月至2025年5月共6期，由10到40，最低10，最高40"


def test_a_printed_page_has_no_menu_or_controls_and_opens_its_sections(page):
    page.goto("/indicators/tech_transform?region=440300&lang=en")
    assert page.locator("details.chart-table").get_attribute("open") is None
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Pace / trajectory" in text and "31 Dec 2025" in text  # the collapsed chart table, printed open
    assert "Scorecards" not in text and "Apply" not in text and "Download the chart" not in text  # menu, form, buttons
    assert pdf.pages[0].extract_text().strip().splitlines()[0] == f"1 / {len(pdf.pages)}"  # page numbers
    assert float(pdf.pages[0].mediabox.width) == pytest.approx(595.3, abs=1)  # A4
    assert page.locator("details.chart-table").get_attribute("open") is None  # closed again afterwards
    page.emulate_media(media="print")
    assert page.locator("header.top nav[aria-label=main]").is_hidden() and page.locator("form.controls").is_hidden()
    assert page.locator("[data-table=child-regions] thead").evaluate("h => getComputedStyle(h).display") == "table-header-group"


# (the rankings of an indicator with data: the default composite has none in the fixture, and an empty
# ranking shows its explanation instead of a table)
@pytest.mark.parametrize("url", ["/regions/440100", "/indicators/tech_transform",
                                 "/rankings?indicator=tech_transform&period=2025", "/outcomes",
                                 "/reporting/history", "/tasks", "/wallchart", "/projects"])
def test_printed_tables_fit_the_paper(page, url):
    """An A4 page holds 186 mm across within its margins (703 CSS px): no table is wider, so none is cut or
    shrunk.  (The coverage matrix, reworked on another branch, prints on landscape pages.)"""
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 703, "height": 1000})
    page.goto(f"{url}{'&' if '?' in url else '?'}lang=en")
    widths = page.locator("table").evaluate_all("ts => ts.map(t => t.getBoundingClientRect().right)")
    assert widths and max(widths) <= 703
