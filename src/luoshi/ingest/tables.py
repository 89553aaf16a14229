"""Reading tabular files (CSV, with encoding detection) into rows numbered as a person counts them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from luoshi.domain.problems import Report
from luoshi.ingest.columns import missing
from luoshi.ingest.limits import Limits

ENCODINGS = ("utf-8-sig", "gb18030")
# what a bad-format problem says of a file that is not text in a known encoding
NOT_TEXT = {"detail": "binary data or unknown encoding (use UTF-8 or GB18030)",
            "detail_zh": "二进制数据或无法识别的编码（请使用 UTF-8 或 GB18030）"}


def decode(data: bytes) -> tuple[str, str] | None:
    """Text and encoding: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    if b"\x00" in data[:4096]:
        return None
    for enc in ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return None


def read_csv(path: str | Path, report: Report, required: tuple[str, ...] = ()) -> list[tuple[int, dict]]:
    """Rows as (row number, {column: text}); the header is row 1.  Problems go to the report."""
    p = Path(path)
    if not p.is_file():
        report.add("file-not-found", path=str(path))
        return []
    if not Limits.default("import_max_mb").file_fits(p.stat().st_size, report):
        return []
    data = p.read_bytes()
    decoded = decode(data)
    if decoded is None:
        report.add("bad-format", format="CSV", **NOT_TEXT)
        return []
    text, _ = decoded
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        lines = list(reader)
    except csv.Error as exc:
        report.add("bad-format", format="CSV", detail=str(exc))
        return []
    lines = [ln for ln in lines if any(c.strip() for c in ln)] if lines else []
    if not lines:
        report.add("empty-file")
        return []
    header = [h.strip() for h in lines[0]]
    for col in required:
        if col not in header:
            report.add("missing-column", row=1, field=col, **missing(col))
    if not report.ok:
        return []
    rows = []
    for n, cells in enumerate(lines[1:], start=2):
        if len(cells) > len(header):
            report.add("bad-format", row=n, format="CSV", detail=f"{len(cells)} cells but {len(header)} columns",
                       detail_zh=f"有 {len(cells)} 个单元格，但表头只有 {len(header)} 列")
            continue
        rows.append((n, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}))
    report.rows_read = len(rows)
    if not rows and report.ok:
        report.add("empty-file")
    return rows


def number(text: str) -> float | None:
    """A plain number ("1,234.5" accepted); None when the text is not one."""
    t = (text or "").strip().replace(",", "")
    if not t:
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    if v != v or v in (float("inf"), float("-inf")):
        return None
    return v
