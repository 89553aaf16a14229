"""What an importer checks references against: the workspace's regions and indicators, by code or
by name (an office's spreadsheet names 荔湾区 and 城镇新增就业 rather than 440103 and
new_urban_jobs)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple
from datetime import date


class RegionRef(NamedTuple):
    """A region as an import checks it (a tuple: a workspace holds some 28,000, made for each import)."""

    rid: int
    code: str
    level: str
    valid_from: date
    valid_to: date | None
    names: tuple[str, ...] = ()


@dataclass
class IndicatorRef:
    iid: int
    code: str
    unit: str
    frequency: str
    min_value: float | None
    max_value: float | None
    is_formula: bool = False
    names: tuple[str, ...] = ()


def name_key(text: object) -> str:
    """A name as it is compared: width-folded (NFKC), case-folded, without spaces."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).casefold().split())


@dataclass
class Catalog:
    regions: dict[str, RegionRef] = field(default_factory=dict)
    indicators: dict[str, IndicatorRef] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    plans: set[str] = field(default_factory=set)

    @cached_property
    def _names(self) -> dict[str, dict[str, list[str]]]:
        """Kind -> name -> codes; made when a name is first looked up (most imports give codes, and a
        workspace with the bundled villages has some 28,000 regions)."""
        out: dict[str, dict[str, list[str]]] = {}
        for kind, refs in (("region", self.regions), ("indicator", self.indicators)):
            names: dict[str, list[str]] = {}
            for ref in refs.values():
                for n in {name_key(x) for x in ref.names if x}:
                    names.setdefault(n, []).append(ref.code)
            out[kind] = {n: sorted(codes) for n, codes in names.items()}
        return out

    def resolve(self, kind: str, text: str | None) -> tuple[str | None, list[str]]:
        """The code a cell names (a code, or the unique Chinese or English name of a region or an
        indicator) and the candidates: one when resolved, several when the name is ambiguous,
        none when nothing fits."""
        t = (text or "").strip()
        refs = self.regions if kind == "region" else self.indicators
        if t in refs:
            return t, [t]
        codes = self._names[kind].get(name_key(t), [])
        return (codes[0] if len(codes) == 1 else None), codes

    def region(self, text: str | None) -> tuple[RegionRef | None, list[str]]:
        code, candidates = self.resolve("region", text)
        return (self.regions[code] if code else None), candidates

    def indicator(self, text: str | None) -> tuple[IndicatorRef | None, list[str]]:
        code, candidates = self.resolve("indicator", text)
        return (self.indicators[code] if code else None), candidates
