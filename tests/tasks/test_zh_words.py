"""The Chinese task page names units by name, never by code (gd-edu), and says its history in Chinese:
co-units, the unit beside each history step, a request's unit, a synthetic task's source."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from lxml import html

from luoshi.web import create_app
from tests.tasks.conftest import lead_of, task

HTML = {"accept": "text/html"}


def _text(el) -> str:
    return " ".join(el.text_content().split())


def test_the_chinese_task_page_names_units_and_says_its_history_in_chinese(ws, desk):
    desk.add_tasks([task("T-1") | {"source": "synthetic-demo"}])
    desk.report("T-1", lead_of(), percent=35, on=date(2024, 4, 2), period="2024-03")
    with TestClient(create_app(ws, cache_size=0), raise_server_exceptions=False) as c:
        doc = html.fromstring(c.get("/tasks/T-1?lang=zh", headers=HTML).text)
        en = html.fromstring(c.get("/tasks/T-1?lang=en", headers=HTML).text)
    # units.csv: gd-edu 广东省教育厅, gd-iit 广东省工业和信息化厅
    assert [_text(a) for a in doc.xpath("//a[@data-co]")] == ["广东省教育厅"]
    assert [_text(a) for a in en.xpath("//a[@data-co]")] == ["Department of Education of Guangdong Province"]
    units = [_text(s) for s in doc.xpath("//*[@data-history]//*[@data-unit]")]
    assert units and set(units) == {"（广东省工业和信息化厅）"}
    assert _text(doc.xpath("//*[@data-source]")[0]) == "合成演示数据"
    main = _text(doc.xpath("//main")[0])
    # what is left in Latin letters: the task's id, the actor's user name and file formats the form takes
    words = set(re.findall(r"[A-Za-z][A-Za-z-]+", main)) - {"T-", "reporter-gd-iit", "Excel", "Word", "PDF"}
    assert not {w for w in words if w.startswith("gd-") or w in ("synthetic-demo", "report", "create")}, words
