"""A write sent through the web runs in a worker thread, not on the server's event loop: while one
is in progress, other pages are still answered.  (On the loop, every other request waited for it:
the month-end rush measured dashboard reads of 7 to 67 s during uploads.)"""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from luoshi.web import create_app

WRITES = [  # (the service method the route calls, the request that makes it)
    ("import_file", "post", "/api/imports",
     {"files": {"file": ("x.csv", b"indicator,region,period,value\ntech_transform,440103,2025-05,7\n")}}),
    ("enter", "post", "/api/reporting/entry",
     {"json": {"region": "440103", "period": "2025-05", "action": "draft",
               "values": [{"indicator": "tech_transform", "value": "7"}]}}),
    ("decide", "post", "/api/reporting/review",
     {"json": {"action": "approve", "items": [{"region": "440103", "period": "2025-05"}]}}),
    ("transition", "post", "/api/workflow/submit", {"json": {"region": "440103", "period": "2025-05"}}),
]


@pytest.mark.parametrize("method, verb, url, options", WRITES, ids=[w[2] for w in WRITES])
def test_a_read_is_answered_while_a_write_is_in_progress(ws, monkeypatch, method, verb, url, options):
    inside, release, order = threading.Event(), threading.Event(), []
    cls = type(ws.reporting)  # the workspace makes one per use
    real = getattr(cls, method)

    def held(self, *args, **kwargs):  # the write starts, then waits until the read has been answered
        inside.set()
        release.wait(timeout=30)
        order.append("write")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(cls, method, held)
    # one client in a `with` block: one event loop serves every request, as in `luoshi serve`
    with TestClient(create_app(ws, cache_size=0), base_url="http://127.0.0.1") as c:  # no users: the local user
        writer = threading.Thread(target=lambda: order.append(getattr(c, verb)(url, **options).status_code))
        writer.start()
        assert inside.wait(timeout=30)
        read = c.get("/api/overview")  # were the write on the loop, this would wait for it
        order.append("read")
        release.set()
        writer.join(timeout=60)
    assert read.status_code == 200
    assert order[:2] == ["read", "write"] and isinstance(order[2], int) and order[2] < 500, order
