from pathlib import Path

import pytest

from luoshi.ingest.documents import read_document

DATA = Path(__file__).resolve().parent.parent / "data" / "documents"


@pytest.mark.parametrize("name,code", [
    ("binary.txt", "binary-file"), ("empty.txt", "empty-document"), ("blank.md", "empty-document"),
    ("undecodable.txt", "undecodable-text"), ("scanned.pdf", "no-text-layer"), ("fake.pdf", "content-mismatch"),
    ("unsupported.xyz", "unsupported-format"), ("missing.txt", "file-not-found"),
])
def test_bad_documents_give_a_report(name, code):
    text, _fmt, report = read_document(DATA / name)
    assert text is None
    assert [p.code for p in report.errors] == [code]


def test_too_large():
    text, _fmt, report = read_document(DATA / "tasks.md", max_bytes=10)
    assert text is None and report.errors[0].code == "too-large"


@pytest.mark.parametrize("name,needle", [("report.html", "地区生产总值增长5%左右"), ("tasks.md", "9,000"),
                                         ("plan.docx", "推动9200家"), ("fullwidth.txt", "５％")])
def test_good_documents(name, needle):
    text, _fmt, report = read_document(DATA / name)
    assert report.ok and needle in text
    assert "var x" not in text and "color" not in text
