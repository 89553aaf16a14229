"""The learned part of extraction: which class a quantity's statement has, where judgement is needed.

Rules find the numbers, their units, comparators and times (extract/numbers.py, cues.py); whether a
number is a target, a task, a reported outcome or no statement at all depends on tense, section,
wording and the kind of document, and there a small linear model, trained on the gold set's
development split (``python -m luoshi.extract.train``), decides.  It sees what the rules saw (their
class and the direction score among them) plus the words around the number, so it learns where the
rules go wrong.  The model is a JSON file inside the package (data/extract_model.json): weights
per feature and class, read with plain Python; nothing is downloaded, and the same input always
gives the same class.
"""

from __future__ import annotations

import json
import operator
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from itertools import repeat

import numpy as np

from luoshi.extract.classify import cues_found
from luoshi.extract.cues import tense
from luoshi.extract.patterns import pattern
from luoshi.extract.units import MONEY

MODEL_FILE = "extract_model.json"
YEAR_MODEL_FILE = "extract_year_model.json"
NONE_MARGIN = 2.0  # the model's 'none' is learned from few, noisy examples: it must be clearly ahead
_EN_WORD = pattern(r"[a-z]+(?:'[a-z]+)?")
_ZH_RUN = pattern(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Context:
    """What is known about one quantity when its class is decided."""

    sentence: str
    start: int  # the quantity's span in the sentence
    end: int
    clause: tuple[int, int]
    lang: str
    unit: str | None
    comparator: str
    strength: bool  # a strength word (确保, strive) governs it
    rule_class: str
    direction: float  # the rules' forward (+) or backward (-) score
    section_kind: str | None
    doc_kind: str | None
    year_relation: str  # past | same | future | period-past | period-future | none, against the document's year
    year_explicit: bool
    headings: tuple[str, ...] = ()
    half: str = "none"  # when in the year the document is dated (h1, h2, late: November, December): pipeline._half
    title_relation: str = "none"  # the time its title names against the document's year ("Budget 2025" of October 2024)
    focus: str = "none"  # the year the document names most against its date's: -1, 0, 1 or none


def _words(text: str, lang: str) -> list[str]:
    """Words of a text: English words, or Chinese character bigrams."""
    if lang == "en":
        return _EN_WORD.findall(text.lower())
    out = []
    for run in _ZH_RUN.findall(text):
        out.extend(run[i:i + 2] for i in range(max(1, len(run) - 1)))
    return out


def features(c: Context) -> dict[str, float]:
    """The model's features of one quantity (names are stable: they key the weights)."""
    s, a, b = c.sentence, c.start, c.end
    c0, c1 = c.clause
    f: dict[str, float] = {
        "bias": 1.0, f"rule={c.rule_class}": 1.0, f"lang={c.lang}": 1.0,
        "direction": max(-8.0, min(8.0, c.direction)) / 4, f"dir_sign={(c.direction > 0) - (c.direction < 0)}": 1.0,
        f"section={c.section_kind}": 1.0, f"doc={c.doc_kind}": 1.0, f"year={c.year_relation}": 1.0,
        f"year_explicit={c.year_explicit}": 1.0, f"cmp={c.comparator}": 1.0, f"strength={c.strength}": 1.0,
        f"unit={'money' if c.unit in MONEY else c.unit}": 1.0,
    }
    width = 12 if c.lang == "zh" else 48
    for w in _words(s[max(c0, a - width):a], c.lang):
        f[f"L:{w}"] = 1.0
    for w in _words(s[b:min(c1, b + width // 2)], c.lang):
        f[f"R:{w}"] = 1.0
    for w in _words(s[c0:c1], c.lang):
        f[f"C:{w}"] = 1.0
    for w in _words(s[:min(len(s), 40 if c.lang == "zh" else 120)], c.lang):
        f[f"S:{w}"] = 0.5
    for h in c.headings[-2:]:
        for w in _words(h, c.lang):
            f[f"H:{w}"] = 0.5
    for name in cues_found(s, c.clause):  # the rules' cue words, each its own feature (the rules add them up)
        f[f"cue={name}"] = 1.0
        f[f"cue={name}&lang={c.lang}"] = 1.0
        f[f"cue={name}&year={c.year_relation}&half={c.half}"] = 1.0
    f[f"year={c.year_relation}&half={c.half}"] = 1.0
    f[f"title={c.title_relation}&year={c.year_relation}"] = 1.0
    f[f"title={c.title_relation}&doc={c.doc_kind}"] = 1.0
    f[f"focus={c.focus}&year={c.year_relation}"] = 1.0
    f[f"focus={c.focus}&doc={c.doc_kind}&half={c.half}"] = 1.0
    f[f"tense={tense(s[c0:c1])}&lang={c.lang}"] = 1.0
    return f


@dataclass(frozen=True)
class Model:
    classes: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]  # feature -> one weight per class
    intercept: tuple[float, ...]

    @cached_property
    def _matrix(self) -> tuple[dict[str, int], np.ndarray]:
        """The weights as a matrix, a feature per row, with a last row of zeros for features it does not know."""
        index = {name: i for i, name in enumerate(self.weights)}
        matrix = np.zeros((len(index) + 1, len(self.classes)))
        for name, i in index.items():
            matrix[i] = self.weights[name]
        return index, matrix

    def scores(self, feats: dict[str, float]) -> list[float]:
        index, matrix = self._matrix
        rows = np.fromiter(map(index.get, feats, repeat(-1)), np.intp, len(feats))
        values = np.fromiter(feats.values(), np.float64, len(feats))
        return (values @ matrix[rows] + self.intercept).tolist()

    @cached_property
    def _margins(self) -> tuple[float, dict[str, float]]:
        """A two-class model as one weight per feature: the second class's score minus the first's."""
        return self.intercept[1] - self.intercept[0], {k: w[1] - w[0] for k, w in self.weights.items()}

    def margin(self, feats: dict[str, float]) -> float:
        """The second class's score minus the first's (a two-class model)."""
        out, weights = self._margins
        return sum(map(operator.mul, map(weights.get, feats, repeat(0.0)), feats.values()), out)

    def predict(self, c: Context) -> str:
        """The class with the highest score; 'none' (dropping a number the rules took for a statement)
        only when it leads the best other class by NONE_MARGIN."""
        sc = self.scores(features(c))
        best = max(range(len(sc)), key=lambda k: (sc[k], -k))
        if self.classes[best] == "none" and c.rule_class != "none":
            other = max((k for k in range(len(sc)) if k != best), key=lambda k: (sc[k], -k))
            if sc[best] - sc[other] < NONE_MARGIN:
                return self.classes[other]
        return self.classes[best]

    def to_json(self) -> str:
        return json.dumps({"classes": list(self.classes), "intercept": [round(x, 10) for x in self.intercept],
                           "weights": {k: [round(x, 10) for x in v] for k, v in sorted(self.weights.items())}},
                          ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Model":
        d = json.loads(text)
        return cls(tuple(d["classes"]), {k: tuple(v) for k, v in d["weights"].items()}, tuple(d["intercept"]))


@cache
def _shipped(name: str) -> Model | None:
    try:
        text = resources.files("luoshi.data").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return Model.from_json(text)


def bundled() -> Model | None:
    """The class model shipped with luoshi, or None when the package has none (then the rules decide)."""
    return _shipped(MODEL_FILE)


# --- the year: a choice among the times the rules can name ------------------------------------
_AVG = pattern(r"年均|年平均|累计|\b(?:average|annual(?:ly)?|cumulative|total|over the|in all)\b", re.I)
_PERIOD_CUES = {
    "plan": pattern(r"规划|五年|十[一二三四五]五|计划期|\bplan\b|five-year|medium-term|\bperiod\b", re.I),
    "fiscal": pattern(r"财年|財年|年度|预算|預算|\bFY|fiscal|financial year|budget", re.I),
    "past": pattern(r"过去|過去|以来|以來|年来|年來|\bpast\b|\bsince\b|\blast\b", re.I),
    "deadline": pattern(r"到20|至20|\bby 20|\buntil 20|\bin 20\d\d\b", re.I),
    "report": pattern(r"工作报告|工作報告|施政报告|施政報告|\bwork report|\bgovernment report", re.I),
}


@lru_cache(maxsize=4096)
def period_cues(text: str, where: str) -> frozenset[str]:
    """Which kinds of period a text speaks of (plan, fiscal, past, deadline), named by where it is."""
    return frozenset(f"{where}:{k}" for k, rx in _PERIOD_CUES.items() if rx.search(text))


def focus_relation(focus: int | None, doc_year: int | None) -> str:
    """The year a document names most against its date's: -1 (last year's), 0, 1 (next year's), or none."""
    return "none" if focus is None or doc_year is None else str(max(-1, min(1, focus - doc_year)))


def year_features(source: str, value, cls: str, doc_year: int | None, section_kind: str | None, lang: str,
                  doc_kind: str | None, clause_text: str, cues: frozenset[str] = frozenset(),
                  focus: int | None = None) -> dict[str, float]:
    """Features of one candidate time of a statement, proposed by ``source`` (rule, before, after,
    context, heading, title, relative, document, document-1)."""
    if doc_year is None or value is None:
        rel = "none"
    elif isinstance(value, str):
        rel = "period-future" if int(value[-4:]) > doc_year else "period-past"
    else:
        rel = "past" if value < doc_year else "same" if value == doc_year else "future"
    if focus is None or value is None:
        to_focus = "none"
    elif isinstance(value, str):
        first, last = int(value[:4]), int(value[-4:])
        to_focus = "ends" if last == focus else "holds" if first <= focus < last else "other"
    else:
        to_focus = "same" if value == focus else "before" if value < focus else "after"
    return _year_features(source, rel, cls, section_kind, lang, doc_kind, bool(_AVG.search(clause_text)),
                          isinstance(value, str), cues, to_focus, focus_relation(focus, doc_year))


@lru_cache(maxsize=16384)
def _year_features(source: str, rel: str, cls: str, section_kind: str | None, lang: str, doc_kind: str | None,
                   avg: bool, span: bool, cues: frozenset[str], to_focus: str = "none",
                   ahead: str = "none") -> dict[str, float]:
    """The features of a candidate time, by what they are made of (many candidates share them: kept; read only)."""
    out = {"bias": 1.0, f"src={source}": 1.0, f"src={source}&cls={cls}": 1.0, f"rel={rel}": 1.0,
           f"rel={rel}&cls={cls}": 1.0, f"src={source}&rel={rel}": 1.0, f"avg={avg}&rel={rel}": 1.0,
           f"section={section_kind}&rel={rel}": 1.0, f"lang={lang}&src={source}": 1.0,
           f"doc={doc_kind}&rel={rel}": 1.0, f"doc={doc_kind}&src={source}": 1.0, f"avg={avg}&span={span}": 1.0,
           f"focus={to_focus}": 1.0, f"focus={to_focus}&cls={cls}": 1.0, f"focus={to_focus}&src={source}": 1.0,
           f"focus={to_focus}&ahead={ahead}&cls={cls}": 1.0}
    for cue in cues:
        out[f"{cue}&src={source}"] = 1.0
        out[f"{cue}&rel={rel}"] = 1.0
    return out


def choose_year(model: "Model", candidates: list[tuple[object, dict[str, float]]], fallback):
    """The candidate value the year model scores highest ('yes' minus 'no'); ``fallback`` if none."""
    if not candidates:
        return fallback
    sign = 1.0 if model.classes.index("yes") == 1 else -1.0
    return max(candidates, key=lambda candidate: sign * model.margin(candidate[1]))[0]


def bundled_year() -> Model | None:
    """The year model shipped with luoshi, or None (then the rules' year stands)."""
    return _shipped(YEAR_MODEL_FILE)
