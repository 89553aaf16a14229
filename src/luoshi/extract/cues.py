"""Words around a number that say how it is meant: comparator, strength, tense and time.

Each finder returns the match's span (relative to the sentence) so that every field keeps
its offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from luoshi.extract.calendars import fiscal_year
from luoshi.extract.numerals import EN_WORDS, parse_chinese
from luoshi.extract.patterns import pattern


@dataclass(frozen=True)
class Cue:
    value: str | int
    start: int
    end: int
    inferred: bool = False


# --- comparators ------------------------------------------------------------------------------
_CMP_AFTER_ZH = [("以上", "at_least"), ("及以上", "at_least"), ("以内", "at_most"), ("以下", "at_most"),
                 ("左右", "around"), ("上下", "around")]
_CMP_AFTER_EN = pattern(r"\s*(?:(or more|or above|and above|plus)|(or less|or below|at most)|"
                        r"(or so))\b", re.I)
_CMP_BEFORE_ZH = pattern(r"(不低于|不少于|至少|超过|高于|多于|突破|超|逾|迈上|跨上|跃上|迈入|站上)|"
                         r"(不超过|不高于|控制在|低于|少于|以内)|(约|大约|大概|近|接近|将近)")
_CMP_BEFORE_EN = pattern(
    r"\b(?:(at least|no less than|not less than|more than|over|above|exceed(?:s|ed|ing)?|surpass(?:es|ed)?|"
    r"upwards of|in excess of|top(?:ped)?)|(at most|no more than|not more than|within|below|under|less than|up to|"
    r"not exceed|capped at|keep(?:ing)? .{0,20} below|fewer than)|(about|around|approximately|roughly|some|"
    r"nearly|close to|almost))\s+(?:the\s+|an?\s+)?(?:CNY|RMB|US\$|\$)?$", re.I)
# A list shares one comparator: 分别增长5%和7.5%左右, 控制在3.1‰、5.2‰和6.6‰以下; about 8% and 9% respectively
_LIST_AFTER_ZH = pattern(r"(?:\s?(?:[、,，]|和|及)\s?\d+(?:\.\d+)?\s?(?:%|‰|个百分点)?){1,4}\s?(左右|以上|及以上|以内|以下)")
_LIST_BEFORE = pattern(r"(?:(at least|more than|over|above)|(at most|below|under|less than|up to|within)|"
                       r"(about|around|approximately|roughly|nearly))\s+\d+(?:\.\d+)?\s?(?:%|percent|per cent)"
                       r"(?:\s?,\s?\d+(?:\.\d+)?\s?(?:%|percent|per cent))*\s?,?\s(?:and|or)\s$|"
                       r"(?:(超过|不低于|至少)|(不超过|控制在)|(约|近))\d+(?:\.\d+)?\s?(?:%|‰)?(?:、\d+(?:\.\d+)?\s?(?:%|‰)?)*"
                       r"(?:和|及|、)$", re.I)
_IN_STEP = pattern(r"(?:与|和|同)(?:同期)?(?:经济增长|经济发展|(?:地区|国内)生产总值(?:增长|增速)|GDP(?:增长|增速))"
                   r"(?:基本上?|保持)*同步|(?<=增长)(?:基本上?)?同步(?=[，,；;。、]|$)|"
                   r"(?:basically\s+|broadly\s+)?(?:in (?:step|line|tandem|sync|pace) with|keeps? pace with|"
                   r"keeping pace with|kept pace with|grows? in tandem with|synchroni[sz]ed with|"
                   r"in synchrony with|in synchroni[sz]ation with|synchronous(?:ly)? with|synchroni[sz]e with|"
                   r"keep(?:s|ing)? up with)\s+(?:the\s+)?(?:overall\s+)?(?:economic growth|the economy|economy|"
                   r"economic development|GDP growth|growth of the economy|(?:the\s+)?(?:nation's|country's)"
                   r" economic growth)|\bkeep(?:s|ing)? pace(?=\s*[,.;]|$)|\bsynchronous growth\b", re.I)


def comparator(s: str, start: int, end: int, clause_start: int, is_range: bool) -> Cue:
    """The comparator of the quantity at [start, end) in sentence ``s``; 'exact' when unmarked."""
    if is_range:
        return Cue("range", start, end)
    if s[end:end + 1] == " " and s[end + 1:end + 2] in "左以上":  # "5% 左右": a space before the word
        end += 1
    tail = s[end:end + 6]
    paren = re.match(r"[(（][^)）]{1,4}[)）]", s[end:end + 6])
    if paren:
        end2 = end + paren.end()
        for word, cmp_ in _CMP_AFTER_ZH:
            if s.startswith(word, end2):
                return Cue(cmp_, end2, end2 + len(word))
    for word, cmp_ in _CMP_AFTER_ZH:
        if tail.startswith(word):
            return Cue(cmp_, end, end + len(word))
    m = _CMP_AFTER_EN.match(s, end)
    if m and m.end() - end < 14:
        kind = "at_least" if m.group(1) else "at_most" if m.group(2) else "around"
        return Cue(kind, m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end())
    if s[start - 1:start] in "><≥≤" and start:
        return Cue("at_least" if s[start - 1] in ">≥" else "at_most", start - 1, start)
    head_start = max(clause_start, start - 40)
    head = s[head_start:start]
    m = _CMP_BEFORE_EN.search(head)
    if m:
        kind = "at_least" if m.group(1) else "at_most" if m.group(2) else "around"
        word = next(g for g in m.groups() if g)
        return Cue(kind, head_start + m.start(), head_start + m.start() + len(word))
    if re.match(r"[^，,；;。]{0,6}(?:新)?台阶", s[end:end + 10]) and re.search(r"(?:迈上|跨上|跃上|登上|站上)[^，,；;。]{0,4}$",
                                                                         s[max(clause_start, start - 8):start]):
        k = s.rfind("上", max(clause_start, start - 8), start)
        return Cue("at_least", k - 1, k + 1)
    zh_head = s[max(clause_start, start - 6):start]
    best = None
    for m in _CMP_BEFORE_ZH.finditer(zh_head):
        best = m
    if best is not None and len(best.group(0)) == 1 and best.end() != len(zh_head):
        best = None  # 超, 逾, 近, 约 only right before the number: not 农超市场4个, 近月跌至3.1%
    if best is not None:
        base = max(clause_start, start - 6)
        kind = "at_least" if best.group(1) else "at_most" if best.group(2) else "around"
        if kind == "at_most" and best.group(0) == "控制在" and not s[end:end + 2] in ("以内", "以下"):
            kind = "at_most"
        return Cue(kind, base + best.start(), base + best.end())
    m = _LIST_AFTER_ZH.match(s, end)
    if m:
        word = m.group(1)
        return Cue(next(c for w, c in _CMP_AFTER_ZH if w == word), m.start(1), m.end(1))
    m = _LIST_BEFORE.search(s, max(clause_start, start - 60), start)
    if m:
        k = next(i for i, g in enumerate(m.groups()) if g)
        return Cue(("at_least", "at_most", "around")[k % 3], m.start(k + 1), m.end(k + 1))
    return Cue("exact", start, start)


def in_step(s: str) -> list[re.Match]:
    return list(_found(_IN_STEP, s))


@lru_cache(maxsize=16384)
def _found(rx: re.Pattern, s: str) -> tuple[re.Match, ...]:
    """Every match of a cue pattern in a sentence: read once per sentence, then filtered by position."""
    return tuple(rx.finditer(s))


# --- strength ---------------------------------------------------------------------------------
_STRENGTH = pattern(r"(确保|保证|务必|\bensure[sd]?\b|\bmake sure\b|\bguarantee)|(力争|争取|努力|奋力|\bstrive[sd]?\b|"
                    r"\bstriving\b|\bendeavou?r|\bseek(?:s|ing)? to\b|\btry to\b)|(预期|预计|\bexpect(?:s|ed)?\b|"
                    r"\bprojected\b|\bforecast)", re.I)


def strength(s: str, start: int, clause_start: int) -> Cue | None:
    """The nearest strength word before the quantity: in its clause, or in a lead-in before a colon."""
    best = None
    for m in _found(_STRENGTH, s):
        if m.end() > start:
            break
        between = s[m.end():start]
        if not re.search(r"[，,；;。]", between) or re.search(r"[：:]", between):
            best = m
    if best is None:
        return None
    kind = "ensure" if best.group(1) else "strive" if best.group(2) else "expected"
    return Cue(kind, best.start(), best.end())


# --- tense ------------------------------------------------------------------------------------
_FUTURE = pattern(
    r"将|要|力争|确保|争取|预期目标|目标|计划|拟|今年(?!以来)|明年|到20\d\d年|到\d{4}年|力求|努力|推动|推进|加快|实施|开展|"
    r"\b(?:will|shall|aims?|aiming|targets?|targeted|goal|plans?|planned|planning|strive|striving|seeks?|"
    r"expected to|is set to|are set to|set a|sets|should|must|by 20\d\d|this year|next year|going to|"
    r"is to|are to|to be|intends?|vows?|pledged?|promote|launch|build)\b",
    re.I)
_PAST = pattern(
    r"了|已经|已|累计|比上年|去年|上年|过去一年|过去五年|五年来|近年来|一年来|以来|迈上|取得|实现了|完成了|上半年|前三季度|"
    r"\b(?:grew|rose|increased|reached|exceeded|hit|totall?ed|was|were|had|achieved|jumped|climbed|"
    r"expanded|fell|dropped|declined|surpassed|completed|(?<!-)added|created|attracted|built|has been|have been|"
    r"last year|in the past|over the past|registered|recorded|posted|stood at|amounted to|boasts?|have|has|"
    r"came in|went up|edged up|narrowed|widened|ranked)\b",
    re.I)


@lru_cache(maxsize=8192)
def tense(text: str) -> int:
    """+1 when the words look forward, -1 when they look back, 0 when they do not say."""
    f = len(_FUTURE.findall(text))
    p = len(_PAST.findall(text))
    return (f > p) - (p > f)


# --- time -------------------------------------------------------------------------------------
_PERIOD = pattern(r"((?:19|20)\d\d)\s?(?:年)?\s?[—–\-~至到/]\s?((?:19|20)?\d\d)(?!\d)\s?年?|"
                  r"(十一五|十二五|十三五|十四五|十五五|1[1-5]th Five-Year Plan)|"
                  r"\b(?:between|from|for|in|period|over|during) ((?:19|20)\d\d) "
                  r"(?:and|to|until|through|till) ((?:19|20)\d\d)\b|"
                  r"\bFY\s?'?(\d\d)\b", re.I)
_PRICES_AFTER = r"\s?(?:constant\s|real\s)?prices\b|价格|不变价"  # "in 2018 prices": the base year of the prices
_PRICES = pattern(_PRICES_AFTER, re.I)
_FIVE_YEAR = {"十一五": "2006-2010", "十二五": "2011-2015", "十三五": "2016-2020", "十四五": "2021-2025",
              "十五五": "2026-2030", "11th": "2006-2010", "12th": "2011-2015", "13th": "2016-2020", "14th": "2021-2025",
              "15th": "2026-2030"}
_YEAR_MENTION = pattern(r"(?<![\d.])(?<!\d,)((?:19|20)\d\d)(?:年|\b)(?![.,]\d)(?!\s?[%—–\-~]\s?\d)"
                        rf"(?!\s?(?:levels?|baseline|水平|基准)\b)(?!{_PRICES_AFTER})"
                        r"(?!\s?(?:万|亿|千|百|多|余))(?!相比|(?:的)?基础上)")
# the words before what a value is compared with (its baseline)
_COMPARED_EN = r"than|compared (?:with|to)|relative to|over|from"
_COMPARED_ZH = r"比|较|相比"
_BASELINE_BEFORE = pattern(rf"(?:{_COMPARED_ZH}|{_COMPARED_EN}|since|自|以来)\s*(?:the\s+)?(?:end of\s+)?$", re.I)
# the time of a baseline named after a value ("11.2% higher than in 2023", "up 2.89% from the figure earmarked for
# 2024", "27.88 per cent over the 2022/2023 budget"): not that value's time (the baseline's own, named before it)
_BASELINE_AFTER_VALUE = pattern(rf"(?:{_COMPARED_ZH}|{_COMPARED_EN})\s*"
                                r"(?:in\s+)?(?:the\s+)?(?:figures? (?:earmarked |budgeted |set |approved )?for\s+)?"
                                r"(?:(?:fiscal|financial)\s+(?:year\s+)?)?$", re.I)
_OVER = pattern(r"\bover (?:the )?$", re.I)  # "over 2021-2025" is during it; "over the 2022/2023 budget" against it
_BUDGET_AFTER = pattern(r"\s?(?:budget|allocation|estimates?|levels?|figures?)\b", re.I)
# a relative year after these is a baseline's ("3% higher than this year", "up 5% from last year"); not after 比:
# 比上年增长 is the change of the year reported
_COMPARED_WITH = pattern(rf"\b(?:{_COMPARED_EN})\s+(?:the\s+|that\s+of\s+|those\s+of\s+)?$", re.I)
_RELATIVE = [(pattern(r"今年|本年|全年|年内|今天|今日|本月|this year|for the year|the year\b|\btoday\b|this (?:month|week)\b",
                      re.I), 0),
             (pattern(r"明年|next year", re.I), 1),
             (pattern(r"去年|上年|过去一年|last year|the past year|previous year", re.I), -1)]


_ZH_YEAR = pattern(r"(?<![〇○零一二三四五六七八九十百千万])((?:一九|二〇|二○|二零)[〇○零一二三四五六七八九]{2})年")
_ZH_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
# a year of the Republic of China's calendar (105年度, 114年), read only in documents that use it (era)
_ERA_YEAR = pattern(r"(?<![\d.近第])(?<!\d,)(1[0-2]\d|8[5-9]|9\d)年(?:度)?(?!来|前|后|间|内|的历史|周年)")
TAIWAN_PLACES = r"(?:台北|新北|桃园|台中|台南|高雄|基隆|新竹|苗栗|彰化|南投|云林|嘉义|屏东|宜兰|花莲|台东|澎湖|金门|连江)(?:市|县)"
ERA_DOCUMENT = pattern(r"民国|新台币|行政院|立法院|国发会|主计总处|主计处|工程会|" + TAIWAN_PLACES)


def explicit_time(s: str, start: int, era: int = 0) -> Cue | None:
    """The year or period a quantity refers to, from the sentence (nearest before it, else after);
    ``era``: the offset of the document's calendar, when it counts years from another (1911)."""
    cands = [c for c in _times(s, era) if c.start < start or not _baseline_after_value(s, c)]
    if not cands:
        return None
    # "to $14.2 billion in 2018-19": a year right after the number, in its clause, names its time
    near_after = [c for c in cands if start <= c.start < start + 40 and re.search(r"\b(?:in|by|for)\s+(?:FY\s?|fiscal\s+)?$",
                                                                                 s[max(start, c.start - 14):c.start])
                  and not re.search(r"[，；;。]|,(?!\d{3})", s[start:c.start])]
    if near_after:
        return min(near_after, key=lambda c: c.start)
    before = [c for c in cands if c.start < start]
    if before:
        return max(before, key=lambda c: c.start)
    # a year after the number counts only within the same clause ("增长5%，到2025年" does not)
    after = [c for c in cands if c.start >= start and not re.search(r"[，；;。]|,(?!\d{3})", s[start:c.start])]
    return min(after, key=lambda c: c.start) if after else None


