"""What the app holds between requests: the workspace and a small cache.

Views and rendered responses are pure functions of the workspace's data and the request, so they
are cached under the data version.  The version is read from the database at most once per
``version_ttl`` seconds (a page may lag a write by that much); code in this process that writes
calls ``invalidate()`` to make the next request see the write at once."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

from luoshi.services import access
from luoshi.workspace import Workspace


class Dashboard:
    def __init__(self, ws: Workspace, *, cache_size: int = 256, version_ttl: float = 1.0):
        self.ws = ws
        self.cache_size = cache_size
        self.version_ttl = version_ttl
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._version, self._checked = None, float("-inf")
        self._public, self._users, self._public_checked = True, False, float("-inf")
        self.default_lang = ws.setting("language")

    def version(self) -> tuple:
        now = time.monotonic()
        if now - self._checked > self.version_ttl:
            self._version, self._checked = (self.ws.data_version(), self.ws.today), now
        return self._version

    def public(self) -> bool:
        """Whether anyone may read the dashboards: no user exists, or the setting ``dashboards_public``
        says so (read at most once per ``version_ttl``, like the data version)."""
        now = time.monotonic()
        if now - self._public_checked > self.version_ttl:
            self._users = access.has_users(self.ws.db)
            self._public = not self._users or bool(self.ws.setting("dashboards_public"))
            self._public_checked = now
        return self._public

    def has_users(self) -> bool:
        """Whether any user exists (when not, the local single user acts; checked as ``public``)."""
        self.public()
        return self._users

    def invalidate(self) -> None:
        """Forget everything cached (call after writing to the workspace)."""
        with self._lock:
            self._cache.clear()
            self._checked = self._public_checked = float("-inf")

    def memo(self, key: tuple, produce: Callable):
        """``produce()``, cached under ``key`` until the data change."""
        if not self.cache_size:
            return produce()
        full = (key, self.version())
        with self._lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]
        value = produce()
        with self._lock:
            self._cache[full] = value
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return value

    def peek(self, key: tuple):
        """The cached value for ``key`` if the known data version is fresh, else None (no I/O: safe
        on the event loop)."""
        if not self.cache_size or time.monotonic() - self._checked > self.version_ttl:
            return None
        with self._lock:
            return self._cache.get((key, self._version))

    async def amemo(self, key: tuple, produce: Callable):
        """``memo`` for async handlers: a fresh hit is served at once, anything else in a worker thread."""
        hit = self.peek(key)
        if hit is not None:
            return hit
        return await run_in_threadpool(self.memo, key, produce)

    def view(self, fn: Callable, **params):
        """``fn(ws, **params)``, cached until the data change."""
        key = (fn.__name__, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items())))
        return self.memo(key, lambda: fn(self.ws, **params))
