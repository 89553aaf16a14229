"""Policy documents are checked by content, not by name, at every door (`luoshi docs add`, POST
/api/documents): a .pdf holding a web page or a Windows program, a .txt holding a program, a .docx
that is a workbook are refused with content-mismatch; a DOCX bomb with the ZIP limits; and the size
limit is the setting document_max_mb.  Nothing is stored for a refused file."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.problems import InputError
from luoshi.ingest.limits import MB
from luoshi.web.app import create_app
from tests.formats import bombs

# a Windows program's first bytes: "MZ", and at offset 0x40 (which bytes 0x3C..0x3F give) "PE\0\0"
PROGRAM = b"MZ" + bytes(58) + (0x40).to_bytes(4, "little") + b"PE\0\0" + bytes(64)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def _xlsx(tmp_path) -> bytes:
    return bombs.write_xlsx(tmp_path / "book.xlsx", bombs.sheet([bombs.VALID])).read_bytes()


CASES = {  # name: (content, code, words of the message)
    "page.pdf": (lambda tmp: HTML, "content-mismatch", "page.pdf is named .pdf but holds a web page (HTML)"),
    "setup.pdf": (lambda tmp: PROGRAM, "content-mismatch", "setup.pdf is named .pdf but holds a program"),
    "notes.txt": (lambda tmp: PROGRAM, "content-mismatch", "notes.txt is named .txt but holds a program"),
    "book.docx": (_xlsx, "content-mismatch", "book.docx is named .docx but holds an XLSX workbook"),
    "bomb.docx": (lambda tmp: bombs.docx_bomb(tmp / "b.docx", 120 * MB).read_bytes(),
                  "file-too-large-uncompressed", "(setting zip_max_uncompressed_mb)"),
}


def _count(ws) -> int:
    return ws.db.scalar("SELECT count(*) FROM documents")


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_document_is_checked_by_its_content_in_python_and_the_cli(bundled_ws, tmp_path, name):
    make, code, words = CASES[name]
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    with pytest.raises(InputError) as exc:
        bundled_ws.documents.add(path)
    assert [p.code for p in exc.value.report.problems] == [code] and words in exc.value.problem.message
    result = CliRunner().invoke(app, ["--db", bundled_ws.path, "docs", "add", str(path), "--json"])
    assert result.exit_code == 2 and code in result.output
    assert _count(bundled_ws) == 0


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_document_is_checked_by_its_content_on_the_web(bundled_ws, tmp_path, name):
    make, code, words = CASES[name]
    r = TestClient(create_app(bundled_ws)).post("/api/documents", files={"file": (name, make(tmp_path))})
    assert (r.status_code, r.json()["code"]) == (400, code) and words in r.json()["message"]
    assert _count(bundled_ws) == 0


def test_a_text_that_starts_like_a_program_is_still_text(bundled_ws, tmp_path):
    path = tmp_path / "mz.txt"
    path.write_text("MZ 地区生产总值增长5%左右。", encoding="utf-8")
    assert bundled_ws.documents.add(path)["duplicate"] is False


def test_the_document_size_limit_is_a_setting(bundled_ws, tmp_path):
    text = ("地区生产总值增长5%左右。" * 2000).encode()  # 36,000 bytes
    bundled_ws.set_setting("document_max_mb", "0.01")  # 10,485 bytes
    client = TestClient(create_app(bundled_ws))
    r = client.post("/api/documents", files={"file": ("a.txt", text)})
    assert (r.status_code, r.json()["code"]) == (413, "too-large")
    assert "10,485" in r.json()["message"] and "document_max_mb" in r.json()["message"]
    path = tmp_path / "a.txt"
    path.write_bytes(text)
    result = CliRunner().invoke(app, ["--db", bundled_ws.path, "docs", "add", str(path), "--json"])
    assert result.exit_code == 2 and "too-large" in result.output
    bundled_ws.set_setting("document_max_mb", None)
    assert client.post("/api/documents", files={"file": ("a.txt", text)}).status_code == 201
    assert _count(bundled_ws) == 1
    assert json.loads(CliRunner().invoke(app, ["--db", bundled_ws.path, "docs", "add", str(path), "--json"])
                      .stdout)["duplicate"] is True
