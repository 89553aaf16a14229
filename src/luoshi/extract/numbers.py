"""Numbers in a sentence: values with magnitude and unit, ranges, and numbers that are not quantities.

Finds Arabic and Chinese numerals and their mixtures (9,000 / 九千 / 1.1万 / 110万人 / 1.3万亿元 /
百分之五点五), percent versus percentage points, ranges (4.5%—5%, between 6% and 6.5%), and marks
numbers that only look like quantities: dates, years, times, phone numbers, addresses,
ordinals ("20th", 第十三届), plan names ("1310") and identifiers (AG600, PM2.5, 5G).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luoshi.extract.numerals import EN_SCALES, EN_WORDS, MAGNITUDES, parse_arabic, parse_chinese
from luoshi.extract.units import COUNT, EN_CURRENCY_PREFIX, EN_UNITS, PERSON, ZH_UNITS


@dataclass
class Quantity:
    """A number found in a sentence; offsets are relative to the sentence."""

    start: int
    end: int
    value: float | None
    unit: str | None = None
    value_high: float | None = None
    reason: str | None = None  # set when the number is not a quantity: date, year, ordinal, ...
    year: int | None = None  # the year a date or year mention names
    num_end: int = 0  # end of the numeral itself, before magnitude and unit
    scale: float = 1.0  # magnitude times unit factor applied to the numeral

    @property
    def text_span(self) -> tuple[int, int]:
        return self.start, self.end


_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*(?:点[零〇一二三四五六七八九]+)?"
_ENW = "|".join(sorted(EN_WORDS, key=len, reverse=True))
_CORE = re.compile(
    rf"(?P<pct>百分之(?P<pn>{_NUM}|{_CN}))"
    rf"|(?P<num>(?<![\d.])(?<!\d,){_NUM})"
    rf"|(?P<cn>{_CN})"
    rf"|(?P<enw>\b(?:{_ENW})\s+(?:hundred\s+)?(?:thousand|million|billion|trillion)\b)",
    re.I)
_MAG = re.compile(r"\s?(万亿|千亿|百亿|亿|千万|百万|万|千)|\s?(thousand|million|billion|trillion)\b", re.I)
_EN_CCY = re.compile(r"(?:CNY|RMB|US\$|USD|\$|¥)\s?$", re.I)

_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_NOT_QUANTITY: list[tuple[str, re.Pattern]] = [
    ("date", re.compile(r"(?:\d{4}|[〇零一二三四五六七八九]{4})年\d{1,2}月(?:\d{1,2}[日号])?|\d{1,2}月\d{1,2}[日号]"
                        r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")),
    ("date", re.compile(rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
                        rf"|\b\d{{1,2}}\s+{_MONTHS}(?:\s+\d{{4}})?\b|\b{_MONTHS}\s+\d{{4}}\b")),
    ("time", re.compile(r"\b\d{1,2}:\d{2}\b")),
    ("phone", re.compile(r"(?:\+?\d{2,4}[- ]){1,3}\d{6,8}\b|\b1[3-9]\d{9}\b|\b0\d{2,3}-?\d{7,8}\b")),
    ("address", re.compile(r"\bNo\.\s?\d+|\d+/F\b|\b(?:Room|Floor|Building|Unit)\s\d+|\d+(?:号楼|号|楼|室|栋)"
                           r"(?![\u4e00-\u9fff]*(?:文件|令))|邮编\s?\d{6}")),
    ("ordinal", re.compile(r"\b\d+(?:st|nd|rd|th)\b|第\s?(?:\d+|[一二三四五六七八九十百]+)|"
                           r"(?:\d+|[一二三四五六七八九十]+)(?:届|次会议|次全体会议|次全会)|[十二三四五六七八九]+大(?=[精报会])")),
    ("plan-name", re.compile(r"[“\"'‘「]\s*\d+(?:\s*[+＋]\s*\d+)*\s*[”\"'’」]|\b1\+3\+10\b|"
                             r"\d{3,4}(?=\s*(?:”|\")?\s*(?:具体部署|思路举措|工程|plan\b|deployment|measures|"
                             r"thinking|specific deployment|arrangements))")),
    ("identifier", re.compile(r"(?<![A-Za-z])(?!(?:CNY|RMB|USD)\d)[A-Za-z]+\d+(?:\.\d+)?|\d+(?:\.\d+)?[A-Za-z]+\d*(?=[\s\u4e00-\u9fff,.;，。、]|$)")),
    ("ratio", re.compile(r"\d+(?:\.\d+)?\s?[:：]\s?\d+(?:\.\d+)?")),
]
_EN_TITLE_QUOTE = re.compile(r"[“\"]([A-Z][^“”\"]{8,120})[”\"]")
_EN_ID_OK = {"km", "kw", "kwh", "mu", "pct", "teu", "st", "nd", "rd", "th", "s"}
_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d,.]\d|\s?%| ?percent)")
_RANGE_SEP = re.compile(r"\s*(?:[—–\-~至到]{1,2}|to|and)\s*$", re.I)
_PERSON_NOUNS = {"people", "persons", "residents", "jobs", "talents", "workers", "students", "visitors",
                 "tourists", "graduates", "employees", "professionals"}
_PERSON_BEFORE = re.compile(r"(?:population|people|employment|jobs?|residents)\s+(?:of\s+)?(?:about\s+|around\s+|"
                            r"more than\s+|over\s+)?$", re.I)
_NUMBER_OF = re.compile(r"\bnumber of\b[^,;]{0,60}$", re.I)
_NOT_NOUNS = {"and", "or", "of", "in", "to", "by", "for", "from", "the", "a", "an", "with", "on", "at", "as",
              "than", "this", "that", "which", "per", "year-on-year", "over", "compared", "is", "are", "was",
              "were", "will", "has", "have", "had", "be"}


def find_quantities(s: str, lang: str) -> list[Quantity]:
    """Every number in sentence ``s`` as a Quantity; non-quantities carry a ``reason``."""
    masks: list[Quantity] = []
    for reason, rx in _NOT_QUANTITY:
        for m in rx.finditer(s):
            if reason == "identifier" and _identifier_is_unit(m.group(0)):
                continue
            if any(q.start <= m.start() < q.end for q in masks):
                continue
            masks.append(Quantity(m.start(), m.end(), None, reason=reason, year=_year_in(m.group(0))))
    if lang == "en":
        for m in _EN_TITLE_QUOTE.finditer(s):
            if sum(w[:1].isupper() for w in m.group(1).split()) >= 3:
                masks.append(Quantity(m.start(1), m.end(1), None, reason="plan-name"))
    out: list[Quantity] = list(masks)
    for m in _CORE.finditer(s):
        if any(q.start <= m.start() < q.end for q in masks):
            continue
        q = _quantity(s, m, lang)
        if q is not None:
            out.append(q)
    out.sort(key=lambda q: q.start)
    return _merge_ranges(s, out)


def _identifier_is_unit(tok: str) -> bool:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([A-Za-z]+)\d*", tok)
    return bool(m) and m.group(2).lower() in _EN_ID_OK


def _year_in(tok: str) -> int | None:
    m = re.search(r"(?:19|20)\d\d", tok)
    return int(m.group(0)) if m else None


def _quantity(s: str, m: re.Match, lang: str) -> Quantity | None:
    start, end = m.start(), m.end()
    if m.group("pct"):
        raw = m.group("pn")
        v = parse_arabic(raw) if raw[0].isdigit() else parse_chinese(raw)
        return None if v is None else Quantity(start, end, v, "%", num_end=end)
    if m.group("enw"):
        words = m.group(0).lower().split()
        v = float(EN_WORDS.get(words[0], 1))
        for w in words[1:]:
            v *= EN_SCALES[w]
        q = Quantity(start, end, v, num_end=end)
        return _unit_after(s, q, lang)
    if m.group("cn"):
        raw = m.group("cn")
        v = parse_chinese(raw)
        if v is None:
            return None
        q = Quantity(start, end, v, num_end=end)
        q = _unit_after(s, q, lang, magnitude=False)
        has_mag = any(c in raw for c in "百千万亿")
        if q.unit is None or (v < 20 and not has_mag and q.unit != "%"):
            return None  # 一个, 三大, 十项: idioms and plan structure, not amounts
        return q
    raw = m.group("num")
    v = parse_arabic(raw)
    if v is None:
        return None
    q = Quantity(start, end, v, num_end=end)
    ccy = _EN_CCY.search(s, max(0, start - 5), start)
    if ccy:
        q.start = ccy.start()
        q.unit = EN_CURRENCY_PREFIX.get(ccy.group(0).strip().lower())
    q = _unit_after(s, q, lang)
    year_shape = not ccy and q.scale == 1 and "," not in raw and "." not in raw and _YEAR.fullmatch(raw)
    if year_shape and (q.unit is None or (lang == "en" and q.unit == COUNT)):
        q.reason, q.year = "year", int(raw)
    elif year_shape and q.unit == "year" and s[q.num_end:q.num_end + 1] == "年":
        q.reason, q.year, q.end = "year", int(raw), q.num_end + 1
    return q


def _unit_after(s: str, q: Quantity, lang: str, magnitude: bool = True) -> Quantity:
    pos = q.end
    if magnitude:
        mm = _MAG.match(s, pos)
        if mm:
            word = (mm.group(1) or mm.group(2)).lower()
            f = MAGNITUDES.get(word) or EN_SCALES[word]
            q.value *= f
            q.scale *= f
            pos = mm.end()
    rest = s[pos:pos + 24]
    low = rest.lower()
    if q.unit is None:
        for word, unit, factor in ZH_UNITS:
            if rest.startswith(word):
                q.unit, q.value, pos = unit, q.value * factor, pos + len(word)
                q.scale *= factor
                break
        else:
            stripped = low.lstrip()
            gap = len(low) - len(stripped)
            for word, unit, factor in EN_UNITS:
                if stripped.startswith(word) and (len(stripped) == len(word) or not stripped[len(word)].isalpha()):
                    if gap == 0 and word.isalpha() and lang == "en":
                        continue  # "5km" is an identifier case handled above; "5percent" is rare
                    q.unit, q.value, pos = unit, q.value * factor, pos + gap + len(word)
                    break
            else:
                if lang == "en":
                    q.unit = _english_count_unit(s, q.start, pos)
    elif q.unit in ("CNY", "USD"):
        for word in (" yuan", "yuan", " dollars"):
            if low.startswith(word):
                pos += len(word)
    q.end = pos
    return q


def _english_count_unit(s: str, start: int, pos: int) -> str | None:
    if pos < len(s) and s[pos] == " ":
        words = [w.lower().strip(",.;:()") for w in s[pos:pos + 60].split()[:4]]
        if words and words[0].replace("-", "").isalpha() and words[0] not in _NOT_NOUNS:
            for w in words:
                if w in _PERSON_NOUNS:
                    return PERSON
                if w in ("years", "times", "days", "months", "hours", "am", "pm", "a.m", "p.m"):
                    return "year" if w == "years" else "hour" if w in ("am", "pm", "a.m", "p.m") else "times"
                if not w.replace("-", "").isalpha() or w in _NOT_NOUNS:
                    break
            return COUNT
    if _PERSON_BEFORE.search(s, 0, start):
        return PERSON
    if _NUMBER_OF.search(s, 0, start):
        return COUNT
    return None


def _merge_ranges(s: str, qs: list[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    i = 0
    while i < len(qs):
        q = qs[i]
        if i + 1 < len(qs) and q.reason is None and qs[i + 1].reason is None:
            r = qs[i + 1]
            between = s[q.end:r.start]
            same_unit = q.unit == r.unit or (q.unit is None and r.unit is not None)
            is_and = between.strip().lower() == "and"
            lo = q.value * r.scale if q.unit is None and q.scale == 1 else q.value
            if same_unit and _RANGE_SEP.match(between) and r.value is not None and q.value is not None \
                    and (not is_and or re.search(r"between\s+$", s[max(0, q.start - 9):q.start], re.I)) \
                    and lo < r.value:
                out.append(Quantity(q.start, r.end, lo, r.unit, value_high=r.value, num_end=r.num_end))
                i += 2
                continue
        out.append(q)
        i += 1
    return out
