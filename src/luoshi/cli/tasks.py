"""`luoshi tasks|projects|wallchart|scorecard|doublehalf|digest`: the task and project commands.

The CLI acts as an administrator unless ``--as UNIT`` is given; then it acts as a person of that
unit and the same permission checks as on the web apply."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Optional

import typer

from luoshi.cli.errors import EXIT_PARTIAL, EXIT_REFUSED
from luoshi.cli.render import console, emit, light_text
from luoshi.domain.problems import Refusal
from luoshi.domain.roles import Actor

tasks_app = typer.Typer(help="Task lists: list, show, report progress, extensions, closure, XLSX import/export.",
                        no_args_is_help=True)
projects_app = typer.Typer(help="Major projects: list, show, monthly investment, portfolio rollups.",
                           no_args_is_help=True)
LIGHTS = {"blue": "[blue]◆ blue[/]"}  # the task-only light; the others come from cli.render


def _desk():
    from luoshi.cli.main import workspace
    from luoshi.services.taskdesk import TaskDesk

    return TaskDesk(workspace())


def _date(text: Optional[str]) -> Optional[date]:
    from luoshi.cli.main import parse_date

    return parse_date(text)


def _actor(unit: Optional[str], user: Optional[str]) -> Actor:
    if not unit:
        return Actor.local(user or getpass.getuser())
    return Actor(user or getpass.getuser(), unit=unit)


def _light(name: str) -> str:
    return LIGHTS.get(name) or light_text(name)


# --- tasks ----------------------------------------------------------------------------------------
@tasks_app.command("list")
def list_tasks(unit: Optional[str] = typer.Option(None, help="lead or co-unit code"),
               node: Optional[str] = typer.Option(None, help="plan node, e.g. B2"),
               region: Optional[str] = typer.Option(None), category: Optional[str] = typer.Option(None),
               light: Optional[str] = typer.Option(None), at: Optional[str] = typer.Option(None, help="as-of date"),
               as_json: bool = typer.Option(False, "--json")):
    """Tasks with progress, expected pace, category and light."""
    rows = _desk().tasks(_date(at), unit=unit, node=node, region=region, category=category, light=light)
    if as_json:
        emit(rows, as_json=True)
        return
    from rich.table import Table

    t = Table(title=f"tasks ({len(rows)})" + (" · includes SYNTHETIC demo data" if any(r["synthetic"] for r in rows)
                                              else ""))
    for col in ("id", "task", "lead", "deadline", "progress", "pace", "category", "light"):
        t.add_column(col)
    for r in rows:
        j = r["judgement"]
        t.add_row(r["id"], r["title_zh"][:28], r["lead_zh"] or r["lead_unit"], str(j["deadline"]),
                  f"{j['progress']:.0f}%", f"{j['expected']:.0f}%", j["category"], _light(j["light"]))
    console.print(t)


@tasks_app.command("show")
def show(task_id: str, at: Optional[str] = typer.Option(None), as_json: bool = typer.Option(False, "--json")):
    """One task with its milestones, reports, requests and audit trail."""
    t = _desk().task(task_id, _date(at))
    if as_json:
        emit(t, as_json=True)
        return
    j = t["judgement"]
    console.print(f"[bold]{t['id']}[/] {t['title_zh']}" + (" [magenta](synthetic)[/]" if t["synthetic"] else ""))
    console.print(f"lead {t['lead_zh']} · co {', '.join(t['co_units']) or '—'} · supervisor {t['supervisor_unit']}")
    console.print(f"{t['start_date']} → {j['deadline']} (original {t['original_deadline']}) · state {t['state']}")
    console.print(f"progress {j['progress']:.0f}% vs pace {j['expected']:.1f}% ({j['basis']}) · "
                  f"{j['category']} {_light(j['light'])}")
    for m in j["milestones"]:
        console.print(f"  ⚑ {m['due']} {m['title']} {m['share']:g}% · {m['state']}")
    for r in t["history"]["reports"]:
        console.print(f"  {r['reported_on']} [{r['period']}] {r['percent']:g}% {r['text'] or ''}"
                      + ("" if r["on_time"] else " [yellow](late)[/]"))
    for e in t["history"]["events"]:
        console.print(f"  [dim]{e['on_day']} {e['action']} by {e['actor']} ({e['unit_code'] or 'admin'})[/]")


@tasks_app.command("report")
def report(task_id: str, percent: float = typer.Option(..., help="percent complete, 0-100"),
           unit: Optional[str] = typer.Option(None, "--as", help="act as a person of this unit"),
           user: Optional[str] = typer.Option(None), period: Optional[str] = typer.Option(None, help="YYYY-MM"),
           on: Optional[str] = typer.Option(None, help="report date (default today)"),
           text: str = typer.Option(""), problems: str = typer.Option(""), next_steps: str = typer.Option("", "--next"),
           milestone: Optional[list[str]] = typer.Option(None, help="SEQ or SEQ=YYYY-MM-DD done"),
           evidence: Optional[list[Path]] = typer.Option(None, help="evidence file (pdf, png, jpg, docx, xlsx)"),
           as_json: bool = typer.Option(False, "--json")):
    """Submit a progress report (the lead unit only)."""
    from luoshi.services.evidence import Upload

    desk = _desk()
    day = _date(on) or desk.today
    done = {}
    for m in milestone or []:
        seq, _, when = m.partition("=")
        if not seq.strip().isdigit():
            raise Refusal("bad-value", column="--milestone", value=m, detail="SEQ or SEQ=YYYY-MM-DD",
                          detail_zh="应为 SEQ 或 SEQ=YYYY-MM-DD")
        done[int(seq)] = _date(when) if when else day
    uploads = [Upload(p.name, p.read_bytes()) for p in evidence or []]
    out = desk.report(task_id, _actor(unit, user), percent=percent, on=day, period=period, text=text,
                      problems=problems, next_steps=next_steps, milestones_done=done, uploads=uploads)
    emit(out, as_json=as_json)


@tasks_app.command("extend")
def extend(task_id: str, to: Optional[str] = typer.Option(None, help="requested new deadline"),
           reason: str = typer.Option("", help="why (required for a request or a rejection)"),
           approve: bool = typer.Option(False, "--approve"), reject: bool = typer.Option(False, "--reject"),
           unit: Optional[str] = typer.Option(None, "--as"), user: Optional[str] = typer.Option(None),
           on: Optional[str] = typer.Option(None), as_json: bool = typer.Option(False, "--json")):
    """Request an extension (--to DATE --reason), or decide one (--approve / --reject) as the supervising unit."""
    desk, who = _desk(), _actor(unit, user)
    if approve or reject:
        out = desk.decide_extension(task_id, who, approve=approve, note=reason, on=_date(on))
    else:
        if not to:
            raise Refusal("missing-value", column="--to DATE (or --approve / --reject)")
        out = desk.request_extension(task_id, who, new_deadline=_date(to), reason=reason, on=_date(on))
    emit(out, as_json=as_json)


@tasks_app.command("close")
def close(task_id: str, approve: bool = typer.Option(False, "--approve", help="close the task (supervisor)"),
          send_back: bool = typer.Option(False, "--return", help="return it with --reason (supervisor)"),
          reason: str = typer.Option(""), percent: Optional[float] = typer.Option(None, help="assessed % on return"),
          unit: Optional[str] = typer.Option(None, "--as"), user: Optional[str] = typer.Option(None),
          on: Optional[str] = typer.Option(None), as_json: bool = typer.Option(False, "--json")):
    """Request closure (lead unit, after reporting 100%), or review it (--approve / --return)."""
    desk, who = _desk(), _actor(unit, user)
    if approve or send_back:
        out = desk.decide_closure(task_id, who, close=approve, reason=reason, percent=percent, on=_date(on))
    else:
        out = desk.request_closure(task_id, who, note=reason, on=_date(on))
    emit(out, as_json=as_json)


@tasks_app.command("import")
def import_tasks(file: Path, dry_run: bool = typer.Option(False, "--dry-run", help="validate only"),
                 partial: bool = typer.Option(False, "--partial", help="import the valid rows, skip the others"),
                 as_json: bool = typer.Option(False, "--json")):
    """Import a task list from XLSX (one row per task); all or nothing by default. Exits 2 when the
    list is refused (or a dry run would be), 1 when --partial skipped rows with errors."""
    out = _desk().import_xlsx(file, dry_run=dry_run, partial=partial, refuse=not as_json)
    emit(out, as_json=as_json)
    if not out["ok"]:
        raise typer.Exit(EXIT_PARTIAL if partial and out["ids"] else EXIT_REFUSED)


@tasks_app.command("export")
def export_tasks(file: Path, unit: Optional[str] = typer.Option(None), node: Optional[str] = typer.Option(None),
                 at: Optional[str] = typer.Option(None)):
    """Export the task list to XLSX in the import shape (plus status columns)."""
    n = _desk().export_xlsx(file, _date(at), unit=unit, node=node)
    emit({"file": str(file), "tasks": n})


@tasks_app.command("units")
def units(load: Optional[Path] = typer.Option(None, help="load a units CSV (default: the bundled list if empty)"),
          as_json: bool = typer.Option(False, "--json")):
    """List responsible units (departments and city governments); load them when asked."""
    from luoshi.data.bundle import path
    from luoshi.services.units import load_units

    desk = _desk()
    if load or not desk.has_units():
        load_units(desk.db, load or path("units.csv"))
    rows = [{k: u[k] for k in ("code", "name_zh", "name_en", "kind", "region_code", "status")} for u in desk.units()]
    emit(rows, as_json=as_json, title="units")


@tasks_app.command("member")
def member(user: str, unit: str):
    """Let a web user (see `luoshi user`) report and decide for a unit."""
    emit(_desk().add_member(user, unit))


# --- projects -------------------------------------------------------------------------------------
@projects_app.command("list")
def list_projects(cluster: Optional[str] = typer.Option(None), region: Optional[str] = typer.Option(None),
                  unit: Optional[str] = typer.Option(None), at: Optional[str] = typer.Option(None),
                  as_json: bool = typer.Option(False, "--json")):
    """Major projects with this year's planned and completed investment."""
    rows = _desk().projects(_date(at), cluster_code=cluster, region_code=region, lead_unit=unit)
    keep = ("id", "name_zh", "region_zh", "cluster_code", "status", "total_investment", "planned", "completed",
            "completion", "light")
    emit([{k: (round(r[k], 1) if isinstance(r[k], float) else r[k]) for k in keep} for r in rows],
         as_json=as_json, title="projects (亿元)")


