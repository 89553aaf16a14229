"""The cell values of an XLSX worksheet, row by row, as openpyxl's read-only mode gives them
(``values_only=True``, ``data_only=True``) but several times faster on large sheets.

openpyxl's read-only worksheet parses a sheet without a ``<dimension>`` twice (once to size it)
and builds a dictionary per cell.  Here the workbook parts that decide what a value means (shared
strings, cell styles with date formats, the date epoch, the sheet list) are still read by openpyxl,
and only the sheet's rows are streamed with ElementTree (defusedxml's parser, which refuses a DTD and
so entity expansion), one row element at a time.  A value is the
one openpyxl would return: int or float for numbers, datetime for numbers in a date style, bool,
str; a number in a percent style is a ``Percent`` (a float), which openpyxl does not say.  Anything
this reader does not expect raises ``Unsupported`` so that the caller can fall back to openpyxl
itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _V, _IS, _T, _R, _F = (NS + t for t in ("row", "c", "v", "is", "t", "r", "f"))
_DIMENSION, _DATA, _MERGE = NS + "dimension", NS + "sheetData", NS + "mergeCell"


class Unsupported(Exception):
    """The file needs openpyxl's own reader."""


# What the XML parsers (this reader's and openpyxl's, both defusedxml's when it is installed) raise
# for a part that declares a DTD or entities: a billion-laughs expansion or an external entity.
Forbidden = DefusedXmlException


class Percent(float):
    """A number in a cell formatted as a percent: "5.2%" typed into Excel, WPS or LibreOffice is
    stored as 0.052 with a format such as ``0.0%``."""


# what is not a format's own percent sign: text in quotes, an escaped character, [colour] or [$-locale]
_LITERAL = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def is_percent_format(fmt: str | None) -> bool:
    """Whether a number format scales its number by 100 (``0%``, ``0.0%``, ``#,##0.00%``); a percent
    sign in quotes or escaped (``0.0"%"``, ``0.0\\%``) is text shown beside an unscaled number."""
    if not fmt:
        return False
    return "%" in _LITERAL.sub("", fmt.split(";")[0])


@dataclass
class Book:
    sheets: list[tuple[str, str]]            # (title, part path) of worksheets, in order
    archive: object
    shared: list = field(default_factory=list)
    epoch: object = None
    date_styles: frozenset = frozenset()
    timedelta_styles: frozenset = frozenset()
    percent_styles: frozenset = frozenset()

    def close(self) -> None:
        self.archive.close()


