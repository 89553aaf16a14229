"""Group commit of the one write path (issue 16): submissions sent at once are validated and stored in
one transaction and rolled up once, each submitter gets its own report, a bad file or a failing
submission takes no other with it, and a reader never waits for a write in progress.

Concurrency is arranged by events, not by timing: the test holds the write lock until every
submitter waits for it, so that they form one batch."""

from __future__ import annotations

import threading
import time

import pytest

from luoshi.domain.problems import InputError, Report
from luoshi.domain.roles import Actor
from luoshi.services import observations
from luoshi.store import db as db_module
from luoshi.web import views
from luoshi.web.state import Dashboard

WAIT = 60  # seconds: a bound on waiting for an event that must come, never a measurement


def submit_rows(ws, rows: list[dict], file: str, on_stored=None, actor: Actor | None = None, **kw) -> dict:
    """``rows`` down the one write path (as Workspace.record sends them), with a hook inside the write."""
    report = Report(file=file, rows_read=len(rows))
    return observations.submit(ws.db, ws.catalog(), observations.rows_table(rows), report,
                               actor=actor or Actor.local(), checks=ws.reporting.checks(), on_stored=on_stored, **kw)


def row(month: int, value: float, region: str = "440103") -> dict:
    return {"indicator": "tech_transform", "region": region, "period": f"2024-{month:02d}", "value": value}


def wait_until(condition) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the submitters never queued"
        time.sleep(0.005)


def in_one_batch(ws, calls: list) -> list:
    """Run ``calls`` (callables) in threads that all queue, in this order, before the first of them
    may write; returns each one's result or exception, in order."""
    out: list = [None] * len(calls)

    def run(k):
        try:
            out[k] = calls[k]()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            out[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(calls))]
    with ws.db.write():  # holds the writer until every submitter waits for it
        for k, t in enumerate(threads):
            t.start()
            wait_until(lambda: ws.db.pending() == k + 1)
    for t in threads:
        t.join(WAIT)
        assert not t.is_alive()
    return out


def stored(ws, import_id: str) -> list[tuple]:
    return [tuple(r.values()) for r in ws.db.all(
        """SELECT r.code, o.pkey, o.value FROM observations o JOIN regions r USING (rid)
           WHERE o.import_id = ? ORDER BY o.pkey""", [import_id])]


@pytest.fixture
def passes(monkeypatch):
    """How many validation passes ran, and how many submissions each validated."""
    calls = []
    real = observations.run_checks

    def counted(con, parts, *a, **kw):
        calls.append(len(parts))
        return real(con, parts, *a, **kw)

    monkeypatch.setattr(observations, "run_checks", counted)
    return calls


