"""Numbers in a sentence: values with magnitude and unit, ranges, and numbers that are not quantities.

Finds Arabic and Chinese numerals and their mixtures (9,000 / 九千 / 1.1万 / 110万人 / 1.3万亿元 /
百分之五点五), percent versus percentage points, ranges (4.5%—5%, between 6% and 6.5%), and marks
numbers that only look like quantities: dates, years, times, phone numbers, addresses,
ordinals ("20th", 第十三届), plan names ("1310") and identifiers (AG600, PM2.5, 5G).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from luoshi.extract.numerals import (EN_FRACTIONS, EN_SCALES, EN_SHORT_SCALES, EN_WORDS, MAGNITUDES, parse_arabic,
                                     parse_chinese, parse_numeral)
from luoshi.extract.patterns import pattern
from luoshi.extract.units import COUNT, EN_CURRENCY_PREFIX, EN_UNITS, MONEY, PERCENT, PERSON, PP, RATIO, ZH_UNITS


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
    comparator: str | None = None  # set by wordy values that carry their own (正增长: at least 0)

    @property
    def text_span(self) -> tuple[int, int]:
        return self.start, self.end


# 8,34,351 (Indian grouping), 9,000, 2 000 (a space between thousands)
_NUM = r"(?:\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,])|\d+)(?:\.\d+)?"
_CN = r"[零〇○一二两三四五六七八九十][零〇○一二两三四五六七八九十百千万亿兆]*(?:[点.][零〇○一二三四五六七八九]+(?:万亿|亿|万)?)?"
_ENW = "|".join(sorted(EN_WORDS, key=len, reverse=True))
_ENW_COMPOUND = (rf"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](?:one|two|three|four|five|six|"
                 rf"seven|eight|nine)|{_ENW})")
_FRAC = "|".join(sorted((re.escape(f) for f in EN_FRACTIONS), key=len, reverse=True))
# things an English count in words may count ("eight expropriation projects", "five new companies")
_EN_COUNT_NOUNS = (r"(?:projects|companies|enterprises|firms|parks|zones|schools|hospitals|clinics|corridors|clusters|"
                   r"industries|centres|centers|plants|factories|stations|airports|ports|bridges|jets|aircraft|"
                   r"platforms|bases|universities|hubs|cities)")
_DETERMINER_BEFORE = pattern(r"\b(?:the|these|those|its|their|of|all)\s$", re.I)
_CORE = pattern(  # the lookahead: where a number can start, so that other places fail at once
    rf"(?=[\d零〇一二两三四五六七八九十百千万亿正基保持翻倍增近超逾破]|\b[A-Za-z])"
    rf"(?:(?P<pct>百分之(?P<pn>{_NUM}|{_CN}))"
    rf"|(?P<num>(?<!\d)(?<!\d[.,]){_NUM})"
    rf"|(?P<zero>正增长|零增长|(?:基本|保持)?持平|\bzero growth\b|\bpositive growth\b)"
    rf"|(?P<mult>翻一番|翻两番|翻倍|倍增|(?<=增长)一倍|(?<=增加)一倍|\bhalv(?:e|es|ed|ing)\b|"
    rf"\bdoubl(?:e|es|ed|ing)(?=\s+(?:it|its|the (?:number|size|share|output|production|capacity|income|value)|"
    rf"(?:GDP|output|income|exports|production|capacity)\b))|(?<=\s)doubled(?=\s*(?:[,.;]|$|\s(?:from|since|over|in|to|between)\b))|"
    rf"\b(?:two|three|four|five|ten)fold\b|"
    rf"(?:(?<=about )|(?<=nearly )|(?<=almost )|(?<=roughly )|(?<=than ))(?:double|triple|twice)\b|"
    rf"(?:(?<=will )|(?<=to ))(?:double|triple)(?=\s+(?:the\s+)?(?:[a-z]+\s+){{0,2}}(?:revenues?|income|output|exports?|"
    rf"investment|spending|production|capacity|number|size|share|GDP|earnings|sales)\b)|"
    rf"\b(?:doubled|tripled|double|triple)(?=\s+(?:that|those|the level|the amount|the figure|its|their)\b))"
    rf"|(?P<twodigit>两位数(?=增长)|\bdouble[- ]digit(?= growth)\b)"
    rf"|(?P<zfrac>(?P<den>[二三四五六七八九十]|十[一二三四五六七八九]|[二三四五六七八九]十)分之(?P<nom>[一二三四五六七八九]))"
    rf"|(?P<cn>{_CN})"
    rf"|(?P<bare>(?<=[近超逾破])(?:万亿|千亿|百亿|亿|千万|百万|万|千)(?=元|美元|人|吨|斤|千瓦|个|家|户|亩|辆|项))"
    rf"|(?P<enw>\b(?:{_ENW})\s+(?:hundred\s+)?(?:thousand|million|billion|trillion|lakh|crore)\b)"
    rf"|(?P<entimes>\b{_ENW_COMPOUND}(?=\s+times\b))"
    rf"|(?P<encount>\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty)"
    rf"(?=\s+(?:(?:new|more|additional|major|key|large|big|[a-z]+-level)\s+)?(?:[a-z]+\s+)?{_EN_COUNT_NOUNS}\b))"
    rf"|(?P<enp>\b(?:{_ENW_COMPOUND})(?:-point-(?:{_ENW}))?(?:\s?(?:to|-|–)\s?(?:{_ENW_COMPOUND})(?:-point-(?:{_ENW}))?)?"
    rf"[\s-]+(?=per[\s-]?cent\b|percentage[\s-]points?\b))"
    rf"|(?P<frac>\b(?:{_FRAC})\b))",
    re.I)
_MAG = pattern(r"\s?([多余]?(?:万亿|千亿|百亿|亿|千万|百万|万|千|兆))|[\s-]?(?i:(thousand billion|thousand|million|billion|trillion|lakh crore|lakh|crore|"
               r"bn|bln|mn|mln|tn|trn)s?)\b|(m|B|T)\b")
_CCY_KEYS = "|".join(sorted((re.escape(k) for k in EN_CURRENCY_PREFIX), key=len, reverse=True))
_EN_CCY = pattern(rf"(?<![A-Za-z])(?:{_CCY_KEYS})\s?$", re.I)
# A share in words counts only after a comparator ("nearly half of") or "account for": not "the first half"
_FRAC_BEFORE = pattern(r"(?:\b(?:nearly|almost|roughly|around|about|over|more than|less than|at least|up to)\s+|"
                       r"\bby\s+|\b(?:account(?:s|ed|ing)? for|make(?:s)? up|made up|making up)\s+(?:about\s+|nearly\s+|"
                       r"almost\s+|roughly\s+|around\s+|over\s+|more than\s+)?)$", re.I)
_CCY_WORD = pattern(r"\s(?:yuan|dollars|euros|pounds|rupees|ringgit|riyals)\b", re.I)
_ZH_PEOPLE = pattern(r"[\u4e00-\u9fff]{0,6}?(?:人口|人员|群众|农民|居民|职工|劳动力|学生|儿童|老人|游客)")
_SHARES = pattern(r"(?<![\d.:])\d+(?:\.\d+)?(?:\s?[:：]\s?\d+(?:\.\d+)?){2,}(?![\d:])")
_PCT_TO = pattern(rf"\s?(?:到|至|~|-|—)\s?(?:百分之)?({_NUM}|{_CN})(?!\s?%|[\d万亿千百])")
_CN_TO = pattern(rf"(?:到|至)(?={_CN})")
# a minus sign of the number itself: after a Chinese character, a bracket or a colon, or after a word and a space
# (not 5-6, 5%-6%, 2021 -2025: ranges)
_MINUS = pattern(r"(?:[\u4e00-\u9fff(（:：]|\b[a-z]+ )[-−]$")
_RATIO = pattern(r"(?<![\d.])(\d+(?:\.\d+)?)\s?[:：]\s?(\d+(?:\.\d+)?)(?![\d:])")

MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_NOT_QUANTITY: list[tuple[str, re.Pattern]] = [
    ("date", pattern(r"(?:\d{4}|[〇零一二三四五六七八九]{4})年\d{1,2}月(?:\d{1,2}[日号])?|\d{1,2}月\d{1,2}[日号]"
                     r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")),
    ("date", pattern(rf"\b{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
                     rf"|\b\d{{1,2}}\s+{MONTHS}(?:\s+\d{{4}})?\b|\b{MONTHS}\s+\d{{4}}\b")),
    ("year", pattern(r"(?:19|20)\d\d\s?[-–/]\s?\d\d(?!\d)(?!\s?(?:%|percent|per cent))")),  # FY 2015-16, 2024/25
    ("time", pattern(r"(?<![\d.])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d.])")),
    # a page's furniture: its font size control (16 px), reading time (3 min read), counters (Views: 0), a file's
    # size ((PDF, 2,615 KB))
    ("page", pattern(r"(?<![\d.])\d{1,3}\s?px\b|(?<![\d.])\d{1,2}\s?min(?:ute)?s?\.?\s(?:read|to read)\b|"
                     r"\b(?-i:Views|Reads|Comments|Likes|Shares|Hits)\s?[:：]\s?\d+|"
                     r"\d[\d,.]*\s?(?-i:KB|MB|GB)\b", re.I)),
    # ($1 = 104.8000 Pakistani rupees), (1 Australian dollar = 0.93 NZ dollar): a wire's exchange-rate note
    ("conversion", pattern(r"[(（]\s*(?:[A-Z]{0,3}\$|€|£|¥)?\s?1(?:\s+[A-Za-z.]+){0,3}\s*=\s*[^)）]{1,40}[)）]")),
    ("name", pattern(r"\bPM\s?(?:2\.5|10)\b|\bCOP\s?\d{1,2}\b|\bCategory\s[1-5]\s(?:hurricane|storm|cyclone)|\b(?:top|Fortune|Global)\s+\d{2,4}\b|(?:世界|中国|全球)\d{2,4}强", re.I)),
    ("phone", pattern(r"(?:\+?\d{2,4}[- ]){1,3}\d{6,8}\b|\b1[3-9]\d{9}\b|\b0\d{2,3}-?\d{7,8}\b")),
    ("address", pattern(r"\bNo\.\s?\d+|\d+/F\b|\b(?:Room|Floor|Building|Unit)\s\d+|\d+(?:号楼|号|楼|室|栋)"
                        r"(?![\u4e00-\u9fff]*(?:文件|令))|邮编\s?\d{6}")),
    ("ordinal", pattern(r"\b\d+(?:st|nd|rd|th)\b|第\s?(?:\d+|[一二三四五六七八九十百]+)|"
                        r"(?:\d+|[一二三四五六七八九十]+)(?:届|次会议|次全体会议|次全会)|[十二三四五六七八九]+大(?=[精报会])|"
                        # a rank and its move (前移2位, 全国城市前45位), a table's number (表1：)
                        r"(?:前移|后移|上升|下降|提升|前进|后退|跃升|攀升)\s?\d+\s?位|前\s?\d+\s?位|表\s?\d+(?=\s?[:：])")),
    # a council's agenda (本会期将处理29件提案, 23件垫付款案): the business of a meeting, not a commitment
    ("agenda", pattern(r"(?:\d+|[一二三四五六七八九十]+)件"
                       r"(?=[\u4e00-\u9fff]{0,6}?(?:提案|议案|法案|法规案|预算案|垫付款案))")),
    ("plan-name", pattern(r"[“\"'‘「]\s*\d+(?:\s*[+＋]\s*\d+)*\s*[”\"'’」]|\b1\+3\+10\b|"
                          r"\d{3,4}(?=\s*(?:”|\")?\s*(?:具体部署|思路举措|工程|plan\b|deployment|measures|"
                          r"thinking|specific deployment|arrangements))")),
    ("identifier", pattern(rf"(?<![A-Za-z$])(?=[A-Za-z]+-?\d)(?!(?:{_CCY_KEYS})\s?\d)(?!(?:per)?cent-\d)(?![NKPMQ]\d[\d,.]*[\s-]?(?:trillion|billion|million|trn|bn|mn|tn)\b)"
                           rf"[A-Za-z]+-?\d+(?:\.\d+)?|"
                           r"\d+(?:\.\d+)?[A-Za-z]+\d*(?=[\s\u4e00-\u9fff,.;，。、]|$)", re.I)),
]
_EN_TITLE_QUOTE = pattern(r"[“\"]([A-Z][^“”\"]{8,120})[”\"]")
_GLUED_UNITS = {"km", "kg", "kgs", "kw", "kwh", "mw", "mwh", "gw", "gwh", "twh", "pc", "pct", "mu", "teu"}
_EN_ID_OK = {"st", "nd", "rd", "th", "s", "bn", "mn", "tn", "trn", "m", "b", "t", "bln", "mln", *_GLUED_UNITS,
             "thousand", "million", "billion", "trillion"}
# One capital letter before an amount with its scale: Nigeria's naira (N8.83 trillion, N120bn), the kina of Papua New
# Guinea (K25,338 million) and the Philippine peso (P1.78 trillion); not N95, K12 or P2P. A document of Zambia or
# Botswana reads K and P as theirs (currency.py).
_LETTER_CCY = pattern(r"(?<![A-Za-z])([NKPMQ])(?=\d[\d,.]*[\s-]?(?:trillion|billion|million|trn|bn|mn|tn)\b)")
_LETTER_CURRENCIES = {"N": "NGN", "K": "PGK", "P": "PHP", "M": "LSL", "Q": "GTQ"}  # the loti, the quetzal
_YEAR = pattern(r"(?<![\d.,])(?:19|20)\d\d(?![\d,.]\d|\s?%| ?percent)")
_RANGE_SEP = pattern(r"\s*(?:[—–\-~至到]{1,2}|to|and)\s*$", re.I)
_PERSON_NOUNS = {"people", "persons", "residents", "jobs", "talents", "workers", "students", "visitors",
                 "tourists", "graduates", "employees", "professionals", "deputies", "delegates", "participants",
                 "attendees", "lawmakers", "legislators"}
_PERSON_BEFORE = pattern(r"(?:population|people|employment|jobs?|residents)\s+(?:of\s+)?(?:about\s+|around\s+|"
                         r"more than\s+|over\s+)?$|\bpopulation\b[^,;.]{0,40}?\b(?:at|to|reach(?:ed|es)?|of|hit|"
                         r"stood at|total(?:l?ed)?)\s+(?:about\s+|around\s+|more than\s+|over\s+|nearly\s+)?$", re.I)
# high-tech enterprises will reach 11,600: a count of the things named before it (a large number: not a rate)
_COUNT_BEFORE = pattern(r"\b(?!(?:this|its|has|was|is|thus|plus|process|business|access|progress|status|gas|less|"
                        r"across|unless|always|perhaps|previous|various|rates|prices|years|levels|points|ratios)\b)"
                        r"[a-z-]{3,}s\b[^,;.]{0,40}?\b(?:will reach|to reach|reached|reaching|rose to|rising to|"
                        r"increased to|increasing to|grew to|totall?ed|numbered|hit)\s+(?:about\s+|around\s+|"
                        r"more than\s+|over\s+|nearly\s+|some\s+)?$", re.I)
_THRESHOLD = pattern(r"口?(?:及)?以上(?:的)?(?:人口)?(?:的)?(?:重点|重大|产业|工业|新)?(?:项目|企业|工业|固定资产|公共建设|工程|计划|计画|"
                     r"产业|城市|自然村|村|县|乡镇)")
# projects worth more than 100 million yuan, enterprises of over 50 billion yuan, 100-billion-yuan industries: a size
# that defines a kind
_EN_THRESHOLD_BEFORE = pattern(r"\b(?:projects?|enterprises?|firms?|companies|businesses|those)\s+(?:each\s+)?(?:worth|"
                               r"of|with (?:an? )?(?:[a-z]+ )?(?:investment|scale|value|output|revenue) of)\s+"
                               r"(?:more than|over|at least|above|above the|exceeding)\s+$", re.I)
_EN_THRESHOLD_AFTER = pattern(r"\s?(?:-level\s|-class\s|\s)?(?:industries|industrial clusters|clusters|club|enterprises|"
                              r"companies|projects)\b", re.I)
_LIST_JOIN = pattern(r"\s*(?:,|、|，|and|or|和|及)\s*", re.I)
_PER = pattern(r"(?:\bper|\bfor every|每)\s?$", re.I)
_NUMBER_OF = pattern(r"\b(?:number|no\.) of\b[^,;]{0,60}$", re.I)
_NOT_NOUNS = {"and", "or", "of", "in", "to", "by", "for", "from", "the", "a", "an", "with", "on", "at", "as",
              "than", "this", "that", "which", "per", "year-on-year", "over", "compared", "is", "are", "was",
              "were", "will", "has", "have", "had", "be"}


def find_quantities(s: str, lang: str) -> list[Quantity]:
    """Every number in sentence ``s`` as a Quantity; non-quantities carry a ``reason``. (A line is read
    twice, as a possible heading and as sentences: the reading is kept, and each caller gets copies.)"""
    return [replace(q) for q in _quantities(s, lang)]


@lru_cache(maxsize=4096)
def _quantities(s: str, lang: str) -> tuple[Quantity, ...]:
    masks: list[Quantity] = []
    for m in _SHARES.finditer(s):  # 13.0:46.1:40.9, an economy's three sectors: parts of 100, each a share in percent
        parts = list(re.finditer(r"\d+(?:\.\d+)?", m.group(0)))
        if abs(sum(float(p.group(0)) for p in parts) - 100) <= 1:
            masks += [Quantity(m.start() + p.start(), m.start() + p.end(), float(p.group(0)), PERCENT,
                               num_end=m.start() + p.end()) for p in parts]
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
    for m in _RATIO.finditer(s):  # 1:2.5 -> 2.5
        if not any(q.start <= m.start() < q.end for q in masks) and float(m.group(1)):
            masks.append(Quantity(m.start(), m.end(), float(m.group(2)) / float(m.group(1)), RATIO, num_end=m.end()))
    out: list[Quantity] = list(masks)
    read_to = 0  # where the last quantity read ends (it may read on past its match: 百分之二十到百分之三十)
    for m in _CORE.finditer(s):
        if m.start() < read_to or any(q.start <= m.start() < q.end for q in masks):
            continue
        q = _quantity(s, m, lang)
        if q is not None:
            out.append(q)
            read_to = q.end
    out.sort(key=lambda q: q.start)
    out = _merge_ranges(s, out)
    out = _merge_mixed_magnitudes(s, out)
    for a, b in reversed(list(zip(out, out[1:]))):  # 4.5 and 19.7 percent: a list shares its last unit
        if a.reason is None and b.reason is None and a.unit is None and b.unit in (PERCENT, PP) and a.scale == 1 and \
                _LIST_JOIN.fullmatch(s, a.end, b.start):
            a.unit = b.unit
    for q in out:
        if q.reason is not None:
            continue
        if lang == "zh" and _THRESHOLD.match(s, q.end):  # 5000万元以上项目, 100万以上人口城市: a size defining a kind
            q.reason = "threshold"
        elif lang == "en" and q.unit in MONEY and (_EN_THRESHOLD_BEFORE.search(s, max(0, q.start - 60), q.start) or
                                                  ("-" in s[q.start:q.end] and _EN_THRESHOLD_AFTER.match(s, q.end))):
            q.reason = "threshold"
        elif _PER.search(s, max(0, q.start - 12), q.start):  # per 10,000 people: a denominator
            q.reason = "denominator"
    for a, b in zip(out, out[1:]):  # RMB1.3 trillion (€168 billion): the same amount converted
        if a.unit in MONEY and b.unit in MONEY and a.reason in (None, "threshold") and b.reason is None and \
                a.unit != b.unit and re.fullmatch(r"\s?(?:(?:[A-Za-z-]+\s){0,2}[(（]|,?\s?or\b|,)\s?(?:about|around|"
                                                   r"approximately|roughly|some|or|equivalent to|约|合|折合)?\s?",
                                                   s[a.end:b.start], re.I):
            b.reason = "conversion" if a.reason is None else a.reason
    return tuple(out)


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
        v = parse_numeral(raw)
        if v is None:
            return None
        to = _PCT_TO.match(s, end)  # 百分之二到二点五: a range in words
        high = to and parse_numeral(to.group(1))
        if high and high > v:
            return Quantity(start, to.end(), v, "%", value_high=high, num_end=to.end())
        return Quantity(start, end, v, "%", num_end=end)
    if m.group("bare"):  # 近万亿元: a magnitude with no numeral
        q = Quantity(start, end, MAGNITUDES[m.group("bare")], num_end=end, scale=MAGNITUDES[m.group("bare")])
        return _unit_after(s, q, lang, magnitude=False)
    if m.group("zero"):  # 正增长 (at least 0), 持平 / zero growth (0)
        word = m.group("zero").lower()
        return Quantity(start, end, 0.0, PERCENT, num_end=end,
                        comparator="at_least" if word in ("正增长", "positive growth") else "exact")
    if m.group("twodigit"):  # 两位数增长: growth of at least 10 %
        return Quantity(start, end, 10.0, PERCENT, num_end=end, comparator="at_least")
    if m.group("mult"):  # 翻一番: twice; halve: to 50 %
        word = m.group("mult").lower()
        if word.startswith("halv"):
            return Quantity(start, end, 50.0, PERCENT, num_end=end)
        factor = {"翻两番": 4.0, "triple": 3.0, "tripled": 3.0, "threefold": 3.0, "fourfold": 4.0, "fivefold": 5.0,
                  "tenfold": 10.0}.get(word, 2.0)
        return Quantity(start, end, factor, "times", num_end=end)
    if m.group("zfrac"):  # 三分之一: a share, in percent (two decimals, as written out)
        den, nom = parse_chinese(m.group("den")), parse_chinese(m.group("nom"))
        return None if not den or not nom or nom >= den else Quantity(start, end, round(100 * nom / den, 2), PERCENT,
                                                                       num_end=end)
    if m.group("frac"):
        if not _FRAC_BEFORE.search(s, max(0, start - 30), start):
            return None
        return Quantity(start, end, EN_FRACTIONS[m.group("frac").lower()], PERCENT, num_end=end)
    if m.group("enp"):  # five percent, two-point-two percent, five to six percent
        parts = re.split(r"\s(?:to|–)\s|–|(?<!ty)(?<!point)-(?!point)", m.group("enp").strip(" -").lower())  # five-six: a range
        values = [_word_number(p) for p in parts if p.strip(" -")]
        rest = s[end:end + 20].lower()
        unit, skip = (PP, re.match(r"percentage[\s-]points?", rest).end()) if rest.startswith("percentage") else \
            (PERCENT, re.match(r"per[\s-]?cent", rest).end())
        high = values[1] if len(values) == 2 and values[1] > values[0] else None
        return Quantity(start, end + skip, values[0], unit, value_high=high, num_end=end)
    if m.group("entimes"):  # "more than six times"
        v = float(sum(EN_WORDS[w] for w in re.split(r"[- ]", m.group("entimes").lower()) if w in EN_WORDS))
        return Quantity(start, end + 6, v, "times", num_end=end)
    if m.group("encount"):  # five new companies: a count in words, before the things it counts (not "the five cities")
        if _DETERMINER_BEFORE.search(s, max(0, start - 7), start):
            return None
        return Quantity(start, end, float(EN_WORDS[m.group("encount").lower()]), COUNT, num_end=end)
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
        has_mag = any(c in raw for c in "百千万亿兆")
        if q.unit is None and has_mag and _CN_TO.match(s, q.end):
            return q  # 两万三千一百到两万三千三百美元: the range takes the second number's unit
        if q.unit is None or (v < 20 and not has_mag and q.unit != "%"):
            return None  # 一个, 三大, 十项: idioms and plan structure, not amounts
        return q
    raw = m.group("num")
    v = parse_arabic(re.sub(r"[ \u00a0\u202f]", "", raw))
    if v is None:
        return None
    if _MINUS.search(s, max(0, start - 8), start):  # 增长-8.7%, (-10.8%), a deflation of -1.35 percent
        v, start = -v, start - 1
    q = Quantity(start, end, v, num_end=end)
    ccy = _EN_CCY.search(s, max(0, start - 5), start)
    if ccy:
        q.start = ccy.start()
        key = ccy.group(0).lower()  # a sign kept only with its space ("MK 450 billion"; MK2 is a name) keeps it
        q.unit = EN_CURRENCY_PREFIX.get(key.strip()) or EN_CURRENCY_PREFIX.get(key)
    elif start and _LETTER_CCY.match(s, start - 1):
        ccy, q.start, q.unit = True, start - 1, _LETTER_CURRENCIES[s[start - 1]]
    q = _unit_after(s, q, lang)
    year_shape = not ccy and q.scale == 1 and "," not in raw and "." not in raw and _YEAR.fullmatch(raw)
    if year_shape and (q.unit is None or (lang == "en" and q.unit == COUNT)):
        q.reason, q.year = "year", int(raw)
    elif year_shape and q.unit == "year" and s[q.num_end:q.num_end + 1] == "年":
        q.reason, q.year, q.end = "year", int(raw), q.num_end + 1
    return q


def _word_number(text: str) -> float:
    """twenty-five -> 25, two-point-two -> 2.2."""
    whole, _, frac = text.strip(" -").partition("-point-")
    v = float(sum(EN_WORDS.get(w, 0) for w in re.split(r"[- ]", whole)))
    return v + (EN_WORDS.get(frac, 0) / 10 if frac else 0)


def _by_first(units: list[tuple[str, str, float]]) -> dict[str, list[tuple[str, str, float]]]:
    """A unit list by the first character of its words, each part in the list's own order (longest first)."""
    out: dict[str, list[tuple[str, str, float]]] = {}
    for entry in units:
        out.setdefault(entry[0][0], []).append(entry)
    return out


