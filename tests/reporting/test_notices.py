"""Notices and reminders: a returned value reaches its reporter's inbox; `luoshi remind` posts and
emails each due reminder once through a real SMTP server (aiosmtpd on loopback); a server that
cannot be reached is refused and nothing is marked sent."""

from __future__ import annotations

import json
import socket
from datetime import date
from email import message_from_bytes
from email.policy import default as email_policy

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.data.bundle import path as bundled
from luoshi.domain.problems import Refusal
from luoshi.domain.roles import Actor
from luoshi.services import notices
from luoshi.services.reminders import remind
from luoshi.services.taskdesk import TaskDesk
from luoshi.services.units import load_units
from luoshi.workspace import Workspace
from tests.reporting.conftest import write

ROW = "indicator,region,period,value\ntech_transform,440103,2024-03,7\n"
runner = CliRunner()


def test_a_returned_value_reaches_its_reporters_inbox(ws, people, tmp_path):
    r = ws.reporting
    r.import_file(write(tmp_path / "a.csv", ROW), actor=people["rita"])
    r.transition("return", actor=people["rui"], region="440103", reason="三月数据有误")
    box = notices.inbox(ws.db, "rita")
    assert len(box) == 1 and box[0]["kind"] == "returned" and box[0]["read_at"] is None
    assert "三月数据有误" in box[0]["subject_zh"] and "2024-03" in box[0]["subject_zh"]
    assert "rui returned 1 value(s)" in box[0]["subject_en"] and "tech_transform" in box[0]["subject_en"]
    assert box[0]["link"] == "/reporting/entry?region=440103&period=2024-03"
    assert notices.inbox(ws.db, "rui") == [] and notices.inbox(ws.db, "sam") == []
    # another user cannot mark rita's notice; rita can
    with pytest.raises(Refusal) as exc:
        notices.mark_read(ws.db, "sam", [box[0]["id"]])
    assert (exc.value.code, exc.value.status) == ("unknown-notice", 404)
    assert notices.mark_read(ws.db, "rita", [box[0]["id"]]) == {"user": "rita", "marked": 1, "unread": 0}


def test_approving_tells_no_one(ws, people, tmp_path):
    ws.reporting.import_file(write(tmp_path / "a.csv", ROW), actor=people["rita"])
    ws.reporting.transition("approve", actor=people["rui"], region="440103")
    assert ws.db.scalar("SELECT count(*) FROM notifications") == 0


