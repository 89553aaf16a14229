"""The reporting desk in a real browser (Debian's chromium) against `luoshi serve`: a column pasted
from Excel fills the entry form, a refused value shows its message next to its field, and the desk's
pages fit 375 px in both languages with no console error under the server's CSP."""

from __future__ import annotations

import re
import shutil

import pytest

from luoshi.domain.roles import Actor
from luoshi.workspace import Workspace
from tests.reporting.conftest import TODAY
from tests.serving import chromium, serve

pytestmark = pytest.mark.browser
THREE = ("fai_growth", "tech_transform", "key_project_investment")
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(base_db, tmp_path_factory):
    """Liwan reports three monthly indicators; its April values are approved; rita reports there,
    rui reviews Guangzhou."""
    path = tmp_path_factory.mktemp("desk") / "desk.duckdb"
    shutil.copy(base_db, path)
    ws = Workspace.open(path, today=TODAY)
    with ws.db.write() as con:
        con.executemany("INSERT INTO report_schedule VALUES (?, 'county', 15)", [[c] for c in THREE])
    ws.record([{"indicator": c, "region": "440103", "period": "2025-04", "value": v}
               for c, v in zip(THREE, (4.0, 10, 2.5))])
    r, local = ws.reporting, Actor.local()
    r.add_user("ada", PASSWORD, actor=local, admin=True)  # the first user is an administrator
    for name, role, region in (("rita", "reporter", "440103"), ("rui", "reviewer", "440100")):
        r.add_user(name, PASSWORD, actor=local)
        r.grant(name, role, region, actor=local)
    ws.close()
    with serve(path, TODAY) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def signed_in(browser, server, name: str, width: int = 1280):
    ctx = browser.new_context(viewport={"width": width, "height": 800}, base_url=server)
    form = ctx.request.get("/login").text()
    token = re.search(r'data-form="login".*?name="csrf_token" value="([^"]+)"', form, re.S).group(1)
    resp = ctx.request.post("/login", form={"username": name, "password": PASSWORD, "csrf_token": token},
                            max_redirects=0)
    assert resp.status == 303
    return ctx


def watched(ctx):
    page = ctx.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def test_paste_fills_the_form_and_a_refused_value_shows_its_message(browser, server):
    ctx = signed_in(browser, server, "rita")
    page = watched(ctx)
    page.goto("/reporting/entry?region=440103&period=2025-05&lang=en")
    first = page.locator("[data-value=fai_growth]")
    first.focus()
    # what Excel puts on the clipboard for a copied column: cells separated by CRLF, a trailing CRLF
    page.evaluate("""() => { const dt = new DataTransfer(); dt.setData('text/plain', '4.5\\r\\n30\\r\\n2.6\\r\\n');
        document.querySelector('[data-value=fai_growth]').dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true})); }""")
    assert [page.locator(f"[data-value={c}]").input_value() for c in THREE] == ["4.5", "30", "2.6"]
    # Enter in a field moves on and does not submit
    first.press("Enter")
    assert page.locator("[data-comment=fai_growth]").evaluate("e => e === document.activeElement")
    assert "/reporting/entry?" in page.url
    # 10 -> 30 needs a comment: the check (as a dry run) puts the message next to the field
    msg = page.locator("[data-messages=tech_transform] [data-code=jump-without-comment]")
    msg.wait_for()
    assert "comment" in msg.inner_text()
    assert page.locator("[data-messages=fai_growth] p").count() == 0
    # without the script's check too: saving is refused, and the page shows the message at the field
    page.click("[data-action=draft]")
    assert page.locator("[data-result=rejected]").count() == 1
    assert page.locator("[data-messages=tech_transform] [data-code=jump-without-comment]").count() == 1
    assert page.locator("[data-value=tech_transform]").get_attribute("aria-invalid") == "true"
    page.fill("[data-comment=tech_transform]", "a new plant opened")
    page.click("[data-action=submit]")
    assert page.locator("[data-result=committed]").count() == 1
    assert [page.locator(f"[data-row={c}]").get_attribute("data-state") for c in THREE] == ["submitted"] * 3
    assert page.errors == []
    ctx.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_desk_pages_fit_a_phone(browser, server, lang):
    pages = {"rita": ["/reporting/entry", "/reporting/entry?region=440103&period=2025-05"],
             "rui": ["/reporting/review", "/reporting/completeness?period=2025-05&level=county",
                     "/reporting/entry?region=440103&period=2025-05"]}
    for name, urls in pages.items():
        ctx = signed_in(browser, server, name, width=375)
        page = watched(ctx)
        for url in urls:
            resp = page.goto(url + ("&" if "?" in url else "?") + f"lang={lang}")
            assert resp.status == 200, url
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{url} is {width}px wide at 375 ({lang})"
        assert page.errors == [], page.errors
        ctx.close()