def _baseline_after_value(s: str, c: Cue) -> bool:
    """Whether a time named after a value is a baseline's the value is compared with."""
    if _OVER.search(s, max(0, c.start - 10), c.start):
        return bool(_BUDGET_AFTER.match(s, c.end))
    return bool(_BASELINE_AFTER_VALUE.search(s, max(0, c.start - 40), c.start))


@lru_cache(maxsize=8192)
def _times(s: str, era: int) -> tuple[Cue, ...]:
    """Every year and period a sentence names, in no particular order."""
    cands: list[Cue] = []
    for m in _PERIOD.finditer(s):
        if _PRICES.match(s, m.end()):
            continue  # "in 2011-12 prices": the base of a value's prices, not its time
        if m.group(3):
            key = m.group(3)[:4].rstrip("t") if m.group(3)[0].isdigit() else m.group(3)
            key = next((k for k in _FIVE_YEAR if m.group(3).startswith(k)), key)
            cands.append(Cue(_FIVE_YEAR[key], m.start(), m.end()))
        elif m.group(6):  # FY24: the fiscal year ending in 2024
            yy = 2000 + int(m.group(6))
            cands.append(Cue(f"{yy - 1}-{yy}", m.start(), m.end()))
        elif m.group(1):
            end = m.group(2) if len(m.group(2)) == 4 else m.group(1)[:2] + m.group(2)  # FY 2023-24
            if int(end) > int(m.group(1)):
                cands.append(Cue(f"{m.group(1)}-{end}", m.start(), m.end()))
        else:
            cands.append(Cue(f"{m.group(4)}-{m.group(5)}", m.start(), m.end()))
    for m in _YEAR_MENTION.finditer(s):
        if any(c.start <= m.start() < c.end for c in cands):
            continue
        if _BASELINE_BEFORE.search(s, max(0, m.start() - 20), m.start()) or (
                s[m.start() - 1:m.start()] == "是" and s.startswith("的", m.end())):
            continue  # "比2015年", "是2015年的1.7倍": the baseline's year
        cands.append(Cue(int(m.group(1)), m.start(1), m.end()))
    for m in _ZH_YEAR.finditer(s):  # 二〇二三年
        if not any(c.start <= m.start() < c.end for c in cands):
            cands.append(Cue(int(m.group(1).translate(_ZH_DIGITS)), m.start(1), m.end()))
    for m in _ERA_YEAR.finditer(s) if era else ():
        if not any(c.start <= m.start() < c.end for c in cands):
            cands.append(Cue(int(m.group(1)) + era, m.start(1), m.end()))
    return tuple(cands)


