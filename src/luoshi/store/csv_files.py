"""CSV as luoshi writes it, in every door (the web's downloads, the CLI's exports, DHIS2 and SDMX
CSV): UTF-8 with a byte-order mark and one line per row, and no cell that a spreadsheet would run.

Excel and WPS open a CSV without the mark in the system's code page (GBK on a Chinese Windows) and
show its Chinese garbled; with the mark they read UTF-8, and other readers (pandas, DuckDB, Python's
``utf-8-sig``, luoshi's own importers, DHIS2, which skips the header line) skip it.  SDMX-CSV alone
goes without: it is read by SDMX tools, not spreadsheets, and the reference reader (sdmx1) refuses a
first field that starts with the mark.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, WPS and LibreOffice (OWASP's "CSV injection": ``=HYPERLINK(...)`` or ``=cmd|...`` in a comment
or a name).  Every CSV gets such a cell with a single quote before it, so that it shows as text and
runs nothing.  Only text is touched, decided by the Python (or SQL) type of the cell, never by its
spelling: the number -3.5 stays -3.5, the text "-3.5" becomes "'-3.5".  Text that already starts
with quotes before such a character gets one more, so that ``restore`` (which the CSV readers of
observations, targets and DHIS2 values apply) gives back exactly the stored text: an export imported
again stores what was exported.  The rule is described for users in docs/exports.md."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

BOM = "\ufeff"
# RFC 4180's line break, as Excel writes it: Python's writer quotes a cell that holds any character
# of the line break, so with "\n" alone a carriage return in a comment would split its row
# (DuckDB's COPY ends lines with "\n" and quotes such a cell itself)
EOL = "\r\n"
# a formula character after any number of quotes: see the module's docstring
FORMULA = r"^'*[=+\-@\t\r]"
_FORMULA = re.compile(FORMULA)
# the same rules for whole columns, in DuckDB's and Arrow's regular expressions (RE2: same syntax)
NEUTRAL_SQL = "regexp_replace({col}, '(" + FORMULA.replace("'", "''") + ")', '''\\1')"
RESTORE_PATTERN = "^'(" + FORMULA[1:] + ")"


def neutral(cell):
    """The cell as it is safe to write: text that a spreadsheet would take for a formula with a quote
    before it; numbers, dates, None and any other text unchanged."""
    if isinstance(cell, str) and _FORMULA.match(cell):
        return "'" + cell
    return cell


def restore(text: str | None) -> str | None:
    """The stored text of a cell that ``neutral`` wrote: one leading quote fewer before a formula
    character; any other text unchanged."""
    if text and text[0] == "'" and _FORMULA.match(text):
        return text[1:]
    return text


def _neutral_rows(rows: Iterable[list]) -> Iterable[list]:
    return ([neutral(c) for c in row] for row in rows)


def csv_text(header: list[str], rows: Iterable[list]) -> str:
    """The CSV text of a header and rows of cells, mark first.  A number (int, float) is written as
    the number it is; text that a spreadsheet would run is neutralised."""
    buf = io.StringIO()
    buf.write(BOM)
    w = csv.writer(buf, lineterminator=EOL)
    w.writerow([neutral(h) for h in header])
    w.writerows(_neutral_rows(rows))
    return buf.getvalue()


def write_csv(path: str | Path, header: list[str], rows: Iterable[list], *, bom: bool = True) -> None:
    """Write a header and rows of cells as a CSV file (cells as in ``csv_text``), mark first (unless
    ``bom`` is false)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        if bom:
            f.write(BOM)
        w = csv.writer(f, lineterminator=EOL)
        w.writerow([neutral(h) for h in header])
        w.writerows(_neutral_rows(rows))


def copy_csv(cursor, query: str, path: str | Path) -> None:
    """Write the result of a query as a CSV file with a header, mark first: DuckDB's COPY writes
    the rows (fast, streaming) into a part file that follows the mark.  Its text columns (by their
    SQL type) are neutralised as ``neutral`` does; the projection keeps the query's order."""
    texts = [name for name, kind, *_ in cursor.execute(f"DESCRIBE {query}").fetchall() if kind == "VARCHAR"]
    if texts:
        swap = ", ".join(f"{NEUTRAL_SQL.format(col=_quoted(n))} AS {_quoted(n)}" for n in texts)
        query = f"SELECT * REPLACE ({swap}) FROM ({query})"
    p = Path(path)
    part = p.with_name(p.name + ".part")
    try:
        target = str(part).replace("'", "''")
        cursor.execute(f"COPY ({query}) TO '{target}' (FORMAT CSV, HEADER)")
        with open(p, "wb") as out, open(part, "rb") as rows:
            out.write(BOM.encode("utf-8"))
            shutil.copyfileobj(rows, out, 1 << 20)
    finally:
        part.unlink(missing_ok=True)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