_ZH_BY_FIRST, _EN_BY_FIRST = _by_first(ZH_UNITS), _by_first(EN_UNITS)


_WRITTEN_OUT = pattern(r"\D{0,4}\d{1,3}(?:,\d{3}){3,}(?:\.\d+)?")  # a billion and more, every digit written


def _unit_after(s: str, q: Quantity, lang: str, magnitude: bool = True) -> Quantity:
    pos = q.end
    if magnitude:
        mm = _MAG.match(s, pos)
        if mm and (mm.group(3) is None or s[pos - 1:pos].isdigit() and (mm.group(3) == "m" or q.unit in MONEY or
                                                                        _CCY_WORD.match(s, mm.end()))):
            # 5m (not "5 m"); $36.4B and $1.2T only after a currency
            word = (mm.group(1) or mm.group(2) or mm.group(3).lower())
            if word[0] in "多余":  # 790多万张: more than 7.9 million
                word, q.comparator = word[1:], "at_least"
            word = word if word in MAGNITUDES else word.lower()
            f = MAGNITUDES.get(word) or EN_SCALES.get(word) or EN_SHORT_SCALES[word]
            if not (f >= 1e6 and _WRITTEN_OUT.fullmatch(s, q.start, q.end)):
                q.value *= f  # not "N312,634,912,672.18 billion": written out to the unit, the word repeats it
                q.scale *= f
            pos = mm.end()
    rest = s[pos:pos + 24]
    low = rest.lower()
    if q.unit is None:
        skip = 1 if lang == "zh" and rest[:1] in " 余多" else 0  # "5 万元": one space before the unit; 140余个
        for word, unit, factor in _ZH_BY_FIRST.get(rest[skip:skip + 1], ()):
            if rest.startswith(word, skip):
                pos += skip
                q.comparator = "at_least" if skip and rest[0] in "余多" else q.comparator
                q.unit, q.value, pos = unit, q.value * factor, pos + len(word)
                q.scale *= factor
                break
        else:
            stripped = low.lstrip()
            gap = len(low) - len(stripped)
            for word, unit, factor in _EN_BY_FIRST.get(stripped[:1], ()):
                after = stripped[len(word):len(word) + 1]  # 50GW以上: a Chinese character ends a glued unit too
                if stripped.startswith(word) and (not after.isalpha() or (word in _GLUED_UNITS and not after.isascii())):
                    if gap == 0 and word.isalpha() and lang == "en" and word not in _GLUED_UNITS:
                        continue  # "5percent" is rare; 27GW, 3.8pc, 25kgs are written so
                    q.unit, q.value, pos = unit, q.value * factor, pos + gap + len(word)
                    break
            else:
                # 392 billion Iraqi dinars, 5 million Hong Kong dollars: a currency after the country's name (whose
                # currency it is, currency.localise reads from the words)
                adj = _NATION_ADJ.match(rest) if lang == "en" else None
                word = adj and low[adj.end():].split(maxsplit=1)[0].strip(",.;:()")
                hit = next((u for w, u, _ in _EN_BY_FIRST.get(word[:1], ()) if w == word and u in MONEY), None) \
                    if word else None
                if hit is not None:
                    q.unit, pos = hit, pos + adj.end() + len(word)
                if lang == "en" and q.unit is None:
                    q.unit = _english_count_unit(s, q.start, pos)
        if q.unit is None and lang == "zh" and q.scale >= 1e4:  # 5575万农村贫困人口: a magnitude makes it an amount
            q.unit = PERSON if _ZH_PEOPLE.match(s, pos) else COUNT
    elif q.unit in MONEY:
        for word in (" yuan", "yuan", " dollars"):
            if low.startswith(word):
                pos += len(word)
    q.end = pos
    return q


