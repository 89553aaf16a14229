"""Task lists in XLSX: the office shape in, the same shape out, and a validation report for bad rows."""

import shutil
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from luoshi.domain.problems import InputError
from luoshi.services.taskdesk import TaskDesk
from luoshi.workspace import Workspace

HEADER = ["序号", "任务内容", "牵头单位", "配合单位", "完成时限", "节点安排", "所属部署"]


def sheet(path, rows, header=HEADER, title="任务清单", banner=True):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    if banner:  # offices put a title row above the header
        ws.append(["“1310”具体部署重点任务清单（测试）"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


GOOD = [
    [1, "推动超过9000家工业企业开展技术改造", "广东省工业和信息化厅", "省科技厅、省财政厅", "2024-12-31",
     "2024-03-31 制定方案 20%\n2024-06-30 完成过半 30%", "B2"],
    [2, "推进横琴粤澳深度合作区建设", "gd-hkmao", "珠海市人民政府", datetime(2024, 11, 30), "", "B1"],
    [3, "加强基层党组织建设", "中共广东省委组织部", "", "2024年12月31日", "2024年6月30日：中期评估（40%）", "B10"],
]


def test_import_resolves_units_dates_and_milestones(desk, tmp_path):
    out = desk.import_xlsx(sheet(tmp_path / "list.xlsx", GOOD))
    assert (out["imported"], out["problems"]) == (3, [])
    assert out["ids"] == ["T-B2-001", "T-B1-001", "T-B10-001"]
    t = desk.task("T-B2-001")
    assert (t["lead_unit"], t["co_units"], t["deadline"]) == ("gd-iit", ["gd-fin", "gd-st"], date(2024, 12, 31))
    assert [(m["due"], m["title"], m["share"]) for m in t["milestones"]] == [
        (date(2024, 3, 31), "制定方案", 20.0), (date(2024, 6, 30), "完成过半", 30.0)]
    assert t["supervisor_unit"] == "gd-gov-office" and t["start_date"] == date(2024, 1, 1)
    t3 = desk.task("T-B10-001")
    assert t3["milestones"][0]["title"] == "中期评估" and t3["milestones"][0]["share"] == 40.0
    assert desk.task("T-B1-001")["co_units"] == ["gov-440400"]


def test_round_trip(desk, base_file, tmp_path):
    desk.import_xlsx(sheet(tmp_path / "list.xlsx", GOOD))
    out = tmp_path / "export.xlsx"
    assert desk.export_xlsx(out) == 3
    shutil.copy(base_file, tmp_path / "other.duckdb")
    other = Workspace.open(tmp_path / "other.duckdb", today=date(2024, 6, 30))
    try:
        again = TaskDesk(other)
        assert again.import_xlsx(out)["imported"] == 3
        keys = ("id", "node_code", "title_zh", "content", "lead_unit", "co_units", "supervisor_unit", "start_date",
                "deadline", "region_code")
        a = [{k: t[k] for k in keys} | {"ms": [(m["due"], m["title"], m["share"]) for m in t["milestones"]]}
             for t in desk.tasks()]
        b = [{k: t[k] for k in keys} | {"ms": [(m["due"], m["title"], m["share"]) for m in t["milestones"]]}
             for t in again.tasks()]
        assert a == b
    finally:
        other.close()
    wb = load_workbook(out)
    assert wb.active["B1"].value == "所属部署"
    assert {c.value for c in wb.active["E"][1:]} == {"广东省工业和信息化厅", "广东省人民政府港澳事务办公室",
                                                    "中共广东省委组织部"}


def test_bad_rows_are_reported_and_nothing_is_imported(desk, tmp_path):
    rows = GOOD + [
        [4, "某任务", "不存在的厅", "省科技厅", "2024-12-31", "", "B2"],
        [5, "", "广东省教育厅", "", "2024-13-01", "下月完成", "B99"],
        [6, "某任务", "广东省教育厅", "", "2024-06-30", "2024-09-30 超出时限 50%", "B8"],
        [7, "某任务", "广东省教育厅", "某某局", "2024-12-31", "2024-03-31 a 60%\n2024-06-30 b 50%", "B8"],
    ]
    path = sheet(tmp_path / "bad.xlsx", rows)
    with pytest.raises(InputError) as exc:
        desk.import_xlsx(path)
    rep = exc.value.report
    assert rep.file == "bad.xlsx"
    assert rep.flatten(("sheet", "row", "field", "code")) == [
        ["任务清单", 6, "牵头单位", "unknown-unit"],
        ["任务清单", 7, "任务内容", "missing-value"],
        ["任务清单", 7, "所属部署", "unknown-node"],
        ["任务清单", 7, "完成时限", "bad-date"],
        ["任务清单", 7, "节点安排", "bad-milestones"],
        ["任务清单", 8, "节点安排", "milestone-outside-task"],
        ["任务清单", 9, "配合单位", "unknown-unit"],
        ["任务清单", 9, "节点安排", "shares-over-100"],
    ]
    assert all(p.message and p.message_zh for p in rep.problems)
    assert desk.tasks() == []


def test_partial_import_keeps_the_good_rows(desk, tmp_path):
    rows = GOOD + [[4, "某任务", "不存在的厅", "", "2024-12-31", "", "B2"]]
    out = desk.import_xlsx(sheet(tmp_path / "bad.xlsx", rows), partial=True)
    assert (out["imported"], out["skipped"]) == (3, 1)
    assert [p["code"] for p in out["problems"]] == ["unknown-unit"]


def test_dry_run_and_missing_columns(desk, tmp_path):
    out = desk.import_xlsx(sheet(tmp_path / "list.xlsx", GOOD), dry_run=True)
    assert out["imported"] == 0 and desk.tasks() == []
    with pytest.raises(InputError) as exc:
        desk.import_xlsx(sheet(tmp_path / "cols.xlsx", [["x", "广东省教育厅"]], header=["任务内容", "牵头单位"]))
    assert exc.value.report.flatten(("row", "field", "code")) == [[2, "完成时限", "missing-column"]]
    with pytest.raises(InputError) as exc:
        desk.import_xlsx(tmp_path / "nothing.xlsx")
    assert exc.value.report.problems[0].code == "file-not-found"
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError) as exc:
        desk.import_xlsx(tmp_path / "junk.xlsx")
    assert exc.value.report.problems[0].code == "bad-format"


def test_english_headers(desk, tmp_path):
    header = ["content", "lead unit", "co-units", "deadline", "milestones", "plan node"]
    rows = [["Digital transformation", "Department of Industry and Information Technology of Guangdong Province",
             "gd-st", "2024-12-31", "2024-06-30 half 50%", "B2"]]
    out = desk.import_xlsx(sheet(tmp_path / "en.xlsx", rows, header=header, banner=False))
    assert out["imported"] == 1
