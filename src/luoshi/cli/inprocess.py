"""A luoshi command run inside the server for a client (cli/forward.py sends it; web/local_cli.py
receives it): the Typer app on the server's own Workspace, with the client's environment variables,
working directory and terminal, its stdout and stderr captured.

One command at a time (``_LOCK``).  Relative paths in the command (files to import, ``-o``) mean the
client's working directory, so the process changes into it for the command and back after: nothing
else in the server depends on the working directory (the served workspace's path is absolute, and
so is everything derived from it; the pages read and write only through the workspace and
temporary files), and no other forwarded command runs meanwhile.  sys.stdout and sys.stderr are
routed per context (``_Routed``), so that what the server's other threads print or log stays theirs."""

from __future__ import annotations

import codecs
import io
import logging
import os
import sys
import threading
from typing import Any

from rich.console import Console

from luoshi.cli import session
from luoshi.cli.forward import LOCAL_ONLY
from luoshi.domain.problems import Refusal

log = logging.getLogger("luoshi.cli")
_LOCK = threading.Lock()
_command = None  # the click command of the app, built once
COLOR_SYSTEMS = ("standard", "256", "truecolor", "windows")


class _Captured(io.StringIO):
    """A command's stdout or stderr, claiming the client's encoding and whether it is a terminal."""

    def __init__(self, encoding: str, tty: bool):
        super().__init__()
        self._encoding, self._tty = encoding, tty

    @property
    def encoding(self) -> str:
        return self._encoding

    def isatty(self) -> bool:
        return self._tty


class _Routed:
    """Stands for sys.stdout or sys.stderr: a forwarded command's capture in its context, the
    process's own stream everywhere else."""

    def __init__(self, own, which: str):
        self._own, self._which = own, which

    def _target(self):
        here = session.forwarded()
        return getattr(here, self._which) if here is not None else self._own

    def write(self, text):
        target = self._target()
        return target.write(text) if target is not None else len(text)

    def flush(self):
        target = self._target()
        if target is not None:
            target.flush()

    def __getattr__(self, name):
        return getattr(self._target(), name)


def _route_std_streams() -> None:
    if not isinstance(sys.stdout, _Routed):
        sys.stdout = _Routed(sys.stdout, "stdout")
    if not isinstance(sys.stderr, _Routed):
        sys.stderr = _Routed(sys.stderr, "stderr")


def _encoding(name: Any) -> str:
    try:
        return codecs.lookup(str(name)).name
    except LookupError:
        return "utf-8"


def _console(file: _Captured, shape: dict, **kw) -> Console:
    """A console printing to ``file`` as the client's printed to its terminal (cli.render.terminal)."""
    width = shape.get("width")
    colors = shape.get("color_system")
    return Console(file=file, width=width if isinstance(width, int) and 0 < width <= 1000 else 80,
                   color_system=colors if colors in COLOR_SYSTEMS else None, force_terminal=file.isatty(),
                   no_color=bool(shape.get("no_color")), legacy_windows=False, **kw)


def command_name(argv: list[str]) -> str | None:
    """The top-level command of a luoshi command line (after the group's own --db option)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token == "--db":
            skip = True
        elif not token.startswith("-"):
            return token
    return None


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)  # sys.exit("text"): printed, and 1, as Python does
    return 1


def _invoke(argv: list[str], prog: str, ws, url: str) -> int:
    global _command
    from luoshi.cli.errors import exit_code, show

    if command_name(argv) in LOCAL_ONLY:  # they open the file themselves: not on a served one
        refusal = Refusal("workspace-busy", 409, path=ws.path, holder=f"luoshi serve, PID {os.getpid()}",
                          server=url)
        show(refusal)
        return exit_code(refusal)
    if _command is None:
        import typer

        from luoshi.cli.main import app

        _command = typer.main.get_command(app)
    try:
        _command.main(args=argv, prog_name=prog, standalone_mode=True)
    except SystemExit as exc:
        return _exit_code(exc)
    return 0


def run(ws, argv: list[str], cwd: str, env: dict[str, str], terminal: dict, prog: str = "luoshi",
        url: str = "") -> dict:
    """Run the command ``argv`` on ``ws`` (served at ``url``) as the client would have; returns
    {exit_code, stdout, stderr}.
    A relative or missing ``cwd`` is refused (bad-query) before anything runs."""
    if not os.path.isabs(cwd) or not os.path.isdir(cwd):
        raise Refusal("bad-query", 400, where="cwd", detail="not an absolute path of a directory here")
    shapes = {k: terminal.get(k) if isinstance(terminal.get(k), dict) else {} for k in ("out", "err")}
    out = _Captured(_encoding(shapes["out"].get("encoding", "utf-8")), bool(shapes["out"].get("terminal")))
    err = _Captured(_encoding(shapes["err"].get("encoding", "utf-8")), bool(shapes["err"].get("terminal")))
    here = session.Forwarded(ws=ws, env=dict(env), out=_console(out, shapes["out"]),
                             err=_console(err, shapes["err"], soft_wrap=True), stdout=out, stderr=err)
    crash = None
    with _LOCK:
        _route_std_streams()
        back = os.open(".", os.O_RDONLY)  # the server's own directory, even if it was removed meanwhile
        token = session.CURRENT.set(here)
        try:
            os.chdir(cwd)
            code = _invoke(argv, prog or "luoshi", ws, url)
        except Exception as exc:  # noqa: BLE001 - a bug: the client gets the message, the server's log the rest
            from luoshi.cli.errors import exit_code, show

            crash = exc
            refusal = Refusal("internal-error", 500)
            show(refusal)
            code = exit_code(refusal)
        finally:
            session.CURRENT.reset(token)
            os.fchdir(back)
            os.close(back)
    if crash is not None:  # logged outside the command's context: the traceback stays on the server
        log.error("forwarded command %s failed", argv, exc_info=crash)
    return {"exit_code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}
