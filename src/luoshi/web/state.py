"""What the app holds between requests: the workspace and a small cache.

Views and rendered responses are pure functions of the workspace's data and the request, so they
are cached under the data version: the number of commits made to the workspace (Workspace.data_version,
read from memory, so on every request), with today's date.  Code in this process that writes may call
``invalidate()`` so that the next reader waits for the new values rather than get the last ones.

While writes arrive the version changes many times a second, and a view takes far longer to compute
than to serve.  So a reader never waits for a recomputation that another thread already runs, and
never starts a second one: once a key was computed, a reader gets the value of the last version (for
at most ``stale_for`` seconds after the data changed) while one background thread computes the new one
(stale-while-revalidate), and a key is recomputed so at most once per ``refresh_every`` seconds (in a
month-end rush recomputing every page after every commit took as much of the processor as the writes
themselves).  The background refreshes together take at most ``refresh_share`` of the time: after one
that took t seconds, the next starts no sooner than t × (1 / refresh_share − 1) later (with a few pages
read, refreshing each every few seconds still kept a processor busy and the writer waiting for the
interpreter; the last values are served meanwhile).  A key never computed, or whose value is too old,
is computed by the first reader and waited for by the others (single flight).  With ``stale_for`` 0
(tests) every read sees the data as they are."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from starlette.concurrency import run_in_threadpool

from luoshi.services import access
from luoshi.workspace import Workspace


class Dashboard:
    def __init__(self, ws: Workspace, *, cache_size: int = 256, stale_for: float = 30.0, refresh_every: float = 3.0,
                 refresh_share: float = 0.25):
        self.ws = ws
        self.cache_size = cache_size
        self.stale_for = stale_for
        self.refresh_every = refresh_every
        self.refresh_share = refresh_share
        self._refresh_after = 0.0  # monotonic time before which no background refresh starts (inf: one runs)
        # key -> (version, value, when its version was last seen current, when it was computed)
        self._cache: OrderedDict = OrderedDict()
        self._flights: dict = {}  # key -> Future of its computation in progress
        self._generation = 0  # counts invalidate(): a computation begun before one is not kept
        self._lock = threading.Lock()
        self._local = threading.local()
        self._refresher = ThreadPoolExecutor(1, thread_name_prefix="luoshi-refresh")
        self.default_lang = ws.setting("language")
        # called whenever a cached value is replaced or forgotten (web/front.py: the front's copies go too)
        self.on_change: Callable[[], None] = lambda: None

    def version(self) -> tuple:
        return self.ws.data_version(), self.ws.today

    def public(self) -> bool:
        """Whether anyone may read the dashboards: no user exists, or the setting ``dashboards_public``
        says so (both kept between writes: Database.memo)."""
        return not self.has_users() or bool(self.ws.setting("dashboards_public"))

    def has_users(self) -> bool:
        """Whether any user exists (when not, the local single user acts)."""
        return access.has_users(self.ws.db)

    def invalidate(self) -> None:
        """Forget everything cached: the next reader waits for the values as they are now (after a
        write in this process, rather than get the last ones while they are recomputed)."""
        with self._lock:
            self._cache.clear()
            self._generation += 1
        self.on_change()

    def memo(self, key: tuple, produce: Callable):
        """``produce()``, cached under ``key`` until the data change (then as the module says)."""
        if not self.cache_size:
            return produce()
        version = self.version()
        now = time.monotonic()
        # inside a computation every value it uses must be of the data as they are now
        may_be_stale = self.stale_for > 0 and not getattr(self._local, "computing", False)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                self._cache[key] = (version, hit[1], now, hit[3])
                self._cache.move_to_end(key)
                return hit[1]
            flight = self._flights.get(key)
            if may_be_stale and hit is not None and now - hit[2] <= self.stale_for:
                if flight is None and now - hit[3] >= min(self.refresh_every, self.stale_for) \
                        and now >= self._refresh_after:
                    self._flights[key] = flight = Future()
                    self._refresh_after = float("inf")
                    self._refresher.submit(self._refresh, key, version, self._generation, produce, flight)
                return hit[1]
            mine = flight is None
            if mine:
                self._flights[key] = flight = Future()
            generation = self._generation
        if mine:
            self._compute(key, version, generation, produce, flight)
        return flight.result()

    def _refresh(self, key: tuple, version: tuple, generation: int, produce: Callable, flight: Future) -> None:
        """A background refresh; the next one may start after a rest (``refresh_share``)."""
        started = time.monotonic()
        try:
            self._compute(key, version, generation, produce, flight)
        finally:
            ended = time.monotonic()
            with self._lock:
                self._refresh_after = ended + (ended - started) * (1 / self.refresh_share - 1)

    def _compute(self, key: tuple, version: tuple, generation: int, produce: Callable, flight: Future) -> None:
        """Compute ``key`` once for all who wait on ``flight``; a failure reaches them all and is not kept."""
        self._local.computing = True
        value, ok = None, False
        try:
            value, ok = produce(), True
        except BaseException as exc:
            flight.set_exception(exc)
        finally:
            self._local.computing = False
            with self._lock:
                if self._flights.get(key) is flight:
                    del self._flights[key]
                if ok and generation == self._generation:
                    self._cache[key] = (version, value, time.monotonic(), time.monotonic())
                    self._cache.move_to_end(key)
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
        if ok:
            self.on_change()
            flight.set_result(value)

    def peek(self, key: tuple):
        """The cached value for ``key`` if it is of the data as they are now, else None (no I/O: safe
        on the event loop)."""
        if not self.cache_size:
            return None
        version = self.version()
        with self._lock:
            hit = self._cache.get(key)
            return hit[1] if hit is not None and hit[0] == version else None

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
