"""Chinese numerals and magnitude words to numbers: 九千, 一百一十万, 五点五, 两, 1.1万, 1.3万亿."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
          "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
MAGNITUDES = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿点"
EN_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "hundred": 1e2}
EN_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
            "forty": 40, "fifty": 50, "hundred": 100}


def parse_chinese(s: str) -> float | None:
    """Value of a Chinese numeral string (with an optional 点 decimal part); None if malformed."""
    if not s:
        return None
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = parse_chinese(whole) if whole else 0
        if w is None or not frac or any(c not in DIGITS for c in frac):
            return None
        return w + float("0." + "".join(str(DIGITS[c]) for c in frac))
    if all(c in DIGITS for c in s) and len(s) > 1:  # 二〇二四: digit by digit
        return float("".join(str(DIGITS[c]) for c in s))
    total = 0.0
    section = 0.0
    digit: float | None = None
    for c in s:
        if c in DIGITS:
            digit = DIGITS[c]
        elif c in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[c]
            digit = None
        elif c in BIG_UNITS:
            section += digit or 0
            if section == 0:
                section = 1
            if c == "亿":
                total = (total + section) * BIG_UNITS[c]
            else:
                total += section * BIG_UNITS[c]
            section, digit = 0.0, None
        else:
            return None
    return total + section + (digit or 0)


def parse_arabic(s: str) -> float | None:
    """Value of '9,000', '4.8', '1,234.5'; None if malformed."""
    t = s.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None
