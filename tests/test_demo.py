"""`luoshi demo` builds the demo workspace through the one write path and its status holds the
case the issue reported: work-safety deaths of 1,616 by 4 December against a full-year cap of 1,543."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from luoshi.cli.main import app


def test_the_demo_builds_and_a_broken_cap_is_missed(tmp_path):
    db = str(tmp_path / "demo.duckdb")
    runner = CliRunner()
    built = runner.invoke(app, ["--db", db, "demo", "--today", "2026-12-04"])
    assert built.exit_code == 0, built.output
    assert "synthetic observations" in built.output and "SYNTHETIC" in built.output
    out = json.loads(runner.invoke(app, ["--db", db, "status", "--at", "2026-12-04", "--json"]).output)
    rows = {}
    stack = list(out["nodes"])
    while stack:
        node = stack.pop()
        stack.extend(node["children"])
        rows |= {i["code"]: i for i in node["indicators"]}
    deaths = rows["safety_deaths"]
    # 1,616 > 1,543 with a month to go: the cap can no longer be kept (it showed 95 %, yellow, behind)
    assert (round(deaths["value"]), round(deaths["target"])) == (1616, 1543)
    assert (deaths["category"], deaths["light"], deaths["met"], deaths["synthetic"]) == ("missed", "red", False, True)
