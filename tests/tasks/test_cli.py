"""The CLI gives the same data as the task desk (--json), and clean exits with stable codes."""

import json
from datetime import date

from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.web.render import to_json
from tests.tasks.conftest import lead_of, task

runner = CliRunner()


def cli(ws, *args):
    ws.close()  # one process holds the DuckDB file at a time
    return runner.invoke(app, ["--db", ws.path, *args])


def test_list_show_and_views_as_json(ws, desk, tmp_path):
    desk.add_tasks([task("T-1"), task("T-2", lead="gd-edu", co=())])
    desk.report("T-1", lead_of(), percent=20, on=date(2024, 5, 3), period="2024-04")
    expected = json.loads(to_json(desk.tasks(date(2024, 6, 30))))
    card = json.loads(to_json(desk.scorecard("gd-iit", date(2024, 6, 30))))
    r = cli(ws, "tasks", "list", "--at", "2024-06-30", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout) == expected
    r = runner.invoke(app, ["--db", ws.path, "scorecard", "gd-iit", "--at", "2024-06-30", "--json"])
    assert json.loads(r.stdout) == card
    r = runner.invoke(app, ["--db", ws.path, "doublehalf", "--at", "2024-06-30", "--json"])
    assert json.loads(r.stdout)["total"] == 2
    r = runner.invoke(app, ["--db", ws.path, "digest", "--since", "2024-05-01", "--at", "2024-06-30",
                            "--format", "md"])
    assert r.exit_code == 0 and "Overdue" in r.stdout
    out = tmp_path / "list.xlsx"
    r = runner.invoke(app, ["--db", ws.path, "tasks", "export", str(out)])
    assert r.exit_code == 0 and out.exists()
    r = runner.invoke(app, ["--db", ws.path, "wallchart", "--at", "2024-06-30"])
    assert r.exit_code == 0 and "T-1" in r.stdout


def test_reporting_as_another_unit_fails_cleanly(ws, desk):
    desk.add_tasks([task("T-1")])
    r = cli(ws, "tasks", "report", "T-1", "--percent", "50", "--as", "gd-edu", "--on", "2024-06-03")
    assert r.exit_code == 3 and "not-lead-unit" in r.stderr  # not permitted: 3, like every other command
    r = runner.invoke(app, ["--db", ws.path, "tasks", "report", "T-1", "--percent", "50", "--as", "gd-iit",
                            "--on", "2024-06-03", "--period", "2024-05", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["on_time"] is True
    r = runner.invoke(app, ["--db", ws.path, "tasks", "extend", "T-1", "--to", "2025-03-31", "--reason", "用地",
                            "--as", "gd-iit", "--on", "2024-06-10"])
    assert r.exit_code == 0
    r = runner.invoke(app, ["--db", ws.path, "tasks", "extend", "T-1", "--approve", "--as", "gd-iit"])
    assert r.exit_code == 3 and "not-supervisor" in r.stderr
    r = runner.invoke(app, ["--db", ws.path, "tasks", "extend", "T-1", "--approve", "--as", "gd-gov-office",
                            "--on", "2024-06-12"])
    assert r.exit_code == 0


def test_digest_refuses_an_empty_since(ws, desk):
    desk.add_tasks([task("T-1")])
    r = cli(ws, "digest", "--since", "", "--at", "2024-06-30")  # crashed on the tasks' dates with None
    assert r.exit_code == 2 and "missing-value" in r.output
    r = runner.invoke(app, ["--db", ws.path, "digest", "--since", "someday", "--at", "2024-06-30"])
    assert r.exit_code == 2 and "bad-date" in r.output
