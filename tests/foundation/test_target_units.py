"""A targets row may say the unit its numbers are in: one of the indicator's base unit is converted
(as an observation's is), another is refused; and the unit words accepting a document's commitment
writes for the extraction's base units."""

import pytest

from luoshi.domain.problems import InputError
from luoshi.domain.scales import conversion
from luoshi.extract.units import unit_word

JOBS = {"indicator": "new_urban_jobs", "region": "440300", "period": "2030", "comparator": "between"}


@pytest.mark.parametrize("given, expected, scale", [
    ("人", "万人", (1, 1e4)), ("亿元", "元", (1e8, 1)), ("万人", "万人", (1, 1)), (None, "%", (1, 1)),
    ("千瓦", "万千瓦", (1e3, 1e7)), ("吨", "万人", None), ("%", "百分点", None),
])
def test_conversion(given, expected, scale):
    assert conversion(given, expected) == scale


@pytest.mark.parametrize("unit, like, word", [
    ("person", "万人", "人"), ("CNY", "亿元", "元"), ("count", "家", "家"), ("count", "个", "个"),
    ("kW", "万千瓦", "千瓦"), ("pp", "百分点", "百分点"), ("%", "%", "%"),
    ("tonne", "万人", "吨"),  # another base: the importer refuses it (wrong-unit)
    ("person", None, "人"), (None, "万人", None), ("USD", "亿美元", "美元"),
])
def test_unit_word(unit, like, word):
    assert unit_word(unit, like) == word


def test_a_row_in_people_is_stored_in_10k_people(bundled_ws):
    out = bundled_ws.set_targets([{**JOBS, "value": 150000, "value_high": 160000, "trajectory": "2030Q2=80000",
                                   "unit": "人"}])
    assert out["added"] == 1
    assert [(p["code"], p["field"]) for p in out["problems"]] == [("unit-converted", "unit")]
    t = bundled_ws.db.one("SELECT tid, value, value_high FROM targets t JOIN indicators i USING (iid) "
                          "JOIN regions g USING (rid) WHERE i.code = 'new_urban_jobs' AND g.code = '440300' "
                          "AND t.pkey = (SELECT key FROM periods WHERE code = '2030')")
    assert (t["value"], t["value_high"]) == (15, 16)  # 150000 人 = 15 万人
    assert bundled_ws.db.scalar("SELECT value FROM target_trajectory WHERE tid = ?", [t["tid"]]) == 8


def test_a_row_in_another_kind_of_unit_is_refused(bundled_ws):
    before = bundled_ws.db.scalar("SELECT count(*) FROM targets")
    with pytest.raises(InputError) as exc:
        bundled_ws.set_targets([{**JOBS, "value": 15, "value_high": 16, "unit": "吨"}])
    (p,) = exc.value.report.errors
    assert (p.code, p.field, p.message) == ("wrong-unit", "unit", "unit '吨' does not match new_urban_jobs's unit '万人'")
    assert bundled_ws.db.scalar("SELECT count(*) FROM targets") == before
