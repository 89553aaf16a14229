"""The check every ZIP archive given by a user (an XLSX workbook, a DOCX document) passes before a
reader opens it, so that a decompression bomb is refused in constant memory and in the time it
takes to unpack at most the limit.

First what the archive declares: how many parts (each costs memory to list), how they are
compressed (XLSX and DOCX use deflate; bzip2 and LZMA are unpacked by zipfile without a bound on the
output of one call), and what they unpack to, in bytes and as a multiple of the file's size.  Then
the parts are unpacked for real, a chunk at a time and thrown away, counting what comes out: a part
that unpacks to more than it declares is refused the moment it does.  That second pass matters
because zipfile trusts a part's declared size only to cut what it returns: ``ZipFile.read`` of a part
that declares 1 KB but unpacks to 1 GB inflates the whole gigabyte in one call before cutting it.
After the check, every part unpacks to exactly its declared size, within the limits.
"""

from __future__ import annotations

import copy
import io
import zipfile
import zlib

from luoshi.domain.problems import Report
from luoshi.ingest.limits import Limits

MAX_PARTS = 10_000
CHUNK = 1 << 16
# the part that makes a ZIP archive a workbook or a Word document
MAIN_PART = {"XLSX": "xl/workbook.xml", "DOCX": "word/document.xml"}
_ZH = {"not a ZIP archive": "不是 ZIP 压缩文件"}


def check_zip(data: bytes, limits: Limits, report: Report, fmt: str = "XLSX") -> bool:
    """Whether ``data`` is a ZIP archive of format ``fmt`` within ``limits``; if not, the refusal
    (bad-format, file-too-large-uncompressed or compression-ratio) goes to the report."""
    def bad(detail: str, detail_zh: str) -> bool:
        report.add("bad-format", format=fmt, detail=detail, detail_zh=detail_zh)
        return False

    try:
        parts = _count_parts(data)
        if parts > MAX_PARTS:
            return bad(f"{parts:,} parts, more than {MAX_PARTS:,}", f"含 {parts:,} 个部件，超过 {MAX_PARTS:,} 个")
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            for info in infos:
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 1:
                    return bad(f"part {info.filename} is encrypted or compressed with method {info.compress_type}",
                               f"部件 {info.filename} 已加密或使用了压缩方法 {info.compress_type}")
            main = MAIN_PART.get(fmt)
            if main and main not in z.NameToInfo:
                return bad(f"no {main} in the archive", f"压缩文件中没有 {main}")
            if not _declared_fit(infos, len(data), limits, report, fmt):
                return False
            for info in infos:
                if _unpacked(z, info) > info.file_size:
                    return bad(f"part {info.filename} unpacks to more than the {info.file_size:,} bytes it declares",
                               f"部件 {info.filename} 解压后超过其声明的 {info.file_size:,} 字节")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError) as exc:
        detail = str(exc)[:160] or type(exc).__name__
        return bad(detail, _ZH.get(detail, "无法解压：" + type(exc).__name__))
    return True


def _count_parts(data: bytes) -> int:
    """How many parts the archive's end record declares, read before zipfile lists them all."""
    end = zipfile._EndRecData(io.BytesIO(data))  # noqa: SLF001 - zipfile's own reader of that record
    if end is None:
        raise zipfile.BadZipFile("not a ZIP archive")
    return end[zipfile._ECD_ENTRIES_TOTAL]  # noqa: SLF001


def _declared_fit(infos, size: int, limits: Limits, report: Report, fmt: str) -> bool:
    total = sum(i.file_size for i in infos)
    if total > limits.unpacked:
        report.add("file-too-large-uncompressed", format=fmt, size=f"{total:,}", limit=f"{limits.unpacked:,}")
        return False
    if total > limits.ratio * max(size, 1):
        report.add("compression-ratio", format=fmt, ratio=f"{total / max(size, 1):,.0f}", limit=f"{limits.ratio:g}")
        return False
    return True


def _unpacked(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The bytes a part unpacks to, counted up to one more than it declares.  The part is read as
    if it declared one byte more (zipfile stops there) and without its checksum (a reader checks
    that when it reads the part)."""
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1
    del probe.CRC
    n = 0
    with z.open(probe) as f:
        while chunk := f.read(CHUNK):
            n += len(chunk)
    return n


def office_kind(data: bytes) -> str:
    """"xlsx" or "docx" for a ZIP archive holding a workbook's or a Word document's main part, else "zip"."""
    try:
        if _count_parts(data) > MAX_PARTS:
            return "zip"
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.NameToInfo
            return next((fmt.lower() for fmt, part in MAIN_PART.items() if part in names), "zip")
    except Exception:  # a damaged archive is still a ZIP archive: check_zip says what is wrong with it
        return "zip"
