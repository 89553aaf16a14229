"""DHIS2 ``dataValueSets`` (JSON, and CSV by column position) read into the standard text table,
with DHIS2 identifiers mapped to luoshi codes through a mapping file.

Mapping file (JSON or YAML)::

    dataElements: {DE_UID: indicator_code, ...}
    orgUnits: {OU_UID: region_code, ...}
    categoryOptionCombos: [HllvX50cXC0]      # accepted combos (default: the DHIS2 default combo)

A value whose identifiers have no mapping is rejected with ``unknown-mapping`` — never dropped.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa

from luoshi.domain.problems import Report
from luoshi.ingest.columns import OBSERVATION_FIELDS
from luoshi.ingest.tables import decode

CSV_COLUMNS = ("dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value",
               "storedBy", "created", "lastUpdated", "comment", "followup")
DEFAULT_COMBO = "HllvX50cXC0"


def load_mapping(path: str | Path) -> dict:
    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith((".yaml", ".yml")):
        import yaml
        data = yaml.safe_load(text) or {}
    else:
        data = json.loads(text)
    return {"dataElements": dict(data.get("dataElements") or {}), "orgUnits": dict(data.get("orgUnits") or {}),
            "categoryOptionCombos": list(data.get("categoryOptionCombos") or [DEFAULT_COMBO])}


def read_values(data: bytes, fmt: str, report: Report) -> tuple[list[dict] | None, int]:
    """The data values and the row number of the first one (JSON: item 1; CSV: line 1 or 2)."""
    decoded = decode(data)
    if decoded is None:
        report.add("bad-format", format=f"DHIS2 {fmt}", detail="not UTF-8/GB18030 text")
        return None, 1
    if fmt == "json":
        try:
            doc = json.loads(decoded[0])
        except (ValueError, RecursionError) as exc:
            report.add("bad-format", format="DHIS2 JSON", detail=str(exc)[:200])
            return None, 1
        values = doc.get("dataValues") if isinstance(doc, dict) else None
        if not isinstance(values, list):
            report.add("bad-format", format="DHIS2 JSON", detail='expected {"dataValues": [...]}')
            return None, 1
        out = [v if isinstance(v, dict) else {} for v in values]
        for n, v in enumerate(values, start=1):
            if not isinstance(v, dict):
                report.add("bad-format", row=n, format="DHIS2 JSON", detail="each data value must be an object")
        return out, 1
    try:
        rows = list(csv.reader(io.StringIO(decoded[0], newline="")))
    except csv.Error as exc:
        report.add("bad-format", format="DHIS2 CSV", detail=str(exc))
        return None, 1
    if rows and rows[0] and rows[0][0].strip().lower() in ("dataelement", "data element"):
        return [dict(zip(CSV_COLUMNS, r)) for r in rows[1:]], 2
    return [dict(zip(CSV_COLUMNS, r)) for r in rows], 1


def to_table(values: list[dict], mapping: dict, report: Report, first_row: int = 1) -> tuple[pa.Table, set[int]]:
    """The values as the observations text table; rows whose identifiers are unmapped are reported
    and returned in the skip set (they are rejected, not dropped)."""
    cols: dict[str, list] = {"row_no": [], "sheet": []} | {f: [] for f in OBSERVATION_FIELDS}
    skip: set[int] = set()
    des, ous, combos = mapping["dataElements"], mapping["orgUnits"], set(mapping["categoryOptionCombos"])
    for n, v in enumerate(values, start=first_row):
        de, ou = str(v.get("dataElement") or ""), str(v.get("orgUnit") or "")
        coc = str(v.get("categoryOptionCombo") or DEFAULT_COMBO)
        for kind, key, table in (("dataElement", de, des), ("orgUnit", ou, ous)):
            if key and key not in table:
                report.add("unknown-mapping", row=n, field=kind, kind=kind, value=key)
                skip.add(n)
        if coc not in combos:
            report.add("unknown-mapping", row=n, field="categoryOptionCombo", kind="categoryOptionCombo", value=coc)
            skip.add(n)
        row = {"indicator": des.get(de, de) or None, "region": ous.get(ou, ou) or None,
               "period": None if v.get("period") is None else str(v.get("period")),
               "value": None if v.get("value") is None else str(v.get("value")), "unit": None,
               "comment": v.get("comment") or None,
               "source": f"dhis2:{v.get('storedBy')}" if v.get("storedBy") else "dhis2", "state": None}
        cols["row_no"].append(n)
        cols["sheet"].append(None)
        for f in OBSERVATION_FIELDS:
            cols[f].append(row[f])
    table = pa.table({k: pa.array(v, pa.int32() if k == "row_no" else pa.string()) for k, v in cols.items()})
    report.rows_read = table.num_rows
    return table, skip
