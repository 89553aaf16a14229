"""Language detection for policy text: Chinese or English, by script counts."""

from __future__ import annotations

from luoshi.extract.patterns import pattern

_CJK = pattern(r"[\u4e00-\u9fff]")
_LATIN = pattern(r"[A-Za-z]+")


def detect_language(text: str, sample: int = 20000) -> str:
    """'zh' when CJK characters outweigh English words in the sample, else 'en'."""
    head = text[:sample]
    cjk = len(_CJK.findall(head))
    words = len(_LATIN.findall(head))
    if cjk == 0 and words == 0:
        return "en"
    # A Chinese character carries about as much as an English word of ~1.5 syllables.
    return "zh" if cjk >= words * 1.5 else "en"


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
