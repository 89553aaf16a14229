"""Reading policy documents (.txt, .md, .html, .pdf text layer, .docx) into text, or a report of why not.

Bad input never raises: ``read_document`` returns ``(text, report)`` and a report with errors
means nothing should be stored.  Error codes are stable: binary-file, empty-document,
undecodable-text, no-text-layer, too-large, unsupported-format, file-not-found, unreadable-file,
content-mismatch (a .pdf that is not a PDF, a .txt that is a program: the content decides, not the
name), and for a DOCX the ZIP checks of ingest/archive.py.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from luoshi.domain.problems import Report
from luoshi.ingest.archive import check_zip
from luoshi.ingest.limits import Limits
from luoshi.ingest.sniff import TEXT, matches

FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
           ".pdf": "pdf", ".docx": "docx"}
# what each format's content may be (sniff.py): text formats refuse what is surely not text, and
# leave binary data of no known kind to the decoder, which says why it is not text
CONTENT = {"txt": TEXT | {"binary"}, "md": TEXT | {"binary"}, "html": TEXT | {"binary"},
           "pdf": frozenset({"pdf"}), "docx": frozenset({"docx"})}


def read_document(path: str | Path, *, limits: Limits | None = None,
                  max_bytes: int | None = None) -> tuple[str | None, str | None, Report]:
    """(text, format, report) for the file; text is None when the report holds errors.  ``limits``:
    the workspace's (default: the settings' defaults); ``max_bytes`` overrides the file size limit."""
    limits = limits or Limits.default("document_max_mb")
    if max_bytes is not None:
        limits = replace(limits, file=max_bytes)
    p = Path(path)
    report = Report(file=str(p))
    fmt = FORMATS.get(p.suffix.lower())
    if not p.exists():
        report.add("file-not-found", path=str(p))
        return None, fmt, report
    if fmt is None:
        report.add("unsupported-format", suffix=p.suffix or p.name)
        return None, None, report
    try:
        if not limits.file_fits(p.stat().st_size, report):
            return None, fmt, report
        data = p.read_bytes()
    except OSError as exc:
        report.add("unreadable-file", detail=str(exc))
        return None, fmt, report
    if not matches(p.name, data, CONTENT[fmt], report):
        return None, fmt, report
    if fmt == "docx" and not check_zip(data, limits, report, "DOCX"):
        return None, fmt, report
    text = _READERS[fmt](data, report)
    if text is not None and not text.strip():
        report.add("empty-document")
        text = None
    return (text if report.ok else None), fmt, report


def _decode(data: bytes, report: Report) -> str | None:
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    if b"\x00" in data[:8192]:
        report.add("binary-file", detail="NUL bytes found", detail_zh="含有空字节（NUL）")
        return None
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        control = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\n\r\t\f")
        if control > 0.01 * max(1, len(text[:8192])):
            report.add("binary-file", detail="control characters found", detail_zh="含有控制字符")
            return None
        return text
    report.add("undecodable-text", detail="invalid byte sequences", detail_zh="含有无效字节序列")
    return None


def _read_text(data: bytes, report: Report) -> str | None:
    return _decode(data, report)


class _TextOnly(HTMLParser):
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.out.append(data)


def _read_html(data: bytes, report: Report) -> str | None:
    raw = _decode(data, report)
    if raw is None:
        return None
    parser = _TextOnly()
    parser.feed(raw)
    text = html.unescape("".join(parser.out))
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text).strip()


def _read_pdf(data: bytes, report: Report) -> str | None:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many types for damaged files
        report.add("bad-format", format="PDF", detail=str(exc)[:200])
        return None
    text = "\n\n".join(pages)
    if not text.strip():
        report.add("no-text-layer")
        return None
    return text


def _read_docx(data: bytes, report: Report) -> str | None:
    try:
        import docx

        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # not a zip, not a Word document
        report.add("bad-format", format="DOCX", detail=str(exc)[:200])
        return None
    lines = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines.append("\t".join(c.text for c in row.cells))
    return "\n".join(lines)


_READERS = {"txt": _read_text, "md": _read_text, "html": _read_html, "pdf": _read_pdf, "docx": _read_docx}
