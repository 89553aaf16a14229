"""Chinese numerals and magnitude words to numbers: 九千, 一百一十万, 五点五, 两, 1.1万, 1.3万亿."""

from __future__ import annotations

import re

import cn2an

# 兆 is 10^12 in Taiwan's usage (25.4兆元), where luoshi meets it in budgets and plans.
MAGNITUDES = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3, "兆": 1e12}
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿点"
EN_SCALES = {"thousand billion": 1e12, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "hundred": 1e2, "lakh": 1e5,
             "crore": 1e7}
# Short scale words after an Arabic number: 3.2bn, 5m, 1.2tn; India's lakh and crore (₹10 lakh crore).
EN_SHORT_SCALES = {"bn": 1e9, "bln": 1e9, "b": 1e9, "mn": 1e6, "mln": 1e6, "m": 1e6, "tn": 1e12, "t": 1e12, "trn": 1e12, "k": 1e3, "lakh crore": 1e12, "crores": 1e7, "lakhs": 1e5,
                   "lakh": 1e5, "crore": 1e7}
EN_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
            "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
            "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}
# Shares written as words, in percent: "nearly half of", "two-thirds of", "a quarter of".
EN_FRACTIONS = {"half": 50.0, "one-half": 50.0, "one half": 50.0, "a third": 33.33, "one-third": 33.33,
                "one third": 33.33, "two-thirds": 66.67, "two thirds": 66.67, "a quarter": 25.0,
                "one-quarter": 25.0, "one quarter": 25.0, "three-quarters": 75.0, "three quarters": 75.0,
                "a fifth": 20.0, "one-fifth": 20.0, "a tenth": 10.0, "one-tenth": 10.0}


def parse_chinese(s: str) -> float | None:
    """Value of a Chinese numeral string (九千, 一百一十万, 五点五, 二〇二四, 二兆六百六十七亿, 二五〇〇亿);
    None if malformed (cn2an)."""
    if not s:
        return None
    if "兆" in s:  # 二兆六百六十七亿: cn2an does not know Taiwan's 兆 (10^12)
        head, _, tail = s.partition("兆")
        a, b = parse_chinese(head), parse_chinese(tail) if tail else 0.0
        return None if a is None or b is None else a * 1e12 + b
    s = s.replace("○", "〇").replace(".", "点")  # a white circle for zero: 二○二四, 二五○點五○億; 一七.六八億
    try:
        return float(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError, IndexError):
        return _digit_by_digit(s)


_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _digit_by_digit(s: str) -> float | None:
    """What cn2an does not read: digits one by one (二五〇〇亿, 二七七点三一亿), a decimal before a
    magnitude (三点二亿, 二十六点八一亿)."""
    m = re.fullmatch(r"(.+?)(万亿|亿|万)?", s)
    head, magnitude = m.group(1), m.group(2)
    whole, dot, fraction = head.partition("点")
    if all(c in _DIGITS for c in whole + fraction) and (len(whole) > 1 or dot):
        value = float(f"{''.join(str(_DIGITS[c]) for c in whole)}.{''.join(str(_DIGITS[c]) for c in fraction) or 0}")
    elif magnitude and dot:
        try:
            value = float(cn2an.cn2an(head, "smart"))
        except (ValueError, KeyError, IndexError):
            return None
    else:
        return None
    return value * MAGNITUDES[magnitude] if magnitude else value


def parse_arabic(s: str) -> float | None:
    """Value of '9,000', '4.8', '1,234.5'; None if malformed."""
    t = s.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


def parse_numeral(s: str) -> float | None:
    """Value of a number written in Arabic digits (4.8, 9,000) or in Chinese numerals (二点五)."""
    return parse_arabic(s) if s[:1].isdigit() else parse_chinese(s)