def focus_year(texts: list[str], doc_year: int | None, era: int = 0) -> int | None:
    """The year a document names most often, within three years of its date (a bulletin of the spring
    speaks of last year; a report of December of next year): of equal counts the one nearer its date."""
    if doc_year is None:
        return None
    counts: dict[int, int] = {}
    for text in texts:
        for c in _times(text, era):
            if isinstance(c.value, int) and abs(c.value - doc_year) <= 3:
                counts[c.value] = counts.get(c.value, 0) + 1
    return max(counts, key=lambda y: (counts[y], -abs(y - doc_year), y)) if counts else None


def periods_named(s: str, era: int = 0) -> tuple[str, ...]:
    """The periods of three years or more a text names (十四五, 2021-2025), in no particular order."""
    return tuple(c.value for c in _times(s, era)
                 if isinstance(c.value, str) and int(c.value[-4:]) - int(c.value[:4]) >= 2)


def year_named(s: str, year: int, era: int = 0) -> Cue | None:
    """Where a text names one year by itself (2015年), if it does."""
    return next((c for c in _times(s, era) if c.value == year), None)


_CLAUSE_END = pattern(r"[,;，；。]")


def relative_time(s: str, start: int, doc_year: int | None) -> Cue | None:
    """'this year', 明年, last year, resolved against the document's year (flagged inferred): the last one
    before ``start``, else the first after it in the same clause."""
    if doc_year is None:
        return None
    stop = _CLAUSE_END.search(s, start)
    stop = stop.start() if stop else len(s)
    best = None
    for rx, off in _RELATIVE:
        for m in _found(rx, s):
            if m.start() > stop or _COMPARED_WITH.search(s, max(0, m.start() - 30), m.start()):
                continue  # "3% higher than this year", "up 5% from last year": the baseline's year
            if best is None or (m.start() < start and (best[0].start() > start or m.start() > best[0].start())):
                best = (m, off)
    if best is None:
        return None
    m, off = best
    return Cue(doc_year + off, m.start(), m.end(), inferred=True)


