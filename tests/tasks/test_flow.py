"""Progress reports, permissions, evidence, extension and closure flows, and their audit trail."""

from dataclasses import replace
from datetime import date

import pytest

from luoshi.domain.problems import InputError, Refusal
from luoshi.domain.roles import Actor
from luoshi.ingest.limits import Limits
from luoshi.services.evidence import Upload, check
from tests.tasks.conftest import EDU, IIT, SUPERVISOR, lead_of, ms, task

PDF = b"%PDF-1.4\n% test evidence\n"


def actions(desk, tid):
    return [e["action"] for e in desk.task(tid)["history"]["events"]]


def test_lead_unit_reports_and_others_cannot(desk):
    desk.add_tasks([task()])
    out = desk.report("T-1", lead_of(IIT), percent=30, on=date(2024, 6, 3), period="2024-05", text="推进中")
    assert out["on_time"] is True and out["percent"] == 30
    with pytest.raises(Refusal) as exc:  # a reporter of another unit
        desk.report("T-1", lead_of("gd-st"), percent=90, on=date(2024, 6, 4))
    assert (exc.value.code, exc.value.status) == ("not-lead-unit", 403)
    assert "gd-iit" in exc.value.problem.message and "牵头单位" in exc.value.problem.message_zh
    with pytest.raises(Refusal):  # a co-unit may not report on the lead's behalf either
        desk.report("T-1", lead_of(EDU), percent=90, on=date(2024, 6, 4))
    t = desk.task("T-1")
    assert t["percent"] == 30 and len(t["history"]["reports"]) == 1
    assert actions(desk, "T-1") == ["create", "report"]


def test_late_report_and_bad_values(desk):
    desk.add_tasks([task()])
    late = desk.report("T-1", lead_of(), percent=10, on=date(2024, 6, 6), period="2024-05")
    assert late["on_time"] is False  # due 5 June
    with pytest.raises(InputError) as exc:
        desk.report("T-1", lead_of(), percent=120, on=date(2024, 6, 6), period="2024-13")
    assert exc.value.report.flatten(("field", "code")) == [["percent", "bad-percent"], ["period", "bad-month"]]
    lower = desk.report("T-1", lead_of(), percent=5, on=date(2024, 6, 7), period="2024-05")
    assert [w["code"] for w in lower["warnings"]] == ["percent-decreased"]


def test_unknown_task(desk):
    with pytest.raises(Refusal) as exc:
        desk.report("nope", lead_of(), percent=1)
    assert (exc.value.code, exc.value.status) == ("unknown-task", 404)


def test_milestones_done_in_a_report(desk):
    desk.add_tasks([task(milestones=[ms(1, date(2024, 3, 31), 20), ms(2, date(2024, 9, 30), 30)])])
    desk.report("T-1", lead_of(), percent=15, on=date(2024, 4, 3), period="2024-03",
                milestones_done={1: date(2024, 3, 29)})
    t = desk.task("T-1", at=date(2024, 4, 3))
    assert [m["state"] for m in t["milestones"]] == ["done", "upcoming"]
    assert t["judgement"]["progress"] == 20.0  # the milestone's share counts
    with pytest.raises(InputError):
        desk.report("T-1", lead_of(), percent=15, on=date(2024, 4, 3), milestones_done={9: date(2024, 4, 1)})


def test_evidence_is_stored_with_checksum(desk):
    desk.add_tasks([task()])
    out = desk.report("T-1", lead_of(), percent=40, on=date(2024, 6, 3), period="2024-05",
                      uploads=[Upload("会议纪要.pdf", PDF)])
    ev = out["evidence"][0]
    import hashlib
    assert ev["sha256"] == hashlib.sha256(PDF).hexdigest() and ev["size"] == len(PDF)
    row, content = desk.evidence(ev["id"])
    assert content == PDF and row["media_type"] == "application/pdf"
    assert (desk.evidence_root / ev["sha256"][:2] / ev["sha256"]).exists()


def test_evidence_limits_refuse_before_anything_is_stored(desk):
    desk.add_tasks([task()])
    with pytest.raises(InputError) as exc:
        desk.report("T-1", lead_of(), percent=40, on=date(2024, 6, 3),
                    uploads=[Upload("evil.exe", b"MZ..."), Upload("fake.pdf", b"<html>")])
    # .exe is not an allowed type; a .pdf holding a web page is not what its name says
    assert [p.code for p in exc.value.report.problems] == ["file-type-not-allowed", "content-mismatch"]
    assert desk.task("T-1")["history"]["reports"] == []
    from luoshi.domain.problems import Report
    rep = Report()
    assert check(Upload("big.pdf", PDF + b"x" * 100), rep, replace(Limits.default("evidence_max_mb"), file=50)) is None
    assert rep.problems[0].code == "file-too-large"