@projects_app.command("show")
def show_project(project_id: str, at: Optional[str] = typer.Option(None), as_json: bool = typer.Option(False, "--json")):
    """One major project: this year's investment against its plan (with the light), by month, and its milestones."""
    emit(_desk().project(project_id, _date(at)), as_json=True if as_json else False)


@projects_app.command("invest")
def invest(project_id: str, month: str, amount: float, unit: Optional[str] = typer.Option(None, "--as"),
           user: Optional[str] = typer.Option(None)):
    """Record the investment completed in a month (亿元)."""
    emit(_desk().record_investment(project_id, month, amount, _actor(unit, user)))


@projects_app.command("portfolio")
def portfolio(by: str = typer.Option("cluster", help="cluster, region or node"), year: Optional[int] = None,
              at: Optional[str] = typer.Option(None), as_json: bool = typer.Option(False, "--json")):
    """Investment by cluster, region or plan node against the annual plan."""
    if by not in ("cluster", "region", "node"):
        raise Refusal("bad-value", column="--by", value=by, detail="cluster, region or node",
                      detail_zh="可选 cluster、region、node")
    rows = _desk().portfolio(year=year, at=_date(at), by=by)
    keep = ("key", "name_zh", "projects", "planned", "completed", "completion", "expected", "light")
    emit([{k: (round(r[k], 1) if isinstance(r[k], float) else r[k]) for k in keep} for r in rows],
         as_json=as_json, title=f"investment by {by} (亿元)")


