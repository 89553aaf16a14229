"""The `luoshi` command: a thin shell that parses options, calls the Workspace and renders.
Refusals from any command leave through the one error mapper, ``cli.errors.Shell``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer

from luoshi.cli import forward, session
from luoshi.cli.errors import Shell
from luoshi.cli.render import completeness_text, console, emit, light_text, name_of
from luoshi.domain.periods import parse_day
from luoshi.domain.problems import Refusal
from luoshi.domain.settings import SETTINGS
from luoshi.store import values
from luoshi.workspace import ENV_DB, Workspace, default_path

app = typer.Typer(help="luoshi (落实): track a cascaded development plan — targets, reports, judgement.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, cls=Shell)
load_app = typer.Typer(help="Load reference files (regions, plans, indicators, targets).", no_args_is_help=True)
import_app = typer.Typer(help="Import reported values.", no_args_is_help=True)
settings_app = typer.Typer(help="Show or change the workspace settings (docs/settings.md).",
                           invoke_without_command=True)
app.add_typer(load_app, name="load")
app.add_typer(import_app, name="import")
app.add_typer(settings_app, name="settings")

STATE: dict = {"db": None}


@app.callback()
def main_options(db: Optional[str] = typer.Option(None, "--db", help=f"workspace file (env {ENV_DB}; "
                                                                        f"default ./luoshi.duckdb)")):
    STATE["db"] = db


def workspace(must_exist: bool = True) -> Workspace:
    """The workspace the command works on; while `luoshi serve` holds the file, a command that needs
    an existing one is sent to the server (cli/forward.py), which runs it on its own (returned here)."""
    here = session.forwarded()
    if here is not None:
        return here.ws
    path = STATE["db"] or default_path()
    try:
        with forward.opening(path, forwardable=must_exist):
            return Workspace.open(path) if must_exist else Workspace.create(path)
    except FileNotFoundError:
        raise Refusal("no-workspace", 404, path=path) from None


def parse_date(text: Optional[str]) -> Optional[date]:
    return parse_day(text)


# --- set-up -------------------------------------------------------------------------------------
@app.command()
def init(bundled: bool = typer.Option(True, help="load the bundled Guangdong data")):
    """Create (or migrate) a workspace, with the bundled real data."""
    ws = workspace(must_exist=False)
    if bundled and not ws.summary()["regions"]:
        from luoshi.data.bundle import load_bundled
        load_bundled(ws)
    emit(ws.summary(), title="workspace")


@app.command()
def demo(today: Optional[str] = typer.Option(None, help="pretend today is this date (YYYY-MM-DD)"),
         fresh: bool = typer.Option(True, help="replace an existing demo workspace file (never any other)")):
    """Build the demo workspace: bundled real data plus a deterministic synthetic dataset, then print its status."""
    from luoshi.data.demo import build_demo

    path = Path(STATE["db"] or default_path())
    with forward.opening(str(path), forwardable=False):  # a server holding the file must be stopped first
        if fresh and path.exists():
            if not Workspace.demo_at(path):  # its data and audit log are kept: luoshi deletes neither
                raise Refusal("not-a-demo-workspace", 409, path=str(path))
            path.unlink()
            Path(str(path) + ".wal").unlink(missing_ok=True)
        ws = Workspace.create(path, today=parse_date(today))
    with console.status("building the demo workspace (synthetic data, labelled synthetic-demo)…"):
        info = build_demo(ws)
    console.print(f"[bold]demo workspace[/] {path}: {info['observations']:,} synthetic observations, "
                  f"{info['targets']:,} targets, rollup {info['rollup_rows']:,} rows (stored and rolled up in {info['seconds']} s)")
    show_status(ws, None, None, None, ws.today, as_json=False)


# --- loading ------------------------------------------------------------------------------------
@load_app.command("regions")
def load_regions(file: Path):
    """Regions CSV (code, parent_code, level, name_zh, name_en[, valid_from, valid_to]; docs/regions-format.md)."""
    emit(workspace().load_regions(file))


@load_app.command("plan")
def load_plan(file: Path):
    """Plan YAML (docs/plan-format.md)."""
    emit(workspace().load_plans(file))


@load_app.command("indicators")
def load_indicators(file: Path):
    """Indicator YAML (docs/indicator-format.md)."""
    emit(workspace().load_indicators(file))


@load_app.command("targets")
def load_targets(file: Path):
    """Targets CSV (indicator, region, period, comparator, value[, value_high, tolerance, ...])."""
    emit(workspace().load_targets(file))


def _import(kind: str, file: Path, mode: str, dry_run: bool, state: Optional[str], fmt: Optional[str],
            user: Optional[str], as_json: bool) -> None:
    from luoshi.cli.reporting import acting, show_import

    ws = workspace()
    result = ws.reporting.import_file(file, actor=acting(ws, user), kind=kind, mode=mode, dry_run=dry_run,
                                      state=state, fmt=fmt)
    show_import(result, as_json)


MODE_HELP = "all-or-nothing (default: any error stores nothing) or accept-valid (store valid rows, keep rejected ones)"


@import_app.command("observations")
def import_observations(file: Path,
                        mode: str = typer.Option("all-or-nothing", help=MODE_HELP),
                        dry_run: bool = typer.Option(False, "--dry-run", help="validate only, write nothing"),
                        state: Optional[str] = typer.Option(None, help="draft, submitted or approved (default: "
                                                            "approved for the local single user, else submitted)"),
                        fmt: Optional[str] = typer.Option(None, "--format", help="csv, xlsx or json (default: by name)"),
                        user: Optional[str] = typer.Option(None, "--as", help="acting user (env LUOSHI_USER)"),
                        as_json: bool = typer.Option(False, "--json")):
    """Observations from CSV (UTF-8/GB18030), XLSX or JSON: indicator, region, period, value[, unit, comment, source, state]."""
    _import("observations", file, mode, dry_run, state, fmt, user, as_json)


@import_app.command("targets")
def import_targets(file: Path,
                   mode: str = typer.Option("all-or-nothing", help=MODE_HELP),
                   dry_run: bool = typer.Option(False, "--dry-run", help="validate only, write nothing"),
                   fmt: Optional[str] = typer.Option(None, "--format", help="csv, xlsx or json (default: by name)"),
                   user: Optional[str] = typer.Option(None, "--as", help="acting user (env LUOSHI_USER)"),
                   as_json: bool = typer.Option(False, "--json")):
    """Targets from CSV, XLSX or JSON: indicator, region, period, comparator, value[, value_high, ...]."""
    _import("targets", file, mode, dry_run, None, fmt, user, as_json)


# --- reading ------------------------------------------------------------------------------------
def show_status(ws, plan, region, period, at, as_json):
    data = ws.status(plan, region, period, at)
    if as_json:
        emit(data, as_json=True)
        return
    from rich.tree import Tree

    reg = data["region"]
    synthetic = values.has_synthetic(ws.db)
    root = Tree(f"[bold]{data['plan']}[/] · {name_of(reg)} · {data['period']} · as of {data['at']}"
                + ("  [magenta](includes SYNTHETIC demo data)[/]" if synthetic else ""))

    def add(branch, node):
        label = (f"{light_text(node['light'])} [bold]{node['code']}[/] {name_of(node, 'title')}"
                 f" [dim]({node['status']})[/]")
        b = branch.add(label)
        for i in node["indicators"]:
            val = "—" if i["value"] is None else f"{i['value']:.{i['decimals']}f}"
            tgt = "" if i["target"] is None else f" / target {i['target']:.{i['decimals']}f}"
            att = "" if i["attainment"] is None else f" · {i['attainment']:.0f}%"
            exp = "" if i["expected"] is None else f" · pace {i['expected']:.0f}%"
            syn = " [magenta]synthetic[/]" if i["synthetic"] else ""
            b.add(f"{light_text(i['light'])} {i['code']} {name_of(i)}: {val} {i['unit']}{tgt}{att}{exp}"
                  f" · {i['category']}{completeness_text(i)}{syn}")
        for c in node["children"]:
            add(b, c)

    for n in data["nodes"]:
        add(root, n)
    console.print(root)
    console.print("counts: " + ", ".join(f"{k} {v}" for k, v in data["counts"].items()))


PLAN_HELP = "plan id (default: the default_plan setting)"


@app.command()
def status(plan: Optional[str] = typer.Option(None, help=PLAN_HELP),
           region: Optional[str] = typer.Option(None, help="region code (default: the plan's owner)"),
           period: Optional[str] = typer.Option(None, help="target period (default: the year of --at)"),
           at: Optional[str] = typer.Option(None, help="as-of date (default: today)"),
           as_json: bool = typer.Option(False, "--json")):
    """The plan tree with value, target, attainment, expected pace, category and light per node and indicator."""
    ws = workspace()
    attached = ws.rollup_attached()
    if attached and not as_json:
        console.print(f"[dim]rollup read from {attached} (made by Spark, attached)[/]")
    show_status(ws, plan, region, period, parse_date(at) or ws.today, as_json)


@app.command()
def rollup(engine: str = typer.Option("duckdb", help="duckdb (here, into the workspace) or spark (a Spark job "
                                                       "writing Parquet)"),
           output: Optional[Path] = typer.Option(None, "-o", "--output",
                                                 help="folder for the Parquet (rollup/ by period; with spark also "
                                                      "derived/ and manifest.json); required with spark"),
           master: str = typer.Option("local[2]", help="Spark master URL (local[N] on this machine, or a cluster's)"),
           attach: bool = typer.Option(False, "--attach", help="with spark: read the workspace's rollup from the "
                                                               "Parquet written (luoshi serve and status then show it)"),
           at: Optional[str] = typer.Option(None, help="with -o: judge every target as of this date (default: today)"),
           as_json: bool = typer.Option(False, "--json")):
    """Recompute the whole rollup, here with DuckDB or as a Spark job (docs/scale.md).

    `--engine duckdb` rolls up into the workspace (and detaches a rollup attached from Spark); `--engine spark -o DIR`
    exports the observations and structure to Parquet, runs the rollup and the judgement of every target on Spark
    and writes DIR/rollup/ and DIR/judgement/ (the columns of `luoshi export rollup` and `luoshi export judgement`,
    partitioned by period); `--attach` makes this workspace read it. While a rollup is attached, imports and changes
    of structure are refused (rollup-attached)."""
    emit(workspace().rollup(engine, output, master, attach, parse_date(at)), as_json=as_json, title="rollup")


@app.command()
def rank(indicator: list[str] = typer.Argument(..., help="one indicator, or several for a composite"),
         level: str = typer.Option("city", help="city or county"),
         within: Optional[str] = typer.Option(None, help="parent region code (default: the province)"),
         period: str = typer.Option(..., help="period, e.g. 2025 or 2025Q3"),
         weight: Optional[list[float]] = typer.Option(None, help="composite weights, one per indicator"),
         as_json: bool = typer.Option(False, "--json")):
    """Rank sibling regions on an indicator or a weighted composite, with rank change since the previous period."""
    data = workspace().rank(indicator, level=level, within=within, period=period, weights=weight)
    if as_json:
        emit(data, as_json=True)
        return
    from rich.table import Table

    t = Table(title=f"{' + '.join(indicator)} · {level} · {data['period']} (vs {data['previous_period']})")
    for col in ("rank", "change", "region", "value", "score"):
        t.add_column(col, justify="right" if col != "region" else "left")
    for r in data["rows"]:
        ch = r["change"]
        arrow = "" if ch is None else ("↑" + str(ch) if ch > 0 else "↓" + str(-ch) if ch < 0 else "→")
        t.add_row(str(r["rank"] or "—"), arrow, f"{name_of(r)} {r['code']}" + (" *" if r["synthetic"] else ""),
                  "—" if r["value"] is None else f"{r['value']:.2f}", "—" if r["score"] is None else f"{r['score']:.1f}")
    console.print(t)
    if any(r["synthetic"] for r in data["rows"]):
        console.print("[magenta]* synthetic demo data[/]")


@app.command()
def coverage(plan: Optional[str] = typer.Argument(None, help=PLAN_HELP),
             as_json: bool = typer.Option(False, "--json")):
    """Cascade coverage: parent plan nodes x child plans/regions, with the gaps."""
    data = workspace().coverage(plan)
    if as_json:
        emit(data, as_json=True)
        return
    from rich.table import Table

    t = Table(title=f"cascade coverage of {data['plan']} (✓ aligned/targets/data · gaps in red)")
    t.add_column("node")
    for c in data["columns"]:
        t.add_column(c["code"][:4] + ("*" if c["plan"] else ""), justify="center")
    for row in data["rows"]:
        cells = []
        for c in row["cells"]:
            mark = "A" if c["aligned_nodes"] else "-"
            mark += "T" if c["targets"] else "-"
            mark += "D" if c["indicators_with_data"] else "-"
            cells.append(f"[red]{mark}[/]" if c["gaps"] else f"[green]{mark}[/]")
        t.add_row(row["node"], *cells)
    console.print(t)
    console.print("A aligned node in the region's own plan · T targets · D data · * region has a child plan")


@app.command()
def export(what: str = typer.Argument(..., help="observations, rollup or judgement"),
           fmt: str = typer.Option("csv", "--format", help="csv or parquet"),
           output: Path = typer.Option(..., "-o", "--output", help="file to write"),
           at: Optional[str] = typer.Option(None, help="judgement: as of this date (default: today)")):
    """Export every observation revision, the rollup, or every target judged, to CSV or Parquet.

    In CSV, text that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first)
    is written with a quote before it; numbers and stored values are unchanged (docs/exports.md)."""
    n = workspace().export(what, fmt, output, at=parse_date(at))
    emit({"file": str(output), "rows": n})


@app.command()
def indicators(as_json: bool = typer.Option(False, "--json")):
    """List indicators with unit, frequency and aggregation rules."""
    rows = workspace().indicators()
    keep = ("code", "name_zh", "name_en", "unit", "frequency", "direction", "region_agg", "time_agg", "status")
    emit([{k: r[k] for k in keep} for r in rows], as_json=as_json, title="indicators")


@settings_app.callback()
def settings(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")):
    """Show the workspace settings: value, default, allowed values and meaning (docs/settings.md)."""
    if ctx.invoked_subcommand is not None:
        return
    rows = workspace().settings()
    if not as_json:  # values as they are typed (true/false, 0.5); the meaning says what is allowed
        rows = [{"name": r["name"], "value": SETTINGS[r["name"]].text(r["value"]),
                 "default": SETTINGS[r["name"]].text(r["default"]), "meaning": r["help"]} for r in rows]
    emit(rows, as_json=as_json, title="settings")


@settings_app.command("set")
def settings_set(name: str = typer.Argument(..., help="a setting (`luoshi settings` lists them)"),
                 value: str = typer.Argument(..., help="its new value")):
    """Change a setting; a value of the wrong type or outside the allowed values is refused (bad-setting)
    and nothing changes."""
    typed = workspace().set_setting(name, value)  # an unknown name or a bad value is refused
    emit({"setting": name, "value": SETTINGS[name].text(typed)})


@settings_app.command("reset")
def settings_reset(name: str = typer.Argument(..., help="a setting")):
    """Return a setting to its default."""
    typed = workspace().set_setting(name, None)
    emit({"setting": name, "value": SETTINGS[name].text(typed)})


def _register_extensions() -> None:
    """Sub-apps of other areas (documents, reporting, tasks, web) register here when present."""
    for module, name in (("luoshi.cli.docs", "docs"), ("luoshi.cli.regions", "regions")):
        try:
            mod = __import__(module, fromlist=["app"])
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        app.add_typer(mod.app, name=name)
    for module in ("luoshi.cli.web", "luoshi.cli.reporting", "luoshi.cli.tasks", "luoshi.cli.notices",
                   "luoshi.cli.briefing"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        mod.register(app)


_register_extensions()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":  # `python -m luoshi.cli.main`: run the package's module, whose STATE the areas read
    from luoshi.cli import main as cli

    cli.main()
