"""Text normalisation (NFKC, full-width digits and punctuation, traditional characters, line endings)
with a map back.

Traditional characters become simplified ones (萬 -> 万, 億 -> 亿, 增長 -> 增长) character by character
with OpenCC's t2s table, so a traditional-character page reads like a simplified one and every
offset still maps one to one.

Extraction works on the normalised text; every offset it reports is mapped back to the text
as given by ``NormalisedText.to_original``.  The map is stored compactly as breakpoints: from
normalised index ``n`` on, original index = ``o + (i - n)`` until the next breakpoint.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field

import opencc

# Characters NFKC leaves alone that still get in the way of number parsing.
_EXTRA = {"\u3000": " ", "\u00a0": " ", "\u2212": "-", "\u2010": "-", "\u2011": "-", "\uff5e": "~", "\u301c": "~", "\u2013": "–"}
_cache: dict[str, str] = {}
_T2S = opencc.OpenCC("t2s")


def _norm_char(ch: str) -> str:
    out = _cache.get(ch)
    if out is None:
        out = _EXTRA.get(ch) or unicodedata.normalize("NFKC", ch)
        if len(out) == 1 and "\u3400" <= out <= "\u9fff":
            simple = _T2S.convert(out)
            out = simple if len(simple) == 1 else out
        _cache[ch] = out
    return out


@dataclass
class NormalisedText:
    """Normalised text plus the breakpoints mapping it back to the original."""

    text: str
    original_length: int
    breakpoints: list[tuple[int, int]] = field(default_factory=lambda: [(0, 0)])
    _keys: list[int] | None = field(default=None, repr=False, compare=False)

    def to_original(self, i: int) -> int:
        """Original offset of normalised offset ``i`` (``len(text)`` maps to the original length)."""
        if i >= len(self.text):
            return self.original_length
        if len(self.breakpoints) == 1:
            return self.breakpoints[0][1] + i - self.breakpoints[0][0]
        if self._keys is None or len(self._keys) != len(self.breakpoints):
            self._keys = [b[0] for b in self.breakpoints]
        k = bisect.bisect_right(self._keys, i) - 1
        n, o = self.breakpoints[k]
        return o + (i - n)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of a normalised span; an expanded character maps back whole."""
        if end <= start:
            s = self.to_original(start)
            return s, s
        return self.to_original(start), min(self.to_original(end - 1) + 1, self.original_length)

    def to_dict(self) -> dict:
        return {"original_length": self.original_length, "breakpoints": [list(b) for b in self.breakpoints]}


def normalise(text: str) -> NormalisedText:
    """NFKC and t2s per character (full-width digits, ％, ，, 萬), \\r\\n -> \\n, ideographic space -> space."""
    if "\r" not in text:
        if text.isascii():
            return NormalisedText(text, len(text))
        table = {ord(ch): _norm_char(ch) for ch in set(text) if not ch.isascii()}
        if all(len(rep) == 1 for rep in table.values()):  # one character for one: offsets do not move
            return NormalisedText(text.translate(table), len(text))
    out: list[str] = []
    bps: list[tuple[int, int]] = [(0, 0)]
    n = 0  # next normalised index
    delta = 0  # current original - normalised
    i, size = 0, len(text)
    while i < size:
        ch = text[i]
        if ch == "\r":
            rep = "\n"
            width = 2 if i + 1 < size and text[i + 1] == "\n" else 1
        elif ch < "\x80":
            rep, width = ch, 1
        else:
            rep, width = _norm_char(ch), 1
        if i - n != delta:
            delta = i - n
            bps.append((n, i))
        out.append(rep)
        if len(rep) > 1:  # expansion: all parts point to the same original character
            for j in range(1, len(rep)):
                bps.append((n + j, i))
            delta = i + 1 - (n + len(rep))
            bps.append((n + len(rep), i + width))
        n += len(rep)
        i += width
        if width == 2:
            delta = i - n
            bps.append((n, i))
    bps = _compact(bps)
    return NormalisedText("".join(out), size, bps)


def _compact(bps: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop breakpoints that the previous one already predicts; keep the last for each index."""
    by_n: dict[int, int] = {}
    for n, o in bps:
        by_n[n] = o
    out: list[tuple[int, int]] = []
    for n in sorted(by_n):
        o = by_n[n]
        if out and out[-1][1] + (n - out[-1][0]) == o:
            continue
        out.append((n, o))
    return out
