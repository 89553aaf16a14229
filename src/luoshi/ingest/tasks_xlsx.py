"""Reading a task list (任务清单) from XLSX in the shape offices keep it: one row per task, with
columns for content, lead unit, co-units, deadline and milestones.  Headers may be Chinese or English;
units may be written by name or code; problems go to the report with sheet, row and column."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

from luoshi.domain.problems import Report
from luoshi.domain.tasks import Milestone
from luoshi.ingest.archive import check_zip
from luoshi.ingest.limits import Limits

# canonical field: (Chinese header, English header, other accepted spellings)
COLUMNS = {
    "id": ("任务编号", "task id", ("编号", "id")),
    "node": ("所属部署", "plan node", ("部署", "node", "所属突破")),
    "title": ("任务名称", "title", ("名称",)),
    "content": ("任务内容", "content", ("内容", "工作任务", "具体任务")),
    "lead": ("牵头单位", "lead unit", ("责任单位", "lead")),
    "co": ("配合单位", "co-units", ("协同单位", "参与单位", "co units")),
    "supervisor": ("督办单位", "supervising unit", ("督办", "supervisor")),
    "leader": ("分管领导", "leader in charge", ("责任领导", "leader")),
    "start": ("开始时间", "start", ("开始日期", "start date")),
    "deadline": ("完成时限", "deadline", ("截止时间", "完成时间", "时限")),
    "milestones": ("节点安排", "milestones", ("时间节点", "节点")),
    "indicators": ("关联指标", "indicators", ("指标",)),
    "source": ("任务来源", "source", ("来源", "出处")),
    "region": ("所属地区", "region", ("地区",)),
}
REQUIRED = ("content", "lead", "deadline")
HEADERS_ZH = [v[0] for v in COLUMNS.values()]
_SPLIT = re.compile(r"[、,，;；/\n]+")
_MS = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[:：,，]?\s*(.*?)"
                 r"\s*[（(]?\s*(\d+(?:\.\d+)?)\s*%\s*[)）]?\s*$")


def _header_map(header: list) -> dict[str, tuple[int, str]]:
    names = {}
    for field, (zh, en, more) in COLUMNS.items():
        for spelling in (zh, en, *more):
            names.setdefault(spelling.lower(), field)
    out = {}
    for i, h in enumerate(header):
        key = str(h or "").strip().lower()
        if key in names and names[key] not in out:
            out[names[key]] = (i, str(h).strip())
    return out


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def parse_milestones(text: str) -> tuple[list[Milestone], list[str]]:
    """Milestones written one per line, 'YYYY-MM-DD title share%'; returns them and the unreadable lines."""
    out, bad = [], []
    for line in [ln for ln in re.split(r"[\n；;]+", str(text or "")) if ln.strip()]:
        m = _MS.match(line)
        d = None
        if m:
            try:
                d = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                d = None
        if d is None:
            bad.append(line.strip())
            continue
        out.append(Milestone(len(out) + 1, m[4].strip(" ：:，,") or f"节点{len(out) + 1}", d, float(m[5])))
    return out, bad


def format_milestones(milestones: list) -> str:
    return "\n".join(f"{m['due'] if isinstance(m, dict) else m.due} "
                     f"{m['title'] if isinstance(m, dict) else m.title} "
                     f"{(m['share'] if isinstance(m, dict) else m.share):g}%" for m in milestones)


def split_units(text) -> list[str]:
    return [u.strip() for u in _SPLIT.split(str(text or "")) if u.strip()]


def read_task_rows(path: str | Path, report: Report, limits: Limits | None = None) -> list[tuple[str, int, dict, dict]]:
    """Rows of every sheet that has the required headers: (sheet, row number, {field: cell}, {field: header})."""
    from openpyxl import load_workbook

    limits = limits or Limits.default("import_max_mb")
    p = Path(path)
    if not p.is_file():
        report.add("file-not-found", path=str(path))
        return []
    try:
        if not limits.file_fits(p.stat().st_size, report):
            return []
        data = p.read_bytes()
    except OSError as exc:
        report.add("unreadable-file", detail=str(exc))
        return []
    if not check_zip(data, limits, report, "XLSX"):
        return []
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = [(ws.title, list(ws.iter_rows(values_only=True))) for ws in wb.worksheets]
        finally:
            wb.close()
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file (defusedxml's for a DTD)
        report.add("bad-format", format="XLSX", detail=type(exc).__name__)
        return []
    rows, found = [], False
    for title, grid in sheets:
        # the header is the first row naming a required column (titles above it are common)
        hdr_at = next((i for i, r in enumerate(grid[:10]) if "lead" in _header_map(list(r))), None)
        if hdr_at is None:
            continue
        found = True
        cols = _header_map(list(grid[hdr_at]))
        for field in REQUIRED:
            if field not in cols:
                report.add("missing-column", sheet=title, row=hdr_at + 1, field=COLUMNS[field][0],
                           column=COLUMNS[field][0], column_zh=repr(COLUMNS[field][0]))
        if any(f not in cols for f in REQUIRED):
            continue
        for n, cells in enumerate(grid[hdr_at + 1:], start=hdr_at + 2):
            if not any(c not in (None, "") for c in cells):
                continue
            rec = {f: (cells[i] if i < len(cells) else None) for f, (i, _) in cols.items()}
            rows.append((title, n, rec, {f: h for f, (_, h) in cols.items()}))
    if not found:
        zh, en = COLUMNS["lead"][:2]
        report.add("missing-column", field=zh, column=f"{zh} / {en}", column_zh=repr(zh))
    elif not rows and report.ok:
        report.add("empty-file")
    report.rows_read = len(rows)
    return rows
