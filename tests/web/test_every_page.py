"""Every HTML page in a real browser (Debian's chromium) in both languages at 1280 and 375 px: no
sideways scrolling, no console error, and no axe-core violation of WCAG 2.1 A and AA.

axe-core comes from the npm registry at the version the Makefile pins (`make axe`, part of `make test`);
it is put into each page by the browser driver (an init script), which the page's Content-Security-Policy
does not govern.  The site is the web workspace with the demo tasks, projects and documents, walked by
an administrator (every page and the signed-in header); the sign-in page and an error page signed out.
One browser and one page for the whole walk; a test per language and width collects every problem of
every page before it fails."""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.responses import HTMLResponse

from luoshi.data.demo_documents import load_demo_documents
from luoshi.data.demo_tasks import build_task_demo
from luoshi.domain.roles import Actor
from luoshi.services import access
from luoshi.web import create_app
from luoshi.web.auth import SESSION_COOKIE
from luoshi.workspace import Workspace

from ..serving import axe_script, chromium, serve, watch_errors
from . import fixtures
from .test_error_shape import route_contexts

pytestmark = pytest.mark.browser
PW = "correct horse battery"

# Pages a signed-out visitor sees (a signed-in one is sent on from /login).
SIGNED_OUT = ["/login", "/no-such-page"]


def pages(ids: dict) -> list[str]:
    """One URL per HTML route of the app (with the demo's ids), some routes with a second state."""
    return ["/", "/?plan=gz-1312", "/regions", "/regions/440000", "/regions/440100", "/regions/440103",
            "/regions/440103001",  # a town (the bundled towns and villages)
            "/indicators", "/indicators/tech_transform", "/indicators/tech_transform?region=440300",
            "/indicators/tech_transform?region=440103", "/rankings", "/rankings?level=county&within=440100",
            "/coverage", "/outcomes", "/docs", "/documents", "/documents/outcomes", f"/documents/{ids['document']}",
            "/tasks", f"/tasks/{ids['task']}", "/wallchart", "/scorecards", f"/scorecards/{ids['unit']}",
            "/projects", "/inbox", "/reporting/imports", "/reporting/history", "/reporting/entry",
            "/reporting/entry?region=440103&period=2025-05", "/reporting/review", "/reporting/completeness",
            "/admin/users", "/briefing", "/briefing?period=2025-05", "/glossary", "/glossary?plan=gz-1312"]


@pytest.fixture(scope="module")
def site(web_db, tmp_path_factory):
    """A served copy of the web workspace with the demo tasks, projects and documents; an administrator's
    session; the ids the pages need."""
    db = tmp_path_factory.mktemp("every") / "every.duckdb"
    shutil.copy(web_db, db)
    ws = Workspace(db, today=fixtures.TODAY)
    build_task_demo(ws)
    load_demo_documents(ws)
    ws.reporting.add_user("ada", PW, actor=Actor.local(), admin=True, display_name="Ada")
    ids = {"task": ws.db.one("SELECT min(id) AS v FROM tasks")["v"],
           "unit": ws.db.one("SELECT min(code) AS v FROM units")["v"],
           "document": ws.db.one("SELECT min(did) AS v FROM documents")["v"]}
    sid = access.login(ws.db, "ada", PW)["sid"]
    routes = {r.path for r in route_contexts(create_app(ws)) if "GET" in (r.methods or ())
              and isinstance(getattr(r, "response_class", None), type) and issubclass(r.response_class, HTMLResponse)}
    ws.close()
    with serve(db, fixtures.TODAY) as url:
        yield {"url": url, "sid": sid, "ids": ids, "routes": routes}


@pytest.fixture(scope="module")
def walker(site):
    """One page of one browser, axe-core put into every document it loads; console errors collected."""
    script = axe_script()
    with chromium() as browser:
        ctx = browser.new_context(base_url=site["url"])
        ctx.add_init_script(script=script)
        pg = watch_errors(ctx.new_page())
        yield pg
        ctx.close()


def template_of(url: str) -> str:
    """The route a walked URL belongs to, with its parameter named as the app names it."""
    path = url.split("?")[0]
    for pattern, route in ((r"/regions/\d+", "/regions/{code}"), (r"/indicators/\w+", "/indicators/{code}"),
                           (r"/documents/\d+", "/documents/{did:int}"), (r"/tasks/[\w-]+", "/tasks/{task_id}"),
                           (r"/scorecards/[\w-]+", "/scorecards/{unit}")):
        if re.fullmatch(pattern, path):
            return route
    return path


def test_the_walk_covers_every_html_route(site):
    """A page added to the app must be added to the walk."""
    walked = {template_of(u) for u in pages(site["ids"]) + SIGNED_OUT}
    assert {"/", "/login", "/tasks/{task_id}", "/admin/users"} <= site["routes"]  # the routes were read
    assert site["routes"] - walked == set()


def check(pg, url: str, width: int) -> list[str]:
    """The problems of one page: its status, sideways overflow, console errors and axe violations."""
    problems = []
    pg.errors.clear()
    resp = pg.goto(url)
    if resp.status != (404 if url == "/no-such-page" else 200):
        problems.append(f"status {resp.status}")
    overflow = pg.evaluate("document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth")
    if overflow > 0:
        wide = pg.evaluate("""w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)
                               .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= w + 1)
                               .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
                           width)
        problems.append(f"overflows by {overflow}px: {wide}")
    expected = "the server responded with a status of 404" if url == "/no-such-page" else None
    problems += [f"console: {e}" for e in pg.errors if not (expected and expected in e)]
    # a table wider than the screen scrolls in its box, its rows' lights held in view
    hidden = pg.evaluate("""w => [...document.querySelectorAll('table.data tbody tr:first-child td > .light')]
                              .filter(l => l.getBoundingClientRect().right > w).length""", width)
    if hidden:
        problems.append(f"{hidden} table(s) with the light off the screen")
    result = pg.evaluate("""() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                                   resultTypes: ['violations']})""")
    for v in result["violations"]:
        targets = [" ".join(n["target"]) for n in v["nodes"][:3]]
        problems.append(f"axe {v['id']} ({len(v['nodes'])}): {targets}")
    return problems


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_fits_loads_cleanly_and_passes_axe(site, walker, lang, width):
    pg = walker
    pg.set_viewport_size({"width": width, "height": 800})
    pg.context.clear_cookies()
    pg.goto(f"/login?lang={lang}")  # remembered by cookie (the dashboards need a session once users exist)
    found = {}
    for url in SIGNED_OUT:
        found[url] = check(pg, url, width)
    pg.context.add_cookies([{"name": SESSION_COOKIE, "value": site["sid"], "url": site["url"]}])
    for url in pages(site["ids"]):
        found[url] = check(pg, url, width)
        assert pg.evaluate("document.documentElement.dataset.lang") == lang, url
    failing = {u: p for u, p in found.items() if p}
    assert failing == {}, "\n".join(f"{u}: {p}" for u, p in failing.items())
