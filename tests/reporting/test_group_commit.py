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
from luoshi.web import views
from luoshi.web.state import Dashboard

WAIT = 60  # seconds: a bound on waiting for an event that must come, never a measurement


def submit_rows(ws, rows: list[dict], file: str, on_stored=None) -> dict:
    """``rows`` down the one write path (as Workspace.record sends them), with a hook inside the write."""
    report = Report(file=file, rows_read=len(rows))
    return observations.submit(ws.db, ws.catalog(), observations.rows_table(rows), report, actor=Actor.local(),
                               checks=ws.reporting.checks(), on_stored=on_stored)


def row(month: int, value: float, region: str = "440103") -> dict:
    return {"indicator": "tech_transform", "region": region, "period": f"2024-{month:02d}", "value": value}


def wait_until(condition) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the submitters never queued"
        time.sleep(0.005)


def in_one_batch(ws, calls: list) -> list:
    """Run ``calls`` (callables) in threads that all queue before the first of them may write; returns
    each one's result or exception, in order."""
    out: list = [None] * len(calls)

    def run(k):
        try:
            out[k] = calls[k]()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            out[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(calls))]
    with ws.db.write():  # holds the writer until every submitter waits for it
        for t in threads:
            t.start()
        wait_until(lambda: ws.db.pending() == len(calls))
    for t in threads:
        t.join(WAIT)
        assert not t.is_alive()
    return out


def stored(ws, import_id: str) -> list[tuple]:
    return [tuple(r.values()) for r in ws.db.all(
        """SELECT r.code, o.pkey, o.value FROM observations o JOIN regions r USING (rid)
           WHERE o.import_id = ? ORDER BY o.pkey""", [import_id])]


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


def test_submitters_at_once_share_one_transaction_and_one_rollup(ws, rollups):
    batches = ws.db.batches
    # eight submitters, each one value of tech_transform for Liwan in its own month of 2024
    results = in_one_batch(ws, [lambda k=k: submit_rows(ws, [row(k + 1, 10 + k)], f"m{k + 1}.csv")
                                for k in range(8)])
    assert ws.db.batches == batches + 1
    assert len(rollups) == 1
    assert [r["status"] for r in results] == ["committed"] * 8
    assert [r["file"] for r in results] == [f"m{k}.csv" for k in range(1, 9)]
    assert len({r["import_id"] for r in results}) == 8
    for k, r in enumerate(results):
        assert (r["added"], r["revised"], r["unchanged"]) == (1, 0, 0)
        # 2024-01 .. 2024-08 are the period keys 20243001 .. 20243008, valued 10 .. 17
        assert stored(ws, r["import_id"]) == [("440103", 20243001 + k, 10 + k)]
    assert ws.db.scalar("""SELECT count(*) FROM obs_current o JOIN indicators i USING (iid)
                           WHERE i.code = 'tech_transform' AND o.pkey BETWEEN 20243001 AND 20243012""") == 8
    # rolled up: Guangzhou (440100) sums its counties, of which only Liwan reported 2024-03 (value 12)
    got = ws.db.scalar("""SELECT value FROM rollup r JOIN indicators i USING (iid) JOIN regions g USING (rid)
                          WHERE i.code = 'tech_transform' AND g.code = '440100' AND r.pkey = 20243003""")
    assert got == 12


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
    real = observations.record_import

    def held(con, *a, **kw):  # the upload stops inside its write transaction until released
        inside.set()
        release.wait(WAIT)
        return real(con, *a, **kw)

    monkeypatch.setattr(observations, "record_import", held)
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
