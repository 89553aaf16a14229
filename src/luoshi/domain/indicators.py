"""Indicators: what is measured, which way is better, and how values aggregate over regions and time."""

from __future__ import annotations

from dataclasses import dataclass, field

DIRECTIONS = ("higher", "lower", "band")
REGION_AGGS = ("sum", "mean", "wmean", "min", "max", "none")
TIME_AGGS = ("sum", "last", "mean")
FREQUENCIES = {"Y": "year", "S": "half-year", "Q": "quarter", "M": "month", "W": "week", "D": "day"}
FREQUENCY_ALIASES = {"year": "Y", "annual": "Y", "yearly": "Y", "half": "S", "half-year": "S", "quarter": "Q",
                     "quarterly": "Q", "month": "M", "monthly": "M", "week": "W", "weekly": "W", "day": "D",
                     "daily": "D"}
# Approximate length of one reporting interval, for staleness.
FREQUENCY_DAYS = {"Y": 366, "S": 184, "Q": 92, "M": 31, "W": 7, "D": 1}


@dataclass
class Indicator:
    """An indicator definition.  A formula indicator is numerator / denominator x factor, computed at
    every region and period from its rolled-up components (a ratio of sums, never a mean of ratios)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    frequency: str = "M"
    direction: str = "higher"
    region_agg: str = "sum"
    time_agg: str = "sum"
    decimals: int = 1
    weight: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    factor: float | None = None
    band_low: float | None = None
    band_high: float | None = None
    min_value: float | None = None
    max_value: float | None = None
    cluster: str | None = None
    aliases: list[str] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)  # "plan:node" references
    synthetic: bool = False
    source: str | None = None
    source_zh: str | None = None  # the source in Chinese, when ``source`` is written in English
    status: str | None = None
    description: str | None = None     # what it measures, in Chinese
    description_en: str | None = None  # ... and in English

    @property
    def is_formula(self) -> bool:
        return bool(self.numerator)

    @property
    def cumulative(self) -> bool:
        """Progress accumulates over the period (a sum over time): judged against elapsed time."""
        return self.time_agg == "sum" and not self.is_formula

    def check(self) -> list[tuple[str, str, str]]:
        """Problems with the definition as (field, message, Chinese message); empty when it is sound."""
        out = []
        for name, value, allowed in (("direction", self.direction, DIRECTIONS),
                                     ("region_agg", self.region_agg, REGION_AGGS),
                                     ("time_agg", self.time_agg, TIME_AGGS),
                                     ("frequency", self.frequency, FREQUENCIES)):
            if value not in allowed:
                out.append((name, f"{name} must be one of {', '.join(allowed)}", f"{name} 可选 {'、'.join(allowed)}"))
        if self.region_agg == "wmean" and not self.weight:
            out.append(("weight", "a weighted mean needs a weight indicator", "加权平均须指定权重指标（weight）"))
        if bool(self.numerator) != bool(self.denominator):
            out.append(("denominator", "a formula needs both numerator and denominator",
                        "公式指标须同时指定分子（numerator）和分母（denominator）"))
        if self.direction == "band" and (self.band_low is None or self.band_high is None):
            out.append(("band_low", "direction 'band' needs band_low and band_high",
                        "区间指标（band）须指定 band_low 和 band_high"))
        return out


def normalise_frequency(value: str) -> str:
    v = (value or "").strip()
    if v.upper() in FREQUENCIES:
        return v.upper()
    return FREQUENCY_ALIASES.get(v.lower(), v)
