"""`luoshi serve`: the web dashboard and JSON API over a workspace."""

from __future__ import annotations

from typing import Optional

import typer

from luoshi.domain.problems import Refusal


def register(app: typer.Typer) -> None:
    from luoshi.cli import main as cli

    @app.command()
    def serve(host: str = typer.Option("127.0.0.1", help="address to listen on"),
              port: int = typer.Option(8000, help="port (0: any free port)"),
              db: Optional[str] = typer.Option(None, "--db", help="workspace file (default: the global --db, "
                                                                  "env LUOSHI_DB, ./luoshi.duckdb)"),
              today: Optional[str] = typer.Option(None, help="pretend today is this date (YYYY-MM-DD)"),
              cache_size: int = typer.Option(256, help="views kept in memory until the data change (0: none)"),
              log_level: str = typer.Option("warning", help="uvicorn log level"),
              front: bool = typer.Option(True, help="answer the dashboards' repeated reads in a second process, "
                                                    "so that readers never take the processor from the writes "
                                                    "(--no-front: one process)")):
        """Serve the dashboard and the JSON API (pages at /, API at /api, reference at /docs)."""
        import os
        import signal
        import socket
        import sys
        import threading

        import uvicorn

        from luoshi.cli import forward
        from luoshi.web import create_app
        from luoshi.workspace import Workspace, default_path

        path = db or cli.STATE["db"] or default_path()
        # absolute: a command sent to the server runs in its client's directory (cli/inprocess.py), and
        # DuckDB finds its WAL and temporary files, and the evidence files their folder, by this path
        path = path if path == ":memory:" else os.path.abspath(path)
        try:
            with forward.opening(path, forwardable=False):
                ws = Workspace.open(path, today=cli.parse_date(today))
        except FileNotFoundError:
            raise Refusal("no-workspace", 404, path=path) from None
        attached = ws.rollup_attached()  # a rollup made by Spark that can no longer be read: rollup-missing
        if attached:
            print(f"the rollup is read from {attached} (luoshi rollup --engine spark --attach)", file=sys.stderr)
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # accepted connections inherit this; without it keep-alive responses wait ~40 ms (Nagle + delayed ACK)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as exc:
            sock.close()
            ws.close()
            raise Refusal("address-in-use", 409, host=host, port=port, detail=exc.strerror or str(exc)) from None
        from luoshi.web.auth import serve_allowed

        # decided on the address the socket is bound to: "", "0", "::" or a name all end up somewhere
        address, bound = sock.getsockname()[:2]
        if not serve_allowed(ws, sock, host):
            sock.close()
            ws.close()
            raise Refusal("no-users", 409, host=host or address)
        app_ = create_app(ws, cache_size=cache_size)
        sock.listen(2048)  # accept connections (queued) from the moment the address is printed
        announced = None
        if path != ":memory:":  # luoshi commands on the file are sent here while it runs (cli/forward.py)
            try:
                announced = forward.announce(ws.path, forward.loopback_url(address, bound))
            except OSError as exc:
                print(f"luoshi: cannot write {forward.serve_file(ws.path)} ({exc.strerror or exc}): luoshi "
                      "commands on the file are refused while the server runs", file=sys.stderr, flush=True)
            else:
                app_.state.cli_secret = announced.secret
        shown = host or address
        shown = f"[{shown}]" if ":" in shown else shown
        print(f"luoshi: serving {ws.path} at http://{shown}:{bound}/  (API /api, reference /docs; Ctrl-C stops)",
              flush=True)
        # uvloop and httptools (dependencies) parse and schedule several times faster than the
        # pure-Python defaults; uvicorn falls back to those where the fast ones cannot load.
        # proxy_headers off: the app trusts X-Forwarded-For only from the trusted_proxies setting
        # The writer thread gives up the interpreter at every DuckDB call and must wait for it back while
        # the event loop serves dashboard reads (the convoy effect): at Python's default 5 ms a batch of
        # a few dozen calls waited longer than it worked. bench/rush.py (a), 30 s, 3 readers reading as
        # fast as answered: 5 ms 7.6 and 9.2 acknowledged writes/s, 0.1 ms 13.4 and 14.7 (read p95 13 ms
        # -> 21 ms).
        sys.setswitchinterval(0.0001)
        split = None
        if front:  # the public address goes to the front process; the owner listens on its Unix socket
            from luoshi.web.front import Split, from_front

            split = Split(sock, log_level)
            ws.db.on_commit.append(split.generation.bump)
            app_.state.dash.on_change = split.generation.bump
            sock.close()
            sock = split.socket
        config = uvicorn.Config(from_front(app_) if split else app_, log_level=log_level, access_log=False,
                                loop="auto", http="auto", proxy_headers=False)
        server = uvicorn.Server(config)
        if threading.current_thread() is threading.main_thread():
            # uvicorn stops on SIGTERM, then sends it again to the process: exit through the finally below
            signal.signal(signal.SIGTERM, _terminated)
        try:
            if split:
                split.watch(lambda: setattr(server, "should_exit", True))
            server.run(sockets=[sock])
        finally:
            if split:
                split.close()
            if announced is not None:
                forward.withdraw(ws.path, announced)
            ws.close()


def _terminated(signum, frame):
    raise SystemExit(128 + signum)
