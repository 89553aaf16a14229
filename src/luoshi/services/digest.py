"""The digest sent to units (督办通报): overdue, due soon, newly done and newly behind, as Markdown,
standalone HTML or XLSX — bilingual section titles, synthetic data flagged."""

from __future__ import annotations

from html import escape
from pathlib import Path

from luoshi.store.xlsx_files import print_layout, save_workbook

SECTIONS = (
    ("overdue", "已逾期", "Overdue"),
    ("due_soon", "即将到期", "Due soon"),
    ("newly_done", "新完成", "Newly done"),
    ("newly_behind", "新滞后", "Newly behind"),
)
COLUMNS = (("id", "编号", "Task"), ("title", "任务", "Title"), ("lead_zh", "牵头单位", "Lead unit"),
           ("deadline", "完成时限", "Deadline"), ("progress", "完成进度%", "Progress %"),
           ("expected", "序时进度%", "Expected %"), ("light", "灯号", "Light"))
SYNTHETIC_NOTE = "本通报含合成演示数据，并非真实情况。 This digest contains synthetic demo data."


def _title(d: dict) -> str:
    who = f" · {d['unit']}" if d.get("unit") else ""
    return f"任务督办通报 Task digest{who} · {d['since']} — {d['at']}"


def _cell(row: dict, key: str) -> str:
    v = row.get(key)
    if isinstance(v, float):
        return f"{v:.0f}"
    return "" if v is None else str(v)


def to_markdown(d: dict) -> str:
    out = [f"# {_title(d)}", ""]
    if d["synthetic"]:
        out += [f"> {SYNTHETIC_NOTE}", ""]
    for key, zh, en in SECTIONS:
        rows = d[key]
        out += [f"## {zh} {en} ({len(rows)})", ""]
        if not rows:
            out += ["无 None.", ""]
            continue
        out.append("| " + " | ".join(f"{c[1]} {c[2]}" for c in COLUMNS) + " |")
        out.append("|" + "---|" * len(COLUMNS))
        for r in rows:
            out.append("| " + " | ".join(_cell(r, c[0]).replace("|", "/") for c in COLUMNS) + " |")
        out.append("")
    return "\n".join(out)


def to_html(d: dict) -> str:
    parts = [f"<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>{escape(_title(d))}</title>",
             "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
             "td,th{border:1px solid #bbb;padding:.3em .6em}.red{color:#b00}.yellow{color:#a70}"
             ".blue{color:#05a}.synthetic{background:#fce;padding:.5em}</style>",
             f"<h1>{escape(_title(d))}</h1>"]
    if d["synthetic"]:
        parts.append(f"<p class='synthetic' data-synthetic>{escape(SYNTHETIC_NOTE)}</p>")
    for key, zh, en in SECTIONS:
        rows = d[key]
        parts.append(f"<h2 data-section='{key}'>{zh} {en} ({len(rows)})</h2>")
        if not rows:
            parts.append("<p>无 None.</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{c[1]}<br>{c[2]}</th>" for c in COLUMNS) + "</tr>")
        for r in rows:
            parts.append(f"<tr data-task='{escape(r['id'])}' class='{escape(r['light'])}'>"
                         + "".join(f"<td>{escape(_cell(r, c[0]))}</td>" for c in COLUMNS) + "</tr>")
        parts.append("</table>")
    return "\n".join(parts) + "</html>\n"


def to_xlsx(d: dict, path: str | Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for key, zh, en in SECTIONS:
        ws = wb.create_sheet(f"{zh} {en}"[:31])
        ws.append([_title(d)])
        if d["synthetic"]:
            ws.append([SYNTHETIC_NOTE])
        ws.append([f"{c[1]} {c[2]}" for c in COLUMNS])
        header = ws.max_row
        for c in ws[header]:
            c.font = Font(bold=True)
        for r in d[key]:
            ws.append([r.get(c[0]) if not hasattr(r.get(c[0]), "isoformat") else r[c[0]].isoformat()
                       for c in COLUMNS])
        print_layout(ws, header)
    save_workbook(wb, path)