# "4.3% this year and 4.5% in 2018", "to RM339.7 billion in 2025 from RM322.1 billion this year": the year an
# English number is followed by, in its clause, is its own
_YEAR_RIGHT_AFTER = pattern(r"[^,;:()]{0,30}?\b(this|the current|next|the coming|last|the previous|the prior) year\b|"
                            r"[^,;:()]{0,30}?\b(the year before|a year (?:earlier|before))", re.I)
_RIGHT_AFTER_OFFSET = {"this": 0, "the current": 0, "next": 1, "the coming": 1, "last": -1, "the previous": -1,
                       "the prior": -1}


def year_right_after(s: str, start: int, doc_year: int | None) -> Cue | None:
    """'this year', 'next year' or 'last year' right after an English number (or range), before any other number
    and not after "than" or "from" (a baseline's); 'the year before' the year the sentence names before it."""
    m = _YEAR_RIGHT_AFTER.match(s, start) if doc_year is not None else None
    k = 1 if m is None or m.group(1) else 2
    if m is None or re.search(r"\d", re.sub(r"^\D*[\d.,]+(?:\s?[-–~]\s?[\d.,]+)?", "", s[start:m.start(k)])):
        return None  # another number stands between
    if k == 1 and _COMPARED_WITH.search(s, start, m.start(k)):
        return None  # "3% higher than this year": the baseline's year, not the number's
    if re.search(r"\band\b", s[start:m.start(k)], re.I):
        return None  # "to 3.7 percent and next year by 0.6 points": the year of what follows
    if k == 2:  # "fell to $2.5 billion in 2023, from $3.3 billion the year before": the year before the one named
        named = [int(y) for y in _YEAR_MENTION.findall(s[:start])]
        return Cue((named[-1] if named else doc_year) - 1, m.start(2), m.end())
    return Cue(doc_year + _RIGHT_AFTER_OFFSET[m.group(1).lower()], m.start(1), m.end())


