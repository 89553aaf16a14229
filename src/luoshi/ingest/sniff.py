"""What a file holds, told from its bytes and not from its name, so that a file named .pdf that
holds a web page or a program is refused (``content-mismatch``) before anything reads or stores it.

Signatures are the files' own magic numbers; a ZIP archive is a workbook or a Word document by the
part that makes it one (ingest/archive.py)."""

from __future__ import annotations

from luoshi.domain.problems import Report
from luoshi.ingest.archive import office_kind

# kind: (English, Chinese) as a message names it
KINDS = {
    "pdf": ("a PDF", "PDF 文件"), "png": ("a PNG image", "PNG 图片"), "jpeg": ("a JPEG image", "JPEG 图片"),
    "gif": ("a GIF image", "GIF 图片"), "xlsx": ("an XLSX workbook", "XLSX 工作簿"),
    "docx": ("a DOCX document", "DOCX 文档"), "zip": ("a ZIP archive", "ZIP 压缩文件"),
    "ole": ("an old Excel or Word file (.xls, .doc)", "旧版 Excel 或 Word 文件"),
    "program": ("a program", "可执行程序"), "html": ("a web page (HTML)", "HTML 网页"),
    "text": ("text", "文本"), "binary": ("binary data", "二进制数据"),
}
_SIGNATURES = (
    (b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"),
    (b"GIF89a", "gif"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    # Linux (ELF) and macOS (Mach-O, thin and fat) programs; Windows ones in _windows_program
    (b"\x7fELF", "program"), (b"\xfe\xed\xfa\xce", "program"), (b"\xfe\xed\xfa\xcf", "program"),
    (b"\xce\xfa\xed\xfe", "program"), (b"\xcf\xfa\xed\xfe", "program"), (b"\xca\xfe\xba\xbe", "program"),
)
_HTML = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe")
TEXT = frozenset({"text", "html"})


def kind_of(data: bytes) -> str:
    """One of ``KINDS``: by signature, a ZIP archive by its parts, else HTML, text or binary data."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    if _windows_program(data):
        return "program"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return office_kind(data)
    head = data[:8192]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.lstrip().lower().startswith(_HTML):
        return "html"
    if b"\x00" in head:
        return "binary"
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return "text"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut at the end of the sample
                return "text"
    return "binary"


def matches(name: str, data: bytes, expected: frozenset[str] | set[str], report: Report,
            field: str | None = None) -> bool:
    """Whether ``data`` is of an expected kind; if not, ``content-mismatch`` names what it holds."""
    found = kind_of(data)
    if found in expected:
        return True
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else name
    en, zh = KINDS[found]
    report.add("content-mismatch", field=field, value=name, suffix=suffix, found=en, found_zh=zh)
    return False


def _windows_program(data: bytes) -> bool:
    """A Windows program (.exe, .dll): "MZ", and at the offset its header gives, "PE\\0\\0" (a text
    that happens to start with MZ is not one)."""
    if not data.startswith(b"MZ") or len(data) < 0x40:
        return False
    at = int.from_bytes(data[0x3C:0x40], "little")
    return data[at:at + 4] == b"PE\0\0"
