"""Evidence files are checked by content, not by name, at every door (the task desk, `luoshi tasks
report --evidence`, POST /api/tasks/{id}/reports): a file must be what its name says, a workbook or
Word document must pass the ZIP limits (no one downloads a bomb from a report), and the size limit
is the setting evidence_max_mb.  A refused report stores nothing."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.problems import InputError
from luoshi.ingest.limits import MB
from luoshi.services.evidence import Upload
from luoshi.web import create_app
from tests.formats import bombs
from tests.formats.test_uploads import HTML, PROGRAM
from tests.tasks.conftest import lead_of, task

PDF = b"%PDF-1.4\n% minutes\n"


def _workbook(tmp_path) -> bytes:
    return bombs.write_xlsx(tmp_path / "w.xlsx", bombs.sheet([bombs.VALID])).read_bytes()


CASES = {  # name: (content, code)
    "minutes.pdf": (lambda tmp: HTML, "content-mismatch"),
    "photo.png": (lambda tmp: PROGRAM, "content-mismatch"),
    "photo.jpg": (lambda tmp: PDF, "content-mismatch"),
    "plan.docx": (_workbook, "content-mismatch"),
    "bomb.xlsx": (lambda tmp: bombs.bomb(tmp / "b.xlsx", 120 * MB).read_bytes(), "file-too-large-uncompressed"),
    "dense.xlsx": (lambda tmp: bombs.bomb(tmp / "d.xlsx", 5 * MB).read_bytes(), "compression-ratio"),
}


def _reports(desk) -> list:
    return desk.task("T-1")["history"]["reports"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_evidence_is_checked_by_content_through_the_desk_and_the_cli(ws, desk, tmp_path, name):
    desk.add_tasks([task()])
    make, code = CASES[name]
    data = make(tmp_path)
    with pytest.raises(InputError) as exc:
        desk.report("T-1", lead_of(), percent=40, on=date(2024, 6, 3), uploads=[Upload(name, data)])
    assert [p.code for p in exc.value.report.problems] == [code]
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["--db", ws.path, "tasks", "report", "T-1", "--percent", "40", "--on",
                                      "2024-06-03", "--evidence", str(path)])
    assert result.exit_code == 2 and code in result.output, result.output
    assert _reports(desk) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_evidence_is_checked_by_content_on_the_web(ws, desk, tmp_path, name):
    desk.add_tasks([task()])
    make, code = CASES[name]
    with TestClient(create_app(ws, cache_size=0)) as client:
        r = client.post("/api/tasks/T-1/reports", data={"percent": "40"}, files={"files": (name, make(tmp_path))})
    assert (r.status_code, r.json()["code"]) == (400, code)
    assert _reports(desk) == []


def test_the_evidence_size_limit_is_a_setting(ws, desk):
    desk.add_tasks([task()])
    ws.set_setting("evidence_max_mb", "0.001")  # 1,048 bytes
    big = PDF + b"%" * 2000
    with pytest.raises(InputError) as exc:
        desk.report("T-1", lead_of(), percent=40, on=date(2024, 6, 3), uploads=[Upload("big.pdf", big)])
    assert exc.value.code == "file-too-large" and "1,048" in exc.value.problem.message
    with TestClient(create_app(ws, cache_size=0)) as client:
        r = client.post("/api/tasks/T-1/reports", data={"percent": "40"}, files={"files": ("big.pdf", big)})
        assert (r.status_code, r.json()["code"]) == (413, "too-large") and "evidence_max_mb" in r.json()["message"]
        assert _reports(desk) == []
        ws.set_setting("evidence_max_mb", None)
        r = client.post("/api/tasks/T-1/reports", data={"percent": "40"}, files={"files": ("big.pdf", big)})
        assert r.status_code == 201 and r.json()["evidence"][0]["size"] == len(big)
