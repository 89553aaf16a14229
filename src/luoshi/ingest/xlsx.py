"""Reading an XLSX sheet into the standard text table.

Merged cells in the data area and formula cells are reported explicitly: a formula with a saved
result is read as that result with a warning (the reporter sees what was taken); one without a
saved result is an error.  A number in a percent format is read as the percent it shows ("5.2%"
for 0.052 in ``0.0%``), as the same workbook saved as CSV gives it, so that the value check treats
the sign as it treats a typed one.  The fast path reads values only (xlsx_rows.py, openpyxl itself
for files it does not expect) and streams the sheet as it unpacks, noting merged ranges and formula
cells on the way (``xlsx_rows.Extras``), so that formulas are looked at only in files that have them.
Every workbook passes ingest/archive.py's ZIP checks first.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pyarrow as pa

from luoshi.domain.problems import Report
from luoshi.ingest import xlsx_rows
from luoshi.ingest.archive import check_zip
from luoshi.ingest.limits import Limits
from luoshi.ingest.columns import REQUIRED, column_index, fields_for

DATA_SHEETS = ("data", "数据", "observations", "targets", "填报")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
_RANGE = re.compile(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?")


def _cell_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, xlsx_rows.Percent):
        return percent_text(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def percent_text(v: float) -> str:
    """The percent a cell holds, at the precision it was stored with (0.052 -> "5.2%", 0.07 ->
    "7%"; a ``0%`` format showing 5% of 0.052 still gives 5.2%: the format rounds the display, not
    the value).  Scaled in decimal, so that 0.07 is not 7.000000000000001."""
    if v != v or v in (float("inf"), float("-inf")):
        return repr(float(v))
    scaled = Decimal(repr(float(v))).scaleb(2).normalize()
    return f"{scaled:f}%"


def _pick_sheet(titles: list[str]) -> int | None:
    for k, title in enumerate(titles):
        if title.strip().lower() in DATA_SHEETS:
            return k
    return 0 if titles else None


def read_xlsx_table(data: bytes, kind: str, report: Report, limits: Limits | None = None) -> pa.Table | None:
    """The sheet as the standard text table, once the archive passed ``check_zip`` (None after
    reporting why not)."""
    if not check_zip(data, limits or Limits.default("import_max_mb"), report, "XLSX"):
        return None
    mark = len(report.problems)
    try:
        return _read_fast(data, kind, report)
    except xlsx_rows.Forbidden as exc:
        del report.problems[mark:]
        _forbidden(report, exc)
        return None
    except Exception:  # anything unexpected: openpyxl's own reader decides, and reports
        del report.problems[mark:]
        return _read_openpyxl(data, kind, report)


def _forbidden(report: Report, exc: BaseException) -> bool:
    """Whether ``exc`` is defusedxml's refusal of a DTD or entities (perhaps wrapped in openpyxl's own
    error); if so, it is reported."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, xlsx_rows.Forbidden):
        cause = cause.__cause__ or cause.__context__
    if cause is None:
        return False
    report.add("bad-format", format="XLSX", detail=f"its XML declares a DTD or entities ({type(cause).__name__})",
               detail_zh="其 XML 含有 DTD 或实体声明")
    return True


def _read_fast(data: bytes, kind: str, report: Report) -> pa.Table | None:
    book = xlsx_rows.open_book(data)
    try:
        k = _pick_sheet([title for title, _ in book.sheets])
        if k is None:
            report.add("empty-file")
            return None
        sheet, path = book.sheets[k]
        extras = xlsx_rows.Extras()
        with xlsx_rows.open_sheet(book, path) as source:
            got = _collect(xlsx_rows.iter_rows(book, source, extras), kind, sheet, report)
    finally:
        book.close()
    return None if got is None else _finish(data, extras, sheet, *got, report)


def _read_openpyxl(data: bytes, kind: str, report: Report) -> pa.Table | None:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files; any of them is a report
        if not _forbidden(report, exc):
            report.add("bad-format", format="XLSX", detail=f"{type(exc).__name__}: {str(exc)[:160]}")
        return None
    try:
        k = _pick_sheet([ws.title for ws in wb.worksheets])
        if k is None:
            report.add("empty-file")
            return None
        ws = wb.worksheets[k]
        sheet = ws.title
        extras = _extras(data, getattr(ws, "_worksheet_path", None))
        got = _collect(enumerate(_values(ws), start=1), kind, sheet, report)
    except Exception as exc:  # a corrupt sheet part: report, do not crash
        if not _forbidden(report, exc):
            report.add("bad-format", format="XLSX", detail=f"{type(exc).__name__}: {str(exc)[:160]}")
        return None
    finally:
        wb.close()
    return None if got is None else _finish(data, extras, sheet, *got, report)


