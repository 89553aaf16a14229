"""DHIS2 ``dataValueSets`` (JSON, and CSV by column position) read into the standard text table,
with DHIS2 identifiers mapped to luoshi codes through a mapping file (docs/dhis2.md).

Mapping file (JSON or YAML)::

    dataElements: {DE_UID: indicator_code, ...}
    orgUnits: {OU_UID: region_code, ...}
    categoryOptionCombos: [HllvX50cXC0]        # accepted on import (default: the DHIS2 default combo)
    attributeOptionCombos: [HllvX50cXC0]       # accepted on import (default: the DHIS2 default combo)
    defaultCategoryOptionCombo: HllvX50cXC0    # exported for values entered in luoshi (default: the first accepted)
    defaultAttributeOptionCombo: HllvX50cXC0   # likewise (default: the first accepted)

A value whose identifiers have no mapping is rejected with ``unknown-mapping`` — never dropped.
The combos and ``storedBy`` a value came with are returned beside the table (``origins``), so that
the import can keep them with the revision it stores and the export can give them back.
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
from luoshi.store.csv_files import restore

CSV_COLUMNS = ("dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value",
               "storedBy", "created", "lastUpdated", "comment", "followup")
DEFAULT_COMBO = "HllvX50cXC0"
MAPPING_KEYS = ("dataElements", "orgUnits", "categoryOptionCombos", "attributeOptionCombos",
                "defaultCategoryOptionCombo", "defaultAttributeOptionCombo")
_TYPE_ZH = {dict: "键值对", list: "列表", str: "文本"}


def load_mapping(path: str | Path, report: Report) -> dict | None:
    """The mapping file with every key filled in (defaults above); None, with the problem in the
    report, when it cannot be read or does not have the shape above."""
    shown = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        report.add("file-not-found", file=shown, path=str(path))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        report.add("unreadable-file", file=shown, detail=str(exc)[:200])
        return None
    yaml_file = str(path).lower().endswith((".yaml", ".yml"))
    try:
        if yaml_file:
            import yaml
            data = yaml.safe_load(text) or {}
        else:
            data = json.loads(text)
    except Exception as exc:  # yaml.YAMLError or ValueError: either way the file is not a mapping
        kind = "YAML" if yaml_file else "JSON"
        report.add("bad-format", file=shown, format=f"DHIS2 mapping {kind}", format_zh=f"DHIS2 映射 {kind}",
                   detail=str(exc)[:200])
        return None
    shape = {"dataElements": dict, "orgUnits": dict, "categoryOptionCombos": list, "attributeOptionCombos": list,
             "defaultCategoryOptionCombo": str, "defaultAttributeOptionCombo": str}
    wrong = [k for k, t in shape.items() if isinstance(data, dict) and data.get(k) is not None
             and not isinstance(data[k], t)]
    if not isinstance(data, dict) or wrong:
        keys = wrong or MAPPING_KEYS
        report.add("bad-format", file=shown, format="DHIS2 mapping", format_zh="DHIS2 映射",
                   detail="expected an object with " + ", ".join(f"{k} ({shape[k].__name__})" for k in keys),
                   detail_zh="应为含以下键的对象：" + "、".join(f"{k}（{_TYPE_ZH[shape[k]]}）" for k in keys))
        return None
    cocs = [str(c) for c in data.get("categoryOptionCombos") or [DEFAULT_COMBO]]
    aocs = [str(c) for c in data.get("attributeOptionCombos") or [DEFAULT_COMBO]]
    return {"dataElements": {str(k): str(v) for k, v in (data.get("dataElements") or {}).items()},
            "orgUnits": {str(k): str(v) for k, v in (data.get("orgUnits") or {}).items()},
            "categoryOptionCombos": cocs, "attributeOptionCombos": aocs,
            "defaultCategoryOptionCombo": data.get("defaultCategoryOptionCombo") or cocs[0],
            "defaultAttributeOptionCombo": data.get("defaultAttributeOptionCombo") or aocs[0]}


def read_values(data: bytes, fmt: str, report: Report) -> tuple[list[dict] | None, int]:
    """The data values and the row number of the first one (JSON: item 1; CSV: line 1 or 2)."""
    decoded = decode(data)
    if decoded is None:
        report.add("bad-format", format=f"DHIS2 {fmt.upper()}", detail="not UTF-8/GB18030 text",
                   detail_zh="不是 UTF-8 或 GB18030 文本")
        return None, 1
    if fmt == "json":
        try:
            doc = json.loads(decoded[0])
        except (ValueError, RecursionError) as exc:
            report.add("bad-format", format="DHIS2 JSON", detail=str(exc)[:200])
            return None, 1
        values = doc.get("dataValues") if isinstance(doc, dict) else None
        if not isinstance(values, list):
            report.add("bad-format", format="DHIS2 JSON", detail='expected {"dataValues": [...]}',
                       detail_zh='应为 {"dataValues": [...]}')
            return None, 1
        out = [v if isinstance(v, dict) else {} for v in values]
        for n, v in enumerate(values, start=1):
            if not isinstance(v, dict):
                report.add("bad-format", row=n, format="DHIS2 JSON", detail="each data value must be an object",
                           detail_zh="每个数据值都应是对象")
        return out, 1
    try:
        # a cell that luoshi's CSV export neutralised ('=1+1) is read as the text it stored (=1+1)
        rows = [[restore(c) for c in r] for r in csv.reader(io.StringIO(decoded[0], newline=""))]
    except csv.Error as exc:
        report.add("bad-format", format="DHIS2 CSV", detail=str(exc))
        return None, 1
    if rows and rows[0] and rows[0][0].strip().lower() in ("dataelement", "data element"):
        return [dict(zip(CSV_COLUMNS, r)) for r in rows[1:]], 2
    return [dict(zip(CSV_COLUMNS, r)) for r in rows], 1


def to_table(values: list[dict], mapping: dict, report: Report,
             first_row: int = 1) -> tuple[pa.Table, set[int], pa.Table]:
    """The values as the observations text table, the rows whose identifiers are unmapped (reported,
    and returned in the skip set: they are rejected, not dropped), and the origin of every row:
    (row_no, category_option_combo, attribute_option_combo, stored_by) as DHIS2 sent them."""
    cols: dict[str, list] = {"row_no": [], "sheet": []} | {f: [] for f in OBSERVATION_FIELDS}
    origin: dict[str, list] = {"row_no": [], "category_option_combo": [], "attribute_option_combo": [],
                               "stored_by": []}
    skip: set[int] = set()
    des, ous = mapping["dataElements"], mapping["orgUnits"]
    accepted = {"categoryOptionCombo": set(mapping["categoryOptionCombos"]),
                "attributeOptionCombo": set(mapping["attributeOptionCombos"])}
    for n, v in enumerate(values, start=first_row):
        de, ou = str(v.get("dataElement") or ""), str(v.get("orgUnit") or "")
        combos = {k: str(v.get(k) or DEFAULT_COMBO) for k in accepted}  # DHIS2 leaves the default combo out
        for kind, key, table in (("dataElement", de, des), ("orgUnit", ou, ous)):
            if key and key not in table:
                report.add("unknown-mapping", row=n, field=kind, kind=kind, value=key)
                skip.add(n)
        for kind, combo in combos.items():
            if combo not in accepted[kind]:
                report.add("unknown-mapping", row=n, field=kind, kind=kind, value=combo)
                skip.add(n)
        row = {"indicator": des.get(de, de) or None, "region": ous.get(ou, ou) or None,
               "period": None if v.get("period") is None else str(v.get("period")),
               "value": None if v.get("value") is None else str(v.get("value")), "unit": None,
               "comment": v.get("comment") or None, "source": None, "state": None}
        cols["row_no"].append(n)
        cols["sheet"].append(None)
        for f in OBSERVATION_FIELDS:
            cols[f].append(row[f])
        for k, value in (("row_no", n), ("category_option_combo", combos["categoryOptionCombo"]),
                         ("attribute_option_combo", combos["attributeOptionCombo"]),
                         ("stored_by", str(v["storedBy"]) if v.get("storedBy") else None)):
            origin[k].append(value)
    table = pa.table({k: pa.array(v, pa.int32() if k == "row_no" else pa.string()) for k, v in cols.items()})
    origins = pa.table({k: pa.array(v, pa.int32() if k == "row_no" else pa.string()) for k, v in origin.items()})
    report.rows_read = table.num_rows
    return table, skip, origins