# A part of a year: a quarter, a half, the first months (一季度, 上半年, 前三季度, 1-9月, the first half, Q3)
_PART_OF_YEAR = pattern(r"(?:前|第)?([一二三四1-4])季度|(上|下)半年|(?:1|一)\s?[-—~至到]\s?(\d{1,2}|[二三四五六七八九十]|十[一二])月|"
                        r"\b(?:the\s+)?(first|second|third|fourth|final|last)\s+quarter\b|\bQ([1-4])\b|"
                        r"\b(?:the\s+)?(first|second)\s+half\b", re.I)
_QUARTER_END = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12, "first": 3, "second": 6, "third": 9,
                "fourth": 12, "final": 12, "last": 12}


_NAMED_RELATIVE = pattern(r"今年|明年|去年|今天|今日|this year|next year|last year|today", re.I)


def names_relative_year(text: str) -> bool:
    """Whether a text is a year named against the document's (今年, last year): as sure as a year written out
    (not 全年 or 上年, which a review and a comparison use of other years)."""
    return _NAMED_RELATIVE.fullmatch(text) is not None


def names_part_of_year(text: str) -> bool:
    """Whether a text is a quarter, half or first months of a year (the span part_of_year found)."""
    return _PART_OF_YEAR.fullmatch(text) is not None


