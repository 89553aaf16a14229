"""Expressions with a lookahead of their first characters match exactly what they match without it."""

import importlib
import pkgutil
import re
import unicodedata
from pathlib import Path

import luoshi.extract
from luoshi.extract.patterns import MADE, pattern

GOLD = Path(__file__).resolve().parents[1] / "data" / "extraction"


def _hint(rx: re.Pattern) -> str | None:
    """The lookahead's set, or None when the expression was left plain."""
    m = re.match(r"\(\?=\[(.*?)\]\)\(\?:", rx.pattern)
    return m.group(1) if m else None


def test_cue_lists_get_the_characters_they_can_begin_with():
    rx = pattern(r"力争|确保|\bwill\b|(?<=增长)同步|\b(?:aims?|targets?)\b|(?:on )?average", re.I)
    assert sorted(_hint(rx)) == sorted("力确w同ato")  # "(?:on )?average": o, or a when "on " is not there
    assert [m.group(0) for m in rx.finditer("力争增长同步, it will target... on average; Will")] == \
        ["力争", "同步", "will", "target", "on average", "Will"]
    assert _hint(pattern(r"(?:19|20)\d\d年|\d+(?:\.\d+)?%")) == r"12\d"  # digits: a \d in the set


def test_left_plain_where_a_lookahead_would_be_wrong_or_useless():
    assert _hint(pattern(r"(?i:abc)|x")) is None  # flags of its own: a lookahead outside would not share them
    assert _hint(pattern(r"a?|b")) is None  # can match the empty string
    assert _hint(pattern(r".foo|bar")) is None  # any character
    assert _hint(pattern(r"[^a]x|y")) is None  # a negated set
    assert _hint(pattern(r"[abc]x(?:y|z)")) is None  # begins with a set: re scans for it already
    assert _hint(pattern(r"abc")) is None  # a literal prefix: the same


def _lines() -> list[str]:
    out = []
    for folder in ("real", "docs"):  # development and test texts (never the lockbox)
        for path in sorted((GOLD / folder).glob("*.txt")):
            text = "".join(unicodedata.normalize("NFKC", c) for c in path.read_text(encoding="utf-8"))
            out += [line for line in text.splitlines() if line.strip()]
    return out


def test_every_expression_of_extraction_matches_alike_with_and_without_its_lookahead():
    for info in pkgutil.iter_modules(luoshi.extract.__path__):
        importlib.import_module(f"luoshi.extract.{info.name}")
    pairs = [(plain, hinted) for plain, hinted in MADE.values() if plain is not hinted]
    assert len(pairs) >= 100  # the cue lists of classify, cues, numbers, subject, segment...
    lines = _lines()
    assert len(lines) > 3000
    for plain, hinted in pairs:
        for line in lines:
            assert [(m.span(), m.groups()) for m in plain.finditer(line)] == \
                   [(m.span(), m.groups()) for m in hinted.finditer(line)], (plain.pattern, line)
