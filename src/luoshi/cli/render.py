"""Output for people (rich tables) and machines (--json), and clean failures."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console()
err_console = Console(stderr=True)

LIGHT_SYMBOL = {"green": "[green]● green[/]", "yellow": "[yellow]▲ yellow[/]", "red": "[red]■ red[/]",
                "grey": "[dim]○ no data[/]"}


def _default(o):
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    if isinstance(o, Decimal):
        return float(o)
    if isinstance(o, set):
        return sorted(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def to_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def emit(data, *, as_json: bool = False, title: str | None = None) -> None:
    """Print data: JSON when asked (or for nested data), a table for a list of flat rows."""
    if as_json:
        sys.stdout.write(to_json(data) + "\n")
        return
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        t = Table(title=title)
        for k in data[0]:
            t.add_column(str(k))
        for r in data:
            t.add_row(*["" if v is None else str(v) for v in r.values()])
        console.print(t)
        return
    if isinstance(data, dict) and all(not isinstance(v, (dict, list)) for v in data.values()):
        t = Table(title=title, show_header=False)
        for k, v in data.items():
            t.add_row(str(k), "" if v is None else str(v))
        console.print(t)
        return
    console.print_json(to_json(data))


def fail(code: str, message: str, problems: list[dict] | None = None) -> None:
    """Exit non-zero with a stable error code; data problems listed with file, row, field."""
    err_console.print(f"[red]error[/] [bold]{code}[/]: {escape(message)}")
    for p in (problems or [])[:50]:
        where = ":".join(str(p[k]) for k in ("file", "sheet") if p.get(k))
        row = f" row {p['row']}" if p.get("row") else ""
        field = f" field {p['field']}" if p.get("field") else ""
        err_console.print(f"  {escape(where + row + field)}: [bold]{p['code']}[/]: {escape(p['message'])}")
    if problems and len(problems) > 50:
        err_console.print(f"  … and {len(problems) - 50} more")
    raise typer.Exit(2)


def light_text(light: str) -> str:
    return LIGHT_SYMBOL.get(light, light)


def completeness_text(row: dict) -> str:
    """What is missing from a value: reporting periods, some child regions, weights of a weighted mean."""
    if row.get("value") is None:
        return ""
    parts = []
    if row.get("periods_expected") and row.get("complete") is False:
        parts.append(f"periods {row['periods_reported']}/{row['periods_expected']}")
    if row.get("n_expected") and 0 < (row.get("n_reporting") or 0) < row["n_expected"]:
        parts.append(f"regions {row['n_reporting']}/{row['n_expected']}")
    if row.get("missing_weight"):
        parts.append("no weight: " + ", ".join(row["missing_weight"]))
    return f" [yellow]({'; '.join(parts)})[/]" if parts else ""


def name_of(obj: dict, prefix: str = "name") -> str:
    zh, en = obj.get(f"{prefix}_zh"), obj.get(f"{prefix}_en")
    return f"{zh} {en}" if zh and en else (zh or en or "")
