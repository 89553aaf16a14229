"""The front process of `luoshi serve`: it holds the public address, answers the dashboards' reads
from a copy of what the workspace's process last answered, and passes everything else on.

Why a second process.  One Python process has one interpreter lock: while readers asked for cached
pages as fast as they were answered, the writer of the month-end rush waited for the lock after every
DuckDB call, and acknowledged writes fell from about 70 to about 15 a second (bench/rush.py).  DuckDB
lets one process open the file, so the workspace stays in one process (the *owner*: every write, every
view, every refusal, as before); this process only answers again what the owner marked as shared, so
the readers' work runs on the other core, under another lock.

What may be answered again.  The owner marks a response with ``SHARED`` when it is a pure function
of the request and the data (web/state.py's cache: the pages and the /api views).  This process keeps
such a response under the request (path, query, the client's address and every header but those of
the connection) and answers it again while ``Generation`` has not moved since the request was sent on,
and for at most ``TTL`` seconds (what depends on the clock: today, a session's end).  The owner moves
``Generation`` on every commit and whenever its own cache changes, before it answers the write, so
that a reporter who sees a write acknowledged and reads again is answered by the owner, never from a
copy older than the write.

The client's address, the address it reached and the scheme reach the owner in headers (``CLIENT``,
``SERVER``, ``SCHEME``; what a client sends under those names is dropped); the owner listens on a Unix
socket in a directory only its user can open, and ``from_front`` believes those headers there.  When the owner does not answer, the client
gets the envelope ``server-unavailable`` (503)."""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import json
import mmap
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

import httpx

from luoshi.domain.problems import Refusal

SHARED = "x-luoshi-shared"  # set by the owner on a response that may be answered again
CLIENT = "x-luoshi-client"  # host and port of the client, from the front to the owner
SERVER = "x-luoshi-server"  # and of the address the client reached (web/local_cli.py compares them)
SCHEME = "x-luoshi-scheme"
TTL = 1.0  # seconds a copy is answered at most
CACHE_SIZE = 512  # copies kept
# the front runs at a lower priority: a read answered again costs little, while the owner's processor
# time is the writes' (with readers asking as fast as answered, at equal priority they took half of it)
NICE = 10
MAX_COPY = 4 << 20  # a larger response is passed on, not kept (bytes)
# headers of one connection, not of the request or the response (RFC 9110, 7.6.1), and what the
# front server adds itself
HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
       "proxy-authenticate", "proxy-authorization"}
OWN = {CLIENT, SERVER, SCHEME, SHARED}


class Generation:
    """A counter in a file both processes map: moved by the owner, read by the front for every read."""

    def __init__(self, path: str | Path, create: bool = False):
        self.path = str(path)
        if create:
            with open(self.path, "wb") as f:
                f.write(b"\0" * 8)
        with open(self.path, "r+b") as f:
            self._map = mmap.mmap(f.fileno(), 8)
        self._lock = threading.Lock()

    def read(self) -> int:
        return struct.unpack_from("<Q", self._map, 0)[0]

    def bump(self) -> None:
        with self._lock:
            struct.pack_into("<Q", self._map, 0, self.read() + 1)


# --- the owner's side --------------------------------------------------------------------------------
def from_front(app):
    """The owner's ASGI app behind the front: the client's address and scheme are the front's headers."""
    async def behind(scope, receive, send):
        if scope["type"] == "http":
            headers, said = [], {}
            for name, value in scope["headers"]:
                if name.decode("latin-1") in OWN:
                    said[name.decode("latin-1")] = value.decode("latin-1")
                else:
                    headers.append((name, value))
            scope = dict(scope, headers=headers, client=_address(said.get(CLIENT)) or scope.get("client"),
                         server=_address(said.get(SERVER)) or scope.get("server"),
                         scheme=said.get(SCHEME) or scope["scheme"])
        await app(scope, receive, send)
    return behind


def _address(text: str | None) -> tuple[str, int] | None:
    if not text:
        return None
    host, _, port = text.rpartition(":")
    return host, int(port) if port.isdigit() else 0


