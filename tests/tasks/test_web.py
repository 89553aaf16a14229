"""The task pages and JSON API in-process: the same data as the task desk, the error shape, and the
permission check through real API tokens (a reporter of one unit cannot report on another's task)."""

from datetime import date

import pytest
from fastapi.testclient import TestClient

from luoshi.domain.roles import Actor as User
from luoshi.services import access
from luoshi.web import create_app
from luoshi.web.render import to_json
from tests.tasks.conftest import EDU, IIT, lead_of, ms, task


@pytest.fixture
def client(ws, desk):
    desk.add_tasks([task("T-1", milestones=[ms(1, date(2024, 3, 29), 30)]), task("T-2", lead=EDU, co=())])
    desk.report("T-1", lead_of(), percent=35, on=date(2024, 4, 2), period="2024-03", milestones_done={1: date(2024, 3, 28)})
    with TestClient(create_app(ws, cache_size=0), raise_server_exceptions=False) as c:
        yield c


def test_api_matches_the_desk(client, desk):
    import json
    assert client.get("/api/tasks").json() == json.loads(to_json(desk.tasks()))
    assert client.get("/api/tasks?light=red").json() == json.loads(to_json(desk.tasks(light="red")))
    assert client.get("/api/scorecards/gd-iit?at=2024-06-30").json() == json.loads(to_json(desk.scorecard(IIT)))
    assert [r["unit"] for r in client.get("/api/wallchart").json()["rows"]] == [EDU, IIT]


def test_pages_render_with_data_attributes(client):
    html = client.get("/tasks?unit=gd-iit", headers={"accept": "text/html"}).text
    assert 'data-task-row="T-1"' in html and 'data-task-row="T-2"' not in html
    html = client.get("/tasks?unit=gd-edu").text  # lead of T-2, co-unit of T-1
    assert 'data-task-row="T-1"' in html and 'data-task-row="T-2"' in html
    wc = client.get("/wallchart").text
    assert 'data-unit-row="gd-iit"' in wc and 'data-flag-state="done"' in wc
    assert 'data-history' in client.get("/tasks/T-1").text
    assert client.get("/tasks/T-1?lang=en").text.count("Milestones") == 1
    assert client.get("/scorecards").status_code == 200 and client.get("/projects").status_code == 200


def test_error_shape(client):
    r = client.get("/api/tasks/nope")
    assert r.status_code == 404
    assert r.json()["code"] == "unknown-task" and set(r.json()) >= {"status", "code", "message"}
    assert client.get("/api/tasks?at=someday").json()["code"] == "bad-date"
    assert client.get("/tasks/nope", headers={"accept": "text/html"}).status_code == 404


@pytest.mark.parametrize("query, code", [("since=", "missing-value"), ("since=%20", "bad-date"),
                                         ("since=2024-13-01", "bad-date")])
def test_digest_refuses_an_empty_or_bad_since_as_the_cli_does(client, query, code):
    r = client.get(f"/api/digest?{query}&at=2024-06-30")  # an empty since was a 500 (None reached the desk)
    assert (r.status_code, r.json()["code"]) == (400, code)
    assert client.get("/api/digest?since=2024-05-01&at=2024-06-30").status_code == 200


def test_reporter_of_one_unit_cannot_report_on_another_units_task(client, ws, desk):
    root = User.local()
    tokens = {}
    access.add_user(ws.db, "ada", "a-long-password", by=root, role="admin")  # the first user is an administrator
    for name, unit in (("edu-reporter", EDU), ("iit-reporter", IIT)):
        access.add_user(ws.db, name, "a-long-password", by=root)
        access.grant(ws.db, name, "reporter", "440000", by=root)
        desk.add_member(name, unit)
        tokens[name] = {"authorization": "Bearer " + access.create_token(ws.db, name, by=root)["token"]}
    body = {"percent": "50", "period": "2024-05"}
    r = client.post("/api/tasks/T-1/reports", data=body, headers=tokens["edu-reporter"])
    assert r.status_code == 403 and r.json()["code"] == "not-lead-unit"
    r = client.post("/api/tasks/T-1/reports", data=body, headers=tokens["iit-reporter"],
                    files={"files": ("minutes.pdf", b"%PDF-1.7 minutes", "application/pdf")})
    assert r.status_code == 201 and r.json()["evidence"][0]["size"] == 16
    assert client.post("/api/tasks/T-1/reports", data=body).status_code == 401  # users exist: no local mode
    r = client.post("/api/tasks/T-1/extension", json={"new_deadline": "2025-03-31", "reason": "x"},
                    headers=tokens["iit-reporter"])
    assert r.status_code == 201
    r = client.post("/api/tasks/T-1/extension/decision", json={"approve": True}, headers=tokens["iit-reporter"])
    assert (r.status_code, r.json()["code"]) == (403, "not-supervisor")
