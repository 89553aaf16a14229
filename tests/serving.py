"""Shared by the browser tests: a real `luoshi serve` on a free port, and Debian's chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@contextmanager
def serve(db: Path, today: date, *options: str) -> Iterator[str]:
    """`luoshi serve` over ``db`` in a subprocess on a free loopback port; yields its base URL."""
    proc = subprocess.Popen([sys.executable, "-m", "luoshi.cli.main", "serve", "--db", str(db), "--port", "0",
                             "--today", today.isoformat(), *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url, deadline = None, time.monotonic() + 60
    while url is None and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        url = m.group(1) if m else None
    if url is None:
        proc.kill()
        raise RuntimeError(f"luoshi serve did not start: {proc.stderr.read()}")
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def chromium():
    """Debian's chromium driven by Playwright; in CI a missing browser fails rather than skips."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("LUOSHI_CI") or os.environ.get("CI"):
            pytest.fail(f"chromium missing at {CHROMIUM} (apt-get install -y chromium)")
        pytest.skip(f"chromium missing at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def watch_errors(pg):
    """``pg`` with ``pg.errors``: the console errors and uncaught exceptions of its documents."""
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    return pg


def axe_script() -> str:
    """axe-core's script at the version the Makefile pins (`make axe` fetches it from the npm registry);
    in CI a missing copy fails rather than skips."""
    version = re.search(r"^AXE_VERSION\s*=\s*(\S+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1)
    path = ROOT / "build" / f"axe-core-{version}" / "axe.min.js"
    if not path.exists():
        if os.environ.get("LUOSHI_CI") or os.environ.get("CI"):
            pytest.fail(f"axe-core missing at {path} (make axe)")
        pytest.skip(f"axe-core missing at {path} (make axe)")
    return path.read_text(encoding="utf-8")
