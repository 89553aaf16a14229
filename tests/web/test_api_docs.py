"""The API reference in both languages, with answer schemas and examples for the main JSON reads.

Every operation has a Chinese summary beside its English one and every described parameter a Chinese
description; for the main reads, the real answers on the fixture workspace (tests/web/fixtures.py)
meet the documented schema, and so does the documented example; a wrong value does not."""

from __future__ import annotations

import re

import pytest
from lxml import html

from luoshi.web.api_docs import RESPONSES

jsonschema_rs = pytest.importorskip("jsonschema_rs")  # schemathesis' validator (a test dependency)

CJK = re.compile(r"[\u4e00-\u9fff]")
# the fixture's names for the paths' parameters (as in test_openapi.py)
URLS = {"GET /api/plans": "/api/plans", "GET /api/indicators": "/api/indicators",
        "GET /api/overview": "/api/overview?at=2025-06-15", "GET /api/regions/{code}": "/api/regions/440100?at=2025-06-15",
        "GET /api/indicators/{code}": "/api/indicators/tech_transform?at=2025-06-15",
        "GET /api/rankings": "/api/rankings?indicator=tech_transform&period=2025", "GET /api/coverage": "/api/coverage",
        "GET /api/outcomes": "/api/outcomes"}


@pytest.fixture(scope="module")
def doc(client):
    return client.get("/openapi.json").json()


def _operations(doc):
    return [(f"{m.upper()} {p}", op) for p, ops in doc["paths"].items() for m, op in ops.items()]


def _validator(doc, schema):
    return jsonschema_rs.validator_for(schema | {"components": doc["components"]})


def test_every_operation_is_summarised_in_both_languages(doc):
    ops = _operations(doc)
    assert len(ops) > 40
    missing = [k for k, op in ops if not CJK.search(op.get("x-summary-zh", ""))]
    assert missing == []
    assert [k for k, op in ops if not op.get("summary") or CJK.search(op["summary"].replace("比学赶超", ""))] == []
    # FastAPI's name-made summaries ("Api Imports") are replaced by sentences
    assert [k for k, op in ops if re.fullmatch(r"(Api )?[A-Z][a-z]+( [A-Z][a-z]+)*", op["summary"])
            and op["summary"] not in ("Plans", "Indicators", "Sign in", "Sign out")] == []
    undescribed = [(k, p["name"]) for k, op in ops for p in op.get("parameters", [])
                   if p.get("description") and not CJK.search(p.get("x-description-zh", ""))]
    assert undescribed == []


def test_the_main_reads_have_a_schema_and_an_example_and_the_real_answers_meet_them(doc, client):
    assert set(URLS) == set(RESPONSES)
    for key, url in URLS.items():
        method, path = key.split(" ")
        ok = doc["paths"][path][method.lower()]["responses"]["200"]["content"]["application/json"]
        check = _validator(doc, ok["schema"])
        real = client.get(url).json()
        errors = [e.message for e in check.iter_errors(real)]
        assert errors == [], (key, errors[:3])
        assert [e.message for e in check.iter_errors(ok["example"])] == [], key


def test_a_schema_refuses_what_the_api_never_answers(doc):
    ok = doc["paths"]["/api/regions/{code}"]["get"]["responses"]["200"]["content"]["application/json"]
    check = _validator(doc, ok["schema"])
    wrong = ok["example"] | {"indicators": [ok["example"]["indicators"][0] | {"light": "purple"}]}
    assert not check.is_valid(wrong)
    assert not check.is_valid({k: v for k, v in ok["example"].items() if k != "region"})


def test_the_reference_page_speaks_the_page_language(client):
    zh = html.fromstring(client.get("/docs?lang=zh", headers={"Accept": "text/html"}).text)
    en = html.fromstring(client.get("/docs?lang=en", headers={"Accept": "text/html"}).text)
    plans_zh = zh.xpath("//section[@data-endpoint='/api/plans']")[0]
    assert plans_zh.xpath(".//*[@data-summary]")[0].text_content() == "规划列表"
    assert "json，或 csv 下载本页表格" in plans_zh.text_content()
    assert plans_zh.xpath(".//details[@data-example]") and plans_zh.xpath(".//details[@data-schema]")
    plans_en = en.xpath("//section[@data-endpoint='/api/plans']")[0]
    assert plans_en.xpath(".//*[@data-summary]")[0].text_content() == "Plans"
    summaries = [s.text_content() for s in zh.xpath("//*[@data-summary]")]
    assert summaries and all(CJK.search(s) for s in summaries)
