"""Reading regions: the bundled divisions file, or luoshi's own region CSV with validity dates
(docs/regions-format.md; ``valid_to`` is the last day valid)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from luoshi.domain.problems import Report, one_of
from luoshi.domain.regions import CODE_RULE, DEPTH, KIND_LEVEL, LEVELS, valid_code
from luoshi.ingest.tables import read_csv

DEFAULT_FROM = date(1980, 1, 1)


def _date(text: str, report: Report, row: int, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        report.add("bad-date", row=row, field=field, value=text)
        return None


def read_regions(path: str | Path, report: Report, known: set[str] = frozenset()) -> list[dict]:
    """Region records (code, parent, level, names, validity, source); parents may be in the file or known."""
    rows = read_csv(path, report, required=("code", "name_zh"))
    out, seen = [], {}
    for n, r in rows:
        code = r.get("code", "")
        if not valid_code(code):
            report.add("bad-value", row=n, field="code", column="code", value=code, **CODE_RULE)
            continue
        if code in seen:
            report.add("duplicate-row", row=n, field="code", other=seen[code])
            continue
        seen[code] = n
        kind = r.get("kind") or r.get("level") or ""
        level = KIND_LEVEL.get(kind, kind)
        if level not in LEVELS:
            report.add("bad-value", row=n, field="level", column="level", value=kind, **one_of(LEVELS))
            continue
        name_en = r.get("name_en") or r.get("pinyin") or ""
        if not name_en:
            report.add("missing-value", row=n, field="name_en", column="name_en")
            continue
        vf = _date(r.get("valid_from", ""), report, n, "valid_from") or DEFAULT_FROM
        vt = _date(r.get("valid_to", ""), report, n, "valid_to")  # the last day valid, inclusive
        if vt is not None and vt < vf:
            report.add("bad-value", row=n, field="valid_to", column="valid_to", value=vt.isoformat(),
                       detail=f"the last day valid is before the first, {vf.isoformat()}",
                       detail_zh=f"最后有效日早于起始日 {vf.isoformat()}")
            continue
        synthetic = (r.get("synthetic", "") or "").lower() in ("1", "true", "yes")
        out.append({
            "code": code, "parent": r.get("parent_code") or None, "level": level, "depth": DEPTH[level],
            "kind": kind, "name_zh": r["name_zh"], "name_en": name_en, "short_zh": r.get("name_zh_short") or None,
            "valid_from": vf, "valid_to": vt, "synthetic": synthetic,
            "source": r.get("source") or None, "status": r.get("status") or r.get("data_version") or None, "row": n,
        })
    codes = {r["code"] for r in out} | set(known)
    for r in out:
        if r["parent"] and r["parent"] not in codes:
            report.add("unknown-parent", row=r["row"], field="parent_code", value=r["parent"])
    return out
