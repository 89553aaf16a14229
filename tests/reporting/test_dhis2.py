"""DHIS2 interchange: the export's period in every spelling, combos and storedBy kept from import
to export, and the import report of rejected values (and of the plain import, which shares it).

Every expected value below is written out by hand from the input rows of the test."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.problems import Refusal
from luoshi.services.interchange import dhis2_export, dhis2_import
from tests.reporting.conftest import write

DEFAULT = "HllvX50cXC0"
MAPPING = {"dataElements": {"DEtech": "tech_transform", "DEmarine": "marine_gdp", "DEgrain": "grain_output"},
           "orgUnits": {"OUliwan": "440103"},
           "categoryOptionCombos": [DEFAULT, "cocTotal01"], "attributeOptionCombos": [DEFAULT, "aocFund01"],
           "defaultCategoryOptionCombo": "cocTotal01", "defaultAttributeOptionCombo": "aocFund01"}


def value(de, period, v, **more):
    return {"dataElement": de, "period": period, "orgUnit": "OUliwan", "value": str(v), **more}


# monthly tech_transform, quarterly marine_gdp, annual grain_output, each around 2024
PERIOD_VALUES = [value("DEtech", "202312", 100), value("DEtech", "202401", 101), value("DEtech", "202402", 102),
                 value("DEtech", "202404", 103), value("DEmarine", "2024Q1", 500), value("DEmarine", "2024Q2", 510),
                 value("DEgrain", "2023", 49), value("DEgrain", "2024", 50)]


@pytest.fixture
def mapping(tmp_path):
    return write(tmp_path / "map.json", json.dumps(MAPPING))


def load(ws, tmp_path, mapping, values, *, actor=None, name="in.json", **kw):
    src = write(tmp_path / name, json.dumps({"dataValues": values}))
    return dhis2_import(ws.reporting, src, mapping, actor=actor or ws.reporting.actor(), **kw)


def exported(ws, tmp_path, mapping, period=None, actor=None) -> list[dict]:
    out = tmp_path / "out.json"
    dhis2_export(ws.db, out, mapping, actor=actor or ws.reporting.actor(), period=period)
    return json.loads(out.read_text(encoding="utf-8"))["dataValues"]


# --- the export's period ---------------------------------------------------------------------------
@pytest.mark.parametrize("period,expected", [
    ("202401", [("DEtech", "202401")]),
    ("2024-01", [("DEtech", "202401")]),
    # a quarter: the months of the monthly indicator and the quarter of the quarterly one
    ("2024Q1", [("DEmarine", "2024Q1"), ("DEtech", "202401"), ("DEtech", "202402")]),
    # a year: months, quarters and the year itself; 2023's values stay out
    ("2024", [("DEgrain", "2024"), ("DEmarine", "2024Q1"), ("DEmarine", "2024Q2"), ("DEtech", "202401"),
              ("DEtech", "202402"), ("DEtech", "202404")]),
    # a month: the annual and quarterly values are not split (nor repeated) into it
    ("2024-02", [("DEtech", "202402")]),
    (None, [("DEgrain", "2023"), ("DEgrain", "2024"), ("DEmarine", "2024Q1"), ("DEmarine", "2024Q2"),
            ("DEtech", "202312"), ("DEtech", "202401"), ("DEtech", "202402"), ("DEtech", "202404")]),
])
def test_export_takes_any_period_spelling_and_its_sub_periods(ws, tmp_path, mapping, period, expected):
    assert load(ws, tmp_path, mapping, PERIOD_VALUES)["summary"]["imported"] == 8
    got = exported(ws, tmp_path, mapping, period)
    assert sorted((v["dataElement"], v["period"]) for v in got) == expected


@pytest.mark.parametrize("period", ["foo", "2024-13", "", "2024Q5"])
def test_export_refuses_a_bad_period(ws, tmp_path, mapping, period):
    with pytest.raises(Refusal) as exc:
        dhis2_export(ws.db, tmp_path / "out.json", mapping, actor=ws.reporting.actor(), period=period)
    assert exc.value.code == "bad-period"
    assert not (tmp_path / "out.json").exists()


def test_cli_export_period(ws, ws_path, tmp_path, mapping):
    load(ws, tmp_path, mapping, PERIOD_VALUES)
    ws.close()
    out = tmp_path / "cli.csv"
    run = CliRunner().invoke(app, ["--db", str(ws_path), "dhis2", "export", "-o", str(out), "--mapping", str(mapping),
                                   "--period", "2024"])
    assert run.exit_code == 0, run.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 6  # header and the six values of 2024
    bad = CliRunner().invoke(app, ["--db", str(ws_path), "dhis2", "export", "-o", str(tmp_path / "bad.csv"),
                                   "--mapping", str(mapping), "--period", "foo"])
    assert bad.exit_code != 0 and "bad-period" in bad.output


# --- combos and storedBy -----------------------------------------------------------------------------
def origin(v: dict) -> tuple:
    return v["categoryOptionCombo"], v["attributeOptionCombo"], v["storedBy"]


def test_export_gives_back_the_combos_and_storedby_a_value_came_with(ws, people, tmp_path, mapping):
    admin = people["ada"]
    load(ws, tmp_path, mapping, [
        value("DEtech", "202401", 101, storedBy="alice"),  # DHIS2's default combos, left out as DHIS2 does
        value("DEtech", "202402", 102, storedBy="bob", categoryOptionCombo="cocTotal01",
              attributeOptionCombo=DEFAULT),
        value("DEtech", "202403", 103, storedBy="dave", attributeOptionCombo="aocFund01")], actor=admin,
         state="approved")
    # a value entered in luoshi by a reporter and approved by a reviewer
    csv = write(tmp_path / "rita.csv", "indicator,region,period,value\ntech_transform,440103,2024-04,104\n")
    assert ws.reporting.import_file(csv, actor=people["rita"])["status"] == "committed"
    # a DHIS2 value imported by the reporter (submitted), then approved: approving keeps its origin
    load(ws, tmp_path, mapping, [value("DEtech", "202405", 105, storedBy="carol", categoryOptionCombo="cocTotal01")],
         actor=people["rita"], name="carol.json")
    ws.reporting.transition("approve", actor=people["rui"], region="440103")
    # a DHIS2 value corrected in luoshi: the correction is luoshi's
    ws.reporting.import_file(write(tmp_path / "fix.csv", "indicator,region,period,value\n"
                                                         "tech_transform,440103,2024-03,113\n"), actor=admin,
                                 state="approved")
    got = {v["period"]: v for v in exported(ws, tmp_path, mapping, "2024", actor=admin)}
    assert origin(got["202401"]) == (DEFAULT, DEFAULT, "alice")
    assert origin(got["202402"]) == ("cocTotal01", DEFAULT, "bob")
    assert origin(got["202403"]) == ("cocTotal01", "aocFund01", "ada") and got["202403"]["value"] == "113"
    assert origin(got["202404"]) == ("cocTotal01", "aocFund01", "rita")  # not the approver
    assert origin(got["202405"]) == ("cocTotal01", DEFAULT, "carol")


def test_dhis2_origin_is_kept_beside_the_revision_not_in_its_source(ws, tmp_path, mapping):
    load(ws, tmp_path, mapping, [value("DEtech", "202401", 101, storedBy="alice", attributeOptionCombo="aocFund01")])
    row = ws.db.one("""SELECT o.source, g.category_option_combo, g.attribute_option_combo, g.stored_by
                       FROM observations o JOIN indicators i USING (iid) JOIN dhis2_origins g USING (oid)
                       WHERE i.code = 'tech_transform'""")
    assert (row["category_option_combo"], row["attribute_option_combo"], row["stored_by"]) == \
        (DEFAULT, "aocFund01", "alice")
    assert "alice" not in row["source"]


def test_exported_values_keep_every_digit(ws, tmp_path, mapping):
    load(ws, tmp_path, mapping, [value("DEtech", "202401", 1234567), value("DEtech", "202402", 1234567.5)])
    got = {v["period"]: v["value"] for v in exported(ws, tmp_path, mapping)}
    assert got == {"202401": "1234567", "202402": "1234567.5"}  # the %g format wrote 1.23457e+06


# --- the import report of rejected values -------------------------------------------------------------
REJECTED = [value("DEunknown", "202403", 1),                           # row 1: unmapped data element
            value("DEtech", "202404", "x"),                            # row 2: not a number
            value("DEtech", "202405", 3, categoryOptionCombo="cocMale01")]  # row 3: unmapped combo


@pytest.mark.parametrize("mode", ["all-or-nothing", "accept-valid"])
def test_every_rejected_value_lists_its_codes(ws, tmp_path, mapping, mode):
    before = ws.db.scalar("SELECT count(*) FROM observations")
    dry = load(ws, tmp_path, mapping, REJECTED, mode=mode, dry_run=True)
    assert dry["status"] == "invalid"
    assert [(v["row"], v["outcome"], v["codes"]) for v in dry["values"]] == [
        (1, "rejected", ["unknown-mapping"]), (2, "rejected", ["not-a-number"]), (3, "rejected", ["unknown-mapping"])]
    assert dry["problem_counts"] == {"not-a-number": 1, "unknown-mapping": 2}
    real = load(ws, tmp_path, mapping, REJECTED, mode=mode)
    assert real["status"] == "rejected" and real["summary"]["rejected"] == 3
    assert ws.db.scalar("SELECT count(*) FROM observations") == before


def test_a_dry_run_with_a_valid_row_left_is_valid_in_accept_valid_mode(ws, tmp_path, mapping):
    dry = load(ws, tmp_path, mapping, [value("DEtech", "202401", 101), *REJECTED], mode="accept-valid", dry_run=True)
    assert dry["status"] == "valid" and dry["accepted"] == 1 and dry["rejected"] == 3
    assert dry["problem_counts"] == {"not-a-number": 1, "unknown-mapping": 2}
    strict = load(ws, tmp_path, mapping, [value("DEtech", "202401", 101), *REJECTED], dry_run=True)
    assert strict["status"] == "invalid"


@pytest.mark.parametrize("mode", ["all-or-nothing", "accept-valid"])
def test_plain_import_counts_the_readers_problems_too(ws, tmp_path, mode):
    # row 2: not a number (found by the checks); row 3: an extra cell (found by the reader)
    f = write(tmp_path / "bad.csv", "indicator,region,period,value\ntech_transform,440103,2024-03,x\n"
                                    "tech_transform,440103,2024-04,1,extra\n")
    dry = ws.reporting.import_file(f, actor=ws.reporting.actor(), mode=mode, dry_run=True)
    assert dry["status"] == "invalid"
    assert dry["problem_counts"] == {"not-a-number": 1, "ragged-row": 1}
    assert dry["rejected"] == 2 and dry["accepted"] == 0
    real = ws.reporting.import_file(f, actor=ws.reporting.actor(), mode=mode)
    assert real["status"] == "rejected"


def test_mapping_file_problems_are_reported(ws, tmp_path):
    src = write(tmp_path / "in.json", json.dumps({"dataValues": PERIOD_VALUES}))
    res = dhis2_import(ws.reporting, src, tmp_path / "missing.json", actor=ws.reporting.actor())
    assert res["status"] == "rejected" and [p["code"] for p in res["problems"]] == ["file-not-found"]
    bad = write(tmp_path / "bad.json", json.dumps({"dataElements": ["DEtech"]}))
    res = dhis2_import(ws.reporting, src, bad, actor=ws.reporting.actor())
    assert [p["code"] for p in res["problems"]] == ["bad-format"]