# --- views ----------------------------------------------------------------------------------------
def wallchart(unit: Optional[str] = typer.Option(None), node: Optional[str] = typer.Option(None),
              start: Optional[str] = typer.Option(None, "--from"), end: Optional[str] = typer.Option(None, "--to"),
              at: Optional[str] = typer.Option(None), as_json: bool = typer.Option(False, "--json")):
    """The wall chart (挂图作战): units × months, milestones as flags (✓ done, ! due, ✗ overdue, · upcoming)."""
    data = _desk().wallchart(_date(at), start=_date(start), end=_date(end), unit=unit, node=node)
    if as_json:
        emit(data, as_json=True)
        return
    marks = {"done": "[green]✓[/]", "due": "[blue]![/]", "overdue": "[red]✗[/]", "upcoming": "·"}
    months = data["months"]
    console.print(f"[bold]挂图作战 wall chart[/] {data['from']} — {data['to']} · today {data['today']}"
                  + ("  [magenta](synthetic demo data)[/]" if data["synthetic"] else ""))
    console.print(" " * 34 + "".join(m[5:7] + " " for m in months))
    for row in data["rows"]:
        console.print(f"[bold]{row['name_zh']}[/]")
        for t in row["tasks"]:
            cells = []
            for m in months:
                fl = [f for f in t["flags"] if f"{f['date']:%Y-%m}" == m]
                inside = f"{t['start']:%Y-%m}" <= m <= f"{t['deadline']:%Y-%m}"
                cells.append((marks[fl[-1]["state"]] + "  ") if fl else ("── " if inside else "   "))
            console.print(f"  {t['id']:<12} {_light(t['light']):<8} ".ljust(34)[:34] + "".join(cells))