def _values(ws):
    """openpyxl's rows of values, with a number in a percent format as a ``Percent``."""
    for cells in ws.iter_rows():
        yield tuple(xlsx_rows.Percent(c.value) if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)
                    and xlsx_rows.is_percent_format(getattr(c, "number_format", None)) else getattr(c, "value", None)
                    for c in cells)


def _collect(rows, kind: str, sheet: str, report: Report):
    """Header and text columns from (row number, values) pairs; None after reporting why not."""
    header, header_row = None, 0
    for n, cells in rows:
        if cells and any(c is not None and str(c).strip() for c in cells):
            header, header_row = list(cells), n
            break
    if header is None:
        report.add("empty-file", sheet=sheet)
        return None
    known = fields_for(kind)
    index = column_index(header, kind, REQUIRED[kind], report, row=header_row, sheet=sheet)
    if not report.ok:
        return None
    want = [(cols_k, index.get(name)) for cols_k, name in enumerate(known)]
    cols: list[list] = [[] for _ in known]
    numbers = []
    for n, cells in rows:
        width = len(cells)
        picked = [cells[i] if i is not None and i < width else None for _, i in want]
        if all(v is None for v in picked):  # a row with nothing in the known columns is blank: not kept
            continue
        numbers.append(n)
        for k, v in enumerate(picked):
            cols[k].append(None if v is None else _cell_text(v))
    return header_row, index, numbers, dict(zip(known, cols))


def _finish(data: bytes, extras: xlsx_rows.Extras | None, sheet: str, header_row: int, index: dict, numbers: list,
            cols: dict[str, list], report: Report) -> pa.Table:
    col_of = {i: name for name, i in index.items()}
    if extras is not None:
        _check_merged(extras.merges, header_row, col_of, sheet, report)
        if extras.formulas:
            _check_formulas(data, sheet, header_row, col_of, numbers, cols, report)
    table = {"row_no": pa.array(numbers, pa.int32()), "sheet": pa.array([sheet] * len(numbers), pa.string())}
    table |= {name: pa.array(v, pa.string()) for name, v in cols.items()}
    return pa.table(table)


def _extras(data: bytes, path: str | None) -> xlsx_rows.Extras | None:
    """Merged ranges and formulas of a sheet openpyxl read (its XML, within the checked limits)."""
    if not path:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read(path.lstrip("/"))
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    return xlsx_rows.Extras([m.group(1).decode() for m in _MERGE.finditer(xml)], b"<f>" in xml or b"<f " in xml)


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _check_merged(merges: list[str], header_row: int, col_of: dict, sheet: str, report: Report) -> None:
    for ref in merges:
        parts = _RANGE.fullmatch(ref)
        if not parts:
            continue
        c1, r1, c2, r2 = parts.group(1), int(parts.group(2)), parts.group(3) or parts.group(1), int(parts.group(4) or parts.group(2))
        if r2 <= header_row:
            continue  # merged title or header cells are fine
        fields = [col_of[i] for i in range(_col_index(c1), _col_index(c2) + 1) if i in col_of]
        if not fields:
            continue
        for r in range(max(r1, header_row + 1), r2 + 1):
            report.add("merged-cells", sheet=sheet, row=r, field=fields[0], range=ref)


def _check_formulas(data: bytes, sheet: str, header_row: int, col_of: dict, numbers: list[int],
                    cols: dict[str, list], report: Report) -> None:
    """Second pass, only for files with formulas: report each formula cell in a known column."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        pos = {n: k for k, n in enumerate(numbers)}
        for n, cells in enumerate(wb[sheet].iter_rows(values_only=True), start=1):
            if n <= header_row or not cells:
                continue
            for i, name in col_of.items():
                v = cells[i] if i < len(cells) else None
                if not (isinstance(v, str) and v.startswith("=")):
                    continue
                cell = f"{_letters(i)}{n}"
                k = pos.get(n)
                cached = cols[name][k] if k is not None else None
                if cached is None:
                    report.add("formula-cell", sheet=sheet, row=n, field=name, cell=cell, formula=v)
                else:
                    report.add("formula-value", sheet=sheet, row=n, field=name, cell=cell, value=cached)
    finally:
        wb.close()


def _letters(i: int) -> str:
    s, i = "", i + 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
