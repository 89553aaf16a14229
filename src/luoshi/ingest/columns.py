"""Column names an importer recognises: English field names, the Chinese and English headers
offices write (地区, 指标, 期间, 数值; region name, time) and the bilingual headers of luoshi's own
XLSX template ("指标代码 indicator"), all mapped to one field name.

A header is never guessed: one that names two fields ("单位/备注") is refused, and so are two
columns for one field, except that a column of codes wins over a column of names (地区代码 beside
地区: the code is read, the name is a note for people)."""

from __future__ import annotations

import re

OBSERVATION_FIELDS = ("indicator", "region", "period", "value", "unit", "comment", "source", "state")
TARGET_FIELDS = ("indicator", "region", "period", "comparator", "value", "value_high", "tolerance",
                 "step_indicator", "baseline_value", "baseline_period", "plan", "strength", "document",
                 "document_zh", "quote", "source", "status", "trajectory", "synthetic", "unit", "comment")
REQUIRED = {"observations": ("indicator", "region", "period", "value"),
            "targets": ("indicator", "region", "period", "comparator")}

# Chinese headers (and common English variants) for each field.
ALIASES = {
    "indicator": ("indicator", "indicator_code", "indicator name", "指标代码", "指标编码", "指标", "指标名称"),
    "region": ("region", "region_code", "region name", "area", "地区代码", "行政区划代码", "区划代码", "地区",
               "地区名称", "区域", "行政区划"),
    "period": ("period", "time", "date", "期间", "报告期", "统计期", "时间", "月份", "年度"),
    "value": ("value", "数值", "值", "本期数值", "本期数", "本期值", "填报值", "实际值", "完成值"),
    "unit": ("unit", "单位", "计量单位"),
    "comment": ("comment", "note", "remark", "备注", "说明", "情况说明"),
    "source": ("source", "来源", "数据来源"),
    "state": ("state", "状态"),
    "comparator": ("comparator", "比较方式"),
}
# Headers of a column that names regions or indicators by name: such a column gives way to a
# column of codes for the same field (both are read the same way; the code cannot be mistaken).
BY_NAME = frozenset({"indicator name", "指标", "指标名称", "region name", "area", "地区", "地区名称", "区域",
                     "行政区划"})
# How a Chinese message names a field (the English one uses the field name itself).
FIELD_ZH = {"indicator": "指标", "region": "地区", "period": "期间", "value": "数值", "unit": "单位",
            "comment": "备注", "source": "来源", "state": "状态", "comparator": "比较方式",
            "value_high": "上限值", "tolerance": "容差", "step_indicator": "同步指标", "baseline_value": "基期值",
            "baseline_period": "基期", "plan": "规划", "strength": "约束性", "document": "文件", "document_zh": "文件（中文）", "quote": "原文",
            "status": "状态", "trajectory": "路径", "synthetic": "合成数据", "code": "代码", "name_zh": "中文名称"}
_LOOKUP = {alias.lower(): name for name, aliases in ALIASES.items() for alias in aliases}
_SPLIT = re.compile(r"[\s/|()（）:：、,，]+")


def field_zh(name: str) -> str:
    return FIELD_ZH.get(name, name)


def missing(name: str) -> dict:
    """The parameters of a missing-column problem: the field, and in Chinese with its name."""
    return {"column": name, "column_zh": f"{name!r}（{FIELD_ZH[name]}）" if name in FIELD_ZH else repr(name)}


def header_fields(header: object, known: tuple[str, ...]) -> tuple[list[str], bool]:
    """The fields a header names (none, one, or several when it is ambiguous) and whether it names
    them by name rather than by code.  A whole header is matched first, then its words (a bilingual
    "指标代码 indicator" names the indicator once)."""
    text = str(header or "").strip().lower()
    if not text:
        return [], False
    if text in known:
        return [text], False
    if text in _LOOKUP:
        return ([_LOOKUP[text]] if _LOOKUP[text] in known else []), text in BY_NAME
    fields: list[str] = []
    by_name = False
    for token in _SPLIT.split(text):
        name = token if token in known else _LOOKUP.get(token)
        if name in known:
            by_name = by_name or token in BY_NAME
            if name not in fields:
                fields.append(name)
    return fields, by_name


def field_of(header: object, known: tuple[str, ...]) -> str | None:
    """The field a header names, or None (unknown columns are ignored, e.g. the template's names;
    an ambiguous header names none)."""
    fields, _ = header_fields(header, known)
    return fields[0] if len(fields) == 1 else None


def fields_for(kind: str) -> tuple[str, ...]:
    return OBSERVATION_FIELDS if kind == "observations" else TARGET_FIELDS


def column_index(header: list, kind: str, required: tuple[str, ...], report, *, row: int | None,
                 sheet=None) -> dict[str, int] | None:
    """Which cell of a header row holds each standard field, or None after reporting why the header
    cannot be read (a required field missing, a header naming two fields, two columns for a field)."""
    known = fields_for(kind)
    found: dict[str, list[tuple[bool, int]]] = {}
    bad = False
    for i, h in enumerate(header):
        fields, by_name = header_fields(h, known)
        if len(fields) > 1:
            report.add("ambiguous-column", sheet=sheet, row=row, header=str(h).strip(), fields=", ".join(fields),
                       fields_zh="、".join(field_zh(f) for f in fields))
            bad = True
        elif fields:
            found.setdefault(fields[0], []).append((by_name, i))
    index: dict[str, int] = {}
    for name, columns in found.items():
        # codes first (False sorts before True), then left to right
        best = [i for by_name, i in sorted(columns) if by_name == min(b for b, _ in columns)]
        if len(best) > 1:
            report.add("duplicate-column", sheet=sheet, row=row, field=name, column=name, column_zh=field_zh(name),
                       headers=", ".join(repr(str(header[i]).strip()) for i in best))
            bad = True
        index[name] = best[0]
    for col in required:
        if col not in index:
            report.add("missing-column", sheet=sheet, row=row, field=col, **missing(col))
            bad = True
    return None if bad else index
