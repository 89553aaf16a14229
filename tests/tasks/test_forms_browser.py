"""The task page's forms in a real browser (Debian's chromium) against a real `luoshi serve`: the lead
unit's member reports progress with an evidence file and asks for an extension, the supervisor
approves it with a reason; the task page and the inbox fit a 375 px phone in both languages; no
console errors under the server's CSP."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest

from luoshi.domain.roles import Actor
from luoshi.services import access
from luoshi.services.taskdesk import TaskDesk
from luoshi.workspace import Workspace

from ..serving import chromium, serve
from .conftest import IIT, OFFICE, task

pytestmark = pytest.mark.browser
TODAY = date(2024, 6, 30)
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(base_file, tmp_path_factory):
    db = tmp_path_factory.mktemp("forms") / "forms.duckdb"
    shutil.copy(base_file, db)
    ws = Workspace.open(db, today=TODAY)
    desk = TaskDesk(ws)
    desk.add_tasks([task("T-1")])
    root = Actor.local()
    access.add_user(ws.db, "ada", PASSWORD, by=root, role="admin")  # the first user is an administrator
    for name, unit in (("lee", IIT), ("sue", OFFICE)):
        access.add_user(ws.db, name, PASSWORD, by=root)
        access.grant(ws.db, name, "reporter", "440000", by=root)
        desk.add_member(name, unit)
    ws.close()
    with serve(db, TODAY, "--cache-size", "0") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def open_as(browser, server):
    """A new browser context signed in as a user; console errors collected and checked at the end."""
    contexts, errors = [], []

    def sign_in(user: str, width: int = 1280):
        ctx = browser.new_context(viewport={"width": width, "height": 800})
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.goto(f"{server}/login")
        pg.fill("input[name=username]", user)
        pg.fill("input[name=password]", PASSWORD)
        pg.click("[data-form=login] button[type=submit]")
        pg.wait_for_load_state()
        return pg

    yield sign_in
    for ctx in contexts:
        ctx.close()
    assert errors == []


def test_report_with_evidence_then_the_supervisor_decides(open_as, server, tmp_path):
    evidence = tmp_path / "会议纪要.pdf"
    evidence.write_bytes(b"%PDF-1.7\n% minutes\n")
    lee = open_as("lee")
    lee.goto(f"{server}/tasks/T-1")
    form = lee.locator("[data-form=report]")
    form.locator("input[name=percent]").fill("40")
    form.locator("textarea[name=text]").fill("完成方案起草")
    form.locator("input[name=files]").set_input_files(str(evidence))
    form.locator("button[type=submit]").click()
    lee.wait_for_url(re.compile(r"done=report"))
    assert lee.locator("[data-outcome=report]").count() == 1
    assert lee.locator("[data-progress]").get_attribute("data-progress") == "40.0"
    assert lee.locator("[data-evidence]").inner_text().startswith("会议纪要.pdf")
    assert lee.locator("[data-history] [data-event=evidence] [data-actor]").inner_text() == "lee"
    ext = lee.locator("[data-form=extension]")
    ext.locator("input[name=new_deadline]").fill("2025-03-31")
    ext.locator("textarea[name=reason]").fill("征地手续延误")
    ext.locator("button[type=submit]").click()
    lee.wait_for_url(re.compile(r"done=extension"))
    assert lee.locator("[data-form=extension]").count() == 0  # one pending request at a time

    sue = open_as("sue")
    sue.goto(f"{server}/tasks/T-1")
    assert sue.locator("[data-form=report]").count() == 0
    decide = sue.locator("[data-form=decide-extension]")
    decide.locator("textarea[name=note]").fill("同意，抓紧推进")
    decide.locator("[data-decide=approve]").click()
    sue.wait_for_url(re.compile(r"done=extension-approve"))
    assert sue.locator("[data-deadline]").get_attribute("data-deadline") == "2025-03-31"
    approved = sue.locator("[data-history] [data-event=extension-approved]")
    assert "同意，抓紧推进" in approved.inner_text() and approved.locator("[data-actor]").inner_text() == "sue"
    lee.goto(f"{server}/inbox")
    assert lee.locator("[data-notice][data-kind=extension-approved]").count() == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", ["/tasks/T-1", "/inbox", "/projects"])
def test_pages_fit_a_phone(open_as, server, path, lang):
    pg = open_as("lee", width=375)
    pg.goto(f"{server}{path}?lang={lang}")
    assert pg.evaluate("document.documentElement.lang").startswith(lang)
    assert pg.evaluate("document.documentElement.scrollWidth") <= 375
