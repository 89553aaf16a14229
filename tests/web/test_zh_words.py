"""The Chinese interface shows no English words where luoshi holds Chinese beside them: plan-node notes
(note_zh in plans.yaml), the titles of the documents targets cite (document_zh in targets_gd.csv), and
a refusal's way out is the web's way (a page), never a command to type."""

from __future__ import annotations

import re
import shutil

from fastapi.testclient import TestClient
from lxml import html

from luoshi.web import create_app
from luoshi.workspace import Workspace

from . import fixtures

HTML = {"Accept": "text/html"}


def _text(el) -> str:
    return " ".join(el.text_content().split())


def test_plan_node_notes_are_chinese_in_the_chinese_overview(client):
    zh = html.fromstring(client.get("/?lang=zh", headers=HTML).text)
    en = html.fromstring(client.get("/?lang=en", headers=HTML).text)
    notes_zh = [_text(n) for n in zh.xpath("//*[@data-note]")]
    notes_en = [_text(n) for n in en.xpath("//*[@data-note]")]
    assert "说明同B2.T1" in notes_zh and "same caveat as B2.T1" in notes_en
    assert len(notes_zh) == len(notes_en) >= 4
    assert [n for n in notes_zh if re.search(r"[A-Za-z]{3,}", n.replace("B2.T1", ""))] == []


def test_document_titles_are_chinese_in_the_chinese_outcomes(client):
    doc = html.fromstring(client.get("/outcomes?lang=zh", headers=HTML).text)
    gdp = doc.xpath("//section[@data-year='2023']//tr[@data-row='gdp_growth:2023']/td[last()]")[0]
    assert _text(gdp) == "2023年广东省政府工作报告（2023-01-12）"
    titles = [_text(tr.xpath("./td[last()]")[0]) for tr in doc.xpath("//tr[@data-row]")]
    assert titles and [t for t in titles if re.search(r"[A-Za-z]{3,}", t)] == []
    en = html.fromstring(client.get("/outcomes?lang=en", headers=HTML).text)
    gdp = en.xpath("//section[@data-year='2023']//tr[@data-row='gdp_growth:2023']/td[last()]")[0]
    assert _text(gdp) == "2023 Guangdong government work report (2023-01-12)"


def test_a_refusal_on_the_web_gives_the_web_way_and_the_cli_its_command(web_db, tmp_path):
    path = tmp_path / "ws.duckdb"
    shutil.copy(web_db, path)
    w = Workspace(path, today=fixtures.TODAY)
    try:
        c = TestClient(create_app(w), raise_server_exceptions=False)
        r = c.post("/admin/users?lang=zh", data={"name": "bob", "password": "long enough pw"}, headers=HTML)
        assert r.status_code == 409 and "luoshi user add" not in r.text
        assert "请在“用户”页创建 &#39;bob&#39;，首个角色选“管理员”" in r.text or "请在“用户”页创建 'bob'，首个角色选“管理员”" in r.text
        body = c.post("/admin/users", data={"name": "bob", "password": "long enough pw"}).json()
        assert body["code"] == "first-user-not-admin" and "luoshi user add" not in body["message_zh"]
        assert "Users page" in body["message"]
    finally:
        w.close()


def test_the_history_page_says_actions_indicators_and_regions_in_chinese(client):
    doc = html.fromstring(client.get("/reporting/history?lang=zh", headers=HTML).text)
    said = {td.get("data-action"): _text(td) for td in doc.xpath("//td[@data-action]")}
    # the fixture loads targets and imports values (tests/web/fixtures.py)
    assert said["target"] == "设定目标" and said["import"] == "导入"
    assert all(not re.search(r"[A-Za-z]", text) for text in said.values()), said
    row = doc.xpath("//tr[td[@data-action='target']]")[0]
    assert "工业企业技术改造" in _text(row) and "tech_transform" not in _text(row)


def test_an_indicator_source_is_chinese_in_the_chinese_interface(client):
    zh = html.fromstring(client.get("/indicators/tech_transform?lang=zh", headers=HTML).text)
    en = html.fromstring(client.get("/indicators/tech_transform?lang=en", headers=HTML).text)
    assert _text(zh.xpath("//*[@data-indicator-source]")[0]) == "2024年省新闻发布会和全省高质量发展大会"
    assert _text(en.xpath("//*[@data-indicator-source]")[0]) == \
        "2024 provincial press conference and high-quality development conference"


def test_the_imports_page_names_the_local_user_and_the_template_not_a_repository_file(client):
    doc = html.fromstring(client.get("/reporting/imports?lang=zh", headers=HTML).text)
    assert _text(doc.xpath("//*[@data-user]")[0]) == "本机用户"
    main = _text(doc.xpath("//main")[0])
    assert "docs/" not in main and "填报模板" in main


def test_a_commitments_fields_are_chinese_on_the_chinese_document_page(web_db, tmp_path):
    """Unit, comparator and linking method of extracted commitments read in Chinese (not person,
    exact, between, EUR, lexicon); the English page has its words."""
    path = tmp_path / "ws.duckdb"
    shutil.copy(web_db, path)
    w = Workspace(path, today=fixtures.TODAY)
    try:
        did = w.documents.add_text("今年地区生产总值增长4.5%—5%，城镇新增就业110万人以上，全市安排资金3亿欧元，"
                                   "研发投入强度达到3.6%。", doc_date="2024-01-23", issuer="440000")["did"]
        c = TestClient(create_app(w))
        doc = html.fromstring(c.get(f"/documents/{did}?lang=zh", headers=HTML).text)
        fields = [_text(dd) for dd in doc.xpath("//article[@data-commitment]//dl[@class='fields']/div/dd")]
        heads = [_text(b) for b in doc.xpath("//article[@data-commitment]//b[@class='c-value']")]
        assert len(heads) == 4
        shown = " ".join(fields + heads)
        assert "区间" in shown and "人" in shown and "欧元" in shown and "等于" in shown
        codes = {x for dd in doc.xpath("//dd[@data-indicator]//code | //dd[@data-node]//code") for x in [_text(dd)]}
        for code in codes:
            shown = shown.replace(code, "")
        assert re.findall(r"[A-Za-z]{2,}", shown) == []
        en = _text(html.fromstring(c.get(f"/documents/{did}?lang=en", headers=HTML).text))
        assert "between" in en and "euros" in en and "exactly" in en
    finally:
        w.close()
