"""Task lists in and out of XLSX: validate every row against the workspace (units, plan nodes,
indicators), then store all of them or none; write the same shape back out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from luoshi.domain.problems import InputError, Report
from luoshi.domain.roles import Actor
from luoshi.ingest.limits import Limits
from luoshi.ingest.tasks_xlsx import (COLUMNS, HEADERS_ZH, format_milestones, parse_date, parse_milestones,
                                     read_task_rows, split_units)
from luoshi.services.task_flow import insert_tasks, validate_task
from luoshi.store.db import Database
from luoshi.store.xlsx_files import print_layout, save_workbook


def unit_lookup(db: Database) -> dict[str, str]:
    """Unit code by code, Chinese name (with or without the province prefix), short name or English name."""
    out = {}
    for u in db.all("SELECT code, name_zh, name_en, aliases FROM units"):
        for key in (u["code"], u["name_zh"], u["name_en"], u["name_zh"].removeprefix("广东"),
                    u["name_zh"].removeprefix("中共广东"), *(u["aliases"] or "").split(";")):
            if not key.strip():
                continue
            out.setdefault(key.strip().lower(), u["code"])
    return out


def _next_ids(db: Database, node: str, taken: set[str]):
    n = 0
    while True:
        n += 1
        tid = f"T-{node}-{n:03d}"
        if tid not in taken:
            taken.add(tid)
            yield tid


def check_rows(db: Database, rows: list[tuple[str, int, dict, dict]], report: Report, *, plan_id: str,
               synthetic: bool = False) -> list[dict]:
    units = unit_lookup(db)
    nodes = {r["code"] for r in db.all("SELECT code FROM plan_nodes WHERE plan_id = ?", [plan_id])}
    indicators = {r["code"] for r in db.all("SELECT code FROM indicators")}
    regions = {r["code"] for r in db.all("SELECT code FROM regions")}
    taken = {r["id"] for r in db.all("SELECT id FROM tasks")}
    seen: dict[str, int] = {}
    out, gens = [], {}
    for sheet, n, rec, hdr in rows:
        def add(code, field, **kw):
            report.add(code, sheet=sheet, row=n, field=hdr.get(field, COLUMNS[field][0]), **kw)

        text = lambda f: str(rec.get(f) or "").strip()  # noqa: E731
        for f in ("content", "lead", "deadline"):
            if not text(f) and rec.get(f) in (None, ""):
                add("missing-value", f, column=hdr.get(f, COLUMNS[f][0]))
        lead = units.get(text("lead").lower()) if text("lead") else None
        if text("lead") and lead is None:
            add("unknown-unit", "lead", value=text("lead"))
        co = []
        for name in split_units(rec.get("co")):
            code = units.get(name.lower())
            if code is None:
                add("unknown-unit", "co", value=name)
            else:
                co.append(code)
        supervisor = units.get(text("supervisor").lower()) if text("supervisor") else "gd-gov-office"
        if supervisor is None:
            add("unknown-unit", "supervisor", value=text("supervisor"))
        node = text("node") or "G"
        if node not in nodes:
            add("unknown-node", "node", value=node, plan=plan_id)
        deadline = parse_date(rec.get("deadline")) if rec.get("deadline") not in (None, "") else None
        if rec.get("deadline") not in (None, "") and deadline is None:
            add("bad-date", "deadline", value=text("deadline"))
        start = parse_date(rec.get("start")) if rec.get("start") not in (None, "") else None
        if rec.get("start") not in (None, "") and start is None:
            add("bad-date", "start", value=text("start"))
        milestones, bad = parse_milestones(rec.get("milestones"))
        for line in bad:
            add("bad-milestones", "milestones", value=line)
        inds = split_units(rec.get("indicators"))
        for code in inds:
            if code not in indicators:
                add("unknown-indicator", "indicators", value=code)
        region = text("region") or None
        if region and region not in regions:
            add("unknown-region", "region", value=region)
        tid = text("id")
        if tid:
            if tid in seen:
                add("duplicate-row", "id", other=seen[tid])
            elif tid in taken:
                add("duplicate-task", "id", value=tid)
            seen.setdefault(tid, n)
        if deadline is None or lead is None:
            continue
        start = start or date(deadline.year, 1, 1)
        content = text("content")
        t = {"id": tid or None, "plan_id": plan_id, "node_code": node, "title_zh": text("title") or content[:60],
             "content": content, "source": text("source") or None, "source_kind": text("source_kind") or None,
             "source_ref": text("source_ref") or None, "lead_unit": lead, "co_units": co,
             "supervisor_unit": supervisor, "leader": text("leader") or None, "region_code": region,
             "start_date": start, "deadline": deadline, "milestones": milestones, "indicators": inds,
             "synthetic": synthetic, "_where": (sheet, n)}
        for code, params in validate_task(t):
            add(code, "milestones" if code != "deadline-before-start" else "deadline", **params)
        out.append(t)
    taken |= set(seen)
    for t in out:
        if not t["id"]:
            gens.setdefault(t["node_code"], _next_ids(db, t["node_code"], taken))
            t["id"] = next(gens[t["node_code"]])
    return out


def import_xlsx(db: Database, path: str | Path, actor: Actor, *, on: date, plan_id: str,
                dry_run: bool = False, partial: bool = False, refuse: bool = True, limits: Limits | None = None) -> dict:
    """Import a task list; all or nothing unless ``partial`` (then rows with errors are skipped).
    A list with errors and not ``partial`` is refused (InputError), or with ``refuse=False``
    answered by the summary with nothing imported (``ok`` false), as a ``--json`` caller wants it."""
    report = Report(file=Path(path).name)
    rows = read_task_rows(path, report, limits)
    return _import(db, rows, report, actor, on=on, plan_id=plan_id, dry_run=dry_run, partial=partial, refuse=refuse)


def import_rows(db: Database, records: list[dict], actor: Actor, *, on: date, plan_id: str, dry_run: bool = False,
                on_stored=None) -> dict:
    """Tasks given in Python, each a task list's row by field (content, lead, deadline, node, title,
    region, indicators, source; also source_kind and source_ref), checked as the list's rows are and
    stored all or nothing (InputError); ``on_stored`` as ``task_flow.insert_tasks``'s."""
    report = Report(file="rows", rows_read=len(records))
    fields = {f: f for f in COLUMNS}  # problems name the field, not a spreadsheet header
    rows = [(None, n, rec, fields) for n, rec in enumerate(records, start=1)]
    return _import(db, rows, report, actor, on=on, plan_id=plan_id, dry_run=dry_run, on_stored=on_stored)


