"""Hostile ZIP files built on the fly (none is committed): XLSX and DOCX decompression bombs, a
workbook whose sheet unpacks to more than it declares, and one whose sheet XML declares entities
(billion laughs).

The ZIP is written by hand (local headers, central directory, end record: APPNOTE 4.3) so that a
part's declared size and checksum can differ from its content, and so that a sheet of gigabytes is
compressed a chunk at a time: the writer holds only the compressed bytes (about 1 KB per MB of
repeated rows).  Sizes stay under 4 GiB, so no ZIP64 record is needed.  bench/bombs.py measures
the same files at full size."""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}"><sheets>'
        '<sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}
SHEET = "xl/worksheets/sheet1.xml"
HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'.encode()
TAIL = b"</sheetData></worksheet>"
BLANK = b"<row><c/></row>"  # a row with one empty cell: read, kept, dropped at the end as blank


def row(*cells: str) -> bytes:
    inner = "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells)
    return f"<row>{inner}</row>".encode()


HEADER = row("indicator", "region", "period", "value")
VALID = row("tech_transform", "440103", "2024-03", "12")


def blank_rows(total: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    """About ``total`` bytes of blank rows and the white space between them, a chunk at a time (an
    eighth rows: repeated rows compress about 500 to 1, runs of spaces about 1000 to 1)."""
    rows = BLANK * (chunk // 8 // len(BLANK))
    block = rows + b" " * (chunk - len(rows))
    for _ in range(max(1, total // chunk)):
        yield block


def sheet(rows: Iterable[bytes], head: bytes = HEAD) -> Iterator[bytes]:
    yield head + HEADER
    yield from rows
    yield TAIL


def write_zip(path: Path, parts: dict[str, Iterable[bytes]], *, declare: dict[str, bytes] | None = None) -> Path:
    """A ZIP archive of ``parts`` (name: chunks), deflated but for ``.bin`` parts (stored);
    ``declare``: for a part, the content it declares (its size and checksum) when it is to lie."""
    declare = declare or {}
    out, central = bytearray(), bytearray()
    for name, chunks in parts.items():
        stored = name.endswith(".bin")
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        data, size, crc = bytearray(), 0, 0
        for c in chunks:
            size, crc = size + len(c), zlib.crc32(c, crc)
            data += c if stored else comp.compress(c)
        if not stored:
            data += comp.flush()
        if name in declare:
            size, crc = len(declare[name]), zlib.crc32(declare[name])
        fields = (20, 0, 0 if stored else 8, 0, 0x21, crc, len(data), size, len(name.encode()), 0)
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, len(out)) + name.encode()
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + name.encode() + data
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def write_xlsx(path: Path, body: Iterable[bytes], *, filler: int = 0, declare: bytes | None = None) -> Path:
    """A workbook whose one sheet is ``body`` (chunks of sheet XML); ``filler``: bytes of random data
    in a stored part (a padded bomb: a larger file, a lower ratio); ``declare``: the content the sheet
    declares, when it is to lie about the content it holds."""
    parts = {name: [text.encode()] for name, text in PARTS.items()} | {SHEET: body}
    if filler:
        parts["xl/media/filler.bin"] = [os.urandom(filler)]
    return write_zip(path, parts, declare={SHEET: declare} if declare is not None else None)


def bomb(path: Path, unpacked: int, filler: int = 0) -> Path:
    """A workbook with the observation header and about ``unpacked`` bytes of blank rows."""
    return write_xlsx(path, sheet(blank_rows(unpacked)), filler=filler)


def liar(path: Path, hidden: int) -> Path:
    """A valid one-row workbook whose sheet part hides ``hidden`` more bytes after the sheet: it
    declares the valid sheet's size and checksum, so a reader that trusts the declaration reads a
    good sheet, after inflating all of it."""
    valid = b"".join(sheet([VALID]))
    return write_xlsx(path, [valid, *blank_rows(hidden)], declare=valid)


LAUGHS = (b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [<!ENTITY a "ha">'
          + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(9))
          + f']><worksheet xmlns="{NS}"><sheetData>'.encode())


def laughs(path: Path) -> Path:
    """A workbook whose sheet declares the billion laughs (&j; is 10^9 "ha") and uses it in a cell."""
    return write_xlsx(path, sheet([row("tech_transform", "440103", "2024-03", "&j;")], head=LAUGHS))


def docx_bomb(path: Path, unpacked: int) -> Path:
    """A Word document whose main part is about ``unpacked`` bytes of white space in its body."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return write_zip(path, {"[Content_Types].xml": [PARTS["[Content_Types].xml"].encode()],
                            "word/document.xml": [f'<w:document xmlns:w="{w}"><w:body>'.encode(),
                                                  *(b" " * len(c) for c in blank_rows(unpacked)),
                                                  b"</w:body></w:document>"]})
