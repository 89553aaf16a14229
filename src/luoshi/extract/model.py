"""The records extraction produces: spans, statements and the metadata a document brings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

TARGET, TASK, OUTCOME, NONE = "target", "task", "outcome", "none"
CLASSES = (TARGET, TASK, OUTCOME, NONE)
COMPARATORS = ("at_least", "at_most", "around", "range", "in_step", "exact")
STRENGTHS = ("ensure", "strive", "expected")
REVIEW, PLAN = "review", "plan"  # the kinds of section a sentence sits in (segment.py)


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) into the normalised text, with its text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class DocumentMeta:
    """What is known about a document before reading it; all optional."""

    date: str | None = None  # ISO date; its year anchors "this year", 今年
    issuer: str | None = None  # region code of the issuing body, e.g. "440000"
    kind: str | None = None  # speech | work-report | communique | plan | news
    language: str | None = None  # zh | en; detected when missing
    era: int = 0  # added to a year written in the Republic of China's calendar (1911: 114年 is 2025); 0: none
    focus: int | None = None  # the year the document names most often near its date (found on reading it)
    fiscal: str = "jan"  # the month its fiscal year starts: jan, apr, jul, oct (found on reading it)

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None

    @property
    def month(self) -> int | None:
        return int(self.date[5:7]) if self.date and self.date[5:7].isdigit() else None

    def reviews_last_year(self, section_kind: str | None) -> bool:
        """Whether "the year" a review speaks of is the one before the document's: in a review section,
        or anywhere in a report of the first quarter (a work report of January)."""
        m = self.month
        return m is not None and (m <= 3 or section_kind == REVIEW)


@dataclass
class Link:
    """A proposed link to an indicator or a plan node; code None means abstained."""

    code: str | None
    score: float
    method: str  # lexicon | heading | similarity | indicator-default | none
    candidates: list[tuple[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"code": self.code, "score": round(self.score, 3), "method": self.method,
                "candidates": [[c, round(s, 3)] for c, s in self.candidates]}


@dataclass
class Statement:
    """One quantified statement: a number (or an in-step clause) in a sentence, classified."""

    cls: str
    sentence: Span
    value_span: Span | None
    value: float | None = None
    value_high: float | None = None  # upper end of a range
    unit: str | None = None
    comparator: str | None = None
    comparator_span: Span | None = None
    strength: str | None = None
    strength_span: Span | None = None
    subject: Span | None = None
    year: int | str | None = None  # a year, or a period "2026-2030"
    year_inferred: bool = False
    year_span: Span | None = None
    scope: str | None = None
    scope_inferred: bool = False
    scope_span: Span | None = None
    section: str | None = None  # heading text the sentence sits under
    section_kind: str | None = None  # review | plan | None
    reason: str | None = None  # why a number is not a commitment
    indicator: Link | None = None
    plan_node: Link | None = None
    proposed_indicator: dict | None = None  # for unknown subjects

    @property
    def is_commitment(self) -> bool:
        return self.cls != "none"

    def spans(self) -> dict[str, Span]:
        """Every field that has a span, by field name (for highlighting)."""
        names = {"sentence": self.sentence, "value": self.value_span, "comparator": self.comparator_span,
                 "strength": self.strength_span, "subject": self.subject, "year": self.year_span,
                 "scope": self.scope_span}
        return {k: v for k, v in names.items() if v is not None}

    def to_dict(self) -> dict:
        d = asdict(self)
        d["class"] = d.pop("cls")
        for k in ("sentence", "value_span", "comparator_span", "strength_span", "subject", "year_span",
                  "scope_span"):
            s = getattr(self, k)
            d[k] = s.to_dict() if s else None
        d["indicator"] = self.indicator.to_dict() if self.indicator else None
        d["plan_node"] = self.plan_node.to_dict() if self.plan_node else None
        return d
