"""Column names an importer recognises: English field names, Chinese headers and the bilingual
headers of luoshi's own XLSX template ("指标代码 indicator"), all mapped to one field name."""

from __future__ import annotations

import re

OBSERVATION_FIELDS = ("indicator", "region", "period", "value", "unit", "comment", "source", "state")
TARGET_FIELDS = ("indicator", "region", "period", "comparator", "value", "value_high", "tolerance",
                 "step_indicator", "baseline_value", "baseline_period", "plan", "strength", "document",
                 "quote", "source", "status", "trajectory", "synthetic", "unit", "comment")
REQUIRED = {"observations": ("indicator", "region", "period", "value"),
            "targets": ("indicator", "region", "period", "comparator")}

# Chinese headers (and common English variants) for each field.
ALIASES = {
    "indicator": ("indicator", "indicator_code", "指标代码", "指标编码"),
    "region": ("region", "region_code", "地区代码", "行政区划代码", "区划代码"),
    "period": ("period", "期间", "报告期", "统计期"),
    "value": ("value", "数值", "本期数值", "本期数", "填报值"),
    "unit": ("unit", "单位", "计量单位"),
    "comment": ("comment", "备注", "说明", "情况说明"),
    "source": ("source", "来源", "数据来源"),
    "state": ("state", "状态"),
    "comparator": ("comparator", "比较方式"),
}
_LOOKUP = {alias.lower(): name for name, aliases in ALIASES.items() for alias in aliases}
_SPLIT = re.compile(r"[\s/|()（）:：]+")


def field_of(header: object, known: tuple[str, ...]) -> str | None:
    """The field a header names, or None (unknown columns are ignored, e.g. the template's names)."""
    text = str(header or "").strip().lower()
    if not text:
        return None
    if text in known:
        return text
    if text in _LOOKUP and _LOOKUP[text] in known:
        return _LOOKUP[text]
    for token in _SPLIT.split(text):
        name = token if token in known else _LOOKUP.get(token)
        if name in known:
            return name
    return None


def fields_for(kind: str) -> tuple[str, ...]:
    return OBSERVATION_FIELDS if kind == "observations" else TARGET_FIELDS


def column_index(header: list, kind: str, required: tuple[str, ...], report, *, row: int, sheet=None) -> dict[str, int]:
    """Which cell of a header row holds each standard field (first match wins); a missing required
    field is reported against the header row."""
    known = fields_for(kind)
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        name = field_of(h, known)
        if name and name not in index:
            index[name] = i
    for col in required:
        if col not in index:
            report.add("missing-column", sheet=sheet, row=row, field=col, column=col)
    return index
