"""POST /api/local/cli: a luoshi command sent by the CLI on this machine while the server holds the
workspace (cli/forward.py), run on the server's own Workspace (cli/inprocess.py).

Only a caller on this machine that sends the secret of the serve file may use it (anything else is
refused, local-cli-only, 403, before its body is read); a server started without a serve file
(``app.state.cli_secret`` None, as in tests) refuses everyone.  One command at a time, in a worker
thread: the queue waits on the event loop, not in the thread pool the pages need."""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StrictStr, ValidationError
from starlette.concurrency import run_in_threadpool

from luoshi.cli.forward import ROUTE, SECRET_HEADER
from luoshi.domain.problems import Refusal
from luoshi.web.auth import _loopback_ip
from luoshi.web.body import posted

router = APIRouter(include_in_schema=False)


class Command(BaseModel):
    argv: list[StrictStr]
    cwd: StrictStr
    env: dict[StrictStr, StrictStr] = {}
    terminal: dict[StrictStr, dict[StrictStr, Any]] = {}
    prog: StrictStr = "luoshi"


def from_this_machine(request: Request) -> bool:
    """A loopback caller, or one whose address is the server's own on this connection (a socket bound
    to one non-loopback address is reached from this machine on that address)."""
    client = request.client.host if request.client else ""
    server = (request.scope.get("server") or ("",))[0]
    return _loopback_ip(client) or (bool(client) and client == server)


def _check(request: Request) -> None:
    secret = request.app.state.cli_secret
    given = request.headers.get(SECRET_HEADER, "")
    # compared in constant time, and always (so that the answer's timing says nothing about the secret)
    same = hmac.compare_digest(given.encode(), (secret or "\0").encode())
    if not (secret and same and from_this_machine(request)):
        raise Refusal("local-cli-only", 403)


@router.post(ROUTE)
async def local_cli(request: Request):
    _check(request)
    try:
        command = Command.model_validate(await posted(request))
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise Refusal("bad-query", 400, where="body", detail=detail) from None
    from luoshi.cli import inprocess

    state = request.app.state
    url = str(request.base_url).rstrip("/")
    async with state.cli_queue:
        try:
            out = await run_in_threadpool(inprocess.run, state.ws, command.argv, command.cwd, command.env,
                                          command.terminal, command.prog, url)
        finally:
            state.dash.invalidate()  # the command may have written: no page serves what it replaced
    return JSONResponse(out)


def install(app: FastAPI) -> None:
    app.state.cli_secret = None  # `luoshi serve` sets it when it writes the serve file
    app.state.cli_queue = asyncio.Lock()
    app.include_router(router)
