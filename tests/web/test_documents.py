"""Policy-document pages and API: upload, review (accept / edit / reject), targets vs outcomes, and
one real-browser check of the highlighted fields.  Writes go to a copy of the fixture workspace so
that other web tests keep their hand-computed figures."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from luoshi.domain.rules import attainment
from luoshi.web import create_app
from luoshi.workspace import Workspace

from . import fixtures
from .test_browser import Watch, browser  # noqa: F401  (the module-scoped chromium fixture)

DOCS = Path(__file__).resolve().parents[1] / "data" / "extraction" / "docs"
# A Shenzhen report's targets for 2025 and the next year's report of the outcomes (test texts)
REPORT_2025 = "深圳市政府工作报告（测试文本）\n今年主要预期目标是：地区生产总值增长5.5%左右，城镇新增就业15万人以上。\n"
REPORT_2026 = "深圳市政府工作报告（测试文本）\n一、2025年工作回顾\n全市地区生产总值增长5.8%，城镇新增就业12万人。\n"
SZ = {"issuer": "440300", "kind": "work-report"}


@pytest.fixture(scope="module")
def app_ws(web_db, tmp_path_factory):
    copy = tmp_path_factory.mktemp("documents") / "docs.duckdb"
    shutil.copy(web_db, copy)
    ws = Workspace(copy, today=fixtures.TODAY)
    with TestClient(create_app(ws), raise_server_exceptions=False) as c:
        yield c, ws
    ws.close()


@pytest.fixture(scope="module")
def client(app_ws):
    return app_ws[0]


def upload(client, name: str, data: bytes, **form):
    return client.post("/api/documents", files={"file": (name, data, "text/plain")}, data=form)


@pytest.fixture(scope="module")
def sz(client):
    """The two Shenzhen reports: ids of the documents and their commitments by (class, indicator)."""
    a = upload(client, "sz_2025.txt", REPORT_2025.encode(), date="2025-01-20", **SZ)
    b = upload(client, "sz_2026.txt", REPORT_2026.encode(), date="2026-01-20", **SZ)
    assert (a.status_code, b.status_code) == (201, 201), (a.text, b.text)
    ids = (a.json()["did"], b.json()["did"])
    by = {}
    for did in ids:
        for c in client.get(f"/api/documents/{did}").json()["commitments"]:
            by[(c["class"], c["indicator"])] = c
    return ids, by


def test_add_a_seed_document_list_it_and_see_its_proposals(client):
    path = DOCS / "zh_gd_workreport_2024.txt"
    r = upload(client, path.name, path.read_bytes(), date="2024-01-23", issuer="440000", kind="work-report")
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["duplicate"] is False and out["language"] == "zh" and out["commitments"] > 20
    again = upload(client, "copy.txt", path.read_bytes())
    assert again.status_code == 200 and again.json() == {**out, "duplicate": True, "language": "zh"}
    row = next(d for d in client.get("/api/documents").json() if d["did"] == out["did"])
    assert row["title"] == "zh_gd_workreport_2024" and row["doc_date"] == "2024-01-23" and row["kind"] == "work-report"
    assert len(row["sha256"]) == 64 and row["proposed"] == row["commitments"] == out["commitments"]
    doc = client.get(f"/api/documents/{out['did']}").json()
    first = doc["commitments"][0]
    value = first["spans"]["value"]
    a, b = value["in_sentence"]
    assert first["sentence"]["text"][a:b] == value["text"] == "13.57万亿元"
    html = client.get(f"/documents/{out['did']}").text
    assert '<mark data-field="value">13.57</mark><mark data-field="unit">万亿元</mark>' in html
    assert f'data-doc="{out["did"]}"' in client.get("/documents").text
    csv = client.get("/api/documents?format=csv")
    assert csv.headers["content-type"].startswith("text/csv") and "zh_gd_workreport_2024" in csv.text


def test_accept_makes_a_target_with_provenance(client, app_ws, sz):
    _, by = sz
    c = by[("target", "gdp_growth")]
    assert c["scope"] == "440300" and c["period"] == "2025" and c["scope_inferred"] is True
    r = client.post(f"/api/documents/commitments/{c['cid']}/accept")
    assert r.status_code == 200, r.text
    tid = r.json()["target_id"]
    t = app_ws[1].db.one("SELECT t.value, t.comparator, t.document, t.quote, t.source, i.code, g.code AS region "
                         "FROM targets t JOIN indicators i USING (iid) JOIN regions g USING (rid) WHERE tid = ?", [tid])
    assert (t["code"], t["region"], t["value"], t["comparator"]) == ("gdp_growth", "440300", 5.5, "around")
    assert t["document"] == f"document:{c['did']}" and "5.5%" in t["quote"]
    prov = json.loads(t["source"])
    assert prov["document"] == c["did"] and prov["commitment"] == c["cid"]
    assert prov["sentence"] == c["sentence"]["span"] and prov["value"]["text"] == "5.5%"
    assert client.get(f"/api/documents/commitments/{c['cid']}").json()["status"] == "accepted"
    again = client.post(f"/api/documents/commitments/{c['cid']}/accept")
    assert again.status_code == 409 and again.json()["code"] == "already-accepted"


def test_reject_and_edit(client, sz):
    _, by = sz
    jobs = by[("outcome", "new_urban_jobs")]
    r = client.post(f"/api/documents/commitments/{jobs['cid']}/reject", json={"note": "wrong scope"})
    assert r.status_code == 200 and (r.json()["status"], r.json()["note"]) == ("rejected", "wrong scope")
    target = by[("target", "new_urban_jobs")]
    r = client.post(f"/api/documents/commitments/{target['cid']}/edit", json={"value": "160000", "strength": "ensure"})
    assert r.status_code == 200 and (r.json()["status"], r.json()["value"], r.json()["strength"]) == (
        "edited", 160000.0, "ensure")
    bad = client.post(f"/api/documents/commitments/{target['cid']}/edit", json={"colour": "red"})
    assert bad.status_code == 400 and bad.json()["code"] == "bad-value"


def test_targets_against_outcomes_across_documents(client, sz):
    (first, second), _ = sz
    rows = {(r["indicator"], r["region"], r["year"]): r for r in client.get("/api/documents/outcomes").json()}
    gdp = rows[("gdp_growth", "440300", 2025)]  # accepted above: a stored target; its outcome from the 2026 report
    assert (gdp["basis"], gdp["target"], gdp["outcome"]) == ("target", 5.5, 5.8)
    met = attainment(5.8, "around", 5.5, None, None, "higher")[1]  # the one rule decides "around"
    assert gdp["met"] is met
    assert (gdp["target_document"], gdp["outcome_document"]) == (first, second)
    jobs = rows[("new_urban_jobs", "440300", 2025)]  # edited to 160000 people = 16万人; its outcome was rejected
    assert (jobs["basis"], jobs["target"], jobs["outcome"], jobs["met"]) == ("proposed", 16.0, None, None)
    table = list(csv.DictReader(io.StringIO(client.get("/api/documents/outcomes?format=csv").text.lstrip("\ufeff"))))
    assert list(table[0])[:5] == ["year", "period", "indicator", "name_zh", "name_en"]
    line = next(r for r in table if (r["indicator"], r["region"], r["year"]) == ("gdp_growth", "440300", "2025"))
    assert line["met"] == str(met).lower()
    page = client.get("/documents/outcomes?lang=en").text
    assert f'data-row="gdp_growth:440300:2025" data-basis="target" data-met="{"yes" if met else "no"}"' in page
    assert "Targets vs outcomes" in page


@pytest.mark.parametrize("name, data, form, code", [
    ("a.exe", b"MZ", {}, "unsupported-format"),
    ("a.txt", b"", {}, "empty-document"),
    ("a.txt", "增长5%".encode(), {"kind": "poem"}, "bad-value"),
    ("a.txt", "增长5%".encode(), {"issuer": "999999"}, "unknown-region"),
    ("a.txt", "增长5%".encode(), {"date": "2025-13-01"}, "bad-date"),
])
def test_upload_errors_have_the_cli_codes(client, name, data, form, code):
    r = upload(client, name, data, **form)
    assert r.status_code == 400 and r.json()["code"] == code
    assert set(r.json()) == {"status", "code", "message", "message_zh", "problems"}
    assert "/tmp" not in r.text and {p["file"] for p in r.json()["problems"]} == {name}
    page = client.post("/documents", files={"file": (name, data, "text/plain")}, data=form,
                       headers={"accept": "text/html"})
    assert page.status_code == 400 and f'data-problem="{code}"' in page.text


def test_unknown_ids_are_404_in_the_error_shape(client):
    assert client.get("/api/documents/999999").json() == {
        "status": 404, "code": "unknown-document", "message": "no document with id 999999",
        "message_zh": "不存在编号为 999999 的文档"}
    r = client.post("/api/documents/commitments/999999/accept")
    assert r.status_code == 404 and r.json()["code"] == "unknown-commitment"
    assert client.get("/documents/999999", headers={"accept": "text/html"}).status_code == 404


def test_pages_in_both_languages_and_navigation(client, sz):
    (first, _), _ = sz
    zh, en = client.get(f"/documents/{first}?lang=zh").text, client.get(f"/documents/{first}?lang=en").text
    assert "采纳" in zh and "已采纳" in zh and "Accept" in en and "accepted" in en
    assert 'data-inferred="scope"' in en and 'data-nav="documents"' in client.get("/").text


def test_the_number_and_its_unit_are_marked_apart(client):
    """百 in 个百分点 is no numeral: the value is 1.4 and the unit 个百分点 (a magnitude goes with the unit: 亿元)."""
    text = "城镇调查失业率比上年下降1.4个百分点，全县完成地区生产总值30.6亿元。\n"
    r = client.post("/documents", files={"file": ("pp.txt", text.encode(), "text/plain")},
                    data={"date": "2024-07-20"}, headers={"accept": "text/html"}, follow_redirects=True)
    page = r.text
    assert '<mark data-field="value">1.4</mark><mark data-field="unit">个百分点</mark>' in page
    assert '<mark data-field="value">30.6</mark><mark data-field="unit">亿元</mark>' in page


# --- the browser --------------------------------------------------------------------------------
def _upload(page, name: str, text: str, date: str, issuer: str | None = None, kind: str | None = None) -> None:
    """Upload a text on /documents as a person does, and wait for its page."""
    page.goto("/documents")
    page.set_input_files("[data-form=upload-document] input[name=file]",
                         files=[{"name": name, "mimeType": "text/plain", "buffer": text.encode()}])
    page.fill("[data-form=upload-document] input[name=date]", date)
    if issuer:
        page.fill("[data-form=upload-document] input[name=issuer]", issuer)
    if kind:
        page.select_option("[data-form=upload-document] select[name=kind]", kind)
    page.click("[data-form=upload-document] button[type=submit]")
    page.wait_for_url("**/documents/*?added=1")


@pytest.mark.browser
def test_document_page_highlights_fields_in_a_browser(browser, server):  # noqa: F811
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    page = ctx.new_page()
    watch = Watch(page, server)
    _upload(page, "sz_2025.txt", REPORT_2025, "2025-01-20", issuer="440300", kind="work-report")
    assert page.locator("[data-added]").count() == 1
    first = page.locator("[data-commitment]").first
    assert first.get_attribute("data-class") == "target"
    marks = {first.locator(f"mark[data-field={f}]").inner_text()
             for f in ("value", "unit", "comparator", "subject", "time")} - {""}
    assert {"5.5", "%", "左右", "今年"} <= marks
    assert first.locator("mark[data-field=subject]").inner_text() in "地区生产总值增长"
    assert first.locator("[data-inferred=scope]").count() == 1
    first.locator("[data-form=accept] button").click()
    page.wait_for_load_state()
    assert page.locator("[data-commitment][data-status=accepted] [data-made-target]").count() == 1
    page.click("[data-nav=documents]")
    assert page.locator("[data-table=documents] [data-status-count=accepted]").count() == 1
    watch.clean()
    ctx.close()


def test_demo_documents_are_real_sources_added_once(app_ws):
    from luoshi.data.demo_documents import load_demo_documents, manifest

    ws = app_ws[1]
    assert all(m["source"].startswith("http") and m["date"] and m["kind"] for m in manifest())
    first = load_demo_documents(ws)
    assert first["documents"] == len(manifest()) == 3 and first["commitments_proposed"] > 5
    assert load_demo_documents(ws) == {"documents": 0, "documents_already_stored": 3, "commitments_proposed": 0}
    titles = {d["title"] for d in ws.documents.documents()}
    assert {m["title"] for m in manifest()} <= titles


TASKS_2025 = "深圳市政府工作报告（任务测试文本）\n今年，全市新建改扩建公办学校20所。\n"


def test_accept_makes_a_task_through_the_task_list_import(client, app_ws):
    ws = app_ws[1]
    did = upload(client, "sz_tasks_2025.txt", TASKS_2025.encode(), date="2025-01-21", **SZ).json()["did"]
    (c,) = client.get(f"/api/documents/{did}").json()["commitments"]
    assert (c["class"], c["value"], c["scope"], c["period"], c["plan_node"]) == ("task", 20, "440300", "2025", None)
    tables = ("tasks", "task_units", "task_events", "targets", "observations", "imports", "audit_log")

    def counts():
        return {t: ws.db.scalar(f"SELECT count(*) FROM {t}") for t in tables}

    # refused first: a plan node the plan does not have, with the task list's code; nothing stored
    assert client.post(f"/api/documents/commitments/{c['cid']}/edit", json={"plan_node": "B99"}).status_code == 200
    before = counts()
    bad = client.post(f"/api/documents/commitments/{c['cid']}/accept")
    assert bad.status_code == 400 and bad.json()["code"] == "unknown-node"
    assert set(bad.json()) == {"status", "code", "message", "message_zh", "problems"}
    assert [(p["code"], p["field"]) for p in bad.json()["problems"]] == [("unknown-node", "node")]
    assert counts() == before and client.get(f"/api/documents/commitments/{c['cid']}").json()["status"] == "edited"
    # then accepted under the right node: a task (not a target) led by Shenzhen's government, due at the year's end
    client.post(f"/api/documents/commitments/{c['cid']}/edit", json={"plan_node": "B3"})
    r = client.post(f"/api/documents/commitments/{c['cid']}/accept")
    assert r.status_code == 200, r.text
    task_id = r.json()["task_ref"]
    assert r.json() == {"cid": c["cid"], "class": "task", "task_ref": task_id} and task_id.startswith("T-B3-")
    t = client.get(f"/api/tasks/{task_id}").json()
    assert (t["title_zh"], t["lead_unit"], t["region_code"], t["deadline"]) == (
        "全市新建改扩建公办学校20所", "gov-440300", "440300", "2025-12-31")
    assert t["source"] == "sz_tasks_2025"
    page = client.get(f"/documents/{did}").text
    assert f'data-made-task="{task_id}"' in page and f'href="/tasks/{task_id}"' in page
    after = counts()
    assert {k: after[k] - before[k] for k in tables} == {"tasks": 1, "task_units": 1, "task_events": 1, "targets": 0,
                                                         "observations": 0, "imports": 0, "audit_log": 0}


@pytest.mark.browser
def test_an_english_document_page_fits_a_phone(browser, server):  # noqa: F811
    """A proposed indicator's code is one long word (new_australian_government_s_budget_update...): it
    wraps instead of widening the page at 375 px."""
    text = ("Australia's budget update\nThe Australian Government's budget update forecasts a deficit of $1.1 billion "
            "this financial year, and Australia will spend $2.5 billion on housing over the next four years.\n")
    ctx = browser.new_context(viewport={"width": 375, "height": 800}, base_url=server)
    page = ctx.new_page()
    watch = Watch(page, server)
    _upload(page, "au_update.txt", text, "2023-12-13")
    assert page.locator("[data-new-indicator] code").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    assert page.locator("[data-unit=AUD]").count() >= 1  # a bare $ in an Australian page is the Australian dollar
    # the value in base units, written out for a reader (not 2500000000.0)
    assert "2,500,000,000" in page.locator("[data-value-of=value]").all_inner_texts()
    watch.clean()
    ctx.close()