def _import(db: Database, rows: list, report: Report, actor: Actor, *, on: date, plan_id: str, dry_run: bool,
            partial: bool = False, refuse: bool = True, on_stored=None) -> dict:
    tasks = check_rows(db, rows, report, plan_id=plan_id) if report.ok or partial else []
    bad_rows = {(p.sheet, p.row) for p in report.errors}
    if not report.ok and not partial:
        if refuse:
            raise InputError(report)
        tasks = []
    good = [t for t in tasks if t.pop("_where") not in bad_rows]
    if not dry_run and good:
        insert_tasks(db, good, actor, on, on_stored)
    return {"file": report.file, "ok": report.ok, "rows_read": report.rows_read,
            "imported": 0 if dry_run else len(good), "skipped": report.rows_read - len(good), "dry_run": dry_run,
            "ids": [t["id"] for t in good], "problems": [p.to_dict() for p in report.problems]}


def export_xlsx(db: Database, path: str | Path, tasks: list[dict], *, title: str = "任务清单") -> int:
    """Write tasks (as loaded by ``task_records.load_tasks``) in the import shape, plus read-only
    status columns that a re-import ignores."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    names = {u["code"]: u["name_zh"] for u in db.all("SELECT code, name_zh FROM units")}
    inds = {}
    for r in db.all("SELECT task_id, indicator_code FROM task_indicators ORDER BY task_id, indicator_code"):
        inds.setdefault(r["task_id"], []).append(r["indicator_code"])
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    extra = ["完成进度(%)", "状态", "研判", "灯号"]
    ws.append(HEADERS_ZH + extra)
    for c in ws[1]:
        c.font = Font(bold=True)
    for t in tasks:
        j = t["judgement"]
        ws.append([t["id"], t["node_code"], t["title_zh"], t["content"], names.get(t["lead_unit"], t["lead_unit"]),
                   "、".join(names.get(u, u) for u in t["co_units"]),
                   names.get(t["supervisor_unit"], t["supervisor_unit"] or ""), t["leader"] or "",
                   t["start_date"].isoformat(), t["deadline"].isoformat(), format_milestones(t["milestones"]),
                   "、".join(inds.get(t["id"], [])), t["source"] or "", t["region_code"] or "",
                   t["percent_at"], t["state"], j["category"], j["light"]])
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    print_layout(ws, 1, widths=dict(zip("ABCDEFGHIJK", (12, 8, 30, 50, 24, 30, 20, 10, 12, 12, 36))))
    if any(t.get("synthetic") for t in tasks):  # a separate sheet, so that a re-import reads only tasks
        wb.create_sheet("说明").append(["含合成演示数据 — contains synthetic demo data"])
    save_workbook(wb, path)
    return len(tasks)