def scorecard(unit: str, at: Optional[str] = typer.Option(None), as_json: bool = typer.Option(False, "--json")):
    """A unit's tasks and projects, on-time reporting rate and rank among units."""
    data = _desk().scorecard(unit, _date(at))
    if as_json:
        emit(data, as_json=True)
        return
    rep = data["reporting"]
    console.print(f"[bold]{data['name_zh']}[/] {data['name_en']} · as of {data['at']}"
                  + ("  [magenta](synthetic demo data)[/]" if data["synthetic"] else ""))
    console.print(f"rank {data['rank'] or '—'} of {data['of']} · reports on time {rep.get('on_time', 0)}/"
                  f"{rep.get('due', 0)} ({rep.get('rate') if rep.get('rate') is not None else '—'}%)")
    console.print("lead tasks: " + ", ".join(f"{k} {v}" for k, v in sorted(data["categories"].items())))
    for t in data["lead_tasks"]:
        j = t["judgement"]
        console.print(f"  {t['id']} {_light(j['light'])} {j['category']} {j['progress']:.0f}% {t['title_zh']}")
    console.print(f"co-unit on {len(data['co_tasks'])} tasks · leads {len(data['projects'])} projects")


def doublehalf(at: Optional[str] = typer.Option(None, help="default: 30 June of this year"),
               as_json: bool = typer.Option(False, "--json")):
    """The mid-year 'double-half' check: counts per category by unit, breakthrough and region; what is behind."""
    data = _desk().doublehalf(_date(at))
    if as_json:
        emit(data, as_json=True)
        return
    console.print(f"[bold]时间过半、任务过半 double-half check[/] at {data['at']}: {data['total']} tasks, "
                  f"{data['half_done']} at least half done"
                  + ("  [magenta](synthetic demo data)[/]" if data["synthetic"] else ""))
    console.print(", ".join(f"{k} {v}" for k, v in data["totals"].items()))
    emit(data["by_breakthrough"], title="by breakthrough")
    emit(data["behind"][:30], title="behind / overdue")


def digest(since: str = typer.Option(..., help="changes since this date"), unit: Optional[str] = typer.Option(None),
           fmt: str = typer.Option("md", "--format", help="md, html or xlsx"),
           output: Optional[Path] = typer.Option(None, "-o", "--output", help="file (required for xlsx)"),
           at: Optional[str] = typer.Option(None)):
    """What is overdue, due soon, newly done and newly behind — ready to send to units."""
    from luoshi.services import digest as render

    if fmt not in ("md", "html", "xlsx"):
        raise Refusal("bad-value", column="--format", value=fmt, detail="md, html or xlsx",
                      detail_zh="可选 md、html、xlsx")
    data = _desk().digest(_date(since), unit=unit, at=_date(at))
    if fmt == "xlsx":
        if not output:
            raise Refusal("missing-value", column="--output FILE (for xlsx)")
        render.to_xlsx(data, output)
        emit({"file": str(output), **{k: len(data[k]) for k, _, _ in render.SECTIONS}})
        return
    text = render.to_markdown(data) if fmt == "md" else render.to_html(data)
    if output:
        output.write_text(text, encoding="utf-8")
        emit({"file": str(output)})
    else:
        typer.echo(text)


def register(app: typer.Typer) -> None:
    app.add_typer(tasks_app, name="tasks")
    app.add_typer(projects_app, name="projects")
    for fn in (wallchart, scorecard, doublehalf, digest):
        app.command(fn.__name__)(fn)
