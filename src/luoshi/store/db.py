"""The DuckDB connection: reads on per-thread cursors, every write through one lock-guarded transaction,
and a group commit for writes that many clients send at once.

Reads never take the write lock: each thread reads on its own cursor (its own DuckDB connection to
the same database, with its own snapshot), so a read sees the last commit and never waits for the
transaction in progress."""

from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from luoshi.domain.problems import Refusal
from luoshi.store import migrations


def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the file; refused (workspace-busy) while another process holds it: DuckDB lets
    one process open a file, even for reading, while any process writes it."""
    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        held = re.search(r"Conflicting lock is held in (.+?) \(PID (\d+)\)", str(exc))
        holder = f"{held.group(1)}, PID {held.group(2)}" if held else "another program"
        raise Refusal("workspace-busy", 409, path=path, holder=holder) from None


# rows per INSERT of insert_rows: the statement binds this many rows' parameters at once
INSERT_CHUNK = 500


def insert_rows(con: duckdb.DuckDBPyConnection, into: str, rows: list[list]) -> None:
    """INSERT ``rows`` (each a list of parameters, one per column of ``into``: a table, or a table and
    its columns) with one statement per INSERT_CHUNK rows.  DuckDB runs executemany's statement once
    per row, about a millisecond each: for the twenty imports of a batch, 20-40 ms against 5."""
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start:start + INSERT_CHUNK]
        row = "(" + ", ".join("?" * len(chunk[0])) + ")"
        con.execute(f"INSERT INTO {into} VALUES " + ", ".join([row] * len(chunk)), [v for r in chunk for v in r])


# the commits made to each file by this process: [every commit, commits that changed more than values]
# (the structure: regions, indicators, plans, settings, users...).  While a process holds a file no other
# process can open it, so these count every change there is: the keys of what is cached between writes.
# Per file, not per Database: two connections in one process to one file share them.
_COMMITS: dict[str, list[int]] = {}

# Database.memo keeps at most this many values (an unknown token asked for is a key too)
MEMO_MAX = 4096

# a batch of the group commit holds at most this many steps: the last of them waits for all before it
GROUP_MAX = 64
# a batch waits for the callers that send their next item as soon as they are answered, until this long
# after the batch before ended (PostgreSQL's commit_delay, for the callers known to come back): else the
# items that queued while a batch ran would start the next batch alone, and the callers would take
# turns in two groups, each batch half the size, paying a batch's fixed cost (its statements are
# planned whatever their rows) twice as often
GROUP_WAIT = 0.2


@dataclass(eq=False)  # compared by identity
class _Job:
    """One caller's item waiting for a batch (Database.grouped)."""
    item: object
    run: Callable
    key: Hashable
    values_only: bool  # Database.write's: of every item of one key alike
    who: Hashable  # the caller (None: unknown), whose next item a batch may wait for
    done: threading.Event = field(default_factory=threading.Event)
    value: object = None
    error: BaseException | None = None