# --- the front -----------------------------------------------------------------------------------------
class Front:
    """The ASGI app of the front process: copies of shared responses, everything else to the owner."""

    def __init__(self, owner: str, generation: Generation, ttl: float = TTL, cache_size: int = CACHE_SIZE):
        self.owner = owner  # the owner's Unix socket
        self.generation = generation
        self.ttl = ttl
        self.cache_size = cache_size
        self._copies: OrderedDict = OrderedDict()  # key -> (generation, when, status, headers, body)
        self._flights: dict = {}  # key -> Future: a read of that key being passed on
        self._transport: httpx.AsyncHTTPTransport | None = None

    def transport(self) -> httpx.AsyncHTTPTransport:
        """The connections to the owner.  A transport, not a client: a client would keep the cookies the
        owner sets (a session!) and send them with everybody's requests, and add headers of its own."""
        if self._transport is None:
            self._transport = httpx.AsyncHTTPTransport(
                uds=self.owner, limits=httpx.Limits(max_connections=256, max_keepalive_connections=64))
        return self._transport

    def _copy(self, key):
        hit = self._copies.get(key)
        if hit is None:
            return None
        if hit[0] != self.generation.read() or time.monotonic() - hit[1] > self.ttl:
            del self._copies[key]
            return None
        return hit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return  # no websockets; lifespan is off
        key = None
        if scope["method"] == "GET":
            client = scope.get("client")
            key = (scope["path"], scope["query_string"], client[0] if client else None,
                   tuple((n, v) for n, v in scope["headers"] if n.decode("latin-1") not in HOP | OWN))
            for _ in range(2):
                hit = self._copy(key)
                if hit is not None:
                    await _answer(send, *hit[2:])
                    return
                flight = self._flights.get(key)
                if flight is None:
                    break
                await asyncio.shield(flight)  # the same read is on its way: wait for its copy
        if key is None or key in self._flights:
            await self._pass_on(scope, receive, send, None)
            return
        self._flights[key] = flight = asyncio.get_running_loop().create_future()
        try:
            await self._pass_on(scope, receive, send, key)
        finally:
            del self._flights[key]
            flight.set_result(None)

    async def _pass_on(self, scope, receive, send, key) -> None:
        """The request to the owner and its answer back; kept when shared and ``key`` is given."""
        client = scope.get("client")
        headers = [(n, v) for n, v in scope["headers"] if n.decode("latin-1") not in HOP | OWN]
        for name, address in ((CLIENT, client), (SERVER, scope.get("server"))):
            if address:
                headers.append((name.encode(), f"{address[0]}:{address[1]}".encode()))
        headers.append((SCHEME.encode(), scope["scheme"].encode()))
        path = scope.get("raw_path") or scope["path"].encode()
        url = "http://owner" + path.decode("latin-1") + ("?" + scope["query_string"].decode("latin-1")
                                                         if scope["query_string"] else "")
        generation = self.generation.read()  # before the owner answers: a commit meanwhile outdates the copy
        request = httpx.Request(scope["method"], url, headers=headers,
                                content=_body(receive) if scope["method"] not in ("GET", "HEAD") else None)
        try:
            response = await self.transport().handle_async_request(request)
        except httpx.TransportError:
            await _answer(send, *_unavailable())
            return
        try:
            out = [(n.lower(), v) for n, v in response.headers.raw
                   if n.lower().decode("latin-1") not in HOP | {"date", "server"}]
            shared = any(n == SHARED.encode() for n, _ in out) and response.status_code == 200 and \
                not any(n == b"set-cookie" for n, _ in out)
            out = [(n, v) for n, v in out if n != SHARED.encode()]
            if key is not None and shared:
                body = b"".join([chunk async for chunk in response.aiter_raw()])
                if len(body) <= MAX_COPY:
                    self._copies[key] = (generation, time.monotonic(), response.status_code, out, body)
                    self._copies.move_to_end(key)
                    while len(self._copies) > self.cache_size:
                        self._copies.popitem(last=False)
                await _answer(send, response.status_code, out, body)
                return
            await send({"type": "http.response.start", "status": response.status_code, "headers": out})
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        except httpx.TransportError:  # the owner went away in the middle of its answer: the client's connection ends
            raise
        finally:
            await response.aclose()


async def _body(receive):
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        yield message.get("body", b"")
        if not message.get("more_body"):
            return


async def _answer(send, status: int, headers: list, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _unavailable() -> tuple[int, list, bytes]:
    refusal = Refusal("server-unavailable", 503).said_for("web")
    return 503, [(b"content-type", b"application/json"), (b"retry-after", b"5")], json.dumps(refusal.envelope(), ensure_ascii=False).encode()


# --- the front process ---------------------------------------------------------------------------------
class Split:
    """The owner's side of the two processes: its Unix socket, the generation, and the front process
    started over the public socket (which the owner then no longer needs)."""

    def __init__(self, public: socket.socket, log_level: str = "warning"):
        self.dir = tempfile.mkdtemp(prefix="luoshi-serve-")  # only this user may open it
        path = os.path.join(self.dir, "owner.sock")
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.socket.bind(path)
        self.socket.listen(2048)  # the front's requests queue from now on
        self.generation = Generation(os.path.join(self.dir, "generation"), create=True)
        self.closing = False
        self.process = subprocess.Popen(
            [sys.executable, "-m", "luoshi.web.front", "--fd", str(public.fileno()), "--owner", path,
             "--generation", self.generation.path, "--parent", str(os.getpid()), "--log-level", log_level],
            # a session of its own: Ctrl-C in the terminal stops the owner, which stops the front
            pass_fds=[public.fileno()], start_new_session=True)

    def watch(self, stop) -> None:
        """Call ``stop()`` if the front process ends while the owner still serves."""
        def wait():
            code = self.process.wait()
            if not self.closing:
                print(f"luoshi: the front process ended (exit {code}); stopping", file=sys.stderr, flush=True)
                stop()
        threading.Thread(target=wait, name="luoshi-front-watch", daemon=True).start()

    def close(self) -> None:
        self.closing = True
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.socket.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _die_with(parent: int) -> None:
    """Be killed when the owner dies, even by SIGKILL (Linux: PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it died before this process asked
        os._exit(0)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="the front process of luoshi serve (started by it)")
    ap.add_argument("--fd", type=int, required=True, help="the listening socket")
    ap.add_argument("--owner", required=True, help="the owner's Unix socket")
    ap.add_argument("--generation", required=True)
    ap.add_argument("--parent", type=int, required=True)
    ap.add_argument("--log-level", default="warning")
    args = ap.parse_args(argv)
    _die_with(args.parent)
    os.nice(NICE)
    import uvicorn

    from luoshi.web.headers import SecurityHeaders

    sys.setswitchinterval(0.0001)
    sock = socket.socket(fileno=args.fd)
    app = SecurityHeaders(Front(args.owner, Generation(args.generation)))
    config = uvicorn.Config(app, log_level=args.log_level, access_log=False, lifespan="off", proxy_headers=False,
                            server_header=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
