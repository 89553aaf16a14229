"""Merges and splits recorded on a date: hand-computed rollups before, on and after the change,
history that stays attributable, and bad changes refused whole with stable codes.

The tiny hierarchy (tests/conftest.py): province 900000 > city 900100 (counties 900101, 900102)
and city 900200 (county 900201).  A change on day D: D is the first day of the new regions, D - 1
the last day (valid_to, inclusive) of the retired ones.  A period of the city takes the children
valid on the period's first day.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.problems import InputError


def v(ws, ind, region, period):
    row = ws.db.one("""SELECT r.value FROM rollup r JOIN indicators i ON i.iid = r.iid JOIN regions g ON g.rid = r.rid
                       JOIN periods p ON p.key = r.pkey WHERE i.code = ? AND g.code = ? AND p.code = ?""",
                    [ind, region, period])
    return None if row is None else row["value"]


def jobs(region, values: dict) -> list[dict]:
    return [{"indicator": "jobs", "region": region, "period": p, "value": x} for p, x in values.items()]


def months(year, first, last, value) -> dict:
    return {f"{year}-{m:02d}": value for m in range(first, last + 1)}


def codes(ws, day):
    return [c["code"] for c in ws.children("900100", day)]


NEW = {"code": "900103", "name_zh": "甲新县", "name_en": "New County"}


def test_county_merged_mid_year(tiny_ws):
    ws = tiny_ws
    out = ws.change_regions(date="2024-07-15", kind="merge", from_codes=["900101", "900102"], into=[NEW])
    assert (out["retired"], out["created"]) == (["900101", "900102"], ["900103"])
    ws.record(jobs("900101", months(2024, 1, 7, 10)) + jobs("900102", months(2024, 1, 7, 1))
              + jobs("900103", {"2024-07": 100} | months(2024, 8, 12, 20)))
    assert v(ws, "jobs", "900100", "2024-06") == 11   # 10 + 1: the old counties
    # July starts on the 1st, when the old counties are valid (their last day is 14 July): the city's
    # July is theirs; the new county's own July (100) stays its own and does not roll up.
    assert v(ws, "jobs", "900100", "2024-07") == 11
    assert v(ws, "jobs", "900103", "2024-07") == 100
    assert v(ws, "jobs", "900100", "2024-08") == 20   # the new county alone
    assert v(ws, "jobs", "900100", "2024Q3") == 51    # 11 + 20 + 20: the city's own months
    assert v(ws, "jobs", "900100", "2024") == 177     # 6 x 11 + 11 + 5 x 20
    assert v(ws, "jobs", "900000", "2024") == 177
    assert v(ws, "jobs", "900101", "2024") == 70      # 7 x 10: the retired county stays attributable
    assert codes(ws, date(2024, 7, 14)) == ["900101", "900102"]
    assert codes(ws, date(2024, 7, 15)) == ["900103"]
    assert [r["code"] for r in ws.region_path("900101", date(2024, 7, 14))] == ["900000", "900100", "900101"]
    # a reader sees what the retired counties became
    became = {r["code"]: r["became"] for r in ws.regions(retired=True)}
    assert became["900101"] == became["900102"] == "900103" and became["900103"] == ""
    [event] = ws.region_events("900102")
    assert (event["event_date"], event["kind"], event["from_codes"], event["to_codes"]) == \
        (date(2024, 7, 15), "merge", ["900101", "900102"], ["900103"])
    # imports follow the same days: the old county reports July (it existed on part of it), not August;
    # the new county nothing before it began
    with pytest.raises(InputError) as exc:
        ws.record(jobs("900101", {"2024-08": 1}) + jobs("900103", {"2024-06": 1}))
    assert exc.value.report.flatten() == [[1, "region", "region-not-valid"], [2, "region", "region-not-valid"]]


def test_merge_into_an_existing_county_on_its_boundary_day(tiny_ws, tmp_path):
    """900101 is folded into 900102 (which continues) on 1 March 2024, a leap year: 29 February is
    900101's last day.  A daily indicator shows the boundary day by day."""
    ws = tiny_ws
    f = tmp_path / "daily.yaml"
    f.write_text("indicators:\n  - {code: visits, name_zh: 访客, name_en: Visits, unit: 人, frequency: D, "
                 "region_agg: sum, time_agg: sum}\n", encoding="utf-8")
    ws.load_indicators(f)
    ws.change_regions(date=date(2024, 3, 1), kind="merge", from_codes=["900101"], into=["900102"])
    ws.record([{"indicator": "visits", "region": r, "period": p, "value": x} for r, p, x in (
        ("900101", "2024-02-28", 1), ("900101", "2024-02-29", 2),
        ("900102", "2024-02-29", 10), ("900102", "2024-03-01", 20))])
    assert v(ws, "visits", "900100", "2024-02-29") == 12  # 2 + 10: the last day of 900101
    assert v(ws, "visits", "900100", "2024-03-01") == 20  # the first day without it
    assert v(ws, "visits", "900100", "2024-02") == 13     # 1 + (2 + 10)
    assert v(ws, "visits", "900100", "2024-03") == 20
    assert codes(ws, date(2024, 2, 29)) == ["900101", "900102"]
    assert codes(ws, date(2024, 3, 1)) == ["900102"]
    assert ws.region("900101")["valid_to"] == date(2024, 2, 29)
    assert ws.region("900102")["valid_to"] is None
    with pytest.raises(InputError) as exc:
        ws.record([{"indicator": "visits", "region": "900101", "period": "2024-03-01", "value": 1}])
    assert exc.value.report.flatten() == [[1, "region", "region-not-valid"]]
    assert {r["code"]: r["became"] for r in ws.regions(retired=True)}["900101"] == "900102"


