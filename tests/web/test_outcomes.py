"""Targets vs outcomes through every door on a bundled workspace (`luoshi init`): the CLI, the pages
/outcomes and /documents/outcomes and both JSON routes give the same rows, judged by the one rule;
and a one-line document with a commitment is added through the CLI and the API."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from luoshi.cli.main import app as cli_app
from luoshi.web import create_app
from luoshi.workspace import Workspace

ONE_LINE = "The province will create 1.2 million new urban jobs in 2026."


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """What `luoshi init` makes: the bundled data and nothing else."""
    from luoshi.data.bundle import load_bundled

    path = tmp_path_factory.mktemp("init") / "init.duckdb"
    ws = Workspace.create(path, today=date(2025, 6, 30))
    load_bundled(ws)
    ws.close()
    return path


def cli(path, *args):
    return CliRunner().invoke(cli_app, ["--db", str(path), *args])


def test_every_door_shows_the_same_targets_vs_outcomes(bundled):
    r = cli(bundled, "docs", "outcomes", "--json")
    assert r.exit_code == 0, r.output
    from_cli = json.loads(r.stdout)
    ws = Workspace.open(bundled)  # the CLI's today: whether an outcome is published yet depends on the day
    try:
        with TestClient(create_app(ws), raise_server_exceptions=False) as c:
            api_docs = c.get("/api/documents/outcomes").json()
            api_dash = c.get("/api/outcomes").json()["rows"]
            doc_page = c.get("/documents/outcomes?lang=en").text
            dash_page = c.get("/outcomes?lang=en").text
    finally:
        ws.close()
    # the bundled work reports state 32 targets (src/luoshi/data/targets_gd.csv rows citing a document)
    assert len(from_cli) == 32 and from_cli == api_docs == api_dash
    assert len(re.findall(r"<tr data-row=", doc_page)) == 32 and len(re.findall(r"<tr data-row=", dash_page)) == 32
    rows = {(r["indicator"], r["year"]): r for r in from_cli}
    # 2023 report: GDP growth "5%以上" (at least 5); the 2024 report: it grew 4.8 %, so missed
    gdp = rows[("gdp_growth", 2023)]
    assert (gdp["comparator"], gdp["target"], gdp["outcome"], gdp["met"]) == ("at_least", 5.0, 4.8, False)
    # 2024 report: "城镇新增就业110万人以上"; the 2025 report: "超143万人", 143 / 110 = 130 %
    jobs = rows[("new_urban_jobs", 2024)]
    assert (jobs["target"], jobs["outcome"], jobs["met"], jobs["attainment"]) == (110.0, 143.0, True, 130.0)
    assert 'data-row="new_urban_jobs:440000:2024" data-basis="target" data-met="yes"' in doc_page


def test_a_one_line_document_with_a_commitment_is_added_in_every_door(bundled, tmp_path):
    f = tmp_path / "jobs.txt"
    f.write_text(ONE_LINE, encoding="utf-8")
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(bundled.read_bytes())
    r = cli(copy, "docs", "add", str(f), "--issuer", "440000", "--json")  # crashed: 'tuple' has no .start
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["commitments"] == 1
    # the list a reviewer reads in a terminal of 80 columns: every field whole, and the whole sentence
    listed = CliRunner().invoke(cli_app, ["--db", str(copy), "docs", "commitments"], env={"COLUMNS": "80"})
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("#1 ") and all(f in lines[0] for f in ("target", "proposed", "1.2 million", "2026"))
    assert "new_urban_jobs" in listed.stdout and ONE_LINE in [x.strip() for x in lines]
    served = tmp_path / "served.duckdb"
    served.write_bytes(bundled.read_bytes())
    ws = Workspace.open(served, today=date(2025, 6, 30))
    try:
        with TestClient(create_app(ws), raise_server_exceptions=False) as c:
            r = c.post("/api/documents", files={"file": ("jobs.txt", ONE_LINE.encode(), "text/plain")},
                       data={"issuer": "440000"})  # was a 500
            assert r.status_code == 201, r.text
            did = r.json()["did"]
            (c1,) = c.get(f"/api/documents/{did}").json()["commitments"]
            assert (c1["indicator"], c1["period"], c1["value"]) == ("new_urban_jobs", "2026", 1_200_000)
            # a proposal for 2026 joins the list: 1.2 million people = 120万人
            row = next(x for x in c.get("/api/documents/outcomes").json()
                       if (x["indicator"], x["year"]) == ("new_urban_jobs", 2026))
            assert (row["basis"], row["target"], row["unit"], row["target_document"]) == ("proposed", 120, "万人", did)
    finally:
        ws.close()


def test_a_document_added_outside_the_server_reaches_the_cached_view(bundled, tmp_path):
    served = tmp_path / "served.duckdb"
    served.write_bytes(bundled.read_bytes())
    ws = Workspace.open(served, today=date(2025, 6, 30))
    try:
        with TestClient(create_app(ws), raise_server_exceptions=False) as c:
            c.app.state.dash.stale_for = 0  # nothing stale served: every read sees the data as they are
            assert len(c.get("/api/outcomes").json()["rows"]) == 32
            ws.documents.add_text(ONE_LINE, issuer="440000")  # as another process would: no invalidate()
            assert len(c.get("/api/outcomes").json()["rows"]) == 33  # the 2026 jobs proposal
    finally:
        ws.close()
