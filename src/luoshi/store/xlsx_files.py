"""XLSX as luoshi writes it (the reporting template, task lists, the digest): every text cell is text,
and every sheet prints as offices print it.

openpyxl stores a string that starts with "=" as a formula, which Excel and WPS would run when the
file is opened (a task titled ``=HYPERLINK(...)``, a region named ``=cmd|...``).  luoshi writes no
formulas, so every such cell is marked text before the workbook is saved: its stored value is kept
exactly, with no quote added (unlike CSV, store/csv_files.py, where a cell has no type).

On paper (``print_layout``): A4 landscape, scaled to one page wide (as many pages down as it takes),
the header row repeated on every page and frozen on screen, page numbers in the footer, and columns
wide enough for their text (a Chinese character counts twice) within a limit, longer text wrapped."""

from __future__ import annotations

import unicodedata
from pathlib import Path


def save_workbook(wb, path: str | Path) -> None:
    """Save an openpyxl workbook with every cell that openpyxl took for a formula made a text cell."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    wb.save(str(path))


def text_width(value) -> int:
    """The width of a cell's longest line in Excel's units (a character of the default font; a wide
    character, Chinese for one, counts two)."""
    if value is None:
        return 0
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
               for line in str(value).split("\n"))


def print_layout(ws, header_row: int | None = 1, *, widths: dict[str, float] | None = None,
                 min_width: float = 6, max_width: float = 50, landscape: bool = True) -> None:
    """Set a worksheet up for printing: A4, landscape, one page wide, ``header_row`` repeated on every
    page (and frozen below on screen), page numbers in the footer.  A column is as wide as its widest
    cell (between ``min_width`` and ``max_width``; a cell wider than that wraps) unless ``widths``
    gives its width (by column letter)."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    widths = widths or {}
    for col in range(1, (ws.max_column or 0) + 1):
        letter = get_column_letter(col)
        # each cell measured once; a title on top of the header (a merged or single long cell) neither
        # widens its column nor wraps
        measured = [(c, text_width(c.value)) for (c,) in ws.iter_rows(min_col=col, max_col=col)
                    if c.value is not None and (header_row is None or c.row >= header_row)]
        width = widths.get(letter) or min(max_width, max([min_width, *(w + 2 for _, w in measured)]))
        ws.column_dimensions[letter].width = width
        for c, w in measured:
            if w + 2 > width:
                c.alignment = Alignment(wrap_text=True, vertical=c.alignment.vertical or "top",
                                        horizontal=c.alignment.horizontal)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "&P / &N"
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate
