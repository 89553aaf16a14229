"""While `luoshi serve` holds a workspace, a luoshi command that needs the file to itself (it makes or
opens it on its own) answers with a stable code and what to do (exit 4), never DuckDB's lock traceback;
the served workspace is untouched.  Every other command runs through the server (test_forward.py)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import httpx

from tests.serving import serve

TODAY = date(2025, 6, 30)  # the fixture workspace's today (conftest)


def luoshi(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "luoshi.cli.main", *args], capture_output=True, text=True, timeout=120)


def test_a_command_that_needs_the_file_to_itself_is_refused_with_workspace_busy(ws_path):
    with serve(ws_path, TODAY) as url:
        for args in (["init"], ["serve", "--port", "0"]):
            done = luoshi("--db", str(ws_path), *args)
            assert done.returncode == 4, (args, done.stderr)
            assert "workspace-busy" in done.stderr and "Traceback" not in done.stderr + done.stdout
            assert f"`luoshi serve` at {url}" in done.stderr and "stop the server" in done.stderr  # what to do
        assert httpx.get(f"{url}/api/overview").status_code == 200  # the server is unharmed
    assert luoshi("--db", str(ws_path), "status").returncode == 0  # and the file is free once it stops
