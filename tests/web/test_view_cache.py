"""The dashboards' view cache while the data change (issue 16): a reader gets the last computed value
while one thread computes the new one, at most once per refresh interval, the same key is never
computed twice at once, and with ``stale_for`` 0 every read sees the data as they are.  Ordering by events, not by timing."""

from __future__ import annotations

import threading

from luoshi.web.state import Dashboard

WAIT = 60  # seconds: a bound on waiting for an event that must come


def change(ws, value: float) -> None:
    ws.record([{"indicator": "jobs", "region": "900101", "period": "2024-01", "value": value}])


def test_a_reader_gets_the_last_value_while_one_thread_computes_the_new(tiny_ws):
    dash = Dashboard(tiny_ws, refresh_every=0)
    assert dash.memo(("k",), lambda: "old") == "old"
    change(tiny_ws, 5)
    started, release, calls = threading.Event(), threading.Event(), []

    def slow():
        calls.append(1)
        started.set()
        release.wait(WAIT)
        return "new"

    assert dash.memo(("k",), slow) == "old"  # answered at once; the recomputation runs elsewhere
    assert started.wait(WAIT)
    assert dash.memo(("k",), slow) == "old"  # while it runs: the last value, and no second one
    assert dash.memo(("k",), slow) == "old"
    assert len(calls) == 1
    release.set()
    dash._refresher.submit(lambda: None).result(WAIT)  # the one refresh thread has finished
    assert dash.memo(("k",), slow) == "new"
    assert len(calls) == 1


def test_a_key_is_recomputed_at_most_once_per_refresh_interval(tiny_ws):
    dash = Dashboard(tiny_ws, refresh_every=3600)
    assert dash.memo(("k",), lambda: "old") == "old"
    calls = []
    change(tiny_ws, 7)
    for _ in range(3):  # computed less than an hour ago: served as it is, nothing recomputed
        assert dash.memo(("k",), lambda: calls.append(1) or "new") == "old"
    dash._refresher.submit(lambda: None).result(WAIT)
    assert calls == []
    dash.refresh_every = 0  # the interval has passed: the next reader starts the one refresh
    assert dash.memo(("k",), lambda: calls.append(1) or "new") == "old"
    dash._refresher.submit(lambda: None).result(WAIT)
    assert dash.memo(("k",), lambda: calls.append(1) or "newer") == "new"
    assert calls == [1]


def test_background_refreshes_rest_so_that_together_they_take_their_share_of_the_time(tiny_ws):
    # a share so small that the rest after any refresh outlasts the test: one refresh, then none
    dash = Dashboard(tiny_ws, refresh_every=0, refresh_share=1e-12)
    for key in ("a", "b"):
        assert dash.memo((key,), lambda: "old") == "old"
    change(tiny_ws, 9)
    calls = []
    assert dash.memo(("a",), lambda: calls.append("a") or "new") == "old"  # starts the one refresh
    dash._refresher.submit(lambda: None).result(WAIT)
    assert calls == ["a"]
    for key in ("a", "b"):  # resting: the last values, nothing recomputed, though both are out of date
        change(tiny_ws, 10 + len(key))
        assert dash.memo((key,), lambda: calls.append(key) or "newer") == ("new" if key == "a" else "old")
    dash._refresher.submit(lambda: None).result(WAIT)
    assert calls == ["a"]
    # a reader that may not be served stale values still gets the data as they are
    dash.stale_for = 0
    assert dash.memo(("b",), lambda: calls.append("b") or "now") == "now"
    # with the whole share (no rest), the next out-of-date read starts the next refresh at once
    dash.stale_for, dash.refresh_share, dash._refresh_after = 30.0, 1.0, 0.0
    change(tiny_ws, 20)
    assert dash.memo(("a",), lambda: calls.append("a") or "a2") == "new"
    dash._refresher.submit(lambda: None).result(WAIT)
    change(tiny_ws, 21)
    assert dash.memo(("b",), lambda: calls.append("b") or "b2") == "now"
    dash._refresher.submit(lambda: None).result(WAIT)
    assert calls == ["a", "b", "a", "b"]


def test_a_key_never_computed_is_computed_once_for_all_who_ask(tiny_ws):
    dash = Dashboard(tiny_ws)
    started, release, calls = threading.Event(), threading.Event(), []
    got = []

    def slow():
        calls.append(1)
        started.set()
        release.wait(WAIT)
        return "value"

    first = threading.Thread(target=lambda: got.append(dash.memo(("k",), slow)))
    first.start()
    assert started.wait(WAIT)
    second = threading.Thread(target=lambda: got.append(dash.memo(("k",), slow)))
    second.start()
    release.set()
    for t in (first, second):
        t.join(WAIT)
    assert got == ["value", "value"]
    assert len(calls) == 1


def test_a_failed_computation_reaches_every_waiter_and_is_not_kept(tiny_ws):
    dash = Dashboard(tiny_ws)

    def fails():
        raise LookupError("no such view")

    for _ in range(2):
        try:
            dash.memo(("k",), fails)
        except LookupError:
            pass
        else:
            raise AssertionError("the failure was not raised")
    assert dash.memo(("k",), lambda: "value") == "value"


def test_with_no_version_lag_every_read_sees_the_data_as_they_are(tiny_ws):
    dash = Dashboard(tiny_ws, stale_for=0)
    assert dash.memo(("k",), lambda: "old") == "old"
    change(tiny_ws, 6)
    assert dash.memo(("k",), lambda: "new") == "new"
    dash.invalidate()
    assert dash.memo(("k",), lambda: "newer") == "newer"