def open_book(data: bytes) -> Book:
    """Workbook parts read by openpyxl (no worksheet is parsed)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = []
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                continue
            sheets.append((sheet.name, rel.target))
    except Exception:
        reader.archive.close()
        raise
    wb = reader.wb
    return Book(sheets=sheets, archive=reader.archive, shared=reader.shared_strings, epoch=wb.epoch,
                date_styles=frozenset(wb._date_formats), timedelta_styles=frozenset(wb._timedelta_formats),
                percent_styles=_percent_styles(wb))


def _percent_styles(wb) -> frozenset:
    """The cell style indexes whose number format is a percent (after openpyxl's stylesheet
    reading, a style's numFmtId is a built-in id or 164 + the index of a custom format)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    custom = list(wb._number_formats)
    out = set()
    for idx, style in enumerate(wb._cell_styles):
        n = style.numFmtId
        fmt = BUILTIN_FORMATS.get(n) if n < BUILTIN_FORMATS_MAX_SIZE else (
            custom[n - BUILTIN_FORMATS_MAX_SIZE] if n - BUILTIN_FORMATS_MAX_SIZE < len(custom) else None)
        if is_percent_format(fmt):
            out.add(idx)
    return frozenset(out)


@dataclass
class Extras:
    """What the sheet holds besides values, noted while its rows are read: the merged ranges
    ("A2:A3") and whether any cell has a formula."""

    merges: list[str] = field(default_factory=list)
    formulas: bool = False


def open_sheet(book: Book, path: str) -> IO[bytes]:
    """The sheet's XML as a stream: it is parsed as it is unpacked, never held whole."""
    return book.archive.open(path.lstrip("/"))


def iter_rows(book: Book, source: IO[bytes], extras: Extras | None = None) -> Iterator[tuple[int, tuple]]:
    """(row number, values from column A) for every row element of the sheet, in order; the merged
    ranges and formulas go to ``extras``, complete once the rows are exhausted.

    Rows openpyxl would pad in between are not produced (they are blank); like openpyxl, rows and
    columns beyond a ``<dimension>`` are left out.
    """
    extras = extras if extras is not None else Extras()
    max_row = max_col = None
    row_no = last = 0
    done = False  # past the rows: only merged ranges are looked at
    data = None  # <sheetData>: each row read is taken out of it, so the tree never grows
    # a worksheet has no DTD: refusing any keeps entity expansion and external entities out
    for event, el in iterparse(source, events=("start", "end"), forbid_dtd=True):
        tag = el.tag
        if event == "start":
            if tag == _DATA:
                data = el
            continue
        if tag != _ROW:
            if tag == _MERGE:
                extras.merges.append(el.get("ref") or "")
            elif done:
                continue
            elif tag == _DIMENSION:
                max_row, max_col = _bounds(el.get("ref"))
            elif tag == _DATA:
                done = True
            elif tag != _CELL and not tag.startswith(NS):
                raise Unsupported(f"element {tag}")
            continue
        if done:
            _drop(data, el)
            continue
        r = el.get("r")
        row_no = _int(r) if r is not None else row_no + 1
        if max_row is not None and row_no > max_row:
            done = True
            _drop(data, el)
            continue
        if row_no <= last:  # openpyxl drops rows that go backwards
            _drop(data, el)
            continue
        last = row_no
        values: dict[int, object] = {}
        col = 0
        for c in el:
            if c.tag != _CELL:
                continue
            ref = c.get("r")
            col = _column(ref) if ref else col + 1
            values[col] = _value(book, c)
            if not extras.formulas and c.find(_F) is not None:
                extras.formulas = True
        _drop(data, el)
        width = max_col or (max(values) if values else 0)
        yield row_no, tuple(values.get(i) for i in range(1, width + 1))


def _drop(data, row) -> None:
    """Forget a row read: emptied, and out of <sheetData> (a row outside it is only emptied)."""
    row.clear()
    if data is not None and len(data) and data[0] is row:
        del data[0]


def _value(book: Book, c):
    kind = c.get("t", "n")
    if kind == "inlineStr":
        node = c.find(_IS)
        if node is None:
            return None
        text = node.findtext(_T)
        parts = [text] if text is not None else []
        parts += [t for t in (r.findtext(_T) for r in node.iter(_R)) if t is not None]
        return "".join(parts)
    value = c.findtext(_V) or None
    if value is None:
        return None
    if kind == "n":
        number = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
        style = c.get("s")
        if style and int(style) in book.date_styles:
            from openpyxl.utils.datetime import from_excel
            try:
                return from_excel(number, book.epoch, timedelta=int(style) in book.timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"
        if style and int(style) in book.percent_styles:
            return Percent(number)
        return number
    if kind == "s":
        return book.shared[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind in ("str", "e"):
        return value
    if kind == "d":
        from openpyxl.utils.datetime import from_ISO8601
        return from_ISO8601(value)
    raise Unsupported(f"cell type {kind}")


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        val = float(text)
        if not val.is_integer():
            raise
        return int(val)


def _column(ref: str) -> int:
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        elif ch.isdigit():
            break
        else:
            raise Unsupported(f"cell reference {ref}")
    return n


def _bounds(ref: str | None) -> tuple[int | None, int | None]:
    """Last row and column of a dimension like "A1:D100" (None when not given)."""
    from openpyxl.utils.cell import range_boundaries

    if not ref:
        return None, None
    try:
        _, _, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        raise Unsupported(f"dimension {ref}")
    return max_row, max_col
