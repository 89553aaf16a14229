"""Hostile XLSX files are refused before they are parsed, with a code naming the limit, through every
door of an import (the Python API, `luoshi import observations`, POST /api/imports), and leave the
workspace as it was but for the import's record.  The limits are the workspace's settings.

Expected by hand: bombs.bomb(120 MB) unpacks to more than the 100 MB default; bombs.bomb(5 MB)
stays under it but unpacks to about 680 times its size (5,244,576 bytes from 7,671; default limit 100); the liar declares a
valid 523-byte sheet and hides 20 MB after it (a reader trusting the declaration would store its
row); the billion-laughs sheet declares entities.  The good workbook below is one valid row and
1.5 MB of random white space (about 4 to 1 compressed): accepted with the defaults, refused once
the limits are set below 1.5 MB or a ratio of 4."""

from __future__ import annotations

import json
import random
import shutil
import zipfile

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.problems import InputError, Report
from luoshi.ingest.archive import check_zip
from luoshi.ingest.limits import MB, Limits
from luoshi.web.app import create_app
from luoshi.workspace import Workspace
from tests.formats import bombs

TABLES = ("observations", "obs_current", "rollup", "targets")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("bombs")
    return {"size": bombs.bomb(d / "size.xlsx", 120 * MB), "ratio": bombs.bomb(d / "ratio.xlsx", 5 * MB),
            "liar": bombs.liar(d / "liar.xlsx", 20 * MB), "laughs": bombs.laughs(d / "laughs.xlsx")}


EXPECTED = {  # case: (code, words of its message)
    "size": ("file-too-large-uncompressed", "over the limit of 104,857,600 (setting zip_max_uncompressed_mb)"),
    "ratio": ("compression-ratio", "over the limit of 100 (setting zip_max_ratio)"),
    "liar": ("bad-format", "unpacks to more than the 523 bytes it declares"),
    "laughs": ("bad-format", "declares a DTD or entities"),
}


def test_the_bombs_are_what_they_say(files):
    with zipfile.ZipFile(files["size"]) as z:
        assert z.getinfo(bombs.SHEET).file_size > 120 * MB - MB
    assert files["size"].stat().st_size < MB
    with zipfile.ZipFile(files["ratio"]) as z:
        assert z.getinfo(bombs.SHEET).file_size / files["ratio"].stat().st_size > 500
    with zipfile.ZipFile(files["liar"]) as z:
        assert z.read(bombs.SHEET) == b"".join(bombs.sheet([bombs.VALID]))  # what the declaration says
        assert z.getinfo(bombs.SHEET).compress_size > 20_000  # what the part holds


def _python(ws_path, path):
    ws = Workspace.open(ws_path)
    try:
        with pytest.raises(InputError) as exc:
            ws.import_observations(path)
        return [p.to_dict() for p in exc.value.report.problems]
    finally:
        ws.close()


def _cli(ws_path, path):
    result = CliRunner().invoke(app, ["--db", str(ws_path), "import", "observations", str(path), "--json"])
    assert result.exit_code == 2, result.output
    return json.loads(result.stdout)["problems"]


def _web(ws_path, path):
    ws = Workspace.open(ws_path)
    try:
        r = TestClient(create_app(ws)).post("/api/imports", files={"file": (path.name, path.read_bytes())})
        assert r.status_code == 422, r.text
        assert r.json()["code"] == r.json()["problems"][0]["code"]
        return r.json()["problems"]
    finally:
        ws.close()


def _counts(ws_path) -> dict:
    ws = Workspace.open(ws_path)
    try:
        return {t: ws.db.scalar(f"SELECT count(*) FROM {t}") for t in (*TABLES, "imports")}
    finally:
        ws.close()


@pytest.mark.parametrize("door", [_python, _cli, _web], ids=["python", "cli", "web"])
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_a_hostile_workbook_is_refused_at_every_door(_bundled_template, tmp_path, files, case, door):
    ws_path = tmp_path / "ws.duckdb"
    shutil.copy(_bundled_template, ws_path)
    before = _counts(ws_path)
    problems = door(ws_path, files[case])
    code, words = EXPECTED[case]
    assert [p["code"] for p in problems] == [code]
    assert words in problems[0]["message"] and problems[0]["message_zh"]
    after = _counts(ws_path)
    assert {t: after[t] for t in TABLES} == {t: before[t] for t in TABLES}
    assert after["imports"] == before["imports"] + 1  # the refused import is recorded, nothing else


@pytest.mark.parametrize("reader", ["fast", "openpyxl"])
def test_the_billion_laughs_are_refused_by_either_reader(bundled_ws, files, monkeypatch, reader):
    import openpyxl

    from luoshi.ingest import xlsx_rows

    assert openpyxl.DEFUSEDXML  # openpyxl parses with defusedxml when it is installed (a dependency)
    if reader == "openpyxl":  # the fallback for files the fast reader does not expect
        monkeypatch.setattr(xlsx_rows, "open_book", lambda data: (_ for _ in ()).throw(xlsx_rows.Unsupported()))
    out = bundled_ws.reporting.import_file(files["laughs"], actor=bundled_ws.reporting.actor())
    assert [p["code"] for p in out["problems"]] == ["bad-format"]
    assert EXPECTED["laughs"][1] in out["problems"][0]["message"]


