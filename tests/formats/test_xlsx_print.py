"""The XLSX files luoshi writes print as offices print them: A4 landscape, one page wide, the header row
repeated on every page (and frozen), page numbers, columns as wide as their text.  Read back with
openpyxl; the widths expected are counted by hand (a Chinese character counts two, plus a margin of two).

The reporting template used to print on four pages, its values on other pages than their indicators."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook, load_workbook

from luoshi.services import digest
from luoshi.services.taskdesk import TaskDesk
from luoshi.store.xlsx_files import print_layout, save_workbook, text_width
from tests.tasks.conftest import task


def assert_prints_one_page_wide(sheet, header_row: int | None) -> None:
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # 9: A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)  # one page wide, as many down as it takes
    assert sheet.oddFooter.center.text == "&P / &N"
    if header_row is None:
        assert sheet.print_title_rows is None
    else:
        assert sheet.print_title_rows == f"${header_row}:${header_row}"
        assert sheet.freeze_panes == f"A{header_row + 1}"


def test_text_width_counts_a_chinese_character_twice():
    assert text_width("广州 ab") == 7
    assert text_width("一行\nlonger line") == 11
    assert text_width(None) == 0 and text_width(12.5) == 4


def test_the_template_prints_one_page_wide_with_its_header_on_every_page(bundled_ws, tmp_path):
    path = tmp_path / "template.xlsx"
    bundled_ws.reporting.template("440103", "2025-03", path, actor=bundled_ws.reporting.actor())
    wb = load_workbook(path)
    data = wb["data"]
    assert_prints_one_page_wide(data, 1)
    # the template's own widths, column by column (indicator, name, region, period, unit, previous, value, comment)
    assert [data.column_dimensions[c].width for c in "ABCDEFGH"] == [18, 34, 14, 11, 10, 16, 16, 40]
    assert data.protection.sheet is True  # still locked but for the value, unit and comment
    about = wb["说明 about"]
    assert_prints_one_page_wide(about, None)
    assert about.column_dimensions["A"].width == 120


def test_the_task_list_prints_one_page_wide(bundled_ws, tmp_path):
    desk = TaskDesk(bundled_ws)
    desk.add_tasks([task("T-1"), task("T-2", deadline=date(2025, 6, 30))])
    path = tmp_path / "tasks.xlsx"
    assert desk.export_xlsx(path) == 2
    sheet = load_workbook(path).active
    assert_prints_one_page_wide(sheet, 1)
    assert [sheet.column_dimensions[c].width for c in "ABCD"] == [12, 8, 30, 50]  # the list's own widths
    # the status columns are as wide as their header: 完成进度(%) is 4 characters wide twice and 3 narrow
    assert sheet["O1"].value == "完成进度(%)" and sheet.column_dimensions["O"].width == 4 * 2 + 3 + 2


def test_the_digest_repeats_its_header_row_below_the_title(tmp_path):
    row = {"id": "T-B1-001", "title": "推进横琴粤澳深度合作区建设", "lead_zh": "省发展改革委", "deadline": date(2025, 6, 30),
           "progress": 40.0, "expected": 50.0, "light": "yellow"}
    d = {"since": "2025-06-01", "at": "2025-06-15", "unit": None, "synthetic": True,
         "overdue": [row], "due_soon": [], "newly_done": [], "newly_behind": []}
    path = tmp_path / "digest.xlsx"
    digest.to_xlsx(d, path)
    wb = load_workbook(path)
    assert len(wb.worksheets) == 4
    for sheet in wb.worksheets:
        assert_prints_one_page_wide(sheet, 3)  # title, synthetic note, header
    overdue = wb.worksheets[0]
    assert [c.value for c in overdue[3]][:2] == ["编号 Task", "任务 Title"]
    # 任务 Title is 2*2 + 6 = 10 wide, the title 13 characters 26: the widest, plus 2; the title row does not count
    assert overdue.column_dimensions["B"].width == 28
    assert overdue.column_dimensions["A"].width == 9 + 2  # "编号 Task" (9) is wider than T-B1-001 (8)
    assert overdue.column_dimensions["G"].width == 10 + 2  # "灯号 Light" (10) is wider than yellow (6)


def test_a_cell_wider_than_the_limit_wraps(tmp_path):
    wb = Workbook()
    sheet = wb.active
    sheet.append(["名称", "说明"])
    sheet.append(["短", "很长的说明" * 20])  # 200 wide
    print_layout(sheet, 1, max_width=50)
    path = tmp_path / "w.xlsx"
    save_workbook(wb, path)
    back = load_workbook(path).active
    assert back.column_dimensions["A"].width == 6 and back.column_dimensions["B"].width == 50
    assert back["B2"].alignment.wrap_text is True and not back["A2"].alignment.wrap_text