@pytest.fixture
def towns(tiny_ws, tmp_path):
    f = tmp_path / "towns.csv"
    f.write_text("code,parent_code,level,name_zh,name_en,valid_from\n"
                 "900102001,900102,town,一镇,Town 1,2000-01-01\n900102002,900102,town,二镇,Town 2,2000-01-01\n",
                 encoding="utf-8")
    tiny_ws.load_regions(f)
    return tiny_ws


def split_into():
    return [{"code": "900104", "name_zh": "甲四县", "name_en": "County 1-4"},
            {"code": "900105", "name_zh": "甲五县", "name_en": "County 1-5"}]


def test_split_moves_the_towns(towns):
    ws = towns
    ws.change_regions(date=date(2025, 1, 1), kind="split", from_codes=["900102"], into=split_into(),
                      moves={"900102001": "900104", "900102002": "900105"})
    ws.record(jobs("900102001", {"2024-12": 3, "2025-01": 5}) + jobs("900102002", {"2024-12": 4, "2025-01": 6}))
    assert v(ws, "jobs", "900102", "2024-12") == 7    # 3 + 4 under the county that existed then
    assert v(ws, "jobs", "900100", "2024-12") == 7
    assert v(ws, "jobs", "900102", "2025-01") is None  # retired: nothing rolls into it any more
    assert (v(ws, "jobs", "900104", "2025-01"), v(ws, "jobs", "900105", "2025-01")) == (5, 6)
    assert v(ws, "jobs", "900100", "2025-01") == 11
    assert v(ws, "jobs", "900102", "2024") == 7        # its history stays its own
    assert [r["code"] for r in ws.region_path("900102001", date(2024, 12, 31))] == \
        ["900000", "900100", "900102", "900102001"]
    assert [r["code"] for r in ws.region_path("900102001", date(2025, 1, 1))] == \
        ["900000", "900100", "900104", "900102001"]
    assert codes(ws, date(2025, 1, 1)) == ["900101", "900104", "900105"]
    assert {r["code"]: r["became"] for r in ws.regions(retired=True)}["900102"] == "900104,900105"


def _state(ws):
    return [ws.db.all(f"SELECT * FROM {t} ORDER BY ALL") for t in ("regions", "region_links", "region_events")]


def test_a_split_must_say_where_the_towns_go(towns):
    before = _state(towns)
    with pytest.raises(InputError) as exc:
        towns.change_regions(date=date(2025, 1, 1), kind="split", from_codes=["900102"], into=split_into())
    assert exc.value.report.flatten(("field", "code")) == [["moves", "child-without-parent"]] * 2
    assert _state(towns) == before


