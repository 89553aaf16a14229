"""The audit trail is kept: no interface changes or deletes a row of it, and nothing prunes it.

The trail is two tables: ``audit_log`` (values, states, imports, locks, users and grants) and
``task_events`` (every step of a task or project).  The source holds no statement that updates,
deletes, truncates, drops, alters or replaces rows of either (statements whose table is named at run
time are listed and reviewed below); every door that writes to the trail (CLI, web, Python) is
walked, and after each step the rows that were there are still there, unchanged; and `luoshi demo`,
which replaces a workspace file, refuses any file that is not a demo workspace.  Nothing prunes
the trail, so it is kept for ever (more than the six months required); a retention setting, were
one added, could not be set below 183 days."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.problems import InputError
from luoshi.domain.roles import Actor
from luoshi.domain.settings import SETTINGS, parse
from luoshi.services.taskdesk import TaskDesk
from luoshi.web import create_app
from luoshi.workspace import Workspace
from tests.reporting.conftest import TODAY, write
from tests.web.test_error_shape import ROUTES, junk_requests, path_values, url_of

SRC = Path(__file__).resolve().parents[2] / "src" / "luoshi"
TRAIL = ("audit_log", "task_events")
CHANGE = (r"\b(UPDATE|DELETE\s+FROM|TRUNCATE(\s+TABLE)?|DROP\s+TABLE(\s+IF\s+EXISTS)?|ALTER\s+TABLE"
          r"|INSERT\s+OR\s+REPLACE\s+INTO|INSERT\s+OR\s+IGNORE\s+INTO|COPY)\s+")
# statements that change or remove rows of a table named at run time, each read and found to name
# no table of the trail: staging tables of an import, region tables in a migration, the rollup's steps
REVIEWED = {("services/observations.py", "v.candidates"), ("services/observations.py", "BATCH_KEYS"), ("store/schema.py", "table"), ("analytics/rollup.py", "t")}
ROW = "indicator,region,period,value\ntech_transform,440103,2024-03,{v}\n"


def test_no_statement_changes_or_deletes_a_row_of_the_trail():
    found, dynamic = [], set()
    for path in SRC.rglob("*.py"):
        name, text = path.relative_to(SRC).as_posix(), path.read_text(encoding="utf-8")
        found += [(name, m.group(0)) for t in TRAIL for m in re.finditer(CHANGE + rf"{t}\b", text, re.I)]
        dynamic |= {(name, m.group(m.lastindex)) for m in re.finditer(CHANGE + r"\{([^}]+)\}", text, re.I)}
    assert found == []
    assert dynamic == REVIEWED, "a statement changes rows of a table named at run time: check it is not the trail"


def trail(path: Path) -> dict[str, list[tuple]]:
    ws = Workspace(path, read_only=True)
    try:
        return {"audit_log": ws.db.cursor().execute("SELECT * FROM audit_log ORDER BY seq").fetchall(),
                "task_events": ws.db.cursor().execute("SELECT * FROM task_events ORDER BY id").fetchall()}
    finally:
        ws.close()


class Kept:
    """Checks, step after step, that the trail only grows: the rows seen before are there unchanged."""

    def __init__(self, path: Path):
        self.path, self.seen = path, trail(path)

    def check(self, step: str) -> None:
        now = trail(self.path)
        for table, rows in self.seen.items():
            assert now[table][:len(rows)] == rows, f"{step}: a row of {table} was changed or deleted"
        self.seen = now


def cli(path: Path, *args, code: int = 0, env: dict | None = None) -> str:
    run = CliRunner().invoke(app, ["--db", str(path), *map(str, args)], env=env)
    assert run.exit_code == code, run.output
    return run.output


def test_every_door_that_writes_the_trail_only_appends_to_it(ws_path, tmp_path):
    cli(ws_path, "tasks", "units")  # the bundled units, for a task's lead unit
    kept = Kept(ws_path)
    steps = [
        ("import", ["import", "observations", write(tmp_path / "a.csv", ROW.format(v=7))]),
        ("import a change", ["import", "observations", write(tmp_path / "b.csv", ROW.format(v=8))]),
        ("return", ["return", "--region", "440103", "--reason", "check"]),
        ("submit", ["submit", "--region", "440103"]),
        ("approve", ["approve", "--region", "440103"]),
        ("lock", ["lock", "--plan", "gd-1310", "--period", "2024-03"]),
        ("unlock", ["unlock", "--plan", "gd-1310", "--period", "2024-03", "--reason", "fix"]),
        ("lock rule", ["lock-rule", "--plan", "gd-1310", "--days", "800"]),
        ("history", ["history"]),
    ]
    for step, args in steps:
        cli(ws_path, *args)
        kept.check(step)

    ws = Workspace.open(ws_path, today=TODAY)
    try:  # Python: the workspace's and the task desk's methods, and the web in the no-user local mode
        ws.record([{"indicator": "tech_transform", "region": "440103", "period": "2024-04", "value": 9}])
        desk = TaskDesk(ws)
        desk.add_tasks([{"id": "T-1", "plan_id": "gd-1310", "node_code": "B2", "title_zh": "测试任务",
                         "lead_unit": "gd-iit", "start_date": date(2025, 1, 1), "deadline": date(2025, 12, 31),
                         "region_code": "440000"}])
        desk.report("T-1", Actor("r", unit="gd-iit"), percent=10, on=date(2025, 6, 3))
        desk.request_extension("T-1", Actor("r", unit="gd-iit"), new_deadline=date(2026, 3, 31), reason="late",
                               on=date(2025, 6, 4))
        with TestClient(create_app(ws), raise_server_exceptions=False) as client:
            r = client.post("/api/imports", files={"file": ("c.csv", ROW.format(v=10).encode())})
            assert r.status_code == 200, r.text
            assert client.post("/api/workflow/return", json={"region": "440103", "reason": "web"}).status_code == 200
            assert client.post("/api/tasks/T-1/reports", data={"percent": "20"}).status_code == 201
            assert client.get("/api/history").status_code == 200
        ws.reporting.add_user("ada", "correct horse battery", actor=Actor.local(), admin=True)
    finally:
        ws.close()
    kept.check("python and web")

    env = {"LUOSHI_PW": "correct horse battery"}
    for step, args in (("user add", ["user", "add", "bo", "--password-env", "LUOSHI_PW", "--as", "ada"]),
                       ("grant", ["user", "grant", "bo", "--role", "viewer", "--region", "440100", "--as", "ada"]),
                       ("token", ["user", "token", "bo", "--as", "ada"]),
                       ("revoke", ["user", "revoke", "bo", "--as", "ada"]),
                       ("history", ["history", "--as", "ada"])):
        cli(ws_path, *args, env=env)
        kept.check(step)
    cli(ws_path, "demo", code=2)  # not a demo workspace: kept
    kept.check("demo")
    assert len(kept.seen["audit_log"]) >= 15 and len(kept.seen["task_events"]) >= 4


def test_no_request_to_any_route_changes_or_deletes_a_row_of_the_trail(ws_path):
    """Every route of the web app, with the names that exist and junk, in the no-user local mode
    (every write allowed)."""
    cli(ws_path, "tasks", "units")
    ws = Workspace.open(ws_path, today=TODAY)
    try:
        ws.record([{"indicator": "tech_transform", "region": "440103", "period": "2024-03", "value": 7}])
        desk = TaskDesk(ws)
        desk.add_tasks([{"id": "T-1", "plan_id": "gd-1310", "node_code": "B2", "title_zh": "测试任务",
                         "lead_unit": "gd-iit", "start_date": date(2025, 1, 1), "deadline": date(2025, 12, 31),
                         "region_code": "440000"}])
        names = {"task_id": "T-1", "project_id": "P-1", "unit": "gd-iit", "did": "1", "cid": "1",
                 "region": "440103", "indicator": "tech_transform"}
        before = {t: ws.db.cursor().execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TRAIL}
        with TestClient(create_app(ws), raise_server_exceptions=False) as client:
            for route, (query, body) in sorted(ROUTES.items()):
                known = url_of(route[1], path_values(route[1], names)[0])  # junk in the path is refused first
                for url, options in junk_requests(route, query, body, names):
                    if url == known:
                        client.request(route[0], url, **options)
        after = {t: ws.db.cursor().execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TRAIL}
    finally:
        ws.close()
    for t in TRAIL:
        assert after[t][:len(before[t])] == before[t], t


def test_demo_replaces_no_workspace_but_a_demo_one(ws_path, tmp_path):
    before = trail(ws_path)
    out = cli(ws_path, "demo", code=2)
    assert "not-a-demo-workspace" in out
    assert trail(ws_path) == before
    other = tmp_path / "notes.duckdb"  # not a workspace at all: left as it is
    other.write_text("my notes")
    assert "not-a-demo-workspace" in cli(other, "demo", code=2)
    assert other.read_text() == "my notes"
    assert not Workspace.demo_at(ws_path)
    ws = Workspace.open(ws_path, today=TODAY)
    try:  # what the demo stores is marked by its source
        ws.record([{"indicator": "tech_transform", "region": "440103", "period": "2024-03", "value": 7}],
                  source="synthetic-demo")
    finally:
        ws.close()
    assert Workspace.demo_at(ws_path)


def test_a_retention_setting_could_not_keep_less_than_six_months():
    # nothing prunes the trail, so no setting says how long it is kept; one that did must keep 183 days
    kept = [s for s in SETTINGS.values() if re.search(r"retention|retain|keep|prune|purge|audit", s.name)]
    for s in kept:
        assert s.type is float and s.minimum is not None and s.minimum >= 183, s.name
        with pytest.raises(InputError):
            parse(s.name, "182")
    assert kept == []
