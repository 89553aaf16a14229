"""Extraction end to end: normalise, detect language, split, find numbers, classify, link."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from luoshi.extract.classify import (BASELINE, BASELINE_AFTER, BASELINE_TIME, NOW, classify, direction, in_step_class,
                                     own_time)
from luoshi.extract.learned import (Context, Model, bundled, bundled_year, choose_year, focus_relation, period_cues,
                                    year_features)
from luoshi.extract.calendars import fiscal_start
from luoshi.extract.currency import CURRENCY_FAMILIES, local_currencies, localise
from luoshi.extract.cues import (ERA_DOCUMENT, Cue, comparator, explicit_time, focus_year, in_step, names_part_of_year,
                                 names_relative_year, part_of_year, relative_period, relative_time, strength, tense,
                                 year_named, year_right_after)
from luoshi.extract.language import detect_language
from luoshi.extract.lexicon import BY_CODE
from luoshi.extract.linking import Linker, propose_indicator
from luoshi.extract.model import NONE, OUTCOME, TASK, DocumentMeta, Span, Statement
from luoshi.extract.normalise import NormalisedText, normalise
from luoshi.extract.numbers import find_quantities
from luoshi.extract.patterns import pattern
from luoshi.extract.periods import average_period, change_over_period, level_at_end
from luoshi.extract.regions import RegionMatcher
from luoshi.extract.segment import Sentence, split_sentences
from luoshi.extract.subject import clause_bounds, subject_span
from luoshi.extract.units import MONEY, TIME_UNITS

_DATE_LINE = pattern(r"^\s*date\s+(\d{4}-\d{2}-\d{2})", re.I)


@cache
def _default_linker() -> Linker:
    """The linker of the bundled lexicon (built once: compiling its patterns takes a while)."""
    return Linker()


@cache
def _default_regions() -> RegionMatcher:
    """The matcher of the built-in region names."""
    return RegionMatcher()


@dataclass
class ExtractionResult:
    """What extraction found in one document."""

    normalised: NormalisedText
    language: str
    sentences: list[Sentence]
    statements: list[Statement] = field(default_factory=list)

    @property
    def commitments(self) -> list[Statement]:
        return [s for s in self.statements if s.is_commitment]


def extract_text(text: str, meta: DocumentMeta | None = None, *, linker: Linker | None = None,
                 regions: RegionMatcher | None = None, keep_none: bool = True, model: Model | None | bool = True,
                 contexts: list | None = None, year_model: Model | None | bool = True,
                 year_contexts: list | None = None) -> ExtractionResult:
    """Find and classify every quantified statement of ``text``; offsets are into the normalised text.

    ``model``: True for the bundled class model (learned.py), False for the rules alone, or a Model.
    ``contexts``: when a list, gets (Context, value span) of every quantity the class model judges.
    ``year_model``, ``year_contexts``: the same for the choice of a statement's year among its candidates."""
    meta = meta or DocumentMeta()
    judge = bundled() if model is True else (model or None)
    year_judge = bundled_year() if year_model is True else (year_model or None)
    linker = _default_linker() if linker is None else linker
    regions = _default_regions() if regions is None else regions
    norm = normalise(text)
    lang = meta.language or detect_language(norm.text)
    if meta.date is None:
        m = _DATE_LINE.match(norm.text)
        if m:
            meta = DocumentMeta(m.group(1), meta.issuer, meta.kind, lang)
    if lang == "zh" and not meta.era and ERA_DOCUMENT.search(norm.text):
        meta = replace(meta, era=1911)
    sentences = split_sentences(norm.text, lang, meta.year, meta.month)
    if meta.focus is None:
        meta = replace(meta, focus=focus_year([x.text for x in sentences], meta.year, meta.era))
    out: list[Statement] = []
    lead_in = None
    line_start, context = -1, None  # the last year named earlier in the same paragraph
    earlier = None  # the last time named anywhere earlier in the document
    money = [None]  # the currency of the last amount of money read: a bare "6,614.8 billion" after it is in it
    first = re.search(r"\S[^\n]*", norm.text)
    title_time = explicit_time(first.group(0), len(first.group(0)), meta.era) if first else None
    fiscal = fiscal_start(norm.text)  # a fiscal year of April, July or October: its own cue, by the month
    meta = replace(meta, fiscal=fiscal)
    title_cues = (period_cues(first.group(0), "title") if first else frozenset()) | (
        {"document:fiscal"} if _FISCAL_DOCUMENT.search(norm.text) else set()) | (
        {f"fy={fiscal}"} if fiscal != "jan" else set()) | {
        # the time a title names against the document's year ("Budget 2025" of October 2024); a first line
        # ending in a comma or full stop is a sentence, not a title
        "title=" + (_relation(title_time.value, meta.year) if title_time is not None and
                    not first.group(0).rstrip().endswith((",", "，", "。", ".", ";", "；")) else "none")}
    newlines = [m.start() for m in re.finditer("\n", norm.text)]
    for sent in sentences:
        start = _line_start(newlines, sent.start)
        if start != line_start:  # a new paragraph, unless the line before broke off after a comma
            continued = norm.text[max(0, start - 8):start].rstrip().endswith((",", "，", "、"))
            line_start, context = start, context if continued else None
        out.extend(_sentence_statements(sent, meta, lang, linker, regions, keep_none, lead_in, judge, contexts,
                                        context, title_time, year_judge, year_contexts, earlier, title_cues, money))
        named = explicit_time(sent.text, len(sent.text), meta.era)
        context = named if named is not None and isinstance(named.value, int) else context
        earlier = named or earlier
        if sent.text.rstrip().endswith((":", "：")):
            lead_in = sent
        elif lead_in is not None and not (_LIST_ITEM.match(sent.text) and sent.heading == lead_in.heading):
            lead_in = None  # a lead-in ending in a colon governs the list items after it
    _drop_headline_repeats(norm.text, newlines, out)
    local = local_currencies(norm.text, meta.era, {st.unit for st in out if st.value_span is not None} & CURRENCY_FAMILIES)
    for st in out:
        if st.unit in CURRENCY_FAMILIES and st.value_span is not None:
            st.unit = localise(st.unit, st.value_span.text, local)
    return ExtractionResult(norm, lang, sentences, out)