def test_extension_flow(desk):
    desk.add_tasks([task(deadline=date(2024, 6, 28))])
    lead = lead_of()
    with pytest.raises(Refusal) as exc:
        desk.request_extension("T-1", lead, new_deadline=date(2024, 6, 1), reason="x", on=date(2024, 6, 10))
    assert exc.value.code == "extension-not-later"
    with pytest.raises(Refusal) as exc:
        desk.request_extension("T-1", lead, new_deadline=date(2024, 9, 30), reason=" ", on=date(2024, 6, 10))
    assert exc.value.code == "missing-reason"
    req = desk.request_extension("T-1", lead, new_deadline=date(2024, 9, 30), reason="用地审批延迟",
                                 on=date(2024, 6, 10))
    assert req["state"] == "pending"
    with pytest.raises(Refusal) as exc:  # only one pending request at a time
        desk.request_extension("T-1", lead, new_deadline=date(2024, 10, 30), reason="again", on=date(2024, 6, 11))
    assert exc.value.code == "bad-task-state"
    with pytest.raises(Refusal) as exc:  # the lead unit cannot approve its own extension
        desk.decide_extension("T-1", lead, approve=True, on=date(2024, 6, 12))
    assert (exc.value.code, exc.value.status) == ("not-supervisor", 403)
    out = desk.decide_extension("T-1", SUPERVISOR, approve=True, note="同意", on=date(2024, 6, 15))
    assert out["deadline"] == date(2024, 9, 30)
    t = desk.task("T-1", at=date(2024, 7, 2))
    assert (t["deadline"], t["original_deadline"], t["extensions"]) == (date(2024, 9, 30), date(2024, 6, 28), 1)
    assert t["judgement"]["category"] != "overdue"
    # judged as it stood before the decision, the old deadline applies
    assert desk.task("T-1", at=date(2024, 6, 14))["deadline_at"] == date(2024, 6, 28)
    with pytest.raises(Refusal) as exc:
        desk.decide_extension("T-1", SUPERVISOR, approve=True, on=date(2024, 6, 16))
    assert exc.value.code == "no-pending-request"
    assert actions(desk, "T-1") == ["create", "extension-requested", "extension-approved"]


def test_extension_rejected_needs_a_reason(desk):
    desk.add_tasks([task(deadline=date(2024, 6, 28))])
    desk.request_extension("T-1", lead_of(), new_deadline=date(2024, 9, 30), reason="r", on=date(2024, 6, 10))
    with pytest.raises(Refusal):
        desk.decide_extension("T-1", SUPERVISOR, approve=False, on=date(2024, 6, 12))
    out = desk.decide_extension("T-1", SUPERVISOR, approve=False, note="理由不充分", on=date(2024, 6, 12))
    assert out["state"] == "rejected" and desk.task("T-1")["deadline"] == date(2024, 6, 28)


def test_closure_returned_then_closed(desk):
    desk.add_tasks([task()])
    lead = lead_of()
    desk.report("T-1", lead, percent=70, on=date(2024, 5, 3), period="2024-04")
    with pytest.raises(Refusal) as exc:
        desk.request_closure("T-1", lead, on=date(2024, 5, 4))
    assert exc.value.code == "bad-task-state"
    desk.report("T-1", lead, percent=100, on=date(2024, 6, 3), period="2024-05")
    desk.request_closure("T-1", lead, note="已完成", on=date(2024, 6, 4))
    assert desk.task("T-1")["state"] == "closure_requested"
    with pytest.raises(Refusal):
        desk.report("T-1", lead_of("gd-st"), percent=100, on=date(2024, 6, 5))
    with pytest.raises(Refusal) as exc:
        desk.decide_closure("T-1", SUPERVISOR, close=False, on=date(2024, 6, 6))
    assert exc.value.code == "missing-reason"
    desk.decide_closure("T-1", SUPERVISOR, close=False, reason="佐证材料不足", on=date(2024, 6, 6))
    t = desk.task("T-1", at=date(2024, 6, 6))
    assert (t["state"], t["percent"], t["done_on"]) == ("open", 70, None)
    assert t["judgement"]["category"] not in ("done", "done_early")
    desk.report("T-1", lead, percent=100, on=date(2024, 6, 20), period="2024-06")
    desk.request_closure("T-1", lead, on=date(2024, 6, 21))
    desk.decide_closure("T-1", SUPERVISOR, close=True, on=date(2024, 6, 25))
    t = desk.task("T-1", at=date(2024, 6, 30))
    assert (t["state"], t["closed_on"]) == ("closed", date(2024, 6, 25))
    assert t["judgement"]["category"] == "done_early"  # done 20 June with half the year left
    with pytest.raises(Refusal):
        desk.report("T-1", lead, percent=100, on=date(2024, 6, 26))
    assert actions(desk, "T-1") == ["create", "report", "report", "closure-requested", "closure-returned",
                                    "report", "closure-requested", "closure-closed"]
    ev = desk.task("T-1")["history"]["events"]
    assert ev[4]["actor"] == "督查室-张" and ev[4]["unit_code"] == "gd-gov-office"


def test_admin_may_act_for_any_unit(desk):
    desk.add_tasks([task()])
    out = desk.report("T-1", Actor.local("office-admin"), percent=5, on=date(2024, 2, 3), period="2024-01")
    assert out["percent"] == 5


def test_a_person_of_no_unit_cannot_decide_for_a_task_without_a_supervising_unit(desk):
    # the task desk's own Actor compared `actor.unit != task's unit`, so a web user in no unit
    # (unit None) could decide on a task whose supervising unit is empty (None == None)
    desk.add_tasks([task(supervisor=None)])
    desk.request_extension("T-1", lead_of(), new_deadline=date(2025, 3, 31), reason="用地", on=date(2024, 6, 10))
    with pytest.raises(Refusal) as exc:
        desk.decide_extension("T-1", Actor("visitor"), approve=True, note="ok", on=date(2024, 6, 12))
    assert (exc.value.code, exc.value.status) == ("not-supervisor", 403)
    out = desk.decide_extension("T-1", Actor.local("office-admin"), approve=True, note="ok", on=date(2024, 6, 12))
    assert out["state"] == "approved"  # an administrator decides for any unit
