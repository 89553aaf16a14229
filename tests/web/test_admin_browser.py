"""The administrator's user page in a real browser (Debian's chromium) against a real `luoshi serve`:
at 375 px wide in both languages without sideways scrolling or console errors, and a form posted
with the session's CSRF token.  Selectors are data-* attributes."""

from __future__ import annotations

import shutil

import pytest

from luoshi.domain.roles import Actor
from luoshi.services import access
from luoshi.web.auth import SESSION_COOKIE
from luoshi.workspace import Workspace

from ..serving import chromium, serve
from . import fixtures

pytestmark = pytest.mark.browser
PW = "correct horse battery"


@pytest.fixture(scope="module")
def served(web_db, tmp_path_factory):
    """A served copy of the web workspace with ada (admin), rui (reviewer of Guangzhou, in a unit, with a
    token) and rita (reporter of Liwan), and a session of ada's made before the server holds the file."""
    db = tmp_path_factory.mktemp("admin") / "admin.duckdb"
    shutil.copy(web_db, db)
    ws = Workspace(db, today=fixtures.TODAY)
    r = ws.reporting
    r.add_user("ada", PW, actor=Actor.local(), admin=True, display_name="Ada Administrator")
    admin = r.actor("ada")
    r.add_user("rui", PW, actor=admin, role="reviewer", region="440100", display_name="审核人 Rui")
    r.grant("rui", "reporter", "440103", actor=admin, indicators=["tech_transform"])
    r.add_user("rita", PW, actor=admin, role="reporter", region="440103")
    r.token("rui", actor=admin, label="nightly upload")
    from luoshi.services.taskdesk import TaskDesk
    TaskDesk(ws).add_member("rui", "gd-iit", admin)
    sid = access.login(ws.db, "ada", PW)["sid"]
    ws.close()
    with serve(db, fixtures.TODAY, "--cache-size", "0") as url:
        yield url, sid


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page_at(browser, served):
    """A page of ada's signed-in browser at a given width; console errors fail the test."""
    url, sid = served
    made, errors = [], []

    def open_(width: int):
        ctx = browser.new_context(viewport={"width": width, "height": 800}, base_url=url)
        ctx.add_cookies([{"name": SESSION_COOKIE, "value": sid, "url": url}])
        pg = ctx.new_page()
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        made.append(ctx)
        return pg

    yield open_
    for ctx in made:
        ctx.close()
    assert errors == []


@pytest.mark.parametrize("lang, heading", [("zh", "用户管理"), ("en", "Users")])
def test_the_user_page_fits_a_phone_in_both_languages(page_at, lang, heading):
    pg = page_at(375)
    pg.goto(f"/admin/users?lang={lang}")
    assert pg.locator("h1").inner_text().startswith(heading)
    assert pg.locator("[data-user-row]").evaluate_all("rs => rs.map(r => r.dataset.userRow)") == ["ada", "rita", "rui"]
    assert pg.locator("[data-user-row='rui'] [data-grant]").count() == 2
    pg.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # every form shown
    assert pg.locator("[data-user-panel='rui'] [data-token]").count() == 1
    assert pg.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_form_posts_with_the_sessions_csrf_token(page_at):
    pg = page_at(1280)
    pg.goto("/admin/users?lang=en")
    form = pg.locator("[data-form='create-user']")
    form.locator("[data-field='name']").fill("vic")
    form.locator("[data-field='password']").fill("long enough pw")
    form.locator("[data-field='role']").select_option("viewer")
    form.locator("[data-field='region']").fill("440300")
    form.locator("[data-submit='create-user']").click()
    pg.wait_for_selector("[data-outcome]")
    assert pg.locator("[data-outcome]").inner_text() == "User vic created"
    assert pg.locator("[data-user-row='vic'] [data-grant]").get_attribute("data-region") == "440300"
