"""Output for people (rich tables, problem lists) and machines (--json)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from luoshi.cli import session


class _Console:
    """The console a command prints to: this process's own, or, for a command run inside a server for
    a client (cli/session.py), one shaped like the client's terminal (width, colours)."""

    def __init__(self, own: Console, which: str):
        self.own, self._which = own, which

    def __getattr__(self, name: str):
        here = session.forwarded()
        return getattr(getattr(here, self._which) if here is not None else self.own, name)


console = _Console(Console(), "out")
err_console = _Console(Console(stderr=True, soft_wrap=True), "err")  # an error stays on its line, for grep and scripts


def terminal() -> dict:
    """What this process's consoles found out about its terminal, for a server to print as they would."""
    def shape(c: Console) -> dict:
        return {"width": c.width, "color_system": c.color_system, "terminal": c.is_terminal,
                "no_color": c.no_color, "encoding": c.encoding}
    return {"out": shape(console.own), "err": shape(err_console.own)}

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


def show_problems(problems: list[dict], out: Console = console, most: int = 50) -> None:
    """Data problems, one a line: code, file, sheet, row, field and both messages."""
    for p in problems[:most]:
        where = ":".join(str(p[k]) for k in ("file", "sheet") if p.get(k))
        row = f" row {p['row']}" if p.get("row") else ""
        fld = f" field {escape(str(p['field']))}" if p.get("field") else ""
        color = "red" if p.get("severity", "error") == "error" else "yellow"
        out.print(f"  [{color}]{p['code']}[/] {escape(where)}{row}{fld}: {escape(p['message'])} / "
                  f"{escape(p.get('message_zh') or '')}")
    if len(problems) > most:
        out.print(f"  … and {len(problems) - most} more")


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
