"""The subject of a quantity: what is being measured, as a span of the sentence."""

from __future__ import annotations

import re

from luoshi.extract.patterns import pattern

# Clause delimiters; a comma between digits (9,000) is not one.
_ZH_DELIM = pattern(r"[，；：、;:。！？]|(?<!\d),|,(?!\d{3}(?!\d))")
_EN_DELIM = pattern(r";|:|,(?!\d{3})\s|\band\s+(?=[a-z]+(?:'s)?\s+(?:grew|rose|increased|fell|will|to)\b)|"
                    r"\s(?:—|–|-)\s")

_ZH_TRAIL = pattern(r"(?:同比|比上年|年均|分别|全年|累计|预计|力争|确保|实际)?(?:增长|增加|提高|提升|下降|降低|降至|达到|达|为|"
                    r"超过|超|突破|控制在|保持在|稳定在|完成|实现|新增|约|近|不低于|不少于|不超过|至少|在|)\s*$")
_ZH_LEAD = pattern(r"(?:[-–—•●▪◆*·]\s*|今年|全年|明年|力争|确保|争取|预期|预计|推动|推进|全省|全市|其中|我省|我市|要|将|新|"
                   r"(?:19|20)\d\d年|到(?:19|20)\d\d年|主要预期目标是|主要目标是|并|和|同时)+")
_ZH_AFTER = pattern(r"(?:以上|以内|以下|左右|上下)?(?:的)?(?:规上|规模以上)?")
_EN_TRAIL = pattern(
    r"(?:\s+(?:is|are|was|were|will|to|by|of|at|reach(?:ed|es)?|grew|rose|increased|expanded|climbed|jumped|"
    r"fell|dropped|hit|exceed(?:ed|s)?|surpassed|totall?ed|stood|came|in|target|targets|goal|growth target|"
    r"be|kept|keep|remain|within|below|under|above|over|around|about|approximately|at least|at most|"
    r"no less than|no more than|more than|less than|nearly|some|a|an|the|up|set|sets|aims|aim|for|"
    r"expected|projected|estimated|registered|recorded|reaching|growing|rising|increasing|of about|"
    r"has|have|had|with|basically|year-on-year|respectively))+\s*$", re.I)
_EN_LEAD = pattern(r"(?:\s*[-–—•●▪◆*·](?=\s)|\s*(?:the|a|an|its|their|our|this year|in \d{4}|by \d{4}|we|will|it|they|"
                   r"guangdong|the province|province's|and|also|further|while|with|to|should|must|"
                   r"promote|push|support|complete|build|launch|add|create|achieve|keep|ensure|strive)\b,?)+",
                   re.I)

# a news agency's dateline ("BEIJING, March 5 (Xinhua) -- "): the subject comes after it
_DATELINE = pattern(r"\([A-Z][A-Za-z .]{1,30}\)\s*(?:--?|—|–)\s*")


def clause_bounds(s: str, pos: int, lang: str) -> tuple[int, int]:
    """[start, end) of the clause of sentence ``s`` that holds offset ``pos``."""
    rx = _ZH_DELIM if lang == "zh" else _EN_DELIM
    start, end = 0, len(s)
    for m in rx.finditer(s):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def subject_span(s: str, clause: tuple[int, int], qstart: int, qend: int, lang: str,
                 after_cut: int | None = None) -> tuple[int, int] | None:
    """The subject words of the quantity at [qstart, qend): before it in the clause, else after it."""
    c0, c1 = clause
    before = s[c0:qstart]
    if lang == "zh":
        m = _ZH_TRAIL.search(before)
        b_end = c0 + (m.start() if m else len(before))
        lead = _ZH_LEAD.match(s, c0, b_end)
        b_start = lead.end() if lead else c0
        if b_end - b_start >= 2:
            return b_start, b_end
        a = _ZH_AFTER.match(s, after_cut or qend, c1)
        a_start = a.end() if a else qend
        a_end = min(c1, a_start + 20)
        return (a_start, a_end) if a_end - a_start >= 2 else None
    m = _EN_TRAIL.search(before)
    b_end = c0 + (m.start() if m else len(before))
    dateline = _DATELINE.search(s, c0, b_end)
    lead = _EN_LEAD.match(s, dateline.end() if dateline else c0, b_end)
    b_start = lead.end() if lead else dateline.end() if dateline else c0
    while b_start < b_end and s[b_start] == " ":
        b_start += 1
    words = s[b_start:b_end].split()
    if len(words) > 7:  # keep the words nearest the number
        cut = s[b_start:b_end].rfind(" ".join(words[-7:]))
        b_start += max(cut, 0)
    if b_end - b_start >= 2:
        return b_start, b_end
    # "add 9,000 industrial enterprises" -> the words after the number
    rest = s[qend:c1]
    mm = re.match(r"\s*((?:[A-Za-z&'\-]+\s?){1,6})", rest)
    if mm:
        a_start = qend + mm.start(1)
        return a_start, a_start + len(mm.group(1).rstrip())
    return None
