"""The XLSX reporting template for one region and period: its indicators with codes, bilingual
headers, units, last period's values, cell validation and protected headers.  A filled template
imports without edits (the importer recognises the bilingual headers and the "data" sheet), also
when it is saved as a GBK CSV: units are written in a spelling GBK can encode (微克/立方米 for μg/m³,
whose "³" a GBK save turns into "?")."""

from __future__ import annotations

from pathlib import Path

from luoshi.domain.periods import parse_given
from luoshi.domain.problems import Refusal
from luoshi.domain.scales import SCALES, gbk_safe, split_unit
from luoshi.services.completeness import expected_sql
from luoshi.store.db import Database
from luoshi.store.xlsx_files import print_layout, save_workbook

HEADERS = (("indicator", "指标代码 indicator", 18), ("name", "指标名称 name", 34), ("region", "地区代码 region", 14),
           ("period", "期间 period", 11), ("unit", "单位 unit", 10), ("previous", "上期数值 previous", 16),
           ("value", "本期数值 value", 16), ("comment", "备注 comment", 40))
EDITABLE = ("value", "unit", "comment")


def template_rows(db: Database, region: str, period: str, iids: set[int] | None = None) -> tuple[dict, list[dict]]:
    p = parse_given(period)
    reg = db.one("SELECT rid, code, level, name_zh, name_en FROM regions WHERE code = ?", [region])
    if reg is None:
        raise Refusal("unknown-region", 404, value=region)
    prev = p.previous()
    rows = db.all(f"""SELECT i.iid, i.code, i.name_zh, i.name_en, i.unit, i.min_value, i.max_value, i.decimals,
                            c.latest_value AS previous, cur.latest_value AS current, o.comment
                     FROM indicators i JOIN ({expected_sql("?", "?", "0")}) e ON e.iid = i.iid
                     LEFT JOIN obs_current c ON c.iid = i.iid AND c.rid = ? AND c.pkey = ?
                     LEFT JOIN obs_current cur ON cur.iid = i.iid AND cur.rid = ? AND cur.pkey = ?
                     LEFT JOIN observations o ON o.oid = cur.latest_oid
                     ORDER BY i.iid""",
                  [reg["level"], p.type, reg["level"], reg["rid"], prev.key, reg["rid"], p.key])
    if iids is not None:
        rows = [r for r in rows if r["iid"] in iids]
    return {"region": reg, "period": p.code, "previous": prev.code}, rows


def unit_choices(unit: str) -> list[str]:
    """The indicator's unit first, then its rescalings (亿元: 亿元, 万元, 元 ...) for the dropdown,
    each spelt so that a GBK save keeps it."""
    scale, base = split_unit(unit)
    out = [gbk_safe(unit)]
    if base and base != "%":
        for word, _ in SCALES:
            if gbk_safe(word + base) not in out and len(out) < 6 and word in ("亿", "万", "千"):
                out.append(gbk_safe(word + base))
        if gbk_safe(base) not in out:
            out.append(gbk_safe(base))
    return out


def write_template(db: Database, region: str, period: str, path: str | Path, iids: set[int] | None = None) -> dict:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    info, rows = template_rows(db, region, period, iids)
    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    head_fill = PatternFill("solid", fgColor="DDE7F3")
    for col, (_, title, width) in enumerate(HEADERS, start=1):
        c = ws.cell(row=1, column=col, value=title)
        c.font, c.fill = Font(bold=True), head_fill
        c.alignment = Alignment(wrap_text=True, vertical="center")
    key_of = {k: i for i, (k, _, _) in enumerate(HEADERS, start=1)}
    validations: dict[tuple, DataValidation] = {}
    unit_lists: dict[str, DataValidation] = {}
    for n, r in enumerate(rows, start=2):
        values = {"indicator": r["code"], "name": f"{r['name_zh']} {r['name_en']}", "region": info["region"]["code"],
                  "period": info["period"], "unit": gbk_safe(r["unit"]), "previous": r["previous"],
                  "value": r["current"], "comment": r["comment"]}  # sent back unchanged, the row is unchanged
        for k, col in key_of.items():
            c = ws.cell(row=n, column=col, value=values.get(k))
            if k in ("region", "period", "indicator"):
                c.number_format = "@"  # text, so Excel does not turn 2024-03 into a date
            if k in EDITABLE:
                c.protection = Protection(locked=False)
        bounds = (r["min_value"], r["max_value"])
        if bounds not in validations:
            lo = -1e15 if bounds[0] is None else bounds[0]
            hi = 1e15 if bounds[1] is None else bounds[1]
            dv = DataValidation(type="decimal", operator="between", formula1=str(lo), formula2=str(hi),
                                allow_blank=True, showErrorMessage=True, errorTitle="数值 value",
                                error=f"请输入 {lo:g} 到 {hi:g} 之间的数字 / enter a number from {lo:g} to {hi:g}")
            validations[bounds] = dv
            ws.add_data_validation(dv)
        validations[bounds].add(ws.cell(row=n, column=key_of["value"]))
        if r["unit"] not in unit_lists:
            dv = DataValidation(type="list", formula1='"' + ",".join(unit_choices(r["unit"])) + '"', allow_blank=True)
            unit_lists[r["unit"]] = dv
            ws.add_data_validation(dv)
        unit_lists[r["unit"]].add(ws.cell(row=n, column=key_of["unit"]))
    # on paper: one page wide, each value on the line of its indicator, the header row on every page
    print_layout(ws, 1, widths={ws.cell(row=1, column=col).column_letter: width
                                for col, (_, _, width) in enumerate(HEADERS, start=1)})
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    about = wb.create_sheet("说明 about")
    reg = info["region"]
    for line in (f"luoshi 报送模板 reporting template · {reg['name_zh']} {reg['name_en']} ({reg['code']}) · {info['period']}",
                 "在“data”表的“本期数值 value”列填写数字，必要时在“备注 comment”列说明；其他列已锁定。",
                 "Fill the 'value' column of the 'data' sheet with plain numbers and explain unusual changes in "
                 "'comment'; other columns are locked.",
                 f"上期数值 previous = {info['previous']}；单位可改为下拉列表中的换算单位（如 万元），系统会明确换算并提示。",
                 "Import: luoshi import observations FILE.xlsx (or upload on the web page)."):
        about.append([line])
    print_layout(about, None, widths={"A": 120})
    save_workbook(wb, path)
    return {"file": str(path), "region": reg["code"], "period": info["period"], "indicators": len(rows)}
