"""The XLSX template survives a GBK save: Excel or WPS on a Chinese Windows save "CSV" in the GBK
code page and write "?" for a character it lacks, so the template's unit μg/m³ came back as μg/m?
and every such file was refused (wrong-unit).  The template writes units in a spelling GBK keeps
(微克/立方米), which the importer takes as the same unit.

Expected by hand: pm25 is kept in μg/m³; 28.5 typed into the template is stored as 28.5."""

from __future__ import annotations

import csv
import io

import openpyxl


def as_gbk_csv(xlsx_path, keep, fill: dict) -> bytes:
    """The data sheet saved as a spreadsheet saves "CSV" on a Chinese Windows: GBK, "?" for what GBK
    cannot encode; only the rows whose indicator code is in ``keep``, with values filled in."""
    ws = openpyxl.load_workbook(xlsx_path)["data"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header, body = rows[0], [r for r in rows[1:] if r[0] in keep]
    value_col = next(i for i, h in enumerate(header) if "value" in h.split() and "本期数值" in h)
    for r in body:
        r[value_col] = fill[r[0]]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *body])
    return buf.getvalue().encode("gbk", errors="replace")


def test_a_template_saved_as_gbk_csv_imports(bundled_ws, tmp_path):
    xlsx_path = tmp_path / "template.xlsx"
    bundled_ws.reporting.template("440103", "2025-03", xlsx_path, actor=bundled_ws.reporting.actor())
    data = as_gbk_csv(xlsx_path, {"pm25"}, {"pm25": 28.5})
    assert "微克/立方米".encode("gbk") in data and b"?" not in data  # the unit survived the save
    csv_path = tmp_path / "template-gbk.csv"
    csv_path.write_bytes(data)
    out = bundled_ws.reporting.import_file(csv_path, actor=bundled_ws.reporting.actor())
    assert (out["status"], out["accepted"], out["problems"]) == ("committed", 1, [])
    assert bundled_ws.db.scalar("""SELECT o.latest_value FROM obs_current o JOIN indicators i USING (iid)
                                   JOIN regions r USING (rid) JOIN periods p ON p.key = o.pkey
                                   WHERE i.code = 'pm25' AND r.code = '440103' AND p.code = '2025-03'""") == 28.5


def test_the_unit_dropdown_offers_gbk_safe_spellings(bundled_ws, tmp_path):
    xlsx_path = tmp_path / "template.xlsx"
    bundled_ws.reporting.template("440103", "2025-03", xlsx_path, actor=bundled_ws.reporting.actor())
    ws = openpyxl.load_workbook(xlsx_path)["data"]
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and all(f.strip('"').encode("gbk", errors="strict") for f in lists)  # no "³" left to lose
