"""Linking a statement to an indicator and to a plan node, with a score; abstain below a threshold.

Indicators: aliases from the bilingual lexicon found near the number, in the same language,
filtered by unit.  Plan nodes: the heading the sentence sits under first, then the indicator's
default node, then keyword similarity of the sentence.
"""

from __future__ import annotations

import re

from luoshi.extract.lexicon import ENTRIES, NODES, Entry, Node
from luoshi.extract.model import Link
from luoshi.extract.patterns import pattern

INDICATOR_THRESHOLD = 0.5
NODE_THRESHOLD = 0.5


class Linker:
    """Holds the lexicon's aliases compiled per language."""

    def __init__(self, entries: list[Entry] | None = None, nodes: list[Node] | None = None):
        self.entries = list(entries or ENTRIES)
        self.nodes = list(nodes or NODES)
        self._alias: dict[str, list[tuple[str, Entry]]] = {}
        self._rx: dict[str, re.Pattern] = {}
        self._by_alias: dict[str, dict[str, list[Entry]]] = {}
        for lang in ("zh", "en"):
            pairs = []
            for e in self.entries:
                for a in e.aliases(lang):
                    pairs.append((a.lower() if lang == "en" else a, e))
            self._alias[lang] = pairs
            by_alias: dict[str, list[Entry]] = {}
            for a, e in pairs:
                by_alias.setdefault(a, []).append(e)
            self._by_alias[lang] = by_alias
            words = sorted({a for a, _ in pairs}, key=len, reverse=True)
            pat = "|".join(re.escape(w) for w in words)
            self._rx[lang] = pattern(rf"(?<![a-z])(?:{pat})(?![a-z])" if lang == "en" else pat)
        self._node_rx = {}
        for lang in ("zh", "en"):
            kws = []
            for n in self.nodes:
                kws += [(k.lower(), n.code) for k in (n.keywords_zh if lang == "zh" else n.keywords_en)]
            words = sorted({k for k, _ in kws}, key=len, reverse=True)
            pat = "|".join(re.escape(w) for w in words)
            self._node_rx[lang] = (pattern(rf"(?<![a-z])(?:{pat})(?![a-z])" if lang == "en" else pat),
                                   _group(kws))

    def indicator(self, sentence: str, clause: tuple[int, int], qpos: int, unit: str | None,
                  lang: str) -> Link:
        """Best indicator for the quantity at ``qpos`` whose clause is ``clause`` in ``sentence``."""
        text = sentence.lower() if lang == "en" else sentence
        rx = self._rx[lang]
        by_alias = self._by_alias[lang]
        scores: dict[str, float] = {}
        c0, c1 = clause
        for m in rx.finditer(text):
            alias = m.group(0)
            in_clause = c0 <= m.start() and m.end() <= c1
            if not in_clause and m.start() >= c1:
                continue
            if _in_share(text, m.start(), m.end(), qpos, c1) and alias in _GDP_WORDS:
                continue  # "占地区生产总值比重", "3.26 percent of GDP": GDP is the denominator
            length = len(alias) if lang == "zh" else len(alias.split()) * 2.5
            base = min(1.0, 0.55 + 0.08 * length)
            dist = abs(qpos - m.end()) if m.end() <= qpos else abs(m.start() - qpos) * 1.5
            prox = 1.0 if in_clause else 0.85
            lo, hi = (m.end(), qpos) if m.end() <= qpos else (qpos, m.start())
            if lang == "en" and " and " in text[lo:hi]:
                prox *= 0.8  # "add X places and build 50,000 units of Y": X belongs to another number
            elif lang == "zh" and not in_clause and re.search(r"[，,；;]", text[lo:hi]):
                prox *= 0.7  # a full clause away ("、" lists share a subject, "，" clauses do not)
            prox *= 1.0 if dist < 30 else 0.9 if dist < 80 else 0.75
            for e in by_alias.get(alias, ()):
                if unit is not None and unit not in e.units:
                    if not (unit == "person-time" and "person" in e.units):
                        continue
                s = base * prox
                if s > scores.get(e.code, 0):
                    scores[e.code] = s
        if not scores:
            return Link(None, 0.0, "none")
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:3]
        code, score = ranked[0]
        if score < INDICATOR_THRESHOLD:
            return Link(None, score, "abstain", ranked)
        return Link(code, score, "lexicon", ranked)

    def node(self, headings: list[str], sentence: str, indicator: Link | None, lang: str) -> Link:
        """Plan node: nearest heading with a node keyword, else the indicator's node, else similarity."""
        rx, kw_nodes = self._node_rx[lang]
        if _MAIN_TARGETS.search(sentence):
            return Link("G", 0.9, "structure", [("G", 1.0)])
        default = None
        if indicator is not None and indicator.code:
            e = next((e for e in self.entries if e.code == indicator.code), None)
            if e is not None and e.node:
                default = Link(e.node, 0.85 * max(indicator.score, 0.7), "indicator-default",
                               [(e.node, indicator.score)])
        for h in reversed(headings):
            hits = _node_hits(h.lower() if lang == "en" else h, rx, kw_nodes)
            if hits:
                ranked = sorted(hits.items(), key=lambda kv: -kv[1])
                code, s = ranked[0]
                if code == "G" and default is not None:
                    break  # a generic "main targets and tasks" heading says less than the indicator
                if len(ranked) > 1 and s == ranked[1][1]:  # a tie: the breakthrough is more specific
                    ranked.sort(key=lambda kv: (-kv[1], not kv[0].startswith("B")))
                    code = ranked[0][0]
                return Link(code, min(0.95, 0.7 + 0.1 * s), "heading", ranked[:3])
        if default is not None:
            return default
        hits = _node_hits(sentence.lower() if lang == "en" else sentence, rx, kw_nodes)
        if not hits:
            return Link(None, 0.0, "none")
        ranked = sorted(hits.items(), key=lambda kv: -kv[1])[:3]
        code, s = ranked[0]
        margin = s - (ranked[1][1] if len(ranked) > 1 else 0)
        score = min(0.8, 0.3 + 0.12 * s + 0.1 * margin)
        if score < NODE_THRESHOLD:
            return Link(None, score, "abstain", ranked)
        return Link(code, score, "similarity", ranked)


