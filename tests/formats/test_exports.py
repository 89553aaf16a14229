"""CSV exports: every CSV luoshi writes (the CLI's export of observations and the rollup, DHIS2 CSV,
SDMX-CSV, the web's downloads) is UTF-8 with a byte-order mark, written by one helper, so that Excel
and WPS show its Chinese; the rollup and SDMX exports are rounded to each indicator's decimals, so
that a sum of doubles does not leave 0.30000000000000004 in a file; stored values are unchanged.

Expected values by hand: counties K11, K12 (of C1) and K21 (of C2) report num = 0.1, 0.2 and 0.4 for
2024-01; C1 sums to 0.3 and the province to 0.7, which num (decimals 1, the default) exports as
"0.3" and "0.7"; in binary floating point the sums are 0.1 + 0.2 and 0.1 + 0.2 + 0.4."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.roles import Actor
from luoshi.services.interchange import dhis2_export, dhis2_import, sdmx_export

BOM = b"\xef\xbb\xbf"
SRC = Path(__file__).resolve().parents[2] / "src" / "luoshi"


def record(ws):
    ws.record([{"indicator": "num", "region": r, "period": "2024-01", "value": v}
               for r, v in (("900101", 0.1), ("900102", 0.2), ("900201", 0.4))])


def read(path: Path, bom: bool = True) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith(BOM) is bom, data[:20]
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def rollup_value(ws, region: str) -> float:
    return ws.db.scalar("""SELECT ro.value FROM rollup ro JOIN regions r USING (rid) JOIN indicators i USING (iid)
                           JOIN periods p ON p.key = ro.pkey
                           WHERE i.code = 'num' AND r.code = ? AND p.code = '2024-01'""", [region])


def test_the_rollup_export_is_rounded_and_the_stored_rollup_is_not(tiny_ws, tmp_path):
    record(tiny_ws)
    n = tiny_ws.export("rollup", "csv", tmp_path / "rollup.csv")
    rows = {(r["region"], r["period"]): r["value"] for r in read(tmp_path / "rollup.csv") if r["indicator"] == "num"}
    assert n >= len(rows) and rows[("900100", "2024-01")] == "0.3" and rows[("900000", "2024-01")] == "0.7"
    assert rollup_value(tiny_ws, "900100") == 0.1 + 0.2 != 0.3  # the noise is kept where it is computed
    assert rollup_value(tiny_ws, "900000") == 0.1 + 0.2 + 0.4 != 0.7


def test_the_observations_export_has_the_stored_values_and_a_mark(tiny_ws, tmp_path):
    record(tiny_ws)
    tiny_ws.export("observations", "csv", tmp_path / "obs.csv")
    assert sorted(r["value"] for r in read(tmp_path / "obs.csv")) == ["0.1", "0.2", "0.4"]


def test_the_sdmx_export_is_rounded_without_a_mark(tiny_ws, tmp_path):
    # SDMX-CSV is for SDMX tools: the reference reader (sdmx1, tests/reporting) refuses the mark
    record(tiny_ws)
    sdmx_export(tiny_ws.db, tmp_path / "sdmx.csv", actor=Actor.local(), indicators=["num"])
    rows = {(r["REF_AREA"], r["TIME_PERIOD"]): r["OBS_VALUE"] for r in read(tmp_path / "sdmx.csv", bom=False)}
    assert rows[("900100", "2024-01")] == "0.3" and rows[("900000", "2024-01")] == "0.7"


def test_a_dhis2_csv_export_has_a_mark_and_imports_again(tiny_ws, tmp_path):
    record(tiny_ws)
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"dataElements": {"DEnum": "num"}, "orgUnits": {"OUk11": "900101"}}))
    dhis2_export(tiny_ws.db, tmp_path / "dv.csv", mapping, actor=Actor.local(), period="2024-01")
    assert [(r["dataElement"], r["orgUnit"], r["value"]) for r in read(tmp_path / "dv.csv")] == [("DEnum", "OUk11", "0.1")]
    again = dhis2_import(tiny_ws.reporting, tmp_path / "dv.csv", mapping, actor=Actor.local(), dry_run=True)
    assert again["status"] == "valid" and again["summary"]["unchanged"] == 1


def test_the_cli_exports_write_the_mark(tiny_ws, tmp_path):
    record(tiny_ws)
    db = str(tiny_ws.path)
    tiny_ws.close()
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"dataElements": {"DEnum": "num"}, "orgUnits": {"OUk11": "900101"}}))
    for args, out in ((["export", "rollup", "-o"], "rollup.csv"), (["export", "observations", "-o"], "obs.csv"),
                      (["dhis2", "export", "--mapping", str(mapping), "-o"], "dv.csv")):
        run = CliRunner().invoke(app, ["--db", db, *args, str(tmp_path / out)])
        assert run.exit_code == 0, run.output
        assert (tmp_path / out).read_bytes().startswith(BOM), out


def test_one_csv_writer():
    # every CSV file or download goes through store/csv_files.py: no csv writer or COPY ... CSV elsewhere
    found = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.relative_to(SRC).as_posix() != "store/csv_files.py" and re.search(
                r"csv\.(writer|DictWriter)\(|FORMAT CSV", text):
            found.append(path.relative_to(SRC).as_posix())
    assert found == []


def test_one_xlsx_writer():
    # every workbook luoshi writes is saved by store/xlsx_files.py, which makes formula-looking text text
    found = [path.relative_to(SRC).as_posix() for path in SRC.rglob("*.py")
             if path.relative_to(SRC).as_posix() != "store/xlsx_files.py"
             and re.search(r"\.save\(", path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_judgement_export_at_a_date(tiny_ws, tmp_path):
    """By hand (as tests/foundation/test_judgement.py): 10, 20 and 30 new jobs in January to March
    2024 against 360 for the year; on 15 April the months to March count, 60 of the 91/366 of 360
    expected (89.5): 8.2 points behind the pace, on pace; on 1 May April's 500 makes it done."""
    f = tmp_path / "t.csv"
    f.write_text("indicator,region,period,comparator,value\njobs,900101,2024,at_least,360\n", encoding="utf-8")
    tiny_ws.load_targets(f)
    tiny_ws.record([{"indicator": "jobs", "region": "900101", "period": m, "value": x}
                    for m, x in (("2024-01", 10), ("2024-02", 20), ("2024-03", 30), ("2024-04", 500))])
    db = str(tiny_ws.path)
    tiny_ws.close()
    for at, value, category in (("2024-04-15", 60, "on_pace"), ("2024-05-01", 560, "done")):
        out = tmp_path / f"judged-{at}.csv"
        run = CliRunner().invoke(app, ["--db", db, "export", "judgement", "--at", at, "-o", str(out)])
        assert run.exit_code == 0, run.output
        [row] = read(out)
        assert (row["indicator"], row["region"], row["period"], row["category"]) == ("jobs", "900101", "2024", category)
        assert float(row["value"]) == value and float(row["target"]) == 360
    assert row["data_through"] == "2024-04-30"
    [early] = read(tmp_path / "judged-2024-04-15.csv")
    assert float(early["expected"]) == pytest.approx(91 / 366 * 100)
    assert float(early["shortfall"]) == pytest.approx(91 / 366 * 100 - 60 / 360 * 100)
    assert (early["light"], early["complete"], early["periods_reported"]) == ("green", "true", "3")
    run = CliRunner().invoke(app, ["--db", db, "export", "judgement", "--at", "2024-02-30", "-o", str(tmp_path / "x.csv")])
    assert run.exit_code != 0 and "Traceback" not in run.output and "bad-" in run.output, run.output
    assert not (tmp_path / "x.csv").exists()
