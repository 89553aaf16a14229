"""The JSON API over the fixture workspace, against values worked out by hand (see fixtures.py)."""

from __future__ import annotations

import csv
import io

import pytest

from luoshi.domain.rules import CATEGORIES

AT = "at=2025-06-15"


def get(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text
    return r.json()


def by_code(rows):
    return {r["code"]: r for r in rows}


def test_region_table_of_an_indicator(client):
    data = get(client, f"/api/indicators/tech_transform?region=440100&{AT}")
    kids = by_code(data["children"])
    liwan, yuexiu = kids["440103"], kids["440104"]
    assert (liwan["value"], liwan["target"]) == (200.0, 500.0)
    assert liwan["attainment"] == pytest.approx(40.0)
    assert liwan["expected"] == pytest.approx(151 / 365 * 100)
    assert (liwan["category"], liwan["light"]) == ("on_pace", "green")
    assert (yuexiu["value"], yuexiu["category"]) == (300.0, "ahead")
    assert liwan["synthetic"] is True
    assert data["synthetic"] is True
    assert [r["code"] for r in data["path"]] == ["440000", "440100"]


def test_map_has_21_cities_coloured_by_attainment(client):
    tiles = by_code(get(client, f"/api/indicators/tech_transform?{AT}")["map"])
    assert len(tiles) == 21
    assert tiles["440100"]["attainment"] == pytest.approx(50.0) and tiles["440100"]["light"] == "green"
    assert tiles["440300"]["attainment"] == pytest.approx(25.0) and tiles["440300"]["category"] == "behind"
    assert tiles["440800"]["light"] == "grey"
    assert len({(t["col"], t["row"]) for t in tiles.values()}) == 21  # no two tiles overlap


def test_chart_is_year_to_date_with_target_and_pace(client):
    data = get(client, f"/api/indicators/tech_transform/series?region=440300&{AT}")
    pts = {p["period"]: p for p in data["points"]}
    assert pts["2024-12"]["plotted"] == 100.0
    assert [pts[f"2025-{m:02d}"]["plotted"] for m in range(1, 6)] == [40.0, 80.0, 120.0, 160.0, 200.0]
    assert data["cumulative"] is True
    assert [(t["period"], t["value"]) for t in data["targets"]] == [("2025", 800.0)]
    assert data["pace"] == [{"date": "2024-12-31", "value": 0.0, "period": "2025"},
                            {"date": "2025-12-31", "value": 800.0, "period": "2025"}]


def test_region_page_data(client):
    data = get(client, f"/api/regions/440300?{AT}")
    assert data["region"]["code"] == "440300"
    assert [r["code"] for r in data["path"]] == ["440000", "440300"]
    assert {"440304", "440305"} <= {c["code"] for c in data["children"]}
    tt = by_code(data["indicators"])["tech_transform"]
    assert (tt["value"], tt["target"], tt["category"], tt["light"]) == (200.0, 800.0, "behind", "yellow")
    assert [s["value"] for s in tt["sparkline"]][-5:] == [40.0] * 5
    assert tt["n_expected"] == len(data["children"])


def test_overview_tree_counts_and_verification(client):
    data = get(client, f"/api/overview?{AT}")
    assert data["plan"] == "gd-1310" and data["period"] == "2025" and data["at"] == "2025-06-15"
    codes = [n["code"] for n in data["nodes"]]
    assert codes == ["G"]
    kids = {n["code"]: n for n in data["nodes"][0]["children"]}
    assert kids["B1"]["status"] == "verified" and kids["B3"]["status"] == "topic"
    assert set(data["counts"]) == set(CATEGORIES)


def test_rankings_with_rank_change(client):
    data = get(client, "/api/rankings?indicator=tech_transform&period=2025")
    rows = by_code(data["rows"])
    assert (rows["440100"]["rank"], rows["440100"]["change"]) == (1, 1)
    assert (rows["440300"]["rank"], rows["440300"]["change"]) == (2, -1)
    assert rows["440800"]["rank"] is None
    assert data["previous_period"] == "2024" and data["composite"] is False
    counties = get(client, "/api/rankings?indicator=tech_transform&level=county&within=440100&period=2025")
    assert [r["code"] for r in counties["rows"][:2]] == ["440104", "440103"]


def test_county_ranking_on_a_day_before_the_cities_existed(client):
    """The bundled cities are valid from 1980, so on a day before it the province has no first city whose
    counties to rank by default: the province's counties are ranked (was: 500, IndexError).  2025 sums
    from fixtures.py: Yuexiu 300, Liwan 200, Futian and Nanshan 100."""
    data = get(client, "/api/rankings?indicator=tech_transform&level=county&period=2025&at=1979-06-30")
    assert data["within_region"]["code"] == "440000"
    ranked = [(r["code"], r["value"]) for r in data["rows"] if r["rank"] is not None]
    assert ranked[:2] == [("440104", 300.0), ("440103", 200.0)]
    assert sorted(ranked[2:]) == [("440304", 100.0), ("440305", 100.0)]


def test_composite_ranking_and_weights(client):
    data = get(client, "/api/rankings?indicator=tech_transform&indicator=gdp_growth&weight=1&weight=1&period=2025")
    assert data["composite"] is True and data["weights"] == [1.0, 1.0]


def test_outcomes_are_real_and_judged(client):
    data = get(client, "/api/outcomes")
    rows = {(r["indicator"], r["year"]): r for r in data["rows"]}
    gdp23 = rows[("gdp_growth", 2023)]
    assert (gdp23["target"], gdp23["outcome"], gdp23["met"]) == (5.0, 4.8, False)
    assert gdp23["document"] and gdp23["source"].startswith("http")
    assert data["synthetic"] is False
    assert all(r["met"] is None for r in data["rows"] if r["outcome"] is None)


def test_coverage_matrix(client):
    data = get(client, "/api/coverage?plan=gd-1310")
    assert len(data["columns"]) == 21
    gz = next(c for c in data["columns"] if c["code"] == "440100")
    assert gz["plan"] == "gz-1312"
    b1 = next(r for r in data["rows"] if r["node"] == "B1")
    cell = next(c for c in b1["cells"] if c["region"] == "440200")
    assert "no-plan" in cell["gaps"]


@pytest.mark.parametrize("url, first_column", [
    ("/api/overview", "code"), (f"/api/regions/440100?{AT}", "code"), ("/api/indicators", "code"),
    (f"/api/indicators/tech_transform?{AT}", "code"), ("/api/indicators/tech_transform/series", "period"),
    ("/api/rankings?indicator=tech_transform", "rank"), ("/api/coverage", "node"), ("/api/outcomes", "year"),
    ("/api/plans", "id"),
])
def test_every_table_downloads_as_csv(client, url, first_column):
    r = client.get(url + ("&" if "?" in url else "?") + "format=csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows and next(iter(rows[0])) == first_column


def test_csv_values_match_json(client):
    r = client.get(f"/api/indicators/tech_transform?region=440100&{AT}&format=csv")
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))}
    assert float(rows["440103"]["value"]) == 200.0 and rows["440103"]["light"] == "green"


def test_openapi_documents_every_endpoint(client):
    spec = get(client, "/openapi.json")
    for path in ("/api/overview", "/api/regions/{code}", "/api/indicators/{code}", "/api/rankings",
                 "/api/coverage", "/api/outcomes", "/api/indicators/{code}/series"):
        assert path in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/rankings" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
