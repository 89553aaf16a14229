"""Extraction end to end: normalise, detect language, split, find numbers, classify, link."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from luoshi.extract.classify import classify, in_step_class
from luoshi.extract.cues import comparator, explicit_time, in_step, relative_time, strength
from luoshi.extract.language import detect_language
from luoshi.extract.lexicon import BY_CODE
from luoshi.extract.linking import Linker, propose_indicator
from luoshi.extract.model import NONE, OUTCOME, DocumentMeta, Span, Statement
from luoshi.extract.normalise import NormalisedText, normalise
from luoshi.extract.numbers import find_quantities
from luoshi.extract.regions import RegionMatcher
from luoshi.extract.segment import REVIEW, Sentence, split_sentences
from luoshi.extract.subject import clause_bounds, subject_span

_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})", re.I)
_default_linker: Linker | None = None
_default_regions: RegionMatcher | None = None


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
                 regions: RegionMatcher | None = None, keep_none: bool = True) -> ExtractionResult:
    """Find and classify every quantified statement of ``text``; offsets are into the normalised text."""
    global _default_linker, _default_regions
    meta = meta or DocumentMeta()
    if linker is None:
        linker = _default_linker = _default_linker or Linker()
    if regions is None:
        regions = _default_regions = _default_regions or RegionMatcher()
    norm = normalise(text)
    lang = meta.language or detect_language(norm.text)
    if meta.date is None:
        m = _DATE_LINE.match(norm.text)
        if m:
            meta = DocumentMeta(m.group(1), meta.issuer, meta.kind, lang)
    sentences = split_sentences(norm.text, lang)
    out: list[Statement] = []
    for sent in sentences:
        out.extend(_sentence_statements(sent, meta, lang, linker, regions, keep_none))
    return ExtractionResult(norm, lang, sentences, out)


def _span(sent: Sentence, a: int, b: int) -> Span:
    return Span(sent.start + a, sent.start + b, sent.text[a:b])


def _sentence_statements(sent: Sentence, meta: DocumentMeta, lang: str, linker: Linker,
                         regions: RegionMatcher, keep_none: bool) -> list[Statement]:
    s = sent.text
    doc_year = meta.year
    heading_texts = [h.text for h in sent.headings]
    results: list[Statement] = []
    for q in find_quantities(s, lang):
        sent_span = Span(sent.start, sent.end, s)
        if q.reason and not keep_none:
            continue
        clause = clause_bounds(s, q.start, lang)
        cmp_ = comparator(s, q.start, q.end, clause[0], q.value_high is not None)
        year, year_inf, year_span = _time(sent, q.start, doc_year)
        link = None
        entry = None
        if q.reason is None and q.unit is not None:
            link = linker.indicator(s, clause, q.start, q.unit, lang)
            entry = BY_CODE.get(link.code) if link.code else None
        cls, reason = classify(q, s, clause, sent.section_kind, doc_year, year, year_inf, lang, entry, cmp_.value,
                               meta.kind)
        if cls == NONE:
            if keep_none:
                results.append(Statement(NONE, sent_span, _span(sent, q.start, q.end), q.value, q.value_high,
                                         q.unit, reason=reason, section=sent.heading.text if sent.heading else None,
                                         section_kind=sent.section_kind))
            continue
        if year is None or year_inf:
            year, year_inf, year_span = _default_year(cls, sent, meta, year, year_inf, year_span)
        st = Statement(cls, sent_span, _span(sent, q.start, q.end), q.value, q.value_high, q.unit,
                       comparator=cmp_.value,
                       comparator_span=_span(sent, cmp_.start, cmp_.end) if cmp_.end > cmp_.start else None,
                       year=year, year_inferred=year_inf, year_span=year_span,
                       section=sent.heading.text if sent.heading else None, section_kind=sent.section_kind)
        _fill(st, sent, s, clause, q.start, q.end, meta, lang, linker, regions, link, heading_texts)
        results.append(st)
    for m in in_step(s):
        year, year_inf, year_span = _time(sent, m.start(), doc_year)
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


def _time(sent: Sentence, pos: int, doc_year: int | None) -> tuple:
    """(year, inferred, span in the document) of the time cue nearest the number at ``pos``."""
    cue = explicit_time(sent.text, pos)
    if cue is not None:
        return cue.value, False, None if cue.end <= cue.start else _span(sent, cue.start, cue.end)
    rel = relative_time(sent.text, pos, doc_year)
    if rel is not None:
        return rel.value, True, _span(sent, rel.start, rel.end)
    return None, False, None


def _default_year(cls: str, sent: Sentence, meta: DocumentMeta, year, year_inf, year_span):
    if year is not None:
        return year, year_inf, year_span
    doc_year = meta.year
    if doc_year is None:
        return None, False, None
    if cls == OUTCOME:
        early = meta.date is not None and meta.date[5:7] in ("01", "02", "03")
        return (doc_year - 1 if sent.section_kind == REVIEW or early else doc_year), True, None
    return doc_year, True, None
