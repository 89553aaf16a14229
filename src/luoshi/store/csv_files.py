"""CSV as luoshi writes it, in every door (the web's downloads, the CLI's exports, DHIS2 and SDMX
CSV): UTF-8 with a byte-order mark and one line per row.

Excel and WPS open a CSV without the mark in the system's code page (GBK on a Chinese Windows) and
show its Chinese garbled; with the mark they read UTF-8, and other readers (pandas, DuckDB, Python's
``utf-8-sig``, luoshi's own importers, DHIS2, which skips the header line) skip it.  SDMX-CSV alone
goes without: it is read by SDMX tools, not spreadsheets, and the reference reader (sdmx1) refuses a
first field that starts with the mark."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterable
from pathlib import Path

BOM = "\ufeff"


def csv_text(header: list[str], rows: Iterable[list]) -> str:
    """The CSV text of a header and rows of cells (already text, or numbers), mark first."""
    buf = io.StringIO()
    buf.write(BOM)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def write_csv(path: str | Path, header: list[str], rows: Iterable[list], *, bom: bool = True) -> None:
    """Write a header and rows of cells as a CSV file, mark first (unless ``bom`` is false)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        if bom:
            f.write(BOM)
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def copy_csv(cursor, query: str, path: str | Path) -> None:
    """Write the result of a query as a CSV file with a header, mark first: DuckDB's COPY writes
    the rows (fast, streaming) into a part file that follows the mark."""
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
