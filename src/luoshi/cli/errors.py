"""The CLI's one error mapper: a refusal from any command leaves as its code, both messages and the
problems behind it on stderr, with exit code 3 when not permitted, 4 when another process holds the
workspace, and 2 otherwise (bad input, unknown names).  An import that stored its valid rows but refused others exits 1, so that a script
notices.  ``Shell`` is the top-level command group; every sub-command runs inside it."""

from __future__ import annotations

import typer
from rich.markup import escape
from typer.core import TyperGroup

from luoshi.cli.forward import COMMAND_LINE
from luoshi.cli.render import err_console, show_problems
from luoshi.domain.problems import Refusal

EXIT_PARTIAL, EXIT_REFUSED, EXIT_NOT_PERMITTED, EXIT_BUSY = 1, 2, 3, 4


def exit_code(refusal: Refusal) -> int:
    if refusal.code == "workspace-busy":  # nothing wrong with the command: it may run once the file is free
        return EXIT_BUSY
    return EXIT_NOT_PERMITTED if refusal.status == 403 else EXIT_REFUSED


def show(refusal: Refusal) -> None:
    p = refusal.said_for("cli").problem
    label = "refused" if exit_code(refusal) == EXIT_NOT_PERMITTED else "error"
    err_console.print(f"[red]{label}[/] [bold]{p.code}[/]: {escape(p.message)} / {escape(p.message_zh or '')}")
    show_problems([q.to_dict() for q in refusal.problems], err_console)


class Shell(TyperGroup):
    """The `luoshi` group: runs the command and maps a refusal to its message and exit code."""

    def make_context(self, info_name, args, parent=None, **extra):
        COMMAND_LINE.set((info_name, list(args)))  # the whole command line, to send to a server (cli/forward.py)
        return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Refusal as exc:
            show(exc)
            raise typer.Exit(exit_code(exc)) from None