@pytest.mark.parametrize("change,expected", [
    (dict(date="2024-02-30", from_codes=["900101"], into=["900102"]), [["date", "bad-date"]]),
    (dict(date="2024-03-01", from_codes=["900109"], into=["900102"]), [["from", "unknown-region"]]),
    (dict(date="2024-03-01", from_codes=["900101"], into=[NEW | {"code": "900201"}]), [["into", "region-exists"]]),
    (dict(date="1999-12-31", from_codes=["900101"], into=["900102"]),
     [["date", "change-before-start"], ["date", "change-before-start"]]),
    (dict(date="2000-01-01", from_codes=["900101"], into=[NEW]), [["date", "change-before-start"]]),
    (dict(date="2024-03-01", from_codes=["900101"], into=[{"code": "900103"}]),
     [["into.900103.name_zh", "missing-value"], ["into.900103.name_en", "missing-value"]]),
    (dict(date="2024-03-01", from_codes=["900101"], into=[NEW | {"parent": "900101"}]),
     [["into.900103.parent", "bad-value"]]),
    (dict(date="2024-03-01", from_codes=["900101"], into=["900102", "900201"]), [["into", "bad-value"]]),
])
def test_bad_merges_change_nothing(tiny_ws, change, expected):
    before = _state(tiny_ws)
    with pytest.raises(InputError) as exc:
        tiny_ws.change_regions(kind="merge", **change)
    assert exc.value.report.flatten(("field", "code")) == expected
    assert _state(tiny_ws) == before


def test_a_region_is_retired_once(tiny_ws):
    tiny_ws.change_regions(date=date(2024, 3, 1), kind="merge", from_codes=["900101"], into=["900102"])
    before = _state(tiny_ws)
    with pytest.raises(InputError) as exc:
        tiny_ws.change_regions(date=date(2024, 6, 1), kind="merge", from_codes=["900101"], into=[NEW])
    assert exc.value.report.flatten(("field", "code")) == [["from", "region-retired"]]
    assert "2024-02-29" in exc.value.report.problems[0].message  # its last day
    assert _state(tiny_ws) == before


def test_values_after_the_change_are_named(tiny_ws):
    """A change recorded after values came in under the old code: they stay the old county's, and
    the change says so (a warning, not a refusal)."""
    tiny_ws.record(jobs("900101", {"2024-05": 4, "2024-06": 6}))
    out = tiny_ws.change_regions(date=date(2024, 6, 1), kind="merge", from_codes=["900101"], into=["900102"])
    assert [(p["code"], p["severity"]) for p in out["problems"]] == [("values-after-change", "warning")]
    assert "1 value" in out["problems"][0]["message"]  # June only; May began before the change
    assert v(tiny_ws, "jobs", "900100", "2024-05") == 4
    assert v(tiny_ws, "jobs", "900100", "2024-06") is None


def test_cli_merge_list_and_events(tiny_ws):
    path = tiny_ws.path
    tiny_ws.close()
    runner = CliRunner()

    def cli(*args):
        return runner.invoke(app, ["--db", path, *args])

    r = cli("regions", "merge", "--date", "2024-07-15", "--from", "900101,900102", "--into", "900103",
            "--name-zh", "甲新县", "--name-en", "New County", "--json")
    assert r.exit_code == 0, r.output
    assert (json.loads(r.output)["retired"], json.loads(r.output)["created"]) == (["900101", "900102"], ["900103"])
    r = cli("regions", "merge", "--date", "2024-07-15", "--from", "900101", "--into", "900201")
    assert r.exit_code == 2 and "region-retired" in r.output
    r = cli("regions", "split", "--date", "2024-13-01", "--from", "900201", "--into", "900202,乙二县,County 2-2",
            "--into", "900201")
    assert r.exit_code == 2 and "bad-date" in r.output
    listed = json.loads(cli("regions", "list", "--at", "2024-07-14", "--json").output)
    assert [x["code"] for x in listed if x["parent"] == "900100"] == ["900101", "900102"]
    listed = json.loads(cli("regions", "list", "--all", "--json").output)
    assert {x["code"]: x["became"] for x in listed}["900102"] == "900103"
    events = json.loads(cli("regions", "events", "--json").output)
    assert [(e["kind"], e["from_codes"], e["to_codes"]) for e in events] == \
        [("merge", ["900101", "900102"], ["900103"])]
    r = cli("regions", "split", "--date", "2025-01-01", "--from", "900201", "--into", "900202,乙二县,County 2-2",
            "--into", "900201", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["continued"] == ["900201"] and json.loads(r.output)["retired"] == []


def test_the_region_page_says_what_a_retired_county_became(tiny_ws):
    from fastapi.testclient import TestClient

    from luoshi.web import create_app

    tiny_ws.change_regions(date=date(2024, 7, 15), kind="merge", from_codes=["900101", "900102"], into=[NEW])
    with TestClient(create_app(tiny_ws)) as client:
        data = client.get("/api/regions/900101?plan=tp&at=2024-07-14").json()
    assert data["region"]["valid_to"] == "2024-07-14"
    assert [r["code"] for r in data["path"]] == ["900000", "900100", "900101"]
    assert data["changes"] == [{"date": "2024-07-15", "kind": "merge", "from": ["900101", "900102"], "to": ["900103"]}]