def part_of_year(s: str, start: int, doc_year: int | None, doc_month: int | None) -> Cue | None:
    """A quarter, half or first months of a year named before the quantity, without its year: the
    document's year once that part has ended by the document's month, else the year before."""
    if doc_year is None:
        return None
    best = None
    for m in _found(_PART_OF_YEAR, s):
        if m.start() >= start:
            break
        best = m
    if best is None:
        return None
    q, half, months, en_q, q_num, en_half = best.groups()
    if q or en_q or q_num:
        end = _QUARTER_END[(q or en_q or q_num).lower()]
    elif half or en_half:
        end = 6 if (half == "上" or (en_half or "").lower() == "first") else 12
    else:
        end = int(months) if months.isdigit() else int(parse_chinese(months) or 12)
    year = doc_year - 1 if doc_month is not None and doc_month < end else doc_year
    return Cue(year, best.start(), best.end(), inferred=True)


def _years(word: str) -> int:
    """How many years a count names: 5, 五, five, decade."""
    w = word.lower()
    return 10 if w == "decade" else int(w) if w.isdigit() else EN_WORDS.get(w) or int(parse_chinese(w) or 0)


_AHEAD = pattern(r"(?:今后|未来)(\d+|[两二三四五六七八九十])年|\b(?:the\s+)?(?:next|coming)\s+(\d+|two|three|four|five|six|"
                 r"seven|eight|nine|ten)\s+years\b|\b(?:the\s+)?next\s+(decade)\b", re.I)
