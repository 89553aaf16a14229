"""Where a CLI command runs: in its own process (that process's environment, terminal and workspace
file), or inside the `luoshi serve` that holds the file, sent there by a client (cli/forward.py):
then with the client's environment variables and terminal and the server's open Workspace.

Set per command by cli/inprocess.py in a context variable, so that the server's other threads (its
pages and API) never see it."""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from luoshi.workspace import Workspace

# the variables that say who acts (cli/reporting.py: --as, else these)
USER_ENV, TOKEN_ENV = "LUOSHI_USER", "LUOSHI_TOKEN"


@dataclass(frozen=True)
class Forwarded:
    """A command run inside the server for a client."""
    ws: "Workspace"
    env: dict[str, str] = field(default_factory=dict)  # the client's values of the variables the command reads
    out: Any = None  # rich Consoles shaped like the client's stdout and stderr (cli/render.py)
    err: Any = None
    stdout: Any = None  # where its sys.stdout and sys.stderr go
    stderr: Any = None


CURRENT: ContextVar[Forwarded | None] = ContextVar("luoshi_forwarded", default=None)


def forwarded() -> Forwarded | None:
    return CURRENT.get()


def env(name: str) -> str | None:
    """An environment variable as the command's caller has it: a forwarded command sees the client's
    value (or none), never the server's."""
    here = CURRENT.get()
    return here.env.get(name) if here is not None else os.environ.get(name)
