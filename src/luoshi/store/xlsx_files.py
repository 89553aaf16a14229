"""XLSX as luoshi writes it (the reporting template, task lists, the digest): every text cell is text.

openpyxl stores a string that starts with "=" as a formula, which Excel and WPS would run when the
file is opened (a task titled ``=HYPERLINK(...)``, a region named ``=cmd|...``).  luoshi writes no
formulas, so every such cell is marked text before the workbook is saved: its stored value is kept
exactly, with no quote added (unlike CSV, store/csv_files.py, where a cell has no type)."""

from __future__ import annotations

from pathlib import Path


def save_workbook(wb, path: str | Path) -> None:
    """Save an openpyxl workbook with every cell that openpyxl took for a formula made a text cell."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    wb.save(str(path))