# 本届政府工作回顾: the review of a government's term, its five years (a report at the start of the next term)
_BEHIND = pattern(r"过去(\d+|[两二三四五六七八九十])年|(\d+|[两二三四五六七八九十])年来(?!首次|首度|最|新高|新低)|连续(\d+|[两二三四五六七八九十])年|"
                  r"(本届(?:人民)?政府工作回顾)|"
                  r"\b(?:the\s+)?(?:past|last)\s+(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+years\b", re.I)
_SINCE = pattern(r"(十一五|十二五|十三五|十四五|十五五)(?:”|\")?以来")


_FISCAL = pattern(r"\b(?:the\s+)?(current|this|next|coming|new|upcoming|forthcoming|last|previous|preceding)\s+"
                  r"(?:fiscal|financial)\s+year\b", re.I)


def relative_period(s: str, start: int, doc_year: int | None, doc_month: int | None = None,
                    fiscal: str = "jan") -> Cue | None:
    """A span of years named against the document's year: 今后五年 / the next five years (from the
    document's year in a document of its first half, else from the next), 过去五年 / 连续4年 / the past five
    years (up to the year before), “十四五”以来 (from the plan's first year to the year before), the
    current / next fiscal year (the one the document's date falls in, where its fiscal year starts in
    ``fiscal``: calendars.py; where that is not known, the one ending in the year of a document of its
    first half, else the one starting in it)."""
    if doc_year is None:
        return None
    cands = []
    for m in _found(_AHEAD, s):
        word = next(g for g in m.groups() if g)
        n = _years(word)
        first = doc_year + 1 if (doc_month or 1) > 6 else doc_year  # a plan of January starts this year
        if 1 < n <= 30:
            cands.append(Cue(f"{first}-{first + n - 1}", m.start(), m.end(), inferred=True))
    for m in _found(_BEHIND, s):
        word = next(g for g in m.groups() if g)
        n = 5 if word.startswith("本届") else _years(word)
        if 1 < n <= 30:
            cands.append(Cue(f"{doc_year - n}-{doc_year - 1}", m.start(), m.end(), inferred=True))
    for m in _found(_SINCE, s):
        first = int(_FIVE_YEAR[m.group(1)][:4])
        if first < doc_year - 1:
            cands.append(Cue(f"{first}-{doc_year - 1}", m.start(), m.end(), inferred=True))
    for m in _found(_FISCAL, s):  # a fiscal year across two calendar years (budgets of April, June, July)
        now = fiscal_year(doc_year, doc_month, fiscal)
        first = int(now[:4]) if isinstance(now, str) else doc_year - 1 if (doc_month or 1) <= 6 else doc_year
        first += {"next": 1, "coming": 1, "new": 1, "upcoming": 1, "forthcoming": 1, "last": -1, "previous": -1,
                  "preceding": -1}.get(m.group(1).lower(), 0)
        cands.append(Cue(f"{first}-{first + 1}", m.start(), m.end(), inferred=True))
    before = [c for c in cands if c.start < start]
    if not before:  # "8% growth over the next five years": after the number, in its clause
        after = [c for c in cands if c.start >= start and not re.search(r"[;；。，]|,\s", s[start:c.start])]
        return min(after, key=lambda c: c.start) if after else None
    return max(before, key=lambda c: c.start)
