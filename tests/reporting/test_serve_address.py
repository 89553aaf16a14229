"""`luoshi serve` without users listens only where the bound socket is loopback, whatever the
--host string (issue 17: "" bound every interface).  The server never starts: uvicorn's run is
replaced by a stub that records the socket it was given and closes it."""

from __future__ import annotations

import socket

import pytest
import uvicorn
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.workspace import Workspace

TODAY = "2025-06-30"  # the fixture workspace's today (conftest)


def _interface_address() -> str | None:
    """A non-loopback address of this machine: the source address of a route to TEST-NET-1
    (connecting a UDP socket sends nothing)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.123", 9))
        address = s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()
    return None if address.startswith("127.") or address == "0.0.0.0" else address


INTERFACE = _interface_address()
PUBLIC = ["", "0.0.0.0", "::", "0"] + ([INTERFACE] if INTERFACE else [])
LOOPBACK = ["localhost", "127.0.0.1", "::1", "127.1", "[::1]"]


@pytest.fixture
def served(monkeypatch):
    """The sockets `serve` would have served on (each closed at once): [(host, port)]."""
    seen = []

    def run(server, sockets=None):
        assert server.config.proxy_headers is False  # the app's trusted_proxies decide (test_login_limits)
        for s in sockets:
            seen.append(s.getsockname()[:2])
            s.close()
    monkeypatch.setattr(uvicorn.Server, "run", run)
    return seen


def serve(path, host):
    """One process (--no-front): the socket uvicorn is given is the public one, bound and checked as
    with the front, which would be given it instead (test_front.py)."""
    return CliRunner().invoke(app, ["serve", "--db", str(path), "--host", host, "--port", "0", "--today",
                                    TODAY, "--no-front"])


@pytest.mark.parametrize("host", PUBLIC)
def test_no_users_refuses_every_non_loopback_address(ws_path, served, host):
    result = serve(ws_path, host)
    assert result.exit_code == 2, result.output
    assert "no-users" in result.output
    assert served == []


@pytest.mark.parametrize("host", LOOPBACK)
def test_no_users_serves_on_loopback(ws_path, served, host):
    result = serve(ws_path, host)
    assert result.exit_code == 0, result.output
    [(address, port)] = served
    assert address in ("127.0.0.1", "::1") and port > 0


@pytest.mark.parametrize("host", PUBLIC + LOOPBACK)
def test_with_a_user_any_address_is_served(ws_path, served, host):
    ws = Workspace.open(ws_path)
    ws.reporting.add_user("ada", "correct horse battery", actor=ws.reporting.actor(), admin=True)
    ws.close()
    result = serve(ws_path, host)
    assert result.exit_code == 0, result.output
    assert len(served) == 1


def test_a_name_must_resolve_to_loopback_only(ws_path, served, monkeypatch):
    """A name whose first address is loopback but which also names another address is refused:
    it is not this machine's alone."""
    real = socket.getaddrinfo

    def two_faced(host, *args, **kwargs):
        if host == "both.example":
            return real("127.0.0.1", *args, **kwargs) + real("192.0.2.7", *args, **kwargs)
        return real(host, *args, **kwargs)
    monkeypatch.setattr(socket, "getaddrinfo", two_faced)
    from luoshi.web.auth import listens_on_loopback
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        assert not listens_on_loopback(s, "both.example")
        assert listens_on_loopback(s, "127.0.0.1")