# 'none' the model does not overrule: deputies attending, a plan's parts, every division of a region, the size of
# a forecast's revision, a vote's count
_RULES_KNOW = {"attendance", "plan-structure", "scope-description", "forecast-revision", "vote"}


def clear_caches() -> None:
    """Forget every reading kept by text (a sentence's numbers, times, tense and cue words; a heading's
    time): what a document never seen before meets. The benchmark clears them before each pass."""
    from luoshi.extract import classify, cues, learned, numbers

    for cached in (numbers._quantities, cues._times, cues._found, cues.tense, classify.cues_found, learned.period_cues,
                   _time_of):
        cached.cache_clear()


def _line_start(newlines: list[int], pos: int) -> int:
    """Start of the line holding ``pos`` (``newlines``: the text's newline offsets, ascending)."""
    k = bisect.bisect_left(newlines, pos)
    return newlines[k - 1] + 1 if k else 0


def _close(a: float | None, b: float | None) -> bool:
    """Equal, or within half a percent (a headline rounds: Rs 8.34 lakh for Rs 8,34,351)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 0.005 * max(abs(a), abs(b))


# a document that counts in fiscal years (2023-24, FY2024, 财年): its years are fiscal ones unless it says otherwise
_FISCAL_DOCUMENT = pattern(r"\bFY\s?'?\d|\b(?:19|20)\d\d\s?[-–/]\s?\d\d(?!\d)|\bfiscal (?:year|20\d\d)|"
                           r"\bfinancial year|财年|財年|会计年度", re.I)
_LIST_ITEM = pattern(r"\s*(?:[-–—•●▪◆▷*·]|\(?\d{1,2}[.)、]|[(（]?[一二三四五六七八九十]{1,2}[)）、]|"
                     r"\(?[ivx]{1,4}\)|[a-h]\))")
_ORIGINAL_TITLE = pattern(r"原标题|原題|^\(?Original title", re.I)


def _drop_headline_repeats(text: str, newlines: list[int], statements: list[Statement]) -> None:
    """A statement of the headline (the page's first lines before its first sentence: title, dateline,
    byline, lead; or an "original title" line) that a later line (or, for an original title, the body)
    states again is that line's statement: the headline's copy becomes 'none'."""
    head_end = -1
    for k, line in enumerate(re.finditer(r"\S[^\n]*", text)):
        words = line.group(0).rstrip()
        if k == 3 or len(words) > 160 or words.endswith(("。", ".", "；", ";")) or \
                (k and _LIST_ITEM.match(words)):
            break
        head_end = line.end()

    def in_head(st: Statement) -> bool:
        line_start = _line_start(newlines, st.sentence.start)
        return st.sentence.start < head_end or bool(_ORIGINAL_TITLE.search(text[line_start:line_start + 16]))

    body = [t for t in statements if t.is_commitment and not in_head(t)]
    for k, st in enumerate(statements):
        if not st.is_commitment or not in_head(st):
            continue
        later = body if st.sentence.start >= head_end else \
            [t for t in statements if t.is_commitment and _line_start(newlines, t.sentence.start) >
             _line_start(newlines, st.sentence.start)]
        if any(t.unit == st.unit and _close(t.value, st.value) and _close(t.value_high, st.value_high) for t in later):
            statements[k] = Statement(NONE, st.sentence, st.value_span, st.value, st.value_high, st.unit,
                                      reason="repeated-headline", section=st.section, section_kind=st.section_kind)


def _span(sent: Sentence, a: int, b: int) -> Span:
    return Span(sent.start + a, sent.start + b, sent.text[a:b])


def _sentence_statements(sent: Sentence, meta: DocumentMeta, lang: str, linker: Linker,
                         regions: RegionMatcher, keep_none: bool, lead_in: Sentence | None = None,
                         judge: Model | None = None, contexts: list | None = None, context: Cue | None = None,
                         title_time: Cue | None = None, year_judge: Model | None = None,
                         year_contexts: list | None = None, earlier: Cue | None = None,
                         title_cues: frozenset[str] = frozenset(), money: list | None = None) -> list[Statement]:
    s = sent.text
    doc_year = meta.year
    heading_texts = [h.text for h in sent.headings]
    results: list[Statement] = []
    for q in find_quantities(s, lang):
        sent_span = Span(sent.start, sent.end, s)
        if money is not None and q.reason is None:
            if q.unit in MONEY:
                money[0] = q.unit
            elif q.unit is None and q.scale >= 1e6 and money[0] is not None:
                q.unit = money[0]  # "revenue of 5,014.3 billion CFA francs ... in expenditure, 6,614.8 billion"
        if q.reason and not keep_none:
            continue
        clause = clause_bounds(s, q.start, lang)
        cmp_ = comparator(s, q.start, q.end, clause[0], q.value_high is not None)
        if q.comparator:
            cmp_ = Cue(q.comparator, q.start, q.start)
        year, year_inf, year_span = _time(sent, s, q.start, meta, lead_in, context)
        link = None
        entry = None
        if q.reason is None and q.unit is not None:
            link = linker.indicator(s, clause, q.start, q.unit, lang)
            entry = BY_CODE.get(link.code) if link.code else None
        cls, reason = classify(q, s, clause, sent.section_kind, doc_year, year, year_inf, lang, entry, cmp_.value,
                               meta.kind)
        if reason in (BASELINE, BASELINE_AFTER):  # a from-to baseline: the rules are sure; its time is before the change
            after_value = reason == BASELINE_AFTER  # "to 4.4% next year from 0.03%": a time before it is the value's
            reason = BASELINE_DONE
            between = BASELINE_TIME.search(s[q.end:q.end + 60].split(" to ")[0].split("到")[0])
            before = None if after_value else explicit_time(s[:q.start], q.start, meta.era)
            if after_value and NOW.match(s, q.end):
                before = Cue(doc_year, q.end, q.end) if doc_year else None  # "up from $6,000 now"
            if between:  # "from 2.13 trillion yuan in 2012 to ...": the baseline's own year
                cue = explicit_time(between.group(0), 0, meta.era)
                year, year_inf, year_span = (cue.value if cue else int(between.group(1)[:4])), False, None
            else:
                year, year_inf, year_span = (_first_year(before.value), False, None) if before else (
                    (doc_year - 1, True, None) if doc_year else (None, False, None))
        elif q.reason is None and q.unit not in TIME_UNITS and (q.unit is not None or cls != NONE) and \
                reason not in _RULES_KNOW and (judge is not None or contexts is not None):
            ctx = Context(s, q.start, q.end, clause, lang, q.unit, cmp_.value, bool(strength(s, q.start, clause[0])),
                          cls, direction(q, s, clause, sent.section_kind, doc_year, year, year_inf, cmp_.value, lang,
                                         meta.kind),
                          sent.section_kind, meta.kind, _relation(year, doc_year), year is not None and not year_inf,
                          tuple(heading_texts), _half(meta.month),
                          _title_relation(title_cues), focus_relation(meta.focus, meta.year))
            if contexts is not None:
                contexts.append((ctx, (sent.start + q.start, sent.start + q.end)))
            if judge is not None:
                cls = judge.predict(ctx)
                reason = reason or "judged" if cls == NONE else None
        if cls == NONE:
            if keep_none:
                results.append(Statement(NONE, sent_span, _span(sent, q.start, q.end), q.value, q.value_high,
                                         q.unit, reason=reason, section=sent.heading.text if sent.heading else None,
                                         section_kind=sent.section_kind))
            continue
        if year is None and cls != OUTCOME and title_time is not None and \
                (doc_year is None or int(str(title_time.value)[-4:]) >= doc_year):
            year, year_inf = title_time.value, True  # "Vision 2030", a plan's title names its time
        elif cls == OUTCOME and title_time is not None and isinstance(title_time.value, int) and \
                doc_year is not None and title_time.value < doc_year and (year is None or (
                    year_inf and year_span is not None and _UNDER_REVIEW.match(year_span.text))):
            year, year_inf = title_time.value, True  # "2016年统计公报" published in 2017: the year it reviews (全年)
        if year is None or year_inf:
            year, year_inf, year_span = _default_year(cls, sent, meta, year, year_inf, year_span)
        averaged = average_period(s, q.start, year, doc_year)
        # the rules know a baseline's year, an average's period, a time the sentence names (今年, this year too),
        # and the period of a review a past span heads ("十四五"时期工作回顾, 过去五年)
        sure = reason == BASELINE_DONE or averaged != year or not year_inf or (cls == OUTCOME and isinstance(year, str)) \
            or (year_span is not None and (names_part_of_year(year_span.text) or names_relative_year(year_span.text)))
        year = averaged
        if not sure and (year_judge is not None or year_contexts is not None):
            cands = _year_candidates(s, q.start, clause, sent, meta, lead_in, context, title_time, year, cls, lang,
                                     earlier, title_cues)
            if year_contexts is not None:
                year_contexts.append((cands, (sent.start + q.start, sent.start + q.end)))
            if year_judge is not None:
                chosen = choose_year(year_judge, cands, year)
                if chosen != year:
                    year, year_inf, year_span = chosen, True, None
        if cls != TASK and cmp_.value != "at_most":
            year = level_at_end(s, clause, q.start, q.end, year, q.unit)
        year = change_over_period(s, clause, q.start, year, sent.headings, lead_in, meta.era,
                                  title_time.value if title_time else None)
        st = Statement(cls, sent_span, _span(sent, q.start, q.end), q.value, q.value_high, q.unit,
                       comparator=cmp_.value,
                       comparator_span=_span(sent, cmp_.start, cmp_.end) if cmp_.end > cmp_.start else None,
                       year=year, year_inferred=year_inf, year_span=year_span,
                       section=sent.heading.text if sent.heading else None, section_kind=sent.section_kind)
        _fill(st, sent, s, clause, q.start, q.end, meta, lang, linker, regions, link, heading_texts)
        results.append(st)
        pair = _shared(s, q.start, q.end, clause, lang)
        if pair:  # one number for two indicators: one statement each
            st.subject = _span(sent, *pair[0])
            results.append(replace(st, subject=_span(sent, *pair[1]), indicator=None, proposed_indicator=None))
    _follow_lists(results, sent.start)
    for m in in_step(s):
        year, year_inf, year_span = _time(sent, s, m.start(), meta, lead_in, context)
        cls = in_step_class(s, sent.section_kind, doc_year, year, year_inf, lang, meta.kind)
        if year is None or year_inf:
            year, year_inf, year_span = _default_year(cls, sent, meta, year, year_inf, year_span)
        clause = clause_bounds(s, m.start(), lang)
        st = Statement(cls, Span(sent.start, sent.end, s), None, None, None, None, comparator="in_step",
                       comparator_span=_span(sent, m.start(), m.end()), year=year, year_inferred=year_inf,
                       year_span=year_span, section=sent.heading.text if sent.heading else None,
                       section_kind=sent.section_kind)
        link = linker.indicator(s, (clause[0], m.start()), m.start(), "%", lang)
        _fill(st, sent, s, (clause[0], m.start()), m.start(), m.start(), meta, lang, linker, regions, link,
              heading_texts)
        results.append(st)
    return results


# values listed one after another (分别增长10%、9%、2%; 建成1个…、2个以上…): of one kind
_LISTED_AFTER = pattern(r"(?:以上|左右|以内|以下)?、$")


def _follow_lists(results: list[Statement], offset: int) -> None:
    """A value listed right after another of the same unit (joined by 、) takes its class and year."""
    prev = None
    for st in results:
        if st.value_span is None:
            continue
        if prev is not None and st.cls != NONE and prev.cls != NONE and st.unit == prev.unit and \
                st.sentence.start == prev.sentence.start and \
                _LISTED_AFTER.match(st.sentence.text[prev.value_span.end - offset:st.value_span.start - offset]):
            st.cls, st.year, st.year_inferred = prev.cls, prev.year, prev.year_inferred
        prev = st


def _fill(st: Statement, sent: Sentence, s: str, clause, qstart: int, qend: int, meta: DocumentMeta,
          lang: str, linker: Linker, regions: RegionMatcher, link, heading_texts: list[str]) -> None:
    """Strength, subject, scope and links of a commitment or outcome."""
    if st.cls != OUTCOME:
        sc = strength(s, qstart, clause[0])
        if sc:
            st.strength, st.strength_span = sc.value, _span(sent, sc.start, sc.end)
    after = qend
    if st.comparator_span and st.comparator_span.start - sent.start >= qend:
        after = st.comparator_span.end - sent.start
    subj = subject_span(s, clause, qstart, qend, lang, after)
    if subj:
        st.subject = _span(sent, *subj)
    hit = regions.scope(s, qstart, meta.issuer, clause[0])
    if hit:
        st.scope, st.scope_inferred = hit.code, hit.inferred
        if not hit.inferred:
            st.scope_span = _span(sent, hit.start, hit.end)
    st.indicator = link
    st.plan_node = linker.node(heading_texts, s, link, lang)
    if link is None or link.code is None:
        st.proposed_indicator = propose_indicator(st.subject.text if st.subject else None, st.unit, lang,
                                                  st.plan_node.code if st.plan_node else None)


_SHARED_ZH = pattern(r"([\u4e00-\u9fff]{2,12}?)(?:和|与|及|、)([\u4e00-\u9fff]{2,12}?)(?:同比)?(?:(?:均|都)(?:将|要|力争)?"
                     r"(?:增长|提高|提升|下降|降低|达到|达|超过|为)?|(?:增长|提高|提升|下降|降低))(?:了)?$")
_SHARED_EN_AFTER = pattern(r"^\s*(?:[a-z-]+\s+){0,2}?(?:in|for|of)\s+both\s+(?:the\s+)?(.{2,60}?)\s+and\s+(?:the\s+)?"
                           r"(.{2,60}?)(?=[,.;]|\s+(?:in|by|to|from|this|next|over)\b|$)", re.I)


def _shared(s: str, start: int, end: int, clause: tuple[int, int], lang: str):
    """The two subjects of a number stated for both (收入和增加值均增长5%, 5% growth in both X and Y)."""
    if lang == "zh":
        m = _SHARED_ZH.search(s, clause[0], start)
        return ((m.start(1), m.end(1)), (m.start(2), m.end(2))) if m else None
    m = _SHARED_EN_AFTER.match(s[end:])
    return ((end + m.start(1), end + m.end(1)), (end + m.start(2), end + m.end(2))) if m else None


BASELINE_DONE = "baseline-dated"


@lru_cache(maxsize=4096)
def _time_of(text: str, era: int = 0) -> Cue | None:
    """The last time a heading or lead-in names (headings repeat over their sentences: kept); of a
    year and the period it ends ("2015年及“十二五”工作回顾"), the year: a value without its own time is of it."""
    cue = explicit_time(text, len(text), era)
    if cue is not None and isinstance(cue.value, str):
        return year_named(text, int(cue.value[-4:]), era) or cue
    return cue


def _year_candidates(s: str, pos: int, clause, sent: Sentence, meta: DocumentMeta, lead_in, context, title_time,
                     rule_year, cls: str, lang: str, earlier: Cue | None = None,
                     title_cues: frozenset[str] = frozenset()) -> list[tuple[object, dict[str, float]]]:
    """The times a statement could refer to, each with the features of every source naming it: the
    times the text names, and the periods a document of its year is likely to speak of (its fiscal
    year, the five-year plan period it falls in, the five years before it)."""
    doc_year = meta.year
    month = meta.month
    before = own_time(explicit_time(s[:pos], pos, meta.era), s, pos)
    after = explicit_time(s[pos:], 0, meta.era)
    rel = relative_period(s, pos, doc_year, month, meta.fiscal)
    heading = next((c for c in (_time_of(t, meta.era) for t in ([lead_in.text] if lead_in else []) +
                                [h.text for h in reversed(sent.headings)]) if c is not None), None)
    named = [("rule", rule_year), ("before", before.value if before else None), ("after", after.value if after else None),
             ("relative", rel.value if rel else None), ("context", context.value if context else None),
             ("heading", heading.value if heading else None), ("title", title_time.value if title_time else None),
             ("document", doc_year), ("document-1", doc_year - 1 if doc_year else None),
             ("earlier", earlier.value if earlier and _recent(earlier.value, doc_year) else None),
             ("focus", meta.focus)]
    said = relative_time(s, pos, doc_year)  # a budget's "this year", "next year": a fiscal year ending or starting then
    if said is not None:
        named += [("said-fy-end", f"{said.value - 1}-{said.value}"),
                  ("said-fy-start", f"{said.value}-{said.value + 1}")]
    if doc_year is not None:
        plan = 2001 + 5 * ((doc_year - 2001) // 5)  # China's five-year plans: 2021-2025, 2026-2030, ...
        named += [("document+1", doc_year + 1), ("fiscal", f"{doc_year}-{doc_year + 1}"),
                  ("fiscal-1", f"{doc_year - 1}-{doc_year}"), ("plan", f"{plan}-{plan + 4}"),
                  ("plan-1", f"{plan - 5}-{plan - 1}"), ("plan+1", f"{plan + 5}-{plan + 9}"), ("plan-end", plan + 4),
                  ("past-five", f"{doc_year - 5}-{doc_year - 1}")]
    text = s[clause[0]:clause[1]]
    quarter = "none" if month is None else "q1" if month <= 3 else "q4" if month >= 10 else "mid"
    headings = " ".join(h.text for h in sent.headings[-2:])
    budget = {"title:fiscal", "document:fiscal"} & title_cues  # a budget of the autumn is next year's
    cues = title_cues | period_cues(s, "sentence") | period_cues(headings, "heading") | {
        f"month={quarter}", f"month={quarter}&cls={cls}", f"tense={tense(text)}",
        f"title={_title_relation(title_cues)}&cls={cls}",
        *(f"month={quarter}&{c}" for c in title_cues if c.startswith("fy="))} | (
        {f"budget&month={quarter}&cls={cls}"} if budget else set())
    by_value: dict = {}
    for source, value in named:
        if value is not None:
            feats = by_value.setdefault(value, {})
            feats.update(year_features(source, value, cls, doc_year, sent.section_kind, lang, meta.kind, text, cues,
                                       meta.focus))
    return list(by_value.items())


def _title_relation(title_cues: frozenset[str]) -> str:
    """Whether the title names a time ahead of the document's (a budget or plan for it); else "none"."""
    rel = next((c[6:] for c in title_cues if c.startswith("title=")), "none")
    return rel if rel in ("future", "period-future") else "none"


