"""The reference docs generated from the code: docs/cli.md from the Typer app itself (every command and
sub-command, with its arguments and options) and docs/settings.md from the settings declaration.

``python -m luoshi.cli.reference [DOCS_DIR]`` (``make docs``) writes them; tests/test_docs.py fails
when they differ from what the code would write, so a new command or setting cannot go undocumented.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import typer

from luoshi.cli.main import app
from luoshi.domain import settings


def commands(cmd=None, path: tuple[str, ...] = ("luoshi",)) -> list[tuple[str, object]]:
    """Every command of the app, sub-apps included, as (command path, click command), the app first
    and each group before its commands, in name order."""
    cmd = cmd or typer.main.get_command(app)
    out = [(" ".join(path), cmd)]
    for name in sorted(getattr(cmd, "commands", {})):
        out += commands(cmd.commands[name], path + (name,))
    return out


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _section(path: str, cmd) -> list[str]:
    ctx = typer.Context(cmd, info_name=path, terminal_width=10_000, max_content_width=10_000)  # no wrapping
    lines = [f"## `{path}`", "", inspect.cleandoc(cmd.help or ""), "", "```", cmd.get_usage(ctx), "```", ""]
    subs = sorted(getattr(cmd, "commands", {}))
    if subs:
        lines += ["Commands: " + ", ".join(f"[`{s}`](#{_anchor(f'{path} {s}')})" for s in subs) + ".", ""]
    records = [p.get_help_record(ctx) for p in cmd.params if not p.hidden]
    records = [r for r in records if r]
    if records:
        lines += ["| argument or option | meaning |", "|---|---|"]
        lines += [f"| `{_cell(name)}` | {_cell(text)} |" for name, text in records]
        lines.append("")
    return lines


def _anchor(path: str) -> str:
    """The anchor GitHub gives the heading of ``path`` (lower case; spaces become dashes)."""
    return "".join(c for c in path.lower().replace(" ", "-") if c.isalnum() or c in "-_")


def cli_markdown() -> str:
    """docs/cli.md."""
    lines = ["# Command-line reference", "",
             "Generated from the Typer app (`luoshi.cli.main.app`) by `python -m luoshi.cli.reference` "
             "(`make docs`); do not edit by hand. `luoshi COMMAND --help` prints the same. The workspace "
             "settings are in [settings.md](settings.md), the error codes in [errors.md](errors.md).", ""]
    for path, cmd in commands():
        lines += _section(path, cmd)
    return "\n".join(lines).rstrip("\n") + "\n"


GENERATED = {"cli.md": cli_markdown, "settings.md": settings.markdown}


def write(docs: Path) -> list[Path]:
    """Write every generated file into ``docs``; returns their paths."""
    out = []
    for name, render in GENERATED.items():
        (docs / name).write_text(render(), encoding="utf-8")
        out.append(docs / name)
    return out


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")):
        print(p)