class Database:
    """One DuckDB file.  DuckDB allows one writer, so writes are serialised here."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        self.con = connect(self.path, read_only)
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._depth = 0
        self._values_only = False  # the transaction in progress changes observed values only
        self._commits = _COMMITS.setdefault(os.path.realpath(self.path), [0, 0])
        self._memo: dict = {}  # key -> (version it was computed at, value): Database.memo
        self._queue: list[_Job] = []  # steps waiting for the group commit
        self._queue_lock = threading.Lock()
        self._turn = threading.Condition(self._queue_lock)  # a batch ended, or an item joined the queue
        self._leading = False  # a thread is running a batch of the queue
        # the callers of the last three batches, newest first, with how many items each sent, and when
        # the last one ended: whom a batch waits for (Database._returning), and until when
        self._recent: deque[Counter] = deque([Counter()] * 3, maxlen=3)
        self._last_end = 0.0
        self.batches = 0  # group commits done (a batch of several steps counts once)
        # what the layers above derive from this database and keep between writes (the incremental
        # rollup's arrays of rules and links): held here, per database, so that two workspaces in one
        # process never share it; read and replaced only inside write() (one writer at a time)
        self.kept: dict[str, object] = {}
        # called after every commit this object makes, before the writer is answered (the front process
        # of `luoshi serve` stops answering its copies of pages: web/front.py)
        self.on_commit: list[Callable[[], None]] = []

    # --- schema ------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        with self._write_lock:
            ran = migrations.migrate(self.con)
            self._committed(values_only=False)
            return ran

    def schema_version(self) -> list[str]:
        return migrations.applied(self.con)

    # --- reads -------------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for the calling thread (DuckDB cursors are not shared across threads)."""
        if getattr(self._local, "writing", False):  # inside this thread's write: see its own rows
            return self.con
        cur = getattr(self._local, "cur", None)
        if cur is None:
            cur = self._local.cur = self.con.cursor()
        return cur

    def all(self, sql: str, params: list | dict | None = None) -> list[dict]:
        cur = self.cursor().execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def one(self, sql: str, params: list | dict | None = None) -> dict | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: list | dict | None = None):
        rows = self.cursor().execute(sql, params or []).fetchall()  # to the end: no unfinished result left on the cursor
        return rows[0][0] if rows else None

    # --- what the data are now -------------------------------------------------------------------
    def version(self, structure: bool = False) -> int:
        """How many commits this process made to the file (``structure``: those that changed more
        than observed values): equal numbers, equal data."""
        return self._commits[1 if structure else 0]

    def memo(self, key: Hashable, compute: Callable, structure: bool = True):
        """``compute()``, kept until the next commit (``structure``: the next that changes more than
        observed values, for what depends on regions, indicators, plans, settings or users only).
        Inside this thread's write it is computed afresh: the transaction sees its own rows."""
        if getattr(self._local, "writing", False):
            return compute()
        version = self.version(structure)  # read first: a value computed across a commit is not kept for the later version
        hit = self._memo.get((structure, key))
        if hit is not None and hit[0] == version:
            return hit[1]
        value = compute()
        if len(self._memo) >= MEMO_MAX:
            self._memo.clear()
        self._memo[(structure, key)] = (version, value)
        return value

    def _committed(self, values_only: bool) -> None:
        self._commits[0] += 1
        if not values_only:
            self._commits[1] += 1
        for hook in self.on_commit:
            hook()

    # --- writes ------------------------------------------------------------------------------
    @contextmanager
    def write(self, values_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction; nested calls join the outer one.  Rolls back on any error.
        ``values_only``: it changes observed values, their rollup, imports and audit rows only, never
        the structure (Database.memo); a nested call that is not makes the whole transaction not."""
        with self._write_lock:
            if self._depth:
                self._depth += 1
                self._values_only = self._values_only and values_only
                try:
                    yield self.con
                finally:
                    self._depth -= 1
                return
            self._depth = 1
            self._values_only = values_only
            self._local.writing = True
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
                self.con.execute("COMMIT")
                self._committed(self._values_only)
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
                self._local.writing = False

    def grouped(self, item, run: Callable, key: Hashable = None, values_only: bool = False, who: Hashable = None):
        """Write ``item`` together with the items other threads send meanwhile under the same ``key``
        (group commit: one transaction, one commit for many writes): ``run(con, items)`` does the
        work of a batch in a write transaction and returns one result per item.  Returns this item's
        result once that transaction committed, or raises what running it raised.

        The first caller to find no batch running leads: it runs the items waiting (up to GROUP_MAX,
        of the first one's key) as one batch; the others wait for their item to be done or for the
        batch to end, and are answered as soon as theirs committed (not after the batch that the next
        leader starts: then those answered would send their next item only while that one ran, and
        the writers would split into two groups taking turns, each half as big).  Before it starts, a
        batch waits for the callers ``who`` that write again and again (Database._returning) and are
        not queued yet, until GROUP_WAIT after the batch before ended.
        When a batch fails, it is rolled back and each item runs again alone, so that a failure takes
        no other write with it: ``run`` must therefore change nothing outside the transaction.
        ``values_only`` is Database.write's, the same for every item sent under ``key``."""
        if getattr(self._local, "writing", False):  # inside this thread's own write: part of it
            return run(self.con, [item])[0]
        job = _Job(item, run, key, values_only, who)
        with self._turn:
            self._queue.append(job)
            self._turn.notify_all()
        while True:
            with self._turn:
                while self._leading and not job.done.is_set():
                    self._turn.wait()
                if job.done.is_set():
                    break
                self._leading = True  # this item is still queued: lead the next batch
            try:
                with self._write_lock:  # the items keep queueing while another write runs
                    with self._turn:
                        first = self._queue[0].key
                        expected = self._returning()
                        until = self._last_end + GROUP_WAIT
                        while (left := until - time.monotonic()) > 0:
                            queued = [j for j in self._queue if j.key == first]
                            if len(queued) >= GROUP_MAX or not expected - Counter(j.who for j in queued):
                                break
                            self._turn.wait(left)
                        batch = [j for j in self._queue if j.key == first][:GROUP_MAX]
                        self._queue = [j for j in self._queue if j not in batch]
                    self._run_batch(batch)
                    self._recent.appendleft(Counter(j.who for j in batch if j.who is not None))
                    self._last_end = time.monotonic()
            finally:
                with self._turn:
                    self._leading = False
                    self._turn.notify_all()
        if job.error is not None:
            raise job.error
        return job.value

    def _returning(self) -> Counter:
        """The callers answered by the last batch that were in one of the two batches before it too,
        with how many items each sent: they send their next as soon as they are answered (a reporter
        in a month-end rush, a script), unlike one who sends once (a county's month in its window)."""
        last, *before = self._recent
        return Counter({w: n for w, n in last.items() if any(w in b for b in before)})

    def pending(self) -> int:
        """How many items wait for the group commit."""
        with self._queue_lock:
            return len(self._queue)

    def _run_batch(self, batch: list[_Job]) -> None:
        self.batches += 1
        if len(batch) > 1:
            try:
                with self.write(batch[0].values_only) as con:
                    values = batch[0].run(con, [job.item for job in batch])
            except BaseException:  # noqa: BLE001 - which item failed is found by running each alone
                pass
            else:
                for job, value in zip(batch, values):
                    job.value = value
                    job.done.set()
                return
        for job in batch:
            try:
                with self.write(job.values_only) as con:
                    job.value = job.run(con, [job.item])[0]
            except BaseException as exc:  # noqa: BLE001 - handed to the item's own caller
                job.error = exc
            job.done.set()

    def close(self) -> None:
        self.con.close()
