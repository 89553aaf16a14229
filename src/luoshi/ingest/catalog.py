"""What an importer checks references against: the workspace's regions and indicators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class RegionRef:
    rid: int
    code: str
    level: str
    valid_from: date
    valid_to: date | None


@dataclass
class IndicatorRef:
    iid: int
    code: str
    unit: str
    frequency: str
    min_value: float | None
    max_value: float | None
    is_formula: bool = False


@dataclass
class Catalog:
    regions: dict[str, RegionRef] = field(default_factory=dict)
    indicators: dict[str, IndicatorRef] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