_NATION_ADJ = pattern(r"\s(?:[A-Z][a-z]+\s){1,2}(?=[a-z])")


def _english_count_unit(s: str, start: int, pos: int) -> str | None:
    if pos < len(s) and s[pos] == " ":
        words = [w.lower().strip(",.;:()") for w in s[pos:pos + 60].split()[:4]]
        if words and re.fullmatch(r"\d+[a-z]+", words[0]):  # 30,000 5G base stations
            words = words[1:]
        if words and words[0].replace("-", "").isalpha() and words[0] not in _NOT_NOUNS:
            for k, w in enumerate(words):
                if w in _PERSON_NOUNS:
                    return PERSON
                if w in ("years", "times", "days", "months", "hours") and k < 2 or \
                        w in ("am", "pm", "a.m", "p.m") and k == 0:
                    return "year" if w == "years" else "hour" if w in ("am", "pm", "a.m", "p.m") else \
                        "times" if w == "times" else "day" if w == "days" else "month" if w == "months" else "hour"
                if not w.replace("-", "").isalpha() or w in _NOT_NOUNS:
                    break
            return COUNT
    if _PERSON_BEFORE.search(s, 0, start):
        return PERSON
    if _NUMBER_OF.search(s, 0, start):
        return COUNT
    if _COUNT_BEFORE.search(s, max(0, start - 80), start) and re.match(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?\s?(?:million|"
                                                                       r"thousand|billion)", s[start:pos]):
        return COUNT
    return None


def _merge_mixed_magnitudes(s: str, qs: list[Quantity]) -> list[Quantity]:
    """1亿2000万元, 2兆9,001亿元, 3亿5千万元, 3万8748美元: a larger magnitude and a smaller one written on, one amount."""
    out: list[Quantity] = []
    for q in qs:
        a = out[-1] if out else None
        if a is not None and a.reason is None and q.reason is None and a.end == q.start and a.value_high is None \
                and q.value_high is None and a.unit in (None, COUNT) and a.scale >= 1e4 and q.scale < a.scale \
                and s[a.end - 1:a.end] in "万亿兆" and q.value is not None and a.value is not None and q.value < a.scale:
            out[-1] = replace(q, start=a.start, value=a.value + q.value, scale=q.scale)
            continue
        out.append(q)
    return out


def _merge_ranges(s: str, qs: list[Quantity]) -> list[Quantity]:
    out: list[Quantity] = []
    i = 0
    while i < len(qs):
        q = qs[i]
        if i + 1 < len(qs) and q.reason is None and qs[i + 1].reason is None:
            r = qs[i + 1]
            between = s[q.end:r.start]
            prefixed = q.unit in MONEY and r.unit in (None, COUNT) and not s[q.start].isdigit()  # USD 7,400–7,670, $5-6 bn
            same_unit = q.unit == r.unit or (q.unit is None and r.unit is not None) or prefixed
            is_and = between.strip().lower() == "and"
            lo = q.value * r.scale if (q.unit is None or prefixed) and q.scale == 1 else q.value
            # from 3 to 5, 由3到5: a baseline and a target (but from 12-15%: a range); increased by 162 to 832 (not by 5
            # to 6 percent): a count's change
            from_to = (re.search(r"(?:\bfrom|由|从)\s*(?:the\s+)?$", s[max(0, q.start - 12):q.start], re.I) and
                       not re.fullmatch(r"[-–—~]", between)) or \
                (q.unit in (COUNT, PERSON) and re.search(r"\bby\s*$", s[max(0, q.start - 4):q.start]))
            if same_unit and not from_to and _RANGE_SEP.match(between) and r.value is not None and q.value is not None \
                    and (not is_and or re.search(r"between\s+$", s[max(0, q.start - 9):q.start], re.I)) \
                    and lo < r.value:
                out.append(Quantity(q.start, r.end, lo, q.unit if prefixed else r.unit, value_high=r.value,
                                    num_end=r.num_end))
                i += 2
                continue
        out.append(q)
        i += 1
    return out
