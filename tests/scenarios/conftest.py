"""Small end-to-end scenarios, built and asked through the CLI as a new user would, and the same
question put to every other door: the web API's region page and its indicator page (the child
regions' table), and ``Workspace.judge_all`` (the set-based judgement).  Each scenario computes
its expected figures by hand in comments; the doors must agree with each other and with them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.periods import parse
from luoshi.web.app import create_app
from luoshi.workspace import Workspace

DATA = Path(__file__).resolve().parents[1] / "data" / "scenarios"
# what every door must agree on (data_through as text)
FIELDS = ("value", "target", "category", "light", "met", "complete", "periods_reported", "periods_expected",
          "data_through", "attainment")


class Scenario:
    """A workspace made with `luoshi` commands from the files in tests/data/scenarios."""

    def __init__(self, tmp: Path):
        self.tmp, self.db, self.n = tmp, str(tmp / "scenario.duckdb"), 0
        self.run("init", "--no-bundled")
        self.run("load", "regions", str(DATA / "regions.csv"))
        self.run("load", "plan", str(DATA / "plan.yaml"))
        self.run("load", "indicators", str(DATA / "indicators.yaml"))
        # the scenarios' values jump from month to month: the plausibility checks of imports (tested
        # on their own in tests/reporting) are set off, as an office may
        for name in ("jump_ratio", "jump_points"):
            self.run("settings", "set", name, "1e12")

    def run(self, *args: str, code: int = 0):
        result = CliRunner().invoke(app, ["--db", self.db, *args])
        assert result.exit_code == code, result.output
        return result

    def file(self, text: str, suffix: str = ".csv", encoding: str = "utf-8") -> str:
        self.n += 1
        path = self.tmp / f"input-{self.n}{suffix}"
        path.write_bytes(text.encode(encoding))
        return str(path)

    def observe(self, rows: str, *extra: str, code: int = 0):
        """Import ``indicator,region,period,value`` rows (header added) with `luoshi import observations`."""
        header = "" if rows.startswith("indicator") else "indicator,region,period,value\n"
        return self.run("import", "observations", self.file(header + rows), *extra, code=code)

    def target(self, rows: str):
        """Load targets (``indicator,region,period,comparator,value,value_high,tolerance`` rows)."""
        header = "" if rows.startswith("indicator") else "indicator,region,period,comparator,value,value_high,tolerance\n"
        return self.run("load", "targets", self.file(header + rows))

    def doors(self, indicator: str, region: str, period: str, at: str) -> dict[str, dict]:
        """The indicator's row for the region, period and as-of date, through every door."""
        out = json.loads(self.run("status", "--plan", "sp", "--region", region, "--period", period, "--at", at,
                                  "--json").output)
        rows = {}
        for node in _walk(out["nodes"]):
            for i in node["indicators"]:
                rows[i["code"]] = i
        doors = {"cli status": rows[indicator]}
        ws = Workspace.open(self.db)
        try:
            client = TestClient(create_app(ws))
            q = f"period={period}&at={at}&plan=sp"
            page = client.get(f"/api/regions/{region}?{q}").json()
            doors["api region"] = next(i for i in page["indicators"] if i["code"] == indicator)
            parent = page["path"][-2]["code"] if len(page["path"]) > 1 else None
            if parent:
                table = client.get(f"/api/indicators/{indicator}?region={parent}&{q}").json()
                doors["api indicator"] = next(c for c in table["children"] if c["code"] == region)
            iid, rid, key = ws.indicator(indicator)["iid"], ws.region(region)["rid"], parse(period).key
            judged = [j for j in ws.judge_all(at=date.fromisoformat(at), plan_id="sp")
                      if (j["iid"], j["rid"], j["pkey"]) == (iid, rid, key)]
            if judged:
                doors["judge_all"] = json.loads(json.dumps(judged[0], default=str))
        finally:
            ws.close()
        return doors

    def verdict(self, indicator: str, region: str, period: str, at: str) -> dict:
        """The row every door agrees on (asserting that they do)."""
        doors = self.doors(indicator, region, period, at)
        first_name, first = next(iter(doors.items()))
        for name, row in doors.items():
            for f in FIELDS:
                a, b = first.get(f), row.get(f)
                if isinstance(a, float) and isinstance(b, float):
                    assert a == pytest.approx(b, rel=1e-9, abs=1e-9), (f, first_name, name, first, row)
                else:
                    assert (str(a) if f == "data_through" and a else a) == \
                        (str(b) if f == "data_through" and b else b), (f, first_name, name, first, row)
        return first


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n["children"])


@pytest.fixture
def sc(tmp_path) -> Scenario:
    return Scenario(tmp_path)
