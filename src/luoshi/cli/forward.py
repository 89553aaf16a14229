"""The CLI beside a running server: while `luoshi serve` holds a workspace file, a luoshi command on
it is sent to that server, which runs it on its own open Workspace (web/local_cli.py), and the
command prints what it printed there and exits with its exit code.

The server says where it is in a serve file beside the workspace (``<file>.serve.json``: pid,
loopback URL, a random secret), readable by its owner only, removed when it stops.  A file whose
process is gone, whose process does not hold the workspace, or whose server does not answer is
stale and ignored: the command is then refused with workspace-busy as before.  Commands that make or
replace the file (``LOCAL_ONLY``) are never sent; their refusal says that a server holds it."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import typer

from luoshi.cli import session
from luoshi.domain.problems import Refusal

SUFFIX = ".serve.json"
ROUTE = "/api/local/cli"
SECRET_HEADER = "x-luoshi-cli-secret"
LOCAL_ONLY = frozenset({"serve", "demo", "init"})  # they open, make or replace the file themselves
CONNECT_TIMEOUT = 5.0  # seconds to reach the server; the command itself may take as long as it takes
# the running command's program name and arguments as given (set by cli.errors.Shell)
COMMAND_LINE: ContextVar[tuple[str, list[str]] | None] = ContextVar("luoshi_command_line", default=None)


@dataclass(frozen=True)
class Server:
    pid: int
    url: str
    secret: str


def serve_file(db_path: str) -> Path:
    real = os.path.realpath(db_path)  # the same file however it is named (relative, through a link)
    return Path(real + SUFFIX)


# --- the server's side --------------------------------------------------------------------------
def loopback_url(address: str, port: int) -> str:
    """The URL that reaches a socket bound to ``address`` from this machine: a wildcard address is
    reached on the loopback address of its family."""
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(address.split("%")[0], address)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def announce(db_path: str, url: str) -> Server:
    """Write the serve file (owner-only from its creation, then moved into place whole); raises OSError."""
    server = Server(os.getpid(), url, secrets.token_urlsafe(32))
    target = serve_file(db_path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"pid": server.pid, "url": server.url, "secret": server.secret,
                       "path": os.path.realpath(db_path)}, fh)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return server


def withdraw(db_path: str, server: Server) -> None:
    """Remove the serve file if it is still this server's."""
    target = serve_file(db_path)
    try:
        if json.loads(target.read_text(encoding="utf-8")).get("secret") == server.secret:
            target.unlink()
    except (OSError, ValueError):
        pass


# --- the client's side --------------------------------------------------------------------------
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def live(db_path: str) -> Server | None:
    """The server the serve file names, if the file is this user's own, unreadable to others, and its
    process is alive; else None (no file, a stale or foreign one)."""
    target = serve_file(db_path)
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        # a file someone else planted could send the command (and its secrets) anywhere
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & (stat.S_IRWXG | stat.S_IRWXO)):
            return None
        with os.fdopen(fd, encoding="utf-8") as fh:
            fd = -1
            data = json.load(fh)
        server = Server(int(data["pid"]), str(data["url"]), str(data["secret"]))
        if data.get("path") != os.path.realpath(db_path):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    return server if _alive(server.pid) else None


def holding(db_path: str, busy: Refusal) -> Server | None:
    """The live server that holds the file, by its serve file and the lock's holder (when DuckDB names it)."""
    server = live(db_path)
    held = re.search(r"PID (\d+)", str(busy.params.get("holder", "")))
    if server is None or (held and int(held.group(1)) != server.pid):
        return None
    return server


def busy(db_path: str, refusal: Refusal, forwardable: bool) -> NoReturn:
    """What a command does when the file is busy: sent to the server that holds it (exits with its
    exit code), or refused, saying that a server holds it when one does."""
    server = holding(db_path, refusal)
    if server is None:
        raise refusal
    if forwardable:
        code = send(server)
        if code is not None:
            raise typer.Exit(code)
        raise refusal  # the server did not answer: as if there were none
    raise Refusal("workspace-busy", 409, path=refusal.params.get("path", db_path),
                  holder=refusal.params.get("holder", f"PID {server.pid}"), server=server.url) from None


@contextmanager
def opening(db_path: str, forwardable: bool) -> Iterator[None]:
    """Around opening the workspace: a workspace-busy refusal goes through ``busy``."""
    try:
        yield
    except Refusal as exc:
        if exc.code != "workspace-busy" or session.forwarded() is not None:
            raise
        busy(db_path, exc, forwardable)


def environment(argv: list[str]) -> dict[str, str]:
    """The variables the command reads: who acts, and those its ``--…-env VAR`` options name."""
    names = {session.USER_ENV, session.TOKEN_ENV}
    for i, token in enumerate(argv):
        option, eq, value = token.partition("=")
        if option.startswith("--") and option.endswith("-env"):
            value = value if eq else (argv[i + 1] if i + 1 < len(argv) else "")
            names.add(value)
    return {n: os.environ[n] for n in sorted(names) if n and n in os.environ}


def send(server: Server) -> int | None:
    """Send the running command to ``server``, print what it printed and return its exit code; None
    when the server cannot be reached or answers anything but a result."""
    from luoshi.cli.render import terminal

    prog, argv = COMMAND_LINE.get() or ("luoshi", sys.argv[1:])
    body = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": environment(argv), "terminal": terminal(),
                       "prog": prog or "luoshi"}).encode()
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=CONNECT_TIMEOUT)  # never a proxy
    try:
        conn.connect()
        conn.sock.settimeout(None)
        conn.request("POST", ROUTE, body, {"content-type": "application/json", SECRET_HEADER: server.secret})
        answer = conn.getresponse()
        if answer.status != 200:  # a refusal (a stale secret): as if no server answered
            return None
        data = json.loads(answer.read())
        code, out, err = data["exit_code"], data["stdout"], data["stderr"]
        if not (isinstance(code, int) and isinstance(out, str) and isinstance(err, str)):
            return None
    except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError):
        return None
    finally:
        conn.close()
    sys.stdout.write(out)
    sys.stdout.flush()
    sys.stderr.write(err)
    sys.stderr.flush()
    return code