class Inbox:
    """aiosmtpd handler: keeps what arrives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=email_policy)))
        return "250 OK"


@pytest.fixture
def smtp():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


@pytest.fixture
def task_ws(ws):
    """A workspace with one task of gd-iit: its deadline in 3 days (due soon), its one milestone 10
    days overdue and no progress report (May's was due on 5 June); tia (of gd-iit) has an address."""
    load_units(ws.db, bundled("units.csv"))
    desk = TaskDesk(ws)
    from luoshi.domain.tasks import Milestone

    desk.add_tasks([{"id": "T-R1", "plan_id": "gd-1310", "node_code": "B2", "title_zh": "提醒测试任务",
                     "title_en": "Reminder test", "lead_unit": "gd-iit", "supervisor_unit": "gd-gov-office",
                     "start_date": date(2025, 1, 1), "deadline": date(2025, 7, 3),
                     "milestones": [Milestone(1, "方案印发", date(2025, 6, 20), 40.0)]}])
    local = Actor.local()
    ws.reporting.add_user("ada", "correct horse battery", actor=local, admin=True)  # the first user administers
    ws.reporting.add_user("tia", "correct horse battery", actor=local)
    desk.add_member("tia", "gd-iit")
    notices.set_email(ws.db, "tia", "tia@example.gov.cn", by=local)
    return ws


def configure(ws, port, host="127.0.0.1"):
    for name, value in (("smtp_host", host), ("smtp_port", str(port)), ("smtp_tls", "none"),
                        ("smtp_sender", "luoshi@example.gov.cn"), ("site_url", "https://luoshi.example")):
        ws.set_setting(name, value)


EXPECTED = {  # worked out from the fixture: (item, kind, due)
    ("T-R1", "task-due", "2025-07-03"), ("T-R1#1", "milestone-overdue", "2025-06-20"),
    ("T-R1@2025-05", "report-overdue", "2025-06-05"),
}


def test_remind_posts_and_emails_each_reminder_once(task_ws, smtp):
    ws, (controller, inbox) = task_ws, smtp
    configure(ws, controller.port)
    dry = remind(ws, date(2025, 6, 30), dry_run=True)
    assert {(r["item"], r["kind"], r["due"].isoformat()) for r in dry["reminders"]} == EXPECTED
    assert inbox.messages == [] and ws.db.scalar("SELECT count(*) FROM reminders_sent") == 0
    first = remind(ws, date(2025, 6, 30))
    assert (first["posted"], first["emailed"], first["failed"]) == (3, 3, [])
    assert len(inbox.messages) == 3
    rcpts = {tuple(r) for r, _ in inbox.messages}
    assert rcpts == {("tia@example.gov.cn",)}
    subjects = sorted(m["subject"] for _, m in inbox.messages)
    assert subjects[0].startswith("任务即将到期：T-R1 提醒测试任务")  # decoded from RFC 2047
    milestone = next(m for _, m in inbox.messages if m["subject"].startswith("节点已逾期"))
    body = milestone.get_content()
    assert "方案印发" in body and "Milestone overdue: T-R1 Reminder test" in body
    assert "https://luoshi.example/tasks/T-R1" in body and milestone["from"] == "luoshi@example.gov.cn"
    assert notices.unread(ws.db, "tia") == 3
    second = remind(ws, date(2025, 6, 30))
    assert (second["posted"], second["emailed"], second["already_sent"]) == (0, 0, 3)
    assert len(inbox.messages) == 3 and notices.unread(ws.db, "tia") == 3
    # the CLI: nothing more to send, exit 0; its JSON is the service's
    ws.close()
    r = runner.invoke(app, ["--db", ws.path, "remind", "--today", "2025-06-30", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert (out["due"], out["already_sent"], out["posted"]) == (3, 3, 0) and len(inbox.messages) == 3


def test_a_later_due_date_is_a_new_reminder(task_ws, smtp):
    ws, (controller, inbox) = task_ws, smtp
    configure(ws, controller.port)
    remind(ws, date(2025, 6, 30))
    # July: June's report is now due (5 July) and missing; the deadline (3 July) has passed
    later = remind(ws, date(2025, 7, 6))
    assert {(r["item"], r["kind"]) for r in later["reminders"]} == {("T-R1", "task-overdue"),
                                                                   ("T-R1@2025-06", "report-overdue")}
    assert len(inbox.messages) == 5


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_an_unreachable_server_is_refused_and_nothing_is_marked_sent(task_ws):
    ws = task_ws
    configure(ws, free_port())
    with pytest.raises(Refusal) as exc:
        remind(ws, date(2025, 6, 30))
    assert (exc.value.code, exc.value.status) == ("smtp-unreachable", 503)
    assert ws.db.scalar("SELECT count(*) FROM reminders_sent") == 0
    assert ws.db.scalar("SELECT count(*) FROM notifications") == 0
    ws.close()
    r = runner.invoke(app, ["--db", ws.path, "remind", "--today", "2025-06-30"])
    assert r.exit_code == 2 and "smtp-unreachable" in r.output
    again = Workspace.open(ws.path)
    try:
        assert again.db.scalar("SELECT count(*) FROM reminders_sent") == 0
    finally:
        again.close()


def test_without_mail_settings_reminders_stay_in_the_inbox(task_ws):
    out = remind(task_ws, date(2025, 6, 30))
    assert (out["mail"], out["posted"], out["emailed"]) == (False, 3, 0)
    assert notices.unread(task_ws.db, "tia") == 3


def test_user_email_command(ws, people):
    ws.close()
    r = runner.invoke(app, ["--db", ws.path, "user", "email", "rita", "rita@example.gov.cn", "--as", "ada"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["--db", ws.path, "user", "email", "rita", "not-an-address", "--as", "ada"])
    assert r.exit_code == 2 and "bad-email" in r.output
    r = runner.invoke(app, ["--db", ws.path, "user", "email", "rita", "x@example.gov.cn", "--as", "sam"])
    assert r.exit_code == 3
    again = Workspace.open(ws.path)
    try:
        assert again.db.scalar("SELECT email FROM user_emails WHERE user_name = 'rita'") == "rita@example.gov.cn"
    finally:
        again.close()


def test_the_server_sends_reminders_for_a_scheduler_and_an_admin_sets_addresses(task_ws, smtp):
    """While `luoshi serve` holds the file a command cannot open it: a scheduler asks the server
    (an administrator's token), and an administrator sets addresses on /admin/users."""
    from fastapi.testclient import TestClient

    from luoshi.web import create_app

    ws, (controller, inbox) = task_ws, smtp
    configure(ws, controller.port)
    admin = ws.reporting.actor("ada")
    c = TestClient(create_app(ws), base_url="http://127.0.0.1")
    bearer = lambda who: {"Authorization": "Bearer " + ws.reporting.token(who, actor=admin, days=1)["token"]}  # noqa: E731
    r = c.post("/api/remind", headers=bearer("tia"))
    assert (r.status_code, r.json()["code"]) == (403, "not-permitted") and inbox.messages == []
    r = c.post("/admin/users/tia/email", data={"address": "tia@liwan.example.gov.cn"}, headers=bearer("ada"))
    assert r.status_code == 200  # the address mailed below
    r = c.post("/api/remind", data={"dry_run": "true"}, headers=bearer("ada"))
    assert r.status_code == 200 and r.json()["due"] == 3 and inbox.messages == []
    r = c.post("/api/remind", headers=bearer("ada"))
    assert (r.json()["posted"], r.json()["emailed"]) == (3, 3)
    assert {tuple(rcpt) for rcpt, _ in inbox.messages} == {("tia@liwan.example.gov.cn",)}
    assert c.post("/api/remind", headers=bearer("ada")).json()["posted"] == 0  # each once