@pytest.fixture
def rollups(monkeypatch):
    """How many times a batch's rollup ran."""
    calls = []
    real = observations.roll_up_batch

    def counted(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(observations, "roll_up_batch", counted)
    return calls


GUANGZHOU_DISTRICTS = ["440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114"]


def test_submitters_at_once_share_one_transaction_one_validation_and_one_rollup(ws, rollups, passes):
    batches = ws.db.batches
    # eight submitters, each one value of tech_transform for March 2024 in its own district of Guangzhou
    results = in_one_batch(ws, [lambda k=k: submit_rows(ws, [row(3, 10 + k, region=GUANGZHOU_DISTRICTS[k])],
                                                        f"d{k + 1}.csv") for k in range(8)])
    assert ws.db.batches == batches + 1
    assert len(rollups) == 1
    assert passes == [8]  # the eight files were validated together, in one pass
    assert [r["status"] for r in results] == ["committed"] * 8
    assert [r["file"] for r in results] == [f"d{k}.csv" for k in range(1, 9)]
    assert len({r["import_id"] for r in results}) == 8
    for k, r in enumerate(results):
        assert (r["added"], r["revised"], r["unchanged"]) == (1, 0, 0)
        # 2024-03 is the period key 20243003; district k got 10 + k
        assert stored(ws, r["import_id"]) == [(GUANGZHOU_DISTRICTS[k], 20243003, 10 + k)]
    # rolled up once for all: Guangzhou (440100) sums its districts, 10 + 11 + ... + 17 = 108
    got = ws.db.scalar("""SELECT value FROM rollup r JOIN indicators i USING (iid) JOIN regions g USING (rid)
                          WHERE i.code = 'tech_transform' AND g.code = '440100' AND r.pkey = 20243003""")
    assert got == 108


def test_a_batch_waits_for_the_writers_that_write_again_and_again(ws, monkeypatch):
    """X and Y write together, three times over; then Z writes.  Z's batch waits (up to GROUP_WAIT
    after the batch before ended, here a minute) for X and Y, answered by the batch before and by
    those before it too, who send again later: else Z's item would start a batch alone, and writers
    sending as soon as they are answered would take turns in two groups, each batch half the size."""
    monkeypatch.setattr(db_module, "GROUP_WAIT", WAIT)
    batches = []

    def run(con, items):
        batches.append(sorted(items))
        return list(items)

    def send(item: str):
        return lambda: ws.db.grouped(item, run, key="t", who=item[0])

    for k in range(1, 4):
        assert in_one_batch(ws, [send(f"x{k}"), send(f"y{k}")]) == [f"x{k}", f"y{k}"]
    z = threading.Thread(target=send("z1"))
    z.start()
    wait_until(lambda: ws.db.pending() == 1)
    time.sleep(0.3)  # were Z not to wait, its batch would run now, alone
    x, y = threading.Thread(target=send("x4")), threading.Thread(target=send("y4"))
    for t in (x, y):
        t.start()
    for t in (z, x, y):
        t.join(WAIT)
        assert not t.is_alive()
    assert batches == [["x1", "y1"], ["x2", "y2"], ["x3", "y3"], ["x4", "y4", "z1"]]


def test_a_writer_that_wrote_once_is_not_waited_for(ws, monkeypatch):
    """X and Y write once each, together; Z queues while their batch runs.  Z's batch starts without
    waiting for them (here the wait would last a minute): a county sending its month once is no
    writer that comes back."""
    monkeypatch.setattr(db_module, "GROUP_WAIT", WAIT)
    batches, threads = [], []

    def run(con, items):
        batches.append(sorted(items))
        if "x1" in items:  # inside the first batch: Z queues for the next
            threads.append(threading.Thread(target=lambda: ws.db.grouped("z1", run, key="t", who="z")))
            threads[-1].start()
            wait_until(lambda: ws.db.pending() == 1)
        return list(items)

    t0 = time.monotonic()
    assert in_one_batch(ws, [lambda: ws.db.grouped("x1", run, key="t", who="x"),
                             lambda: ws.db.grouped("y1", run, key="t", who="y")]) == ["x1", "y1"]
    for t in threads:
        t.join(WAIT)
    assert batches == [["x1", "y1"], ["z1"]]
    assert time.monotonic() - t0 < WAIT / 2  # a bound: Z never waited for the minute


def test_one_region_month_after_month_in_a_batch_is_stored_in_order(ws, passes):
    """Each month's jump check reads the month before, which the file before it stores: each waits for
    the one before, and all are stored as they would be one by one."""
    results = in_one_batch(ws, [lambda k=k: submit_rows(ws, [row(k + 1, 10 + k)], f"m{k + 1}.csv") for k in range(4)])
    assert [r["status"] for r in results] == ["committed"] * 4
    assert passes == [4, 3, 2, 1]
    for k, r in enumerate(results):
        assert stored(ws, r["import_id"]) == [("440103", 20243001 + k, 10 + k)]


def test_a_bad_file_refuses_only_itself(ws, rollups):
    calls = [lambda k=k: ws.record([row(k + 1, 20 + k)]) for k in range(3)]
    calls.insert(1, lambda: ws.record([row(5, 1, region="999999")]))  # no such region
    results = in_one_batch(ws, calls)
    assert isinstance(results[1], InputError)
    assert [p.code for p in results[1].report.problems] == ["unknown-region"]
    good = [results[0], results[2], results[3]]
    assert [r["status"] for r in good] == ["committed"] * 3
    for k, r in enumerate(good):
        assert stored(ws, r["import_id"]) == [("440103", 20243001 + k, 20 + k)]
    assert len(rollups) == 1  # the refused file did not break the batch: no one ran again alone
    assert ws.db.scalar("SELECT count(*) FROM imports WHERE status = 'rejected'") == 1


def test_a_failure_mid_batch_leaves_the_workspace_as_before_for_it_and_commits_the_others(ws):
    before = ws.db.scalar("SELECT count(*) FROM observations")
    imports_before = ws.db.scalar("SELECT count(*) FROM imports")

    def boom(con, rows):
        raise RuntimeError("disk full (simulated)")

    calls = [lambda k=k: submit_rows(ws, [row(k + 1, 30 + k)], f"ok{k}.csv") for k in range(3)]
    calls.insert(2, lambda: submit_rows(ws, [row(9, 99)], "boom.csv", on_stored=boom))
    results = in_one_batch(ws, calls)
    assert isinstance(results[2], RuntimeError)
    good = [results[0], results[1], results[3]]
    assert [r["status"] for r in good] == ["committed"] * 3
    for k, r in enumerate(good):  # each stored once, though the batch ran again one by one
        assert stored(ws, r["import_id"]) == [("440103", 20243001 + k, 30 + k)]
        assert ws.db.scalar("SELECT count(*) FROM imports WHERE import_id = ?", [r["import_id"]]) == 1
        assert r["problems"] == []
    assert ws.db.scalar("SELECT count(*) FROM observations") == before + 3
    assert ws.db.scalar("SELECT count(*) FROM imports") == imports_before + 3
    assert ws.db.scalar("SELECT count(*) FROM imports WHERE file = 'boom.csv'") == 0
    assert ws.db.scalar("SELECT count(*) FROM observations WHERE value = 99") == 0


def test_a_reader_is_answered_while_a_write_is_in_progress(ws):
    inside, release = threading.Event(), threading.Event()
    dash = Dashboard(ws)
    first = dash.view(views.overview)

    def slow(con, rows):
        inside.set()
        release.wait(WAIT)

    writer = threading.Thread(target=submit_rows, args=(ws, [row(1, 42)], "slow.csv", slow))
    writer.start()
    try:
        assert inside.wait(WAIT)
        # the write holds its transaction open: reads on this thread's cursor see the last commit
        assert ws.db.scalar("SELECT count(*) FROM observations WHERE value = 42") == 0
        assert ws.setting("value_basis") == "approved"
        assert Dashboard(ws).view(views.overview)["plan"] == first["plan"]
        assert not release.is_set() and writer.is_alive()  # answered before the write could end
    finally:
        release.set()
        writer.join(WAIT)
    assert ws.db.scalar("SELECT count(*) FROM observations WHERE value = 42") == 1


def test_the_web_answers_a_dashboard_read_while_an_upload_is_in_its_write(ws, monkeypatch):
    from fastapi.testclient import TestClient

    from luoshi.web.app import create_app

    inside, release = threading.Event(), threading.Event()
    real = observations.record_imports

    def held(con, *a, **kw):  # the upload stops inside its write transaction until released
        inside.set()
        release.wait(WAIT)
        return real(con, *a, **kw)

    monkeypatch.setattr(observations, "record_imports", held)
    answers = {}
    with TestClient(create_app(ws)) as c:
        upload = threading.Thread(target=lambda: answers.setdefault("upload", c.post(
            "/api/imports", files={"file": ("m.csv", b"indicator,region,period,value\ntech_transform,440103,2024-01,7\n",
                                            "text/csv")})))
        upload.start()
        try:
            assert inside.wait(WAIT)
            read = threading.Thread(target=lambda: answers.setdefault("read", c.get("/api/overview")))
            read.start()
            read.join(WAIT)
            assert "read" in answers and not release.is_set()  # answered while the upload waited
            assert answers["read"].status_code == 200
        finally:
            release.set()
            upload.join(WAIT)
    assert answers["upload"].status_code == 200 and answers["upload"].json()["added"] == 1


def codes(result: dict) -> list[tuple]:
    return [(p["row"], p["field"], p["code"]) for p in result["problems"]]


def test_each_sender_in_a_batch_is_judged_by_its_own_rights(ws, people, passes):
    """Rita reports for Liwan (440103), Sam for Shenzhen (440300, Luohu 440303 below it); each sends a
    row of their own and one of the other's, in one batch: each is refused the other's, by name."""
    rita, sam = people["rita"], people["sam"]
    results = in_one_batch(ws, [
        lambda: submit_rows(ws, [row(1, 5), row(1, 6, region="440303")], "rita.csv", actor=rita,
                            mode="accept-valid", state="submitted"),
        lambda: submit_rows(ws, [row(3, 7, region="440303"), row(3, 8)], "sam.csv", actor=sam,
                            mode="accept-valid", state="submitted")])
    assert passes == [2]  # Liwan and Luohu are unrelated: one pass for both
    assert [r["status"] for r in results] == ["partial", "partial"]
    assert codes(results[0]) == [(2, "region", "not-permitted")]
    assert codes(results[1]) == [(2, "region", "not-permitted")]
    assert "rita" in results[0]["problems"][0]["message"] and "sam" in results[1]["problems"][0]["message"]
    assert stored(ws, results[0]["import_id"]) == [("440103", 20243001, 5)]
    assert stored(ws, results[1]["import_id"]) == [("440303", 20243003, 7)]
    kept = ws.db.all("SELECT import_id, row_no, cells FROM rejected_rows ORDER BY import_id, row_no")
    assert {(k["import_id"], k["row_no"]) for k in kept} == {(results[0]["import_id"], 2), (results[1]["import_id"], 2)}
    by = {r["import_id"]: r["who"] for r in ws.db.all(
        "SELECT import_id, max(reported_by) AS who FROM observations WHERE import_id IN (?, ?) GROUP BY import_id",
        [results[0]["import_id"], results[1]["import_id"]])}
    assert by == {results[0]["import_id"]: "rita", results[1]["import_id"]: "sam"}
    # a reporter may not set 'approved': refused for Rita, while the local user's value beside it is stored
    results = in_one_batch(ws, [lambda: submit_rows(ws, [row(6, 9)], "r2.csv", actor=rita, state="approved"),
                                lambda: submit_rows(ws, [row(6, 9, region="440104")], "l.csv")])
    assert codes(results[0]) == [(1, "state", "not-permitted")] and results[0]["status"] == "rejected"
    assert results[1]["status"] == "committed"


def test_one_key_sent_twice_in_a_batch_is_two_revisions_in_order(ws, passes):
    results = in_one_batch(ws, [lambda: submit_rows(ws, [row(5, 40)], "first.csv"),
                                lambda: submit_rows(ws, [row(5, 41)], "second.csv")])
    assert [r["status"] for r in results] == ["committed", "committed"]
    assert codes(results[1]) == []  # not a duplicate row: each file is its own
    assert (results[0]["added"], results[1]["revised"]) == (1, 1)
    assert passes == [2, 1]  # the second waited for the first to be stored
    revisions = ws.db.all("""SELECT o.revision, o.value, o.import_id FROM observations o JOIN regions r USING (rid)
                             JOIN indicators i USING (iid)
                             WHERE i.code = 'tech_transform' AND r.code = '440103' AND o.pkey = 20243005
                             ORDER BY o.revision""")
    assert [(r["revision"], r["value"], r["import_id"]) for r in revisions] == [
        (1, 40, results[0]["import_id"]), (2, 41, results[1]["import_id"])]


def test_a_jump_against_a_value_sent_in_the_same_batch_is_seen(ws):
    """Alone and in this order, the July value 300 jumps from June's 100 (+200 % > 50 %) and needs a
    comment; in one batch it must be refused just the same, while Yuexiu's unrelated July is stored."""
    results = in_one_batch(ws, [lambda: submit_rows(ws, [row(6, 100)], "june.csv"),
                                lambda: submit_rows(ws, [row(7, 300)], "july.csv"),
                                lambda: submit_rows(ws, [row(7, 300, region="440104")], "yuexiu.csv")])
    assert [r["status"] for r in results] == ["committed", "rejected", "committed"]
    assert codes(results[1]) == [(1, "value", "jump-without-comment")]
    assert results[1]["problems"][0]["message"].count("100") >= 1


def test_a_parent_and_its_child_in_one_batch_keep_their_order(ws, passes):
    """Guangzhou (440100) then its district Liwan, the same indicator and month: related, so Liwan's
    file waits for Guangzhou's to be stored; Shenzhen's is unrelated and goes with Guangzhou's."""
    results = in_one_batch(ws, [lambda: submit_rows(ws, [row(8, 50, region="440100")], "gz.csv"),
                                lambda: submit_rows(ws, [row(8, 5)], "liwan.csv"),
                                lambda: submit_rows(ws, [row(8, 6, region="440300")], "sz.csv")])
    assert [r["status"] for r in results] == ["committed"] * 3
    assert passes == [3, 1]


def _state(ws) -> dict:
    """What the submissions left: current values, every revision (without ids and times) and the rollup."""
    q = {"current": "SELECT iid, rid, pkey, latest_value, latest_state, revisions, approved_value FROM obs_current",
         "revisions": "SELECT iid, rid, pkey, value, state, revision, reported_by, source, comment FROM observations",
         "rollup": "SELECT iid, rid, pkey, value, src, n_reporting FROM rollup",
         "rejected": "SELECT row_no, cells, problems FROM rejected_rows",
         "audit": "SELECT actor, action, iid, rid, pkey, old_value, new_value, old_state, new_state FROM audit_log"}
    return {k: sorted(map(tuple, ws.db.cursor().execute(sql).fetchall()), key=repr) for k, sql in q.items()}


def _answer(result) -> tuple:
    if isinstance(result, Exception):
        return ("refused", type(result).__name__, sorted((p.row, p.code) for p in result.report.problems))
    keep = ("status", "rows", "accepted", "rejected", "added", "revised", "unchanged", "problem_counts")
    return tuple(result[k] for k in keep) + (sorted((p["row"], p["field"], p["code"]) for p in result["problems"]),)


@pytest.mark.parametrize("seed", range(6))
def test_a_batch_answers_and_stores_exactly_as_the_same_files_one_by_one(base_db, tmp_path, people, ws, seed):
    """Random files (related and unrelated keys, duplicates, jumps with and without comments, bad
    cells, both modes, a reporter and an administrator) sent at once in one batch, and the same
    files in the same order one at a time in a copy of the workspace: the same answers, the same
    values, revisions, rollup, kept rejections and audit trail."""
    import random
    import shutil

    from luoshi.workspace import Workspace
    from tests.reporting.conftest import TODAY

    rng = random.Random(seed)
    regions = ["440103", "440104", "440100", "440303", "999999"]
    files = []
    for n in range(12):
        rows = []
        for _ in range(rng.randint(1, 4)):
            r = {"indicator": rng.choice(["tech_transform", "tech_transform", "digital_transform"]),
                 "region": rng.choice(regions), "period": f"2024-{rng.randint(1, 4):02d}",
                 "value": rng.choice([10, 11, 30, 100, "abc", -1])}
            if rng.random() < 0.3:
                r["comment"] = "explained"
            rows.append(r)
        files.append((f"f{n}.csv", rows, rng.choice(["all-or-nothing", "accept-valid"]),
                      rng.choice(["local", "rita"])))

    def send(w, name, rows, mode, who):
        actor = Actor.local() if who == "local" else w.reporting.actor(who)
        return submit_rows(w, rows, name, actor=actor, mode=mode, state="approved" if who == "local" else "submitted")

    def attempt(w, *a):
        try:
            return send(w, *a)
        except InputError as exc:
            return exc

    serial_path = tmp_path / "serial.duckdb"
    ws.db.con.execute("CHECKPOINT")
    shutil.copy(ws.path, serial_path)  # the same workspace, users included
    serial = Workspace.open(serial_path, today=TODAY)
    try:
        one_by_one = [attempt(serial, *f) for f in files]
        batched = in_one_batch(ws, [lambda f=f: attempt(ws, *f) for f in files])
        assert [_answer(r) for r in batched] == [_answer(r) for r in one_by_one]
        assert _state(ws) == _state(serial)
    finally:
        serial.close()


def test_a_check_without_storing_never_waits_for_the_writer(ws):
    """The entry form's "check" and `import --dry-run` store nothing: answered while a write holds the
    writer (they waited for it before)."""
    out = {}
    with ws.db.write():
        t = threading.Thread(target=lambda: out.setdefault("r", submit_rows(ws, [row(2, 5)], "check.csv", dry_run=True)))
        t.start()
        t.join(WAIT)
        assert not t.is_alive(), "the check waited for the write"
    assert out["r"]["status"] == "valid" and out["r"]["import_id"] is None
    assert ws.db.scalar("SELECT count(*) FROM imports WHERE file = 'check.csv'") == 0
