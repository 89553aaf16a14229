"""Every route of the app answers a request that must fail in the one error envelope, in the style of
Datasette's tests/test_error_shape.py: {status, code, message, message_zh} (plus problems when a
report stands behind the refusal), the code from the catalogue, the body's status the response's.
A page asked for by a browser gets the error page with the same status and code.  And nothing a
user can send to any route makes it answer 500.

The routes are walked from the app itself, so a new route without a failing request here fails."""

from __future__ import annotations

import json
import shutil
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from luoshi.domain.problems import CATALOGUE
from luoshi.domain.roles import Actor
from luoshi.web import create_app
from luoshi.workspace import Workspace

from . import fixtures

ENVELOPE = {"status", "code", "message", "message_zh"}
NO_AUTH = ("POST", None, {}, 401, "not-authenticated")  # once users exist, every write needs a caller


def route_contexts(app) -> list:
    """The app's routes, included routers flattened (FastAPI 0.165 nests them; older ones list them)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before 0.165
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def _dependants(dep):
    yield dep
    for sub in dep.dependencies:
        yield from _dependants(sub)


def walk(app) -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    """(method, path) of every route, mounts included, with its query and body parameter names."""
    out = {}
    for route in route_contexts(app):
        dependant = getattr(getattr(route, "original_route", route), "dependant", None)
        deps = list(_dependants(dependant)) if dependant else []
        query = [p.alias for d in deps for p in d.query_params]
        body = [p.alias for d in deps for p in d.body_params]
        for method in sorted(route.methods or {"GET"}):  # a mount (static files) answers GET
            if method != "HEAD":
                out[(method, route.path)] = (query, body)
    return out


def _routes() -> dict:
    ws = Workspace(":memory:")
    try:
        return walk(create_app(ws))
    finally:
        ws.close()


ROUTES = _routes()

# (method, path) -> (method sent, url, request options, expected status, expected code), each worked out
# from what the route does: an unknown name in the path (404), a malformed query value (400), no caller
# where one is needed (401); a route that takes nothing a user could get wrong is sent a wrong method (405).
CASES = {
    ("GET", "/openapi.json"): ("DELETE", "/openapi.json", {}, 405, "method-not-allowed"),
    ("GET", "/static"): ("GET", "/static/no-such-file.css", {}, 404, "not-found"),
    ("GET", "/api"): ("DELETE", "/api", {}, 405, "method-not-allowed"),
    ("GET", "/api/plans"): ("GET", "/api/plans?format=xlsx", {}, 400, "bad-query"),
    ("GET", "/api/settings"): ("GET", "/api/settings?format=xlsx", {}, 400, "bad-query"),
    ("GET", "/api/overview"): ("GET", "/api/overview?plan=no-plan", {}, 404, "unknown-plan"),
    ("GET", "/api/regions/{code}"): ("GET", "/api/regions/999999", {}, 404, "unknown-region"),
    ("GET", "/api/indicators"): ("GET", "/api/indicators?format=pdf", {}, 400, "bad-query"),
    ("GET", "/api/indicators/{code}"): ("GET", "/api/indicators/no_such", {}, 404, "unknown-indicator"),
    ("GET", "/api/indicators/{code}/series"): ("GET", "/api/indicators/gdp_growth/series?region=999999", {}, 404,
                                               "unknown-region"),
    ("GET", "/api/rankings"): ("GET", "/api/rankings?level=village", {}, 400, "bad-level"),
    ("GET", "/api/coverage"): ("GET", "/api/coverage?plan=no-plan", {}, 404, "unknown-plan"),
    ("GET", "/api/outcomes"): ("GET", "/api/outcomes?format=xlsx", {}, 400, "bad-query"),
    ("GET", "/"): ("GET", "/?period=20x5", {}, 400, "bad-period"),
    ("GET", "/briefing"): ("GET", "/briefing?period=20x5", {}, 400, "bad-period"),
    ("GET", "/briefing.pdf"): ("GET", "/briefing.pdf?region=999999", {}, 404, "unknown-region"),
    ("GET", "/api/briefing"): ("GET", "/api/briefing?period=2025-13", {}, 400, "bad-period"),
    ("GET", "/regions"): ("DELETE", "/regions", {}, 405, "method-not-allowed"),
    ("GET", "/regions/{code}"): ("GET", "/regions/999999", {}, 404, "unknown-region"),
    ("GET", "/indicators"): ("DELETE", "/indicators", {}, 405, "method-not-allowed"),
    ("GET", "/indicators/{code}"): ("GET", "/indicators/no_such", {}, 404, "unknown-indicator"),
    ("GET", "/rankings"): ("GET", "/rankings?indicator=gdp_growth&weight=heavy", {}, 400, "bad-weight"),
    ("GET", "/coverage"): ("GET", "/coverage?plan=no-plan", {}, 404, "unknown-plan"),
    ("GET", "/outcomes"): ("DELETE", "/outcomes", {}, 405, "method-not-allowed"),
    ("GET", "/docs"): ("DELETE", "/docs", {}, 405, "method-not-allowed"),
    ("GET", "/glossary"): ("GET", "/glossary?plan=no-plan", {}, 404, "unknown-plan"),
    ("GET", "/api/glossary"): ("GET", "/api/glossary?plan=no-plan", {}, 404, "unknown-plan"),
    # tasks and projects
    ("GET", "/api/tasks"): ("GET", "/api/tasks?at=someday", {}, 400, "bad-date"),
    ("GET", "/api/tasks/{task_id}"): ("GET", "/api/tasks/T-none", {}, 404, "unknown-task"),
    ("GET", "/api/wallchart"): ("GET", "/api/wallchart?start=2025-13-01", {}, 400, "bad-date"),
    ("GET", "/api/scorecards"): ("GET", "/api/scorecards?at=x", {}, 400, "bad-date"),
    ("GET", "/api/scorecards/{unit}"): ("GET", "/api/scorecards/nobody", {}, 404, "unknown-unit"),
    ("GET", "/api/doublehalf"): ("GET", "/api/doublehalf?at=x", {}, 400, "bad-date"),
    ("GET", "/api/digest"): ("GET", "/api/digest?since=", {}, 400, "missing-value"),  # answered 500 before
    ("GET", "/api/projects"): ("GET", "/api/projects?at=x", {}, 400, "bad-date"),
    ("GET", "/api/projects/portfolio"): ("GET", "/api/projects/portfolio?by=colour", {}, 400, "bad-value"),
    ("GET", "/api/projects/{project_id}"): ("GET", "/api/projects/P-none", {}, 404, "unknown-project"),
    ("POST", "/api/tasks/{task_id}/reports"): NO_AUTH,
    ("POST", "/api/tasks/{task_id}/extension"): NO_AUTH,
    ("POST", "/api/tasks/{task_id}/extension/decision"): NO_AUTH,
    ("POST", "/api/tasks/{task_id}/closure"): NO_AUTH,
    ("POST", "/api/tasks/{task_id}/closure/decision"): NO_AUTH,
    ("GET", "/tasks"): ("GET", "/tasks?light=red&at=x", {}, 400, "bad-date"),
    ("GET", "/tasks/{task_id}"): ("GET", "/tasks/T-none", {}, 404, "unknown-task"),
    ("GET", "/wallchart"): ("GET", "/wallchart?end=x", {}, 400, "bad-date"),
    ("GET", "/scorecards"): ("GET", "/scorecards?at=x", {}, 400, "bad-date"),
    ("GET", "/scorecards/{unit}"): ("GET", "/scorecards/nobody", {}, 404, "unknown-unit"),
    ("GET", "/projects"): ("GET", "/projects?at=x", {}, 400, "bad-date"),
    ("POST", "/tasks/{task_id}/report"): NO_AUTH,
    ("POST", "/tasks/{task_id}/extension"): NO_AUTH,
    ("POST", "/tasks/{task_id}/closure"): NO_AUTH,
    ("POST", "/tasks/{task_id}/decision"): NO_AUTH,
    ("POST", "/projects/investment"): NO_AUTH,
    # notices
    ("GET", "/inbox"): ("GET", "/inbox", {}, 401, "not-authenticated"),
    ("GET", "/api/inbox"): ("GET", "/api/inbox", {}, 401, "not-authenticated"),
    ("POST", "/inbox/read"): NO_AUTH,
    ("POST", "/api/remind"): NO_AUTH,
    ("POST", "/admin/users/{name}/email"): NO_AUTH,
    # policy documents
    ("GET", "/api/documents"): ("GET", "/api/documents?format=xlsx", {}, 400, "bad-query"),
    ("POST", "/api/documents"): NO_AUTH,
    ("GET", "/api/documents/outcomes"): ("GET", "/api/documents/outcomes?format=xlsx", {}, 400, "bad-query"),
    ("GET", "/api/documents/{did:int}"): ("GET", "/api/documents/999999", {}, 404, "unknown-document"),
    ("GET", "/api/documents/commitments/{cid:int}"): ("GET", "/api/documents/commitments/999999", {}, 404,
                                                      "unknown-commitment"),
    ("POST", "/api/documents/commitments/{cid:int}/{action}"): NO_AUTH,
    ("GET", "/documents"): ("DELETE", "/documents", {}, 405, "method-not-allowed"),
    ("POST", "/documents"): NO_AUTH,
    ("GET", "/documents/outcomes"): ("DELETE", "/documents/outcomes", {}, 405, "method-not-allowed"),
    ("GET", "/documents/{did:int}"): ("GET", "/documents/999999", {}, 404, "unknown-document"),
    ("POST", "/documents/commitments/{cid:int}/{action}"): NO_AUTH,
    # reporting: sign-in, imports, workflow
    ("GET", "/login"): ("DELETE", "/login", {}, 405, "method-not-allowed"),
    ("POST", "/login"): ("POST", "/login", {"data": {"username": "ada", "password": "x", "csrf_token": "x"}}, 403,
                         "csrf"),  # no login cookie to match the form's token
    ("POST", "/logout"): NO_AUTH,
    ("POST", "/api/imports"): NO_AUTH,
    ("GET", "/api/imports"): ("GET", "/api/imports", {}, 401, "not-authenticated"),
    ("GET", "/api/history"): ("GET", "/api/history", {}, 401, "not-authenticated"),
    ("GET", "/api/completeness"): ("GET", "/api/completeness?period=2025", {}, 401, "not-authenticated"),
    ("POST", "/api/workflow/{action}"): NO_AUTH,
    ("GET", "/api/template"): ("GET", "/api/template?region=440103&period=2025-06", {}, 401, "not-authenticated"),
    ("GET", "/api/export/sdmx"): ("GET", "/api/export/sdmx", {}, 401, "not-authenticated"),
    ("GET", "/reporting/imports"): ("GET", "/reporting/imports", {}, 401, "not-authenticated"),
    ("POST", "/reporting/imports"): NO_AUTH,
    ("GET", "/reporting/history"): ("GET", "/reporting/history", {}, 401, "not-authenticated"),
    # the administrator's user pages
    ("GET", "/admin/users"): ("GET", "/admin/users", {}, 401, "not-authenticated"),
    ("GET", "/api/admin/users"): ("GET", "/api/admin/users", {}, 401, "not-authenticated"),
    ("POST", "/admin/users"): NO_AUTH,
    ("POST", "/admin/users/{name}/grants"): NO_AUTH,
    ("POST", "/admin/users/{name}/grants/{gid}/revoke"): NO_AUTH,
    ("POST", "/admin/users/{name}/units"): NO_AUTH,
    ("POST", "/admin/users/{name}/units/{unit}/remove"): NO_AUTH,
    ("POST", "/admin/users/{name}/password"): NO_AUTH,
    ("POST", "/admin/users/{name}/disable"): NO_AUTH,
    ("POST", "/admin/users/{name}/enable"): NO_AUTH,
    ("POST", "/admin/tokens/{token_id}/revoke"): NO_AUTH,
    # a luoshi command sent by the CLI (web/local_cli.py): only with the serve file's secret, from this machine
    ("POST", "/api/local/cli"): ("POST", None, {"json": {"argv": ["status"], "cwd": "/"},
                                                "headers": {"x-luoshi-cli-secret": "guessed"}}, 403, "local-cli-only"),
    # the reporting desk (web/desk.py)
    ("GET", "/reporting/entry"): ("GET", "/reporting/entry?region=440103", {}, 401, "not-authenticated"),
    ("POST", "/reporting/entry"): NO_AUTH,
    ("GET", "/api/reporting/entry"): ("GET", "/api/reporting/entry?region=440103&period=2025-05", {}, 401,
                                      "not-authenticated"),
    ("POST", "/api/reporting/entry"): NO_AUTH,
    ("GET", "/reporting/review"): ("GET", "/reporting/review", {}, 401, "not-authenticated"),
    ("POST", "/reporting/review"): NO_AUTH,
    ("GET", "/api/reporting/review"): ("GET", "/api/reporting/review", {}, 401, "not-authenticated"),
    ("POST", "/api/reporting/review"): NO_AUTH,
    ("POST", "/reporting/lock"): NO_AUTH,
    ("POST", "/api/reporting/lock"): NO_AUTH,
    ("GET", "/reporting/completeness"): ("GET", "/reporting/completeness", {}, 401, "not-authenticated"),
}
PATH_VALUES = {"task_id": "T-none", "cid": "999999", "did": "999999", "action": "accept"}


def url_of(path: str, values: dict[str, str]) -> str:
    """The path with each {name} or {name:converter} filled from ``values``."""
    out = path
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        name = out[start + 1:end].split(":")[0]
        out = out[:start] + values.get(name, "x") + out[end + 1:]
    return out


def assert_envelope(r, status: int | None = None, code: str | None = None) -> dict:
    assert r.headers["content-type"].startswith("application/json"), (r.request.url, r.text[:200])
    body = r.json()
    assert ENVELOPE <= set(body) <= ENVELOPE | {"problems", "import"}, body
    assert body["status"] == r.status_code and body["code"] in CATALOGUE, body
    assert body["message"] and body["message_zh"] and "Traceback" not in r.text
    if status is not None:
        assert (r.status_code, body["code"]) == (status, code), body
    return body


def _copy(tmp_path_factory, web_db, name: str) -> Workspace:
    path = tmp_path_factory.mktemp(name) / "ws.duckdb"
    shutil.copy(web_db, path)
    return Workspace(path, today=fixtures.TODAY)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, web_db):
    """A copy of the web workspace with one user, so that writes and the reporting API need a caller;
    its dashboards are public, so that a request to one meets the route's own refusal
    (tests/reporting/test_sign_in.py: what anonymous callers meet under the default)."""
    ws = _copy(tmp_path_factory, web_db, "guarded")
    ws.reporting.add_user("ada", "correct horse battery", actor=Actor.local(), admin=True)
    ws.set_setting("dashboards_public", True)
    with TestClient(create_app(ws), raise_server_exceptions=False) as c:
        yield c
    ws.close()


@pytest.fixture(scope="module")
def open_client(tmp_path_factory, web_db):
    """A copy of the web workspace without users (every write allowed, so junk reaches the services),
    with a task, a project and a document, so that junk also reaches them under names that exist."""
    from datetime import date

    from luoshi.services.taskdesk import TaskDesk

    ws = _copy(tmp_path_factory, web_db, "open")
    desk = TaskDesk(ws)
    desk.add_tasks([{"id": "T-1", "plan_id": "gd-1310", "node_code": "B2", "title_zh": "测试任务", "lead_unit": "gd-iit",
                     "supervisor_unit": "gd-gov-office", "start_date": date(2025, 1, 1),
                     "deadline": date(2025, 12, 31), "region_code": "440000"}])
    desk.add_projects([{"id": "P-1", "name_zh": "甲项目", "region_code": "440100", "lead_unit": "gov-440100",
                        "total_investment": 50, "plans": {2025: 12}}])
    doc = ws.documents.add_text("2025年，全省城镇新增就业110万人以上。", title="test", doc_date="2025-01-20",
                                issuer="440000", kind="work-report")
    cid = ws.db.scalar("SELECT min(cid) FROM commitments WHERE did = ?", [doc["did"]])
    with TestClient(create_app(ws), raise_server_exceptions=False) as c:
        c.names = {"task_id": "T-1", "project_id": "P-1", "unit": "gd-iit", "did": str(doc["did"]),
                   "cid": str(cid or 1), "region": "440103", "indicator": "tech_transform"}
        yield c
    ws.close()


def test_every_route_has_a_failing_request_and_no_case_is_stale():
    assert sorted(set(ROUTES) - set(CASES)) == [], "add a request that must fail to CASES"
    assert sorted(set(CASES) - set(ROUTES)) == [], "a route in CASES is gone"


@pytest.mark.parametrize("route", sorted(ROUTES), ids=[f"{m} {p}" for m, p in sorted(ROUTES)])
def test_a_request_that_must_fail_answers_the_envelope(guarded, route):
    method, url, options, status, code = CASES[route]
    url = url or url_of(route[1], PATH_VALUES)
    assert_envelope(guarded.request(method, url, **options), status, code)
    if method == "GET" and not url.startswith(("/api", "/openapi", "/static")) and code == "not-authenticated":
        page = guarded.get(url, headers={"accept": "text/html"}, follow_redirects=False)  # a browser signs in first
        assert (page.status_code, page.headers["location"]) == (303, "/login?next=" + quote(url, safe=""))
    elif method == "GET" and not url.startswith(("/api", "/openapi", "/static")):  # a page: the error page
        page = guarded.get(url, headers={"accept": "text/html"})
        assert page.status_code == status and page.headers["content-type"].startswith("text/html")
        assert f'data-error-code="{code}"' in page.text and f'data-error-status="{status}"' in page.text


JUNK = ["", "zz", "-1", "2024Q9", "9" * 24]
BODIES = [{}, {"content": b"{", "headers": {"content-type": "application/json"}},
          {"json": []}, {"json": {"region": 1, "period": [], "approve": "zz", "new_deadline": "zz", "note": 5}}]


def path_values(path: str, names: dict[str, str]) -> list[dict[str, str]]:
    """Names that exist (a region or an indicator for {code}, by the route), then junk in every parameter."""
    known = dict(names, code=names["indicator" if "indicators" in path else "region"],
                 action="approve" if "workflow" in path else "edit")
    return [known] + [{k: v or "x" for k in known} for v in JUNK]


def junk_requests(route: tuple[str, str], query: list[str], body: list[str], names: dict[str, str]):
    """Requests with junk in each path parameter, each query parameter and each body field."""
    method, path = route
    for values in path_values(path, names) if "{" in path else [{}]:
        url = url_of(path, values)
        if method == "GET":
            yield url, {}
            for name in query:
                for v in JUNK:
                    yield url, {"params": {name: v}}
            continue
        for options in BODIES:
            yield url, options
        for v in JUNK:  # junk in one field at a time, so that it is not hidden behind another's refusal
            for name in [n for n in body if n not in ("file", "files")] or [None]:
                form = {} if name is None else {name: v}
                yield url, {"data": form, "files": {"file": ("x.csv", b"\xff\xfe\x00junk," + v.encode())}}


@pytest.mark.parametrize("route", sorted(ROUTES), ids=[f"{m} {p}" for m, p in sorted(ROUTES)])
def test_nothing_a_user_sends_makes_a_route_answer_500(open_client, route):
    query, body = ROUTES[route]
    for url, options in junk_requests(route, query, body, open_client.names):
        r = open_client.request(route[0], url, **options)
        assert r.status_code < 500, (url, options, r.text[:300])
        if r.status_code >= 400:
            assert_envelope(r)


# Requests the schemathesis run (test_fuzz.py) found answered 500 or accepted, each with the answer it
# must get now: (method, url with {names} of open_client, request options, status, code).
FOUND_BY_FUZZ = [
    ("GET", "/api/overview?at=1899-12-31", {}, 400, "date-out-of-range"),  # PeriodError: year outside 1900-2199
    ("GET", "/api/rankings?at=2200-01-01", {}, 400, "date-out-of-range"),
    ("GET", "/api/tasks?at=1800-01-01", {}, 400, "date-out-of-range"),  # was accepted, judging from year 1800
    ("GET", "/api/projects/portfolio?year=2025.0", {}, 400, "bad-query"),  # was read as 2025 (not an integer)
    ("POST", "/api/workflow/submit", {"data": {"subtree": "maybe"}}, 400, "bad-value"),  # was read as true
    ("POST", "/api/workflow/submit", {"json": {"reason": {"a": 1}}}, 400, "bad-value"),  # was stored as "{'a': 1}"
    ("POST", "/api/documents/commitments/{cid}/edit", {"json": {"value": "nan"}}, 400, "bad-value"),  # NaN stored
    ("POST", "/api/documents/commitments/{cid}/edit", {"json": {"value": 1e308 * 10}}, 400, "bad-value"),
    ("POST", "/api/documents/commitments/{cid}/edit", {"json": {"unit": ["t", "s"]}}, 400, "bad-value"),
    ("POST", "/api/documents/commitments/{cid}/edit", {"json": {"class": "wish"}}, 400, "bad-value"),
    ("POST", "/api/documents/commitments/{cid}/edit", {"json": {"comparator": "maybe"}}, 400, "bad-value"),
    ("POST", "/api/documents/commitments/{cid}/reject", {"json": {"note": {"why": 1}}}, 400, "bad-value"),
]


@pytest.mark.parametrize("case", FOUND_BY_FUZZ, ids=[f"{m} {u} {o}" for m, u, o, _, _ in FOUND_BY_FUZZ])
def test_what_the_fuzz_found_is_refused_and_changes_nothing(open_client, case):
    method, url, options, status, code = case
    commitment = f"/api/documents/commitments/{open_client.names['cid']}"
    before = open_client.get(commitment).json()
    if "content" not in options and "json" in options:  # non-finite numbers as the literal a client would send
        options = {"content": json.dumps(options["json"]).encode(), "headers": {"content-type": "application/json"}}
    assert_envelope(open_client.request(method, url.format(**open_client.names), **options), status, code)
    assert open_client.get(commitment).json() == before
