"""Sections and sentences: headings (and whether they open a review or a plan part), sentences.

A government work report reviews last year first ("过去一年工作回顾", "Review of work in
2023") and then sets this year's targets ("2024年工作安排"); the same number patterns appear in
both, so every sentence carries the kind of the section it sits in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luoshi.extract.cues import explicit_time, in_step
from luoshi.extract.model import PLAN, REVIEW
from luoshi.extract.numbers import find_quantities
from luoshi.extract.patterns import pattern


_ZH_L1 = pattern(r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[IVX]+[.、])")
_ZH_L2 = pattern(r"^\s*[(（][一二三四五六七八九十]+[)）]")
_NUM_L3 = pattern(r"^\s*\d{1,2}[.、]\s*\D")
_MD = pattern(r"^\s*(#{1,6})\s+")
_EN_L1 = pattern(r"^\s*(?:Part\s+[IVX\d]+|Chapter\s+\d+|[IVX]+\.)\s", re.I)

_REVIEW_CUES = pattern(
    r"回顾|过去一年|过去五年|过去的一年|过去的五年|五年来|一年来|上一年|工作总结|主要成绩|取得的成绩|成效|执行情况|完成情况|"
    r"主要成就|发展成就|\breview\b|\bpast (?:year|five years)\b|\blast year\b|\bachievements?\b|\bin retrospect\b|"
    r"\blooking back\b|\bperformance in\b|\bimplementation of the \d{4}\b|\bprogress (?:made )?in\b",
    re.I)
_PLAN_CUES = pattern(
    r"工作安排|总体要求|目标|主要任务|重点任务|重点工作|工作部署|今年|明年|下一步|"
    r"(?:19|20)\d\d年(?:的)?(?:工作|主要|目标|重点)|"
    r"\btargets?\b|\btasks?\b|\bpriorities\b|\bplans? for\b|\bwork for\b|\bgoals?\b|\bthis year\b|"
    r"\barrangements?\b|\bnext steps?\b|\bthe year ahead\b",
    re.I)

_END_ZH = "。！？!?"
_ABBREV = {"no", "feb", "jan", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mr",
           "mrs", "ms", "dr", "st", "co", "ltd", "inc", "vs", "e.g", "i.e", "etc", "u.s", "fig", "art", "gen",
           "rs", "re", "shs", "ksh", "tsh", "ush", "nos", "approx"}  # Rs. 701 billion: a currency's full stop


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    text: str
    level: int
    kind: str | None  # review | plan | None


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    heading: Heading | None  # the nearest heading above
    section_kind: str | None  # review | plan | None, inherited down the heading stack
    headings: tuple[Heading, ...] = ()  # the whole heading stack, outermost first


_BULLET = pattern(r"[-•●▪◆*·–—]\s")  # a list item: a statement, whatever its length or last character


def heading_level(line: str, lang: str) -> int | None:
    """Level of a heading line (1 highest), or None for body text."""
    s = line.strip()
    if not s or len(s) > (60 if lang == "zh" else 110):
        return None
    level = _heading_shape(s, lang)
    if level is None or _BULLET.match(s) or in_step(s) or any(q.reason is None and q.unit
                                                               for q in find_quantities(s, lang)):
        return None  # a bullet, or a list item holding an amount or an in-step phrase, is a statement
    return level


def _heading_shape(s: str, lang: str) -> int | None:
    """The level a stripped line would have as a heading, by its shape alone."""
    m = _MD.match(s)
    if m:
        return len(m.group(1))
    ends_like_sentence = s[-1] in "。；;！？!?：:" or (lang == "en" and s[-1] == "." and len(s.split()) >= 5)
    if _ZH_L1.match(s) or _EN_L1.match(s):
        return None if ends_like_sentence and len(s) > 30 else 1
    if _ZH_L2.match(s):
        return None if ends_like_sentence and len(s) > 30 else 2
    if _NUM_L3.match(s) and not ends_like_sentence and len(s) < 40:
        return 3
    if ends_like_sentence or s[-1] in "，,、":
        return None
    if lang == "zh":
        return 2 if len(s) <= 30 and not re.search(r"\d+(?:\.\d+)?%", s) else None
    words = s.split()
    if len(words) <= 12 and s[0].isupper() and not re.search(r"\d+(?:\.\d+)? ?(?:%|percent)", s):
        return 2
    return None


def heading_kind(text: str, doc_year: int | None = None, doc_month: int | None = None) -> str | None:
    review = _REVIEW_CUES.search(text)
    plan = _PLAN_CUES.search(text)
    if review and not plan:
        return REVIEW
    if plan and not review:
        return PLAN
    if review and plan:  # "回顾2023年工作和2024年工作安排" names both: whichever comes last wins
        return PLAN if plan.start() > review.start() else REVIEW
    named = explicit_time(text, len(text))
    if named is not None and isinstance(named.value, str) and doc_year:  # “十三五”工作答卷 in a report of 2021
        return REVIEW if int(named.value[-4:]) < doc_year else None
    if named is not None and isinstance(named.value, int) and doc_year:
        # "2023年广东经济运行" in a report of 2024: the year behind it; "2024年…" ahead
        if named.value < doc_year:
            return REVIEW
        if named.value > doc_year or (doc_month is not None and doc_month <= 6):
            return PLAN
    return None


def split_sentences(text: str, lang: str, doc_year: int | None = None, doc_month: int | None = None) -> list[Sentence]:
    """Every sentence of the text with the heading it sits under; headings are not sentences. A
    heading right under another one of its level, with no sentence between ("2024年广东经济社会发展"
    then "有这些目标"), continues it: it goes under it, not in its place."""
    out: list[Sentence] = []
    stack: list[Heading] = []
    pos = 0
    last_was_heading = False
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        level = heading_level(line, lang)
        if level is not None:
            lstrip = len(line) - len(line.lstrip())
            if lang == "zh" and level == 2 and not _ZH_L2.match(line.strip()) and not any(h.level == 1 for h in stack) and \
                    explicit_time(line, len(line)) is not None:
                level = 1  # an unnumbered heading naming a time ("十三五"工作答卷) holds the unnumbered ones after it
            if last_was_heading and stack and stack[-1].level == level:
                level += 1
            h = Heading(start + lstrip, start + len(line.rstrip()), line.strip(), level,
                        heading_kind(line, doc_year, doc_month))
            while stack and stack[-1].level >= level:
                stack.pop()
            stack.append(h)
            last_was_heading = True
            continue
        last_was_heading = False
        heading = stack[-1] if stack else None
        kind = next((h.kind for h in reversed(stack) if h.kind), None)
        for s, e in _sentence_bounds(line, lang):
            out.append(Sentence(start + s, start + e, line[s:e], heading, kind, tuple(stack)))
    return out


def _sentence_bounds(line: str, lang: str) -> list[tuple[int, int]]:
    cuts: list[int] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch in _END_ZH and (ch in "。！？" or lang == "zh" or i + 1 == n or line[i + 1] == " "):
            j = i + 1
            while j < n and line[j] in "”’\"')）」』":
                j += 1
            cuts.append(j)
            i = j
            continue
        if ch == "." and lang == "en" or ch == "." and i + 1 < n and line[i + 1] == " ":
            if _is_en_boundary(line, i):
                j = i + 1
                while j < n and line[j] in "”’\"')":
                    j += 1
                cuts.append(j)
                i = j
                continue
        i += 1
    bounds = []
    prev = 0
    for c in cuts + [n]:
        seg = line[prev:c]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            bounds.append((prev + lead, prev + len(seg.rstrip())))
        prev = c
    return bounds


def _is_en_boundary(line: str, i: int) -> bool:
    n = len(line)
    if i + 1 < n and line[i + 1] not in " \"'”’)":
        return False  # 4.8, U.S.
    k = i + 1
    while k < n and line[k] in "\"'”’)":
        k += 1
    while k < n and line[k] == " ":
        k += 1
    if k < n and line[k].islower():
        return False
    m = re.search(r"([A-Za-z.]+)$", line[max(0, i - 6):i])
    if m and m.group(1).lower().rstrip(".") in _ABBREV:
        return False
    return True
