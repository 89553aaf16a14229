from luoshi.extract.language import detect_language
from luoshi.extract.normalise import normalise


def test_fullwidth_digits_and_punctuation_map_back():
    original = "ＧＤＰ增长５．５％，约１１０万人"
    n = normalise(original)
    assert n.text == "GDP增长5.5%,约110万人"
    i = n.text.index("5.5%")
    assert original[n.to_original(i):n.span_to_original(i, i + 4)[1]] == "５．５％"


def test_expansion_and_crlf_keep_offsets():
    original = "①项\r\n１㎡"
    n = normalise(original)
    assert n.text == "1项\n1m2"
    assert n.span_to_original(len(n.text) - 2, len(n.text)) == (len(original) - 1, len(original))
    assert n.to_original(n.text.index("\n")) == original.index("\r")


def test_ascii_is_identity():
    n = normalise("GDP grew 4.8%.")
    assert n.breakpoints == [(0, 0)] and n.to_original(5) == 5


def test_language():
    assert detect_language("地区生产总值增长5%左右，城镇新增就业110万人以上。") == "zh"
    assert detect_language("Guangdong aims to expand its GDP by 5 percent this year.") == "en"
