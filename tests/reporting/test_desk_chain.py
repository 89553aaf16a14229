"""The reporting desk end to end, as its users meet it: a real `luoshi init` and `luoshi serve`, the
first administrator made as the README says, and everything after in Debian's chromium.

The administrator creates a reporter (Liwan, 440103) and a reviewer (Guangzhou, 440100); the reporter
signs in, enters May's figures, meets one refused value, corrects it and submits; the reviewer returns
one value with a reason; the reporter sees the reason, corrects and resubmits; the reviewer approves;
the region page then shows the approved value and its light.  Then every page of the chain, for each
of them, in both languages at 375 px: no sideways scrolling, no console error.

Screenshots of each step at 1280 and 375 px go to $LUOSHI_SHOTS when set (docs/screenshots/desk is
made this way), else to a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.serving import chromium, serve

pytestmark = pytest.mark.browser
TODAY = date(2025, 6, 30)
PASSWORD = {"ada": "admin pass 2025!", "rita": "liwan reports 05", "rui": "guangzhou reviews"}
# May's figures for Liwan: one value for each of the 20 monthly indicators a county reports
MAY = {"fai_growth": "4.0", "retail_growth": "5.1", "trade_growth": "2.4", "industry_va_growth": "4.4",
       "budget_revenue_growth": "2.7", "cpi": "45", "unemployed": "4.2", "labour_force": "98.5",
       "new_urban_jobs": "0.9", "tech_transform": "31", "digital_transform": "12", "key_project_investment": "18.6",
       "foreign_capital": "2.2", "gba_platform_investment": "1.4", "talent_introduced": "120",
       "offshore_wind_capacity": "0", "pm25": "21", "afforestation": "0.3", "safety_deaths": "0",
       "party_training": "1.1"}
REASON = "与统计快报不符，应为 6.2"


def luoshi(db: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "luoshi.cli.main", "--db", str(db), *args], capture_output=True,
                          text=True, timeout=300, env=os.environ | (env or {}))
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`luoshi init`, the first administrator and a target for Liwan, as the README shows; then served."""
    folder = tmp_path_factory.mktemp("chain")
    db = folder / "luoshi.duckdb"
    luoshi(db, "init")
    luoshi(db, "user", "add", "ada", "--admin", "--password-env", "ADA_PW", env={"ADA_PW": PASSWORD["ada"]})
    targets = folder / "targets.csv"
    targets.write_text("indicator,region,period,comparator,value\nfai_growth,440103,2025,at_least,5\n", encoding="utf-8")
    luoshi(db, "load", "targets", str(targets), env={"LUOSHI_USER": "ada"})
    with serve(db, TODAY, "--cache-size", "0") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("LUOSHI_SHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Person:
    """One user's browser: a context of their own (cookies), its console watched."""

    def __init__(self, browser, server: str, name: str, shots: Path, width: int = 1280, lang: str = "zh"):
        self.name, self.shots, self.width = name, shots, width
        self.ctx = browser.new_context(viewport={"width": width, "height": 900}, base_url=server)
        self.page = self.ctx.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        if lang != "zh":
            self.page.goto(f"/login?lang={lang}")

    def sign_in_at(self, url: str) -> None:
        """Go to ``url``; the site sends us to sign in and brings us back."""
        self.page.goto(url)
        assert "/login?next=" in self.page.url, self.page.url
        self.page.fill("[data-form=login] input[name=username]", self.name)
        self.page.fill("[data-form=login] input[name=password]", PASSWORD[self.name])
        self.page.click("[data-form=login] button[type=submit]")
        self.page.wait_for_load_state()
        assert self.page.url.endswith(url), self.page.url
        assert self.page.locator(f'[data-account="{self.name}"]').count() == 1

    def shot(self, step: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{step}-{self.width}.png"))
        if self.width == 1280:  # the same view on a phone
            self.page.set_viewport_size({"width": 375, "height": 800})
            self.page.screenshot(path=str(self.shots / f"{step}-375.png"))
            assert self.page.evaluate("document.documentElement.scrollWidth") <= 375, step
            self.page.set_viewport_size({"width": 1280, "height": 900})

    def fits(self) -> int:
        return self.page.evaluate("document.documentElement.scrollWidth")

    def close(self) -> None:
        assert self.errors == [], self.errors
        self.ctx.close()


ENTRY = "/reporting/entry?region=440103&period=2025-05"


def row(page, code: str):
    return page.locator(f'[data-row="{code}"]')


def test_from_an_empty_workspace_to_an_approved_month(browser, server, shots):
    # 1. the administrator creates a reporter and a reviewer
    ada = Person(browser, server, "ada", shots)
    ada.sign_in_at("/admin/users")
    for name, role, region in (("rita", "reporter", "440103"), ("rui", "reviewer", "440100")):
        form = ada.page.locator("[data-form=create-user]")
        form.locator("[data-field=name]").fill(name)
        form.locator("[data-field=password]").fill(PASSWORD[name])
        form.locator("[data-field=role]").select_option(role)
        form.locator("[data-field=region]").fill(region)
        form.locator("[data-submit=create-user]").click()
        ada.page.wait_for_load_state()
        assert ada.page.locator(f'[data-user-row="{name}"]').count() == 1, name
    ada.shot("1-admin-users")
    ada.close()

    # 2. the reporter enters May: the CPI of 45 % is refused at its field and nothing is stored
    rita = Person(browser, server, "rita", shots)
    rita.sign_in_at(ENTRY)
    p = rita.page
    assert p.locator("[data-row]").count() == len(MAY)
    assert "5" in row(p, "fai_growth").locator("[data-target]").inner_text()  # the target loaded for Liwan
    for code, value in MAY.items():
        row(p, code).locator("[data-value]").fill(value)
    p.click("[data-action=submit]")
    p.wait_for_load_state()
    assert p.locator("[data-result]").get_attribute("data-result") in ("rejected", "invalid")
    assert row(p, "cpi").locator("[data-code=out-of-range]").count() == 1
    assert row(p, "fai_growth").locator("[data-code]").count() == 0
    rita.shot("2-entry-refused")
    row(p, "cpi").locator("[data-value]").fill("2.1")
    p.click("[data-action=submit]")
    p.wait_for_load_state()
    assert p.locator("[data-result]").get_attribute("data-result") not in ("rejected", "invalid")
    assert {row(p, c).get_attribute("data-state") for c in MAY} == {"submitted"}
    rita.shot("3-entry-submitted")

    # 3. the reviewer returns the investment growth with a reason; the region page has no value yet
    rui = Person(browser, server, "rui", shots)
    rui.sign_in_at("/reporting/review")
    q = rui.page
    assert q.locator('[data-value-row^="440103|2025-05|"]').count() == len(MAY)
    rui.shot("4-review-inbox")
    q.check('[data-value-row="440103|2025-05|fai_growth"] input[type=checkbox]')
    q.fill("[data-reason]", REASON)
    q.click("[data-decide=return]")
    q.wait_for_load_state()
    assert q.locator("[data-done=return]").count() == 1
    assert q.locator('[data-value-row^="440103|2025-05|"]').count() == len(MAY) - 1
    q.goto("/regions/440103?period=2025")
    assert q.locator('[data-row="fai_growth"] td').nth(1).get_attribute("data-value") == ""

    # 4. the reporter sees the reason, in the form and in the inbox, corrects and resubmits
    p.goto(ENTRY)
    assert row(p, "fai_growth").get_attribute("data-state") == "returned"
    assert REASON in row(p, "fai_growth").locator("[data-reason]").inner_text()
    rita.shot("5-entry-returned")
    p.goto("/inbox")
    assert p.locator("[data-notice][data-kind]").count() >= 1 and REASON in p.locator("[data-notices]").inner_text()
    p.goto(ENTRY)
    row(p, "fai_growth").locator("[data-value]").fill("6.2")
    row(p, "fai_growth").locator("[data-comment]").fill("按统计快报更正")
    p.click("[data-action=submit]")
    p.wait_for_load_state()
    assert row(p, "fai_growth").get_attribute("data-state") == "submitted"

    # 5. the reviewer approves the whole region-month
    q.goto("/reporting/review")
    q.check('[data-group="440103|2025-05"] [data-pick-group]')
    q.click("[data-decide=approve]")
    q.wait_for_load_state()
    assert q.locator("[data-done=approve]").count() == 1 and q.locator("[data-value-row]").count() == 0
    p.goto(ENTRY)
    assert {row(p, c).get_attribute("data-state") for c in MAY} == {"approved"}
    assert row(p, "fai_growth").locator("[data-readonly]").count() == 1  # approved values are read-only

    # 6. the region page shows the approved value and its light: 6.2 % against a floor of 5 % is met
    q.goto("/regions/440103?period=2025")
    cells = q.locator('[data-row="fai_growth"] td')
    assert float(cells.nth(1).get_attribute("data-value")) == 6.2
    assert cells.nth(5).get_attribute("data-value") == "1"  # green
    assert "●" in cells.nth(5).inner_text()  # the light has its symbol, not colour alone
    rui.shot("6-region-approved")
    q.goto("/reporting/completeness?period=2025-05&level=county")
    assert q.locator('[data-region="440103"] [data-approved]').get_attribute("data-approved") == "100.0"
    rui.shot("7-completeness")
    rita.close()
    rui.close()


PAGES = {
    "ada": ["/admin/users", "/reporting/history", "/reporting/completeness?period=2025-05&level=county", "/inbox"],
    "rita": [ENTRY, "/reporting/entry", "/reporting/imports", "/inbox", "/reporting/completeness?period=2025-05"],
    "rui": ["/reporting/review", "/regions/440103?period=2025", "/reporting/completeness?period=2025-05&level=county"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_of_the_chain_fits_a_phone_in_both_languages(browser, server, shots, lang):
    for name, urls in PAGES.items():
        person = Person(browser, server, name, shots, width=375, lang=lang)
        person.sign_in_at(urls[0])
        for url in urls:
            person.page.goto(url)
            assert person.page.locator("html").get_attribute("data-lang") == lang, url
            assert person.fits() <= 375, f"{url} is {person.fits()} px wide for {name} in {lang}"
        person.close()
    anonymous = Person(browser, server, "nobody", shots, width=375, lang=lang)
    anonymous.page.goto("/login")
    assert anonymous.fits() <= 375
    anonymous.close()
