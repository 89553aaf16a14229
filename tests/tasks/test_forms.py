"""The task page's forms through the web app, signed in as real users: the lead unit reports with an
evidence file, asks for an extension, the supervising unit decides with a reason; a user of neither
unit sees no form and is refused; the project investment form; the decision reaches the requester's inbox."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from luoshi.domain.roles import Actor
from luoshi.services import access, notices
from luoshi.web import create_app
from tests.tasks.conftest import EDU, IIT, OFFICE, task

PASSWORD = "correct horse battery"
PDF = b"%PDF-1.7\n% minutes of the kick-off meeting\n"
HTML = {"accept": "text/html"}


@pytest.fixture
def app(ws, desk):
    desk.add_tasks([task("T-1")])
    desk.add_projects([{"id": "P-1", "name_zh": "测试项目", "region_code": "440100", "total_investment": 100.0,
                        "lead_unit": IIT, "plans": {2024: 24.0}},
                       {"id": "P-2", "name_zh": "别人的项目", "region_code": "440100", "total_investment": 50.0,
                        "lead_unit": EDU, "plans": {2024: 12.0}}])
    root = Actor.local()
    access.add_user(ws.db, "ada", PASSWORD, by=root, role="admin")  # the first user is an administrator
    for name, unit in (("lee", IIT), ("sue", OFFICE), ("nat", EDU)):
        access.add_user(ws.db, name, PASSWORD, by=root)
        access.grant(ws.db, name, "reporter", "440000", by=root)
        desk.add_member(name, unit)
    return create_app(ws, cache_size=0)


def signed_in(app, user: str) -> TestClient:
    """A browser signed in as ``user``."""
    c = TestClient(app, base_url="http://127.0.0.1")
    page = c.get("/login")
    token = page.text.split('data-form="login"')[1].split('name="csrf_token" value="')[1].split('"')[0]
    r = c.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    return c


def csrf_of(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def test_lead_member_reports_40_percent_with_evidence_and_the_supervisor_approves_an_extension(app, ws, desk):
    lee = signed_in(app, "lee")
    page = lee.get("/tasks/T-1", headers=HTML).text
    assert 'data-form="report"' in page and 'data-form="extension"' in page
    assert 'data-form="decide-extension"' not in page  # lee is not of the supervising unit
    token = csrf_of(page)
    r = lee.post("/tasks/T-1/report", headers=HTML, follow_redirects=False,
                 data={"csrf_token": token, "percent": "40", "period": "2024-06", "text": "完成方案起草"},
                 files={"files": ("minutes.pdf", PDF, "application/pdf")})
    assert (r.status_code, r.headers["location"]) == (303, "/tasks/T-1?done=report#outcome")
    page = lee.get(r.headers["location"], headers=HTML).text
    assert 'data-outcome="report"' in page and "进展已报送" in page
    assert 'data-progress="40.0"' in page and "minutes.pdf" in page
    stored = desk.task("T-1")
    assert stored["percent"] == 40 and stored["history"]["evidence"][0]["size"] == len(PDF)
    assert [(e["action"], e["actor"]) for e in stored["history"]["events"]][-2:] == [("report", "lee"),
                                                                                     ("evidence", "lee")]
    r = lee.post("/tasks/T-1/extension", headers=HTML, follow_redirects=False,
                 data={"csrf_token": token, "new_deadline": "2025-03-31", "reason": "征地手续延误"})
    assert r.headers["location"] == "/tasks/T-1?done=extension#outcome"

    sue = signed_in(app, "sue")
    page = sue.get("/tasks/T-1?lang=en", headers=HTML).text
    assert 'data-form="decide-extension"' in page and 'data-form="report"' not in page
    assert "2024-12-31 → <b>2025-03-31</b>" in page and "征地手续延误" in page
    # rejecting needs a reason: the page says so in its language, nothing changes
    r = sue.post("/tasks/T-1/decision?lang=en", headers=HTML, data={"csrf_token": csrf_of(page), "kind": "extension",
                                                                  "decision": "reject", "note": ""})
    assert r.status_code == 422 and 'data-refusal="missing-reason"' in r.text
    assert "a reason is required to reject an extension" in r.text
    r = sue.post("/tasks/T-1/decision", headers=HTML, follow_redirects=False,
                 data={"csrf_token": csrf_of(page), "kind": "extension", "decision": "approve", "note": "同意，抓紧推进"})
    assert r.headers["location"] == "/tasks/T-1?done=extension-approve#outcome"
    page = sue.get("/tasks/T-1", headers=HTML).text
    assert 'data-deadline="2025-03-31"' in page and 'data-outcome="extension-approve"' not in page
    steps = [(e["action"], e["actor"], (e["detail"] or "")) for e in desk.task("T-1")["history"]["events"]]
    assert steps[-1][:2] == ("extension-approved", "sue") and "同意，抓紧推进" in steps[-1][2]
    assert 'data-event="extension-approved"' in page and "同意，抓紧推进" in page
    # the decision reaches the requester's inbox (and not the decider's)
    box = notices.inbox(ws.db, "lee")
    assert [n["kind"] for n in box] == ["extension-approved"] and box[0]["link"] == "/tasks/T-1"
    assert notices.inbox(ws.db, "sue") == []
    inbox = lee.get("/inbox", headers=HTML).text
    assert f'data-notice="{box[0]["id"]}"' in inbox and 'data-unread="1"' in inbox
    assert lee.get("/api/inbox").json()["unread"] == 1
    r = lee.post("/inbox/read", headers=HTML, data={"csrf_token": csrf_of(inbox), "id": str(box[0]["id"])},
                 follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/inbox")
    assert lee.get("/api/inbox").json()["unread"] == 0


def test_a_user_of_neither_unit_sees_no_form_and_is_refused(app, desk):
    nat = signed_in(app, "nat")
    page = nat.get("/tasks/T-1", headers=HTML).text
    assert "data-task-forms" not in page and 'name="csrf_token"' not in page.split("<main>")[1]
    token = csrf_of(nat.get("/projects", headers=HTML).text)  # nat's unit leads P-2: that page has nat's form
    r = nat.post("/tasks/T-1/report", data={"csrf_token": token, "percent": "90"})
    assert (r.status_code, r.json()["code"]) == (403, "not-lead-unit")
    r = nat.post("/tasks/T-1/report", headers=HTML, data={"csrf_token": token, "percent": "90"})
    assert r.status_code == 403 and 'data-refusal="not-lead-unit"' in r.text
    assert desk.task("T-1")["percent"] == 0
    r = nat.post("/tasks/T-1/report", data={"csrf_token": "wrong", "percent": "90"})
    assert (r.status_code, r.json()["code"]) == (403, "csrf")
    anonymous = TestClient(app, base_url="http://127.0.0.1")
    assert "data-task-forms" not in anonymous.get("/tasks/T-1", headers=HTML).text
    assert anonymous.post("/tasks/T-1/report", data={"percent": "90"}).status_code == 401


def test_project_investment_form(app, desk, ws):
    lee = signed_in(app, "lee")
    page = lee.get("/projects", headers=HTML).text
    form = page.split('data-form="investment"')[1].split("</form>")[0]
    assert 'value="P-1"' in form and 'value="P-2"' not in form  # only the projects lee's unit leads
    token = csrf_of(page)
    r = lee.post("/projects/investment", headers=HTML, follow_redirects=False,
                 data={"csrf_token": token, "project": "P-1", "month": "2024-05", "amount": "3.5"})
    assert (r.status_code, r.headers["location"]) == (303, "/projects?done=investment#outcome")
    assert ws.db.scalar("SELECT amount FROM project_investment WHERE project_id = 'P-1' AND month = '2024-05'") == 3.5
    r = lee.post("/projects/investment", data={"csrf_token": token, "project": "P-2", "month": "2024-05",
                                               "amount": "1"})
    assert (r.status_code, r.json()["code"]) == (403, "not-lead-unit")
    r = lee.post("/projects/investment?lang=en", headers=HTML,
                 data={"csrf_token": token, "project": "P-1", "month": "2024-13", "amount": "1"})
    assert r.status_code == 400 and 'data-refusal="bad-month"' in r.text and "is not a month" in r.text
    assert ws.db.scalar("SELECT count(*) FROM project_investment WHERE project_id = 'P-1'") == 1
