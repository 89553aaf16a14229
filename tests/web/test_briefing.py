"""The monthly briefing: `luoshi briefing` writes a real PDF (read back with pypdf: A4 pages, page
numbers, searchable Chinese text; page 1 rendered with pdfium is not blank) or HTML, from the same
content as /briefing, /briefing.pdf and /api/briefing; bad input gives the project's error codes.

The workspace is tests/web/glance_fixture.py's, whose summary is worked out by hand there."""

from __future__ import annotations

import io
import json
import re

import pypdf
import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.cli.render import to_json
from luoshi.services.briefing import assemble
from luoshi.web import create_app
from luoshi.workspace import Workspace

from . import glance_fixture

A4 = (595.28, 841.89)  # points
ARGS = ["briefing", "--period", "2024-06"]


@pytest.fixture
def db(tiny_ws, tmp_path):
    glance_fixture.build(tiny_ws, tmp_path)
    tiny_ws.close()  # the CLI opens the file itself
    return tiny_ws.path


def luoshi(db, *args):
    return CliRunner().invoke(app, ["--db", db, *args])


def pdf_of(db, tmp_path, *more) -> tuple[bytes, pypdf.PdfReader]:
    out = tmp_path / "briefing.pdf"
    result = luoshi(db, *ARGS, *more, "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    return data, pypdf.PdfReader(io.BytesIO(data))


def text_of(reader: pypdf.PdfReader) -> str:
    return "\n".join(p.extract_text() for p in reader.pages)


def has(text: str, words: str) -> bool:
    """Whether ``words`` are in ``text``, wherever a table cell's line breaks fall."""
    return re.sub(r"\s+", "", words) in re.sub(r"\s+", "", text)


def test_the_pdf_is_a4_numbered_and_its_chinese_text_is_searchable(db, tmp_path):
    data, reader = pdf_of(db, tmp_path)
    assert data.startswith(b"%PDF-")
    n = len(reader.pages)
    assert 3 <= n <= 8  # the summary, ranking and tasks, the breakthroughs (with charts), the data
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
    pages = [p.extract_text() for p in reader.pages]
    for k, t in enumerate(pages, start=1):
        assert f"{k} / {n}" in t  # the footer's page number
    first = pages[0]
    for words in ("月度简报", "测试规划", "测试省", "分类统计", "红灯指标及原因", "价格", "滞后的突破", "突破二",
                  "滞后指标最多的下辖地区", "乙市", "甲市", "较上月变化", "新亮红灯", "转为绿灯"):
        assert words in first, words
    whole = text_of(reader)
    for words in ("综合排名", "各项突破", "突破一", "新增就业", "数据完整性与合成标注", "实际（累计）", "序时/路径"):
        assert words in whole, words
    assert "Monthly briefing" not in whole and "Red indicators" not in whole


def test_the_pdf_in_english(db, tmp_path):
    _, reader = pdf_of(db, tmp_path, "--lang", "en")
    whole = text_of(reader)
    for words in ("Monthly briefing", "Test plan", "Red indicators and why", "Price", "City Two",
                  "Subdivisions behind on the most indicators", "2 of 3 indicators behind", "Recovered to green"):
        assert words in whole, words
    assert not re.search(r"[\u4e00-\u9fff]", whole)  # no Chinese in the English briefing


def test_page_one_rendered_is_not_blank(db, tmp_path):
    data, _ = pdf_of(db, tmp_path)
    doc = pdfium.PdfDocument(data)
    try:
        pixels = doc[0].render(scale=1).to_numpy()  # height x width x channels (BGR)
    finally:
        doc.close()
    assert pixels.shape[0] > pixels.shape[1]  # portrait
    ink = (pixels[:, :, :3].min(axis=2) < 200).mean()
    assert 0.005 < ink < 0.5
    # the title's red (#b3261e) is there: some pixels far redder than they are blue
    red = ((pixels[:, :, 2].astype(int) - pixels[:, :, 0].astype(int)) > 80).mean()
    assert red > 0.0005


def test_the_charts_are_vector_art(db, tmp_path):
    _, reader = pdf_of(db, tmp_path)
    for page in reader.pages:  # no picture in the file: every chart is drawn as paths and text
        assert not page.images
    out = tmp_path / "b.html"
    assert luoshi(db, *ARGS, "--format", "html", "-o", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    # a chart for each indicator of a breakthrough with a target: jobs (B1) and price (B2)
    assert re.findall(r'data-brief-chart="(\w+)"', html) == ["jobs", "price"]
    assert html.count("<svg") == 2 and "<script" not in html
    assert 'data-red="price"' in html and "红灯指标及原因" in html


def test_the_cli_says_what_it_wrote(db, tmp_path):
    out = tmp_path / "b.pdf"
    result = luoshi(db, *ARGS, "--region", "900200", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert str(out.stat().st_size) in result.output and "900200" in result.output


@pytest.mark.parametrize("args, code", [
    (["--period", "2024-13"], "bad-period"),
    (["--period", "1800"], "bad-period"),
    (["--period", "2031-01"], "future-period"),
    (["--period", "2024-06", "--region", "999999"], "unknown-region"),
    (["--period", "2024-06", "--plan", "nope"], "unknown-plan"),
    (["--period", "2024-06", "--format", "docx"], "bad-value"),
    (["--period", "2024-06", "--lang", "fr"], "bad-value"),
])
def test_bad_input_is_refused_with_its_code(db, tmp_path, args, code):
    out = tmp_path / "x.pdf"
    result = luoshi(db, "briefing", *args, "-o", str(out))
    assert result.exit_code == 2 and code in result.output, result.output
    assert not out.exists()


def test_an_output_path_that_cannot_be_written(db, tmp_path):
    for path in (tmp_path / "no-such-folder" / "x.pdf", tmp_path):
        result = luoshi(db, *ARGS, "-o", str(path))
        assert result.exit_code == 2 and "cannot-write" in result.output, result.output


@pytest.fixture
def client(db):
    ws = Workspace(db, today=glance_fixture.AT)
    with TestClient(create_app(ws), raise_server_exceptions=False) as c:
        yield c, ws
    ws.close()


def test_the_page_the_pdf_and_the_api_show_one_briefing(client):
    c, ws = client
    page = c.get("/briefing?period=2024-06&lang=zh")
    assert page.status_code == 200
    assert 'href="/briefing.pdf?period=2024-06&amp;lang=zh"' in page.text and 'data-red="price"' in page.text
    assert 'data-brief-section="summary"' in page.text and "下载 PDF" in page.text
    pdf = c.get("/briefing.pdf?period=2024-06&lang=zh")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf.headers["content-disposition"]
    assert "红灯指标及原因" in pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    api = c.get("/api/briefing?period=2024-06").json()
    assert api == json.loads(to_json(assemble(ws, period="2024-06")))
    assert [r["code"] for r in api["reds"]] == ["price"]
    assert [e["code"] for e in api["summary"]["lagging"]] == ["900200", "900100"]
    en = c.get("/briefing?period=2024-06&region=900200&lang=en")
    assert en.status_code == 200 and "Monthly briefing" in en.text and "City Two" in en.text


def test_the_page_defaults_to_the_last_complete_month(client):
    c, _ = client  # today 2024-06-30: the last complete month before it is May
    assert c.get("/api/briefing").json()["period"] == "2024-05"


@pytest.mark.parametrize("url, status, code", [
    ("/briefing?period=2024-13", 400, "bad-period"),
    ("/briefing.pdf?region=999999", 404, "unknown-region"),
    ("/api/briefing?period=1800", 400, "bad-period"),
    ("/api/briefing?period=2031-01", 400, "future-period"),
])
def test_the_web_refuses_bad_input_in_the_envelope(client, url, status, code):
    c, _ = client
    r = c.get(url)
    assert r.status_code == status and r.json()["code"] == code


def test_the_tasks_and_projects_behind(db, tmp_path):
    ws = Workspace(db, read_only=True)
    try:
        data = assemble(ws, period="2024-06")
    finally:
        ws.close()
    assert [t["id"] for t in data["tasks"]["overdue"]] == ["T-LATE"]
    assert [(t["id"], t["days_left"]) for t in data["tasks"]["due_soon"]] == [("T-SOON", 5)]
    assert [(p["key"], p["light"]) for p in data["projects"]] == [("P-BEHIND", "yellow")]
    assert data["projects"][0]["completion"] == pytest.approx(25.0)
    assert data["projects"][0]["expected"] == pytest.approx(50.0)
    _, reader = pdf_of(db, tmp_path)
    whole = text_of(reader)
    assert has(whole, "T-LATE 逾期任务 测试局") and has(whole, "T-SOON 将到期任务") and has(whole, "P-BEHIND 滞后项目")
    assert not has(whole, "年底任务") and not has(whole, "按期项目")
    _, reader = pdf_of(db, tmp_path, "--lang", "en")
    whole = text_of(reader)
    assert has(whole, "T-LATE Late task Test Bureau") and has(whole, "P-BEHIND Project behind")


def test_without_the_chinese_fonts_the_pdf_is_refused(db, tmp_path, monkeypatch):
    from luoshi.web import briefing_doc

    monkeypatch.setattr(briefing_doc, "FONT_DIRS", (str(tmp_path / "no-fonts"),))
    briefing_doc._fonts.cache_clear()
    try:
        result = luoshi(db, *ARGS, "-o", str(tmp_path / "x.pdf"))
    finally:
        briefing_doc._fonts.cache_clear()
    assert result.exit_code == 2 and "missing-fonts" in result.output, result.output
    assert luoshi(db, *ARGS, "--format", "html", "-o", str(tmp_path / "x.html")).exit_code == 0  # HTML needs none
