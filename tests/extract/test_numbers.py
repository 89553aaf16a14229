import pytest

from luoshi.extract.numbers import find_quantities
from luoshi.extract.numerals import parse_chinese


@pytest.mark.parametrize("text,value", [("九千", 9000), ("九千二百", 9200), ("一百一十万", 1_100_000),
                                        ("五点五", 5.5), ("两万", 20000), ("一亿三千万", 130_000_000),
                                        ("二〇二四", 2024), ("十五", 15)])
def test_chinese_numerals(text, value):
    assert parse_chinese(text) == value


def q(s, lang="zh"):
    return [(x.value, x.value_high, x.unit, x.reason) for x in find_quantities(s, lang)]


@pytest.mark.parametrize("s,lang,expected", [
    ("推动9,000家工业企业", "zh", [(9000, None, "count", None)]),
    ("推动九千家工业企业", "zh", [(9000, None, "count", None)]),
    ("达到1.1万家", "zh", [(11000, None, "count", None)]),
    ("城镇新增就业110万人以上", "zh", [(1_100_000, None, "person", None)]),
    ("总量1.3万亿元", "zh", [(1.3e12, None, "CNY", None)]),
    ("增长百分之五点五", "zh", [(5.5, None, "%", None)]),
    ("提高0.5个百分点", "zh", [(0.5, None, "pp", None)]),
    ("增长4.5%—5%", "zh", [(4.5, 5.0, "%", None)]),
    ("growth of between 6% and 6.5%", "en", [(6.0, 6.5, "%", None)]),
    ("GDP grew 4.8 percent to CNY13.57 trillion", "en", [(4.8, None, "%", None), (13.57e12, None, "CNY", None)]),
    ("over 1.1 million new urban jobs", "en", [(1_100_000, None, "person", None)]),
    ("grain output above 12.68 million tonnes", "en", [(12_680_000, None, "tonne", None)]),
])
def test_values_units_ranges(s, lang, expected):
    assert [(pytest.approx(v), hi, u, r) for v, hi, u, r in q(s, lang)] == expected


@pytest.mark.parametrize("s,lang,reason", [
    ("2024年1月23日在会上", "zh", "date"), ("the spirit of the 20th National Congress", "en", "ordinal"),
    ("省委“1310”具体部署", "zh", "plan-name"), ("Tel: 0086-758-2899202", "en", "phone"),
    ("Address: 6/F, No. 18, Jiangbin West Road", "en", "address"), ("the AG600 was developed", "en", "identifier"),
    ("held on July 23, 2023, chaired", "en", "date"), ("第十四届人民代表大会", "zh", "ordinal"),
])
def test_not_quantities(s, lang, reason):
    assert q(s, lang)[0][3] == reason


def test_idioms_are_not_amounts():
    assert q("锚定一个目标，激活三大动力，奋力实现十大新突破，千家万户") == []
