"""Reading indicator definitions from YAML (docs/indicator-format.md)."""

from __future__ import annotations

from pathlib import Path

import yaml

from luoshi.domain.indicators import Indicator, normalise_frequency
from luoshi.domain.problems import Report

FIELDS = {f for f in Indicator.__dataclass_fields__}


def read_indicators(path: str | Path, report: Report, known: set[str] = frozenset()) -> list[Indicator]:
    p = Path(path)
    if not p.is_file():
        report.add("file-not-found", path=str(path))
        return []
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        report.add("bad-format", format="YAML", detail=str(exc).splitlines()[0])
        return []
    items = data.get("indicators") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        report.add("bad-format", format="indicator YAML", format_zh="指标 YAML",
                   detail="expected a top-level 'indicators:' list", detail_zh="顶层应为 'indicators:' 列表")
        return []
    out, seen = [], set()
    for i, raw in enumerate(items, start=1):
        where = f"indicators[{i}]"
        if not isinstance(raw, dict):
            report.add("bad-format", field=where, format="indicator YAML", format_zh="指标 YAML",
                       detail="an indicator must be a mapping", detail_zh="每个指标都应是键值对")
            continue
        missing = [k for k in ("code", "name_zh", "name_en", "unit") if raw.get(k) in (None, "")]
        for k in missing:
            report.add("missing-value", field=f"{where}.{k}", column=k)
        if missing:
            continue
        unknown = sorted(set(raw) - FIELDS)
        if unknown:
            report.add("bad-value", field=f"{where}.{unknown[0]}", column=unknown[0], value=raw[unknown[0]],
                       detail="not an indicator field", detail_zh="不是指标的字段")
            continue
        raw = dict(raw)
        raw["code"] = str(raw["code"])
        raw["unit"] = str(raw["unit"])
        raw["frequency"] = normalise_frequency(str(raw.get("frequency", "M")))
        ind = Indicator(**raw)
        if ind.code in seen:
            report.add("duplicate-code", field=f"{where}.code", value=ind.code)
        seen.add(ind.code)
        for field_, message, message_zh in ind.check():
            report.add("bad-value", field=f"{where}.{field_}", column=field_, value=raw.get(field_) or "",
                       detail=message, detail_zh=message_zh)
        out.append(ind)
    codes = {i.code for i in out} | set(known)
    for i, ind in enumerate(out, start=1):
        for ref in (ind.weight, ind.numerator, ind.denominator):
            if ref and ref not in codes:
                report.add("unknown-indicator", field=f"indicators[{i}]", value=ref)
    return out