def _half(month: int | None) -> str:
    """The part of the year a document is dated in: h1, h2 (July to October), late (November, December: a
    forecast of the year under way is an estimate of it by then), none."""
    return "none" if month is None else "h1" if month <= 6 else "h2" if month <= 10 else "late"


def _recent(year, doc_year: int | None) -> bool:
    """Whether a time is within ten years of the document's ("since 1994" is history, not a statement's time)."""
    return doc_year is None or int(str(year)[-4:]) >= doc_year - 10


def _relation(year, doc_year: int | None) -> str:
    """Where a quantity's time lies against the document's year."""
    if doc_year is None:
        return "undated"  # never seen in training: every gold document has a date
    if year is None:
        return "none"
    if isinstance(year, str):
        return "period-future" if int(year[-4:]) > doc_year else "period-past"
    return "past" if year < doc_year else "same" if year == doc_year else "future"


def _time(sent: Sentence, s: str, pos: int, meta: DocumentMeta, lead_in: Sentence | None = None,
          context: Cue | None = None):
    """(year, inferred, span in the document) of the time a quantity at ``pos`` refers to: from the
    sentence, else from a lead-in ending in a colon or the headings above it, else relative words."""
    doc_year = meta.year
    cue = own_time(explicit_time(s, pos, meta.era), s, pos)
    right = year_right_after(s, pos, doc_year)
    if right is not None and (cue is None or not pos <= cue.start < right.start):
        return right.value, False, _span(sent, right.start, right.end)  # named at the number: as sure as a year
    if cue is not None:
        return cue.value, False, None if cue.end <= cue.start else _span(sent, cue.start, cue.end)
    span_cue = relative_period(s, pos, doc_year, meta.month, meta.fiscal)
    if span_cue is not None:
        return span_cue.value, True, _span(sent, span_cue.start, span_cue.end)
    rel = relative_time(s, pos, doc_year)
    part = part_of_year(s, pos, doc_year, meta.month)
    if part is not None and (rel is None or rel.start > pos or _UNDER_REVIEW.match(s, rel.start)):
        # 上半年, 前三季度 (not 去年一季度): the part of the year the paragraph, else the document, is in
        value = context.value if context is not None and isinstance(context.value, int) else part.value
        return value, True, _span(sent, part.start, part.end)
    if context is not None and (rel is None or _UNDER_REVIEW.match(s, rel.start)):
        return context.value, True, None  # "2021年实现了…。全年地区生产总值…": the paragraph's year
    if rel is not None and rel.start < pos:
        return rel.value, True, _span(sent, rel.start, rel.end)
    for text in ([lead_in.text] if lead_in is not None else []) + [h.text for h in reversed(sent.headings)]:
        cue = _time_of(text, meta.era) or relative_period(text, len(text), doc_year, meta.month, meta.fiscal)  # 过去五年
        if cue is not None:
            return cue.value, True, None
    if rel is not None:
        return rel.value, True, _span(sent, rel.start, rel.end)
    return None, False, None


def _first_year(time):
    """A baseline's year: a year, or the first of a period it starts ("2015年至2020年,从76.34岁提高至…")."""
    return int(time[:4]) if isinstance(time, str) else time


_UNDER_REVIEW = pattern(r"全年|本年|the year\b|for the year|the whole year", re.I)


def _default_year(cls: str, sent: Sentence, meta: DocumentMeta, year, year_inf, year_span):
    doc_year = meta.year
    if cls == OUTCOME and year_inf and year == doc_year and year_span is not None and \
            _UNDER_REVIEW.match(year_span.text) and meta.reviews_last_year(sent.section_kind):
        return doc_year - 1, True, year_span  # 全年 of a review in a report of January: the year under review
    if year is not None:
        return year, year_inf, year_span
    if doc_year is None:
        return None, False, None
    if cls == OUTCOME:
        return (doc_year - 1 if meta.reviews_last_year(sent.section_kind) else doc_year), True, None
    return doc_year, True, None
