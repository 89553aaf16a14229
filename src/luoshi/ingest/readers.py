"""Reading an import file (CSV, XLSX or JSON) into one table of text cells with the row number a
person sees, so that every format is validated by the same set-based checks.

The table has ``row_no`` (header = row 1 in CSV/XLSX; item number in JSON), ``sheet`` and one text
column per known field.  Problems with the file itself go to the report; an unreadable file gives
None, never an exception.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from luoshi.domain.problems import Report
from luoshi.ingest.columns import REQUIRED, column_index, fields_for
from luoshi.ingest.limits import Limits
from luoshi.ingest.tables import NOT_TEXT, decode
from luoshi.store.csv_files import RESTORE_PATTERN

FORMATS = ("csv", "xlsx", "json")
MAX_ROWS = 5_000_000


def detect_format(path: str | Path, data: bytes | None = None) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix == "json":
        return "json"
    if data is not None and data[:2] == b"PK":
        return "xlsx"
    return "csv"


def build_table(kind: str, header: list, rows: list[tuple[int, str | None, list]], report: Report) -> pa.Table | None:
    """Map a header and rows of cells to the standard text table; reports missing columns."""
    known = fields_for(kind)
    index = column_index(header, kind, REQUIRED[kind], report, row=1)
    if index is None or not report.ok:
        return None
    cols: dict[str, list] = {"row_no": [], "sheet": []}
    for name in known:
        cols[name] = []
    for n, sheet, cells in rows:
        cols["row_no"].append(n)
        cols["sheet"].append(sheet)
        for name in known:
            i = index.get(name)
            v = cells[i] if i is not None and i < len(cells) else None
            cols[name].append(None if v is None else str(v))
    return pa.table({k: pa.array(v, pa.int32() if k == "row_no" else pa.string()) for k, v in cols.items()})


def read_csv_table(data: bytes, kind: str, report: Report) -> pa.Table | None:
    decoded = decode(data)
    if decoded is None:
        report.add("bad-format", format="CSV", **NOT_TEXT)
        return None
    text, enc = decoded
    if enc == "utf-8-sig":
        raw = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    else:
        raw = text.encode("utf-8")
    found = _first_line(text)
    if found is None:
        report.add("empty-file")
        return None
    header_line, first = found
    try:
        header = [h.strip() for h in next(csv.reader([first.lstrip("\ufeff")]))]
    except (csv.Error, StopIteration) as exc:
        report.add("bad-format", format="CSV", detail=str(exc))
        return None
    names = [f"c{i}" for i in range(len(header))]
    skipped: list[int] = []

    def invalid(row):
        if row.number is not None:
            skipped.append(row.number)
        if (row.text or "").strip(" ,\t\r\n"):
            report.add("ragged-row", row=row.number, got=row.actual_columns, expected=row.expected_columns)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=header_line, use_threads=False,
                                           block_size=1 << 24),
            parse_options=pacsv.ParseOptions(invalid_row_handler=invalid, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeError, csv.Error) as exc:
        report.add("bad-format", format="CSV", detail=str(exc).splitlines()[0][:200] if str(exc) else repr(exc))
        return None
    known = fields_for(kind)
    index = column_index(header, kind, REQUIRED[kind], report, row=header_line)
    if index is None:
        return None
    # numbers as a person counts lines: records follow the header, skipping the lines pyarrow skipped
    n_rows = table.num_rows
    numbers = pa.array(range(header_line + 1, header_line + 1 + n_rows + len(skipped)), pa.int32())
    if skipped:
        numbers = numbers.filter(pc.invert(pc.is_in(numbers, pa.array(skipped, pa.int32())))).slice(0, n_rows)
    cols = {"row_no": numbers, "sheet": pa.nulls(n_rows, pa.string())}
    for name in known:
        cols[name] = _restored(table.column(index[name])) if name in index else pa.nulls(n_rows, pa.string())
    return _drop_blank(pa.table(cols), known, report)


def _restored(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The column with each cell that luoshi's CSV export neutralised ('=1+1) read as the text it
    stored (=1+1: store/csv_files.py); the check first, as few columns hold a quote at all."""
    if pc.any(pc.starts_with(column, "'")).as_py():
        return pc.replace_substring_regex(column, RESTORE_PATTERN, r"\1")
    return column