def _good(path):
    rng = random.Random(17)
    pad = bytes(rng.choice(b" \t\r\n") for _ in range(1_500_000))
    return bombs.write_xlsx(path, bombs.sheet([bombs.VALID, pad]))


@pytest.mark.parametrize("setting, value, code", [
    (None, None, None),
    ("zip_max_uncompressed_mb", "1", "file-too-large-uncompressed"),
    ("zip_max_ratio", "2", "compression-ratio"),
    ("import_max_mb", "0.1", "too-large"),  # the file itself is about 0.4 MB
])
def test_the_limits_are_the_workspace_settings(bundled_ws, tmp_path, setting, value, code):
    path = _good(tmp_path / "good.xlsx")
    assert 0.2 * MB < path.stat().st_size < 0.6 * MB
    if setting:
        bundled_ws.set_setting(setting, value)
    out = bundled_ws.reporting.import_file(path, actor=bundled_ws.reporting.actor())
    if code is None:
        assert (out["status"], out["accepted"]) == ("committed", 1)
    else:
        assert out["status"] == "rejected" and [p["code"] for p in out["problems"]] == [code]
        assert f"setting {setting}" in out["problems"][0]["message"]


def test_the_web_upload_limit_is_a_setting(bundled_ws, tmp_path):
    bundled_ws.set_setting("import_max_mb", "0.1")
    data = _good(tmp_path / "good.xlsx").read_bytes()
    r = TestClient(create_app(bundled_ws)).post("/api/imports", files={"file": ("good.xlsx", data)})
    assert (r.status_code, r.json()["code"]) == (413, "too-large")
    assert "104,857" in r.json()["message"] and "import_max_mb" in r.json()["message"]


def test_a_body_past_every_upload_limit_is_refused_before_it_is_read(bundled_ws):
    # the largest upload setting (0.5 MB) and 1 MB for the form: 524,288 + 1,048,576 = 1,572,864 bytes
    for name in ("import_max_mb", "document_max_mb", "evidence_max_mb"):
        bundled_ws.set_setting(name, "0.5")
    bundled_ws.reporting.add_user("ada", "correct horse battery", actor=bundled_ws.reporting.actor(), admin=True)
    client = TestClient(create_app(bundled_ws))  # a user exists: an anonymous upload is not signed in
    big = b"x" * (2 << 20)
    for url in ("/api/imports", "/api/documents", "/api/tasks/T-1/reports"):
        r = client.post(url, files={"file": ("big.csv", big)})  # its Content-Length says it at once
        assert (r.status_code, r.json()["code"]) == (413, "too-large"), url
        assert "over the limit of 1,572,864 (setting import_max_mb)" in r.json()["message"]
    r = client.post("/api/imports", content=(b"x" * (1 << 16) for _ in range(32)),  # chunked: no length
                    headers={"content-type": "multipart/form-data; boundary=b"})
    assert (r.status_code, r.json()["code"]) == (413, "too-large")
    assert client.post("/api/imports", files={"file": ("small.csv", b"x" * 1000)}).json()["code"] == "not-authenticated"


def test_a_task_list_bomb_is_refused(tmp_path, files):
    from luoshi.ingest.tasks_xlsx import read_task_rows

    report = Report()
    assert read_task_rows(files["size"], report) == []
    assert [p.code for p in report.problems] == ["file-too-large-uncompressed"]


def _zip(path, parts: dict, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path.read_bytes()


@pytest.mark.parametrize("parts, method, detail", [
    ({"xl/workbook.xml": b"<workbook/>" * 100}, zipfile.ZIP_BZIP2, "compressed with method 12"),
    ({"word/document.xml": b"<document/>"}, zipfile.ZIP_DEFLATED, "no xl/workbook.xml"),
])
def test_what_a_workbook_may_not_be(tmp_path, parts, method, detail):
    # bzip2 and LZMA parts are inflated by zipfile without a bound on one call's output
    report = Report()
    assert not check_zip(_zip(tmp_path / "x.xlsx", parts, method), Limits.default("import_max_mb"), report)
    assert [p.code for p in report.problems] == ["bad-format"] and detail in report.problems[0].message


def test_a_damaged_part_is_a_bad_format_not_a_crash(tmp_path):
    path = bombs.write_xlsx(tmp_path / "damaged.xlsx", bombs.sheet(
        bombs.row("tech_transform", "440103", "2024-03", str(k * 7919 % 10007)) for k in range(2000)))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(bombs.SHEET)
    start = info.header_offset + 30 + len(bombs.SHEET)  # the local header, then the deflated data
    data[start + 20:start + 40] = b"\xff" * 20
    report = Report()
    assert not check_zip(bytes(data), Limits.default("import_max_mb"), report)  # was: zlib.error
    assert [p.code for p in report.problems] == ["bad-format"] and "while decompressing" in report.problems[0].message


def test_the_check_stops_at_the_declared_size(tmp_path, files, monkeypatch):
    # the liar's 20 MB are never inflated: the check reads one chunk past the declared 523 bytes
    from luoshi.ingest import archive

    seen = []
    real = zipfile.ZipExtFile.read

    def counting(self, n=-1):
        chunk = real(self, n)
        seen.append(len(chunk))
        return chunk

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    assert not check_zip(files["liar"].read_bytes(), Limits.default("import_max_mb"), Report())
    assert 523 < sum(seen) <= 523 + 2 * archive.CHUNK