_MAIN_TARGETS = pattern(r"主要预期目标|主要目标是|main (?:expected )?targets|major targets", re.I)
_GDP_WORDS = {"地区生产总值", "生产总值", "GDP", "gdp", "gross domestic product"}
_SHARE_ZH = pattern(r"占$")
_SHARE_AFTER = pattern(r"^(?:的)?(?:比重|比例|share)")


def _in_share(text: str, a: int, b: int, qpos: int, c1: int) -> bool:
    """Whether the GDP mention at [a, b) is the denominator of a share, not the subject."""
    if text[max(0, a - 1):a] == "占" or _SHARE_AFTER.match(text[b:b + 4]):
        return True
    before = text[max(0, a - 12):a].lower()
    return a > qpos and ("of" in before.split()[-1:] or "share of" in before or "proportion of" in before)


def _group(kws: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, code in kws:
        out.setdefault(k, []).append(code)
    return out


def _node_hits(text: str, rx: re.Pattern, kw_nodes: dict[str, list[str]]) -> dict[str, float]:
    hits: dict[str, float] = {}
    for m in rx.finditer(text):
        for code in kw_nodes.get(m.group(0), ()):
            hits[code] = hits.get(code, 0) + 1 + 0.1 * len(m.group(0))
    return hits


def propose_indicator(subject: str | None, unit: str | None, lang: str, node: str | None) -> dict | None:
    """A new indicator for a subject the lexicon does not know, for a reviewer to accept or edit."""
    if not subject:
        return None
    slug = re.sub(r"[^a-z0-9]+", "_", subject.lower()).strip("_")[:40] if lang == "en" else None
    return {"name_zh": subject if lang == "zh" else None, "name_en": subject if lang == "en" else None,
            "code": f"new_{slug}" if slug else None, "unit": unit, "node": node}