def _first_line(text: str) -> tuple[int, str] | None:
    """The first line that is not blank, with its number (lines as str.splitlines counts them)."""
    size = 1 << 16
    while True:
        lines = text[:size].splitlines()
        whole = size >= len(text)
        for n, line in enumerate(lines if whole else lines[:-1], start=1):  # the last may be cut
            if line.strip():
                return n, line
        if whole:
            return None
        size *= 16


def _drop_blank(table: pa.Table, known, report: Report) -> pa.Table | None:
    """Remove rows with every cell empty (they keep their numbers for the rows after them)."""
    mask = None
    for name in known:
        if table.column(name).null_count == table.num_rows:
            continue
        col = pc.fill_null(pc.utf8_trim_whitespace(table.column(name)), "")
        m = pc.not_equal(col, "")
        mask = m if mask is None else pc.or_(mask, m)
    if mask is None:
        table = table.slice(0, 0)
    elif pc.all(mask).as_py() is not True:
        table = table.filter(mask)
    report.rows_read = table.num_rows
    if table.num_rows == 0:
        if not any(p.row is not None for p in report.errors):  # e.g. only ragged rows: already said
            report.add("empty-file")
        return None
    if table.num_rows > MAX_ROWS:
        report.add("too-many-rows", limit=MAX_ROWS)
        return None
    return table


def read_json_table(data: bytes, kind: str, report: Report) -> pa.Table | None:
    decoded = decode(data)
    if decoded is None:
        report.add("bad-format", format="JSON", detail="not UTF-8 text", detail_zh="不是 UTF-8 文本")
        return None
    try:
        doc = json.loads(decoded[0])
    except (ValueError, RecursionError) as exc:
        report.add("bad-format", format="JSON", detail=str(exc)[:200])
        return None
    items = doc.get(kind, doc.get("rows")) if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        report.add("bad-format", format="JSON", detail=f"expected a list of objects or {{\"{kind}\": [...]}}",
                   detail_zh=f"应为对象列表或 {{\"{kind}\": [...]}}")
        return None
    known = fields_for(kind)
    rows = []
    indexes: dict[tuple, dict | None] = {}
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            report.add("bad-format", row=n, format="JSON", detail="each item must be an object",
                       detail_zh="每一项都应是对象")
            continue
        keys = tuple(item)
        if keys not in indexes:  # objects with the same keys share their reading of them
            indexes[keys] = column_index(list(keys), kind, (), report, row=n)
        index = indexes[keys]
        if index is None:  # a header problem is the file's: nothing is read
            return None
        values = list(item.values())
        rows.append((n, None, [_text(values[index[name]]) if name in index else None for name in known]))
    if not rows:
        if report.ok:
            report.add("empty-file")
        return None
    table = build_table(kind, list(known), rows, report)
    return None if table is None else _drop_blank(table, known, report)


def _text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def read_table(path: str | Path, kind: str, report: Report, fmt: str | None = None,
               limits: Limits | None = None) -> pa.Table | None:
    """Any supported file as the standard text table (None after reporting why not); ``limits``:
    the workspace's (default: the settings' defaults)."""
    limits = limits or Limits.default("import_max_mb")
    p = Path(path)
    if not p.is_file():
        report.add("file-not-found", path=str(path))
        return None
    try:
        if not limits.file_fits(p.stat().st_size, report):
            return None
        data = p.read_bytes()
    except OSError as exc:
        report.add("unreadable-file", detail=str(exc))
        return None
    fmt = fmt or detect_format(p, data)
    if fmt == "xlsx":
        from luoshi.ingest.xlsx import read_xlsx_table
        table = read_xlsx_table(data, kind, report, limits)
        return None if table is None else _drop_blank(table, fields_for(kind), report)
    if fmt == "json":
        return read_json_table(data, kind, report)
    return read_csv_table(data, kind, report)
