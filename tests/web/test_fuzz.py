"""Schemathesis over the app's whole OpenAPI document, as an administrator (bearer token), over a copy of
the web workspace with the demo tasks, projects and documents: no answer is a server error, and every
answer conforms to the document (its status and content type documented, its body valid).

Bounded and reproducible: a fixed seed, derandomized, at most ``LUOSHI_FUZZ_EXAMPLES`` generated cases
per operation (default 25; bench/fuzz.py runs more), on top of schemathesis's example and coverage
cases.  Every check but ``positive_data_acceptance`` runs: whether a name, a period, a date or a file
exists or reads is decided by the workspace, not by the document, so a well-formed request can be refused.
Writes go only to the copy and to a temporary folder that must be empty afterwards."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter

import pytest
import schemathesis

from luoshi.data.demo_documents import load_demo_documents
from luoshi.data.demo_tasks import build_task_demo
from luoshi.domain.roles import Actor
from luoshi.web import create_app
from luoshi.workspace import Workspace

from . import fixtures

EXAMPLES = int(os.environ.get("LUOSHI_FUZZ_EXAMPLES", "25"))
CONFIG = schemathesis.Config.from_dict({
    "seed": 17,
    "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
    "checks": {"positive_data_acceptance": {"enabled": False}},
})
STATUSES: Counter = Counter()  # (operation, status) -> responses, for the summary test and bench/fuzz.py


def _schema():
    """The served document (it does not depend on the workspace's content)."""
    ws = Workspace(":memory:")
    try:
        return schemathesis.openapi.from_dict(create_app(ws).openapi(), config=CONFIG)
    finally:
        ws.close()


schema = _schema()


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory, web_db):
    """The app over a copy of the web workspace with tasks, projects, documents and one administrator,
    the token's header, and the temporary folder every upload and download goes through."""
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copy(web_db, folder / "ws.duckdb")
    ws = Workspace(folder / "ws.duckdb", today=fixtures.TODAY)
    build_task_demo(ws)
    load_demo_documents(ws)
    ws.reporting.add_user("ada", "correct horse battery", actor=Actor.local(), admin=True)
    token = ws.reporting.token("ada", actor=ws.reporting.actor("ada"), days=1)["token"]
    tmp = folder / "tmp"
    tmp.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("tempfile.tempdir", str(tmp))
        yield create_app(ws), {"Authorization": f"Bearer {token}"}, tmp
    ws.close()


@schema.parametrize()
def test_no_server_error_and_every_answer_documented(case, fuzzed):
    app, headers, _ = fuzzed
    response = case.call_and_validate(app=app, headers=headers)
    STATUSES[(case.operation.label, response.status_code)] += 1


def test_the_fuzz_reached_every_operation_as_an_administrator(fuzzed):
    """Run after the fuzz (same module): each operation was called, the token was accepted, downloads
    and uploads left nothing behind in the temporary folder."""
    if not STATUSES:
        pytest.skip("the fuzz did not run (deselected)")
    operations = {op.label for op in (r.ok() for r in schema.get_all_operations())}
    assert operations == {op for op, _ in STATUSES}
    assert not [k for k in STATUSES if k[1] == 401 and k[0] != "POST /login"], "the token was refused"
    assert sum(n for (_, status), n in STATUSES.items() if status < 300) > len(operations)
    assert list(fuzzed[2].iterdir()) == []
    if os.environ.get("LUOSHI_FUZZ_REPORT"):
        with open(os.environ["LUOSHI_FUZZ_REPORT"], "w", encoding="utf-8") as fh:
            json.dump([[op, status, n] for (op, status), n in sorted(STATUSES.items())], fh)
