"""Workflow states, locks, audit, templates, DHIS2, SDMX, the errors doc, and the kill test."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from luoshi.domain.problems import Refusal
from tests.reporting.conftest import write

ROOT = Path(__file__).resolve().parents[2]
ROW = "indicator,region,period,value\ntech_transform,440103,2024-03,{v}\n"


def test_errors_doc_is_current():
    from luoshi.domain.errors_doc import render

    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == render()


def test_audit_log_is_only_appended():
    src = "\n".join(p.read_text() for p in (ROOT / "src" / "luoshi").rglob("*.py"))
    assert not re.search(r"(UPDATE|DELETE FROM)\s+audit_log", src)


def test_states_history_and_revisions(ws, people, tmp_path):
    r = ws.reporting
    r.import_file(write(tmp_path / "a.csv", ROW.format(v=7)), actor=people["rita"])
    assert ws.db.scalar("SELECT latest_state FROM obs_current o JOIN indicators i USING (iid) "
                        "WHERE i.code = 'tech_transform'") == "submitted"
    r.transition("approve", actor=people["rui"], region="440103")
    # a different value over approved data is refused for the reporter, and nothing is lost
    res = r.import_file(write(tmp_path / "b.csv", ROW.format(v=8)), actor=people["rita"])
    assert [p["code"] for p in res["problems"]] == ["approved-exists"]
    with pytest.raises(Refusal) as exc:
        r.transition("return", actor=people["rui"], region="440103")  # needs a reason
    assert (exc.value.code, exc.value.status) == ("missing-reason", 422)
    r.transition("return", actor=people["rui"], region="440103", reason="typo in March")
    hist = r.history(actor=people["ada"], region="440103")
    assert [h["action"] for h in hist if h["indicator"]][:3] == ["return", "approve", "import"]
    assert hist[0]["reason"] == "typo in March" and hist[0]["old_state"] == "approved"
    assert ws.db.scalar("SELECT count(*) FROM observations o JOIN indicators i USING (iid) "
                        "WHERE i.code = 'tech_transform'") == 3  # never overwritten


def test_lock_and_unlock(ws, people, tmp_path):
    r = ws.reporting
    r.import_file(write(tmp_path / "a.csv", ROW.format(v=7)), actor=people["ada"], state="approved")
    with pytest.raises(Refusal) as exc:
        r.lock("gd-1310", "2024", actor=people["rui"])
    assert (exc.value.code, exc.value.status) == ("not-permitted", 403)
    assert r.lock("gd-1310", "2024", actor=people["ada"])["values"] >= 1
    assert ws.db.scalar("SELECT latest_state FROM obs_current o JOIN indicators i USING (iid) "
                        "WHERE i.code = 'tech_transform'") == "locked"
    res = r.import_file(write(tmp_path / "b.csv", ROW.format(v=9)), actor=people["ada"])
    assert [p["code"] for p in res["problems"]] == ["period-locked"]
    with pytest.raises(Refusal) as exc:
        r.lock("gd-1310", "2024", actor=people["ada"], unlock=True)  # reason required
    assert exc.value.code == "missing-reason"
    r.lock("gd-1310", "2024", actor=people["ada"], unlock=True, reason="census revision")
    res = r.import_file(write(tmp_path / "c.csv", ROW.format(v=9)), actor=people["ada"], state="approved")
    assert res["status"] == "committed"


def test_lock_rule_days_after_end(ws, people, tmp_path):
    ws.reporting.lock_rule("gd-1310", 30, actor=people["ada"])
    res = ws.reporting.import_file(write(tmp_path / "a.csv", ROW.format(v=7)), actor=people["ada"])
    assert [p["code"] for p in res["problems"]] == ["period-locked"]  # 2024-03 ended long before 2025-06-30


def test_accept_valid_keeps_rejected_rows(ws, tmp_path):
    f = write(tmp_path / "a.csv", ROW.format(v=7) + "tech_transform,440104,2024-03,abc\n")
    res = ws.reporting.import_file(f, actor=ws.reporting.actor(), mode="accept-valid")
    assert (res["status"], res["accepted"], res["rejected"]) == ("partial", 1, 1)
    rows = ws.reporting.rejected(res["import_id"], ws.reporting.actor())
    assert rows[0]["row_no"] == 3 and json.loads(rows[0]["cells"])["value"] == "abc"
    assert json.loads(rows[0]["problems"])[0]["code"] == "not-a-number"


def test_dry_run_writes_nothing(ws, tmp_path):
    n = ws.db.scalar("SELECT count(*) FROM audit_log")
    res = ws.reporting.import_file(write(tmp_path / "a.csv", ROW.format(v=7)), actor=ws.reporting.actor(),
                                   dry_run=True)
    assert res["status"] == "valid" and ws.db.scalar("SELECT count(*) FROM audit_log") == n


def test_filled_template_imports_without_edits(ws, tmp_path):
    import openpyxl

    out = tmp_path / "t.xlsx"
    info = ws.reporting.template("440103", "2024-03", out, actor=ws.reporting.actor())
    wb = openpyxl.load_workbook(out)
    sheet = wb["data"]
    assert sheet.protection.sheet and sheet["A1"].value == "指标代码 indicator"
    assert not sheet["G2"].protection.locked and sheet["A2"].protection.locked
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 7, 1)
    wb.save(out)
    res = ws.reporting.import_file(out, actor=ws.reporting.actor())
    assert res["status"] == "committed", res["problems"]
    assert res["added"] == info["indicators"] > 0


def test_dhis2_round_trip(ws, tmp_path):
    mapping = write(tmp_path / "map.json", json.dumps({"dataElements": {"DEtech00001": "tech_transform"},
                                                       "orgUnits": {"OUliwan0001": "440103"}}))
    data = {"dataValues": [
        {"dataElement": "DEtech00001", "period": "202403", "orgUnit": "OUliwan0001", "value": "7"},
        {"dataElement": "DEunknown01", "period": "202403", "orgUnit": "OUliwan0001", "value": "1"},
        {"dataElement": "DEtech00001", "period": "202404", "orgUnit": "OUliwan0001", "value": "x"}]}
    from luoshi.services.interchange import dhis2_export, dhis2_import

    src = write(tmp_path / "in.json", json.dumps(data))
    res = dhis2_import(ws.reporting, src, mapping, actor=ws.reporting.actor(), mode="accept-valid")
    assert [v["outcome"] for v in res["values"]] == ["imported", "rejected", "rejected"]
    assert res["summary"] == {"imported": 1, "updated": 0, "unchanged": 0, "rejected": 2}
    again = dhis2_import(ws.reporting, src, mapping, actor=ws.reporting.actor(), mode="accept-valid")
    assert again["summary"]["unchanged"] == 1
    out = tmp_path / "out.csv"
    assert dhis2_export(ws.db, out, mapping, actor=ws.reporting.actor())["values"] == 1
    csv_back = dhis2_import(ws.reporting, out, mapping, actor=ws.reporting.actor())
    assert csv_back["summary"] == {"imported": 0, "updated": 0, "unchanged": 1, "rejected": 0}


def test_sdmx_csv_parses_with_sdmx1(ws, tmp_path):
    import sdmx
    from sdmx.model import common, v30
    from sdmx.reader.csv import Reader

    from luoshi.services.interchange import sdmx_export

    ws.reporting.import_file(write(tmp_path / "a.csv", ROW.format(v=7)), actor=ws.reporting.actor())
    out = tmp_path / "rollup.csv"
    info = sdmx_export(ws.db, out, actor=ws.reporting.actor(), indicators=["tech_transform", "gdp"])
    dsd = v30.DataStructureDefinition(id="ROLLUP")
    for i, dim in enumerate(("INDICATOR", "REF_AREA", "TIME_PERIOD")):
        dsd.dimensions.getdefault(dim, order=i)
    dsd.measures.getdefault("OBS_VALUE")
    for attr in ("UNIT_MEASURE", "DERIVATION", "SYNTHETIC"):
        dsd.attributes.getdefault(attr)
    with open(out, "rb") as f:
        msg = Reader().convert(f, structure=dsd)
    obs = [o for ds in msg.data for o in ds.obs]
    assert len(obs) == info["observations"] > 0
    assert any(o.value == 7.0 or float(o.value) == 7.0 for o in obs)


KILL_SCRIPT = """
import sys, time
from luoshi.workspace import Workspace
from luoshi.services import observations
ws = Workspace.open(sys.argv[1])
real = observations.apply
def slow(con, *a, **kw):
    out = real(con, *a, **kw)
    print("applied", flush=True)
    time.sleep(60)  # killed here: rows written, transaction not committed
    return out
observations.apply = slow
ws.reporting.import_file(sys.argv[2], actor=ws.reporting.actor())
"""


def test_killed_import_leaves_workspace_unchanged(ws, ws_path, tmp_path):
    before = {t: ws.db.scalar(f"SELECT count(*) FROM {t}") for t in ("observations", "obs_current", "audit_log",
                                                                      "imports", "rollup")}
    ws.close()
    f = write(tmp_path / "a.csv", "indicator,region,period,value\n" +
              "".join(f"tech_transform,440103,2024-{m:02d},5\n" for m in range(1, 13)))
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(ws_path), str(f)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert proc.stdout.readline().strip() == "applied"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    from luoshi.workspace import Workspace

    again = Workspace.open(ws_path)
    after = {t: again.db.scalar(f"SELECT count(*) FROM {t}") for t in before}
    again.close()
    assert after == before
