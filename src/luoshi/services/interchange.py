"""Interchange: DHIS2 dataValueSets in and out (JSON and CSV, through a mapping file) and the
rollup as SDMX-CSV 2.0.  Exports only contain what the caller may read."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from luoshi.domain.problems import Refusal, Report
from luoshi.domain.roles import Actor
from luoshi.ingest.dhis2 import CSV_COLUMNS, DEFAULT_COMBO, load_mapping, read_values, to_table
from luoshi.services import observations

SDMX_STRUCTURE = "LUOSHI:ROLLUP(1.0)"
SDMX_COLUMNS = ("STRUCTURE", "STRUCTURE_ID", "ACTION", "INDICATOR", "REF_AREA", "TIME_PERIOD", "OBS_VALUE",
                "UNIT_MEASURE", "DERIVATION", "SYNTHETIC")


def dhis2_import(reporting, path: str | Path, mapping_path: str | Path, *, actor: Actor, mode: str = "all-or-nothing",
                 dry_run: bool = False, state: str | None = None) -> dict:
    """Import a dataValueSet; the summary lists every value as imported, updated, unchanged or rejected."""
    fmt = "json" if str(path).lower().endswith(".json") else "csv"
    report = Report(file=Path(path).name)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        report.add("file-not-found" if isinstance(exc, FileNotFoundError) else "unreadable-file",
                   path=str(path), detail=str(exc))
        data = None
    values, first = read_values(data, fmt, report) if data is not None else (None, 1)
    table, skip = (None, set())
    if values is not None:
        if not values:
            report.add("empty-file")
        else:
            table, skip = to_table(values, _mapping(mapping_path), report, first)
    state = state or ("approved" if actor.superuser else "submitted")
    ws = reporting.ws
    from luoshi.services.workflow import lock_relation
    result = observations.submit(ws.db, ws.catalog(), table, report, mode=mode, dry_run=dry_run, state=state,
                                 actor=actor, fmt=f"dhis2-{fmt}", checks=reporting.checks(),
                                 basis=ws.setting("value_basis"), locked_sql=lock_relation(ws.today), skip=skip,
                                 detail=True)
    values_out = result.get("values", [])
    result["summary"] = {k: sum(1 for v in values_out if v["outcome"] == k)
                         for k in ("imported", "updated", "unchanged", "rejected")}
    return result


def _mapping(path: str | Path) -> dict:
    """The mapping file, or a refusal naming what is wrong with it."""
    import yaml

    try:
        return load_mapping(path)
    except FileNotFoundError:
        raise Refusal("file-not-found", 404, path=str(path)) from None
    except (OSError, ValueError, TypeError, AttributeError, yaml.YAMLError) as exc:
        raise Refusal("unreadable-file", detail=f"{Path(path).name}: {exc}"[:300]) from None


def _scoped(actor: Actor) -> tuple[str, list]:
    rids = actor.rids("read")
    if rids is None:
        return "", []
    return " AND x.rid IN (SELECT unnest(?::INTEGER[]))", [sorted(rids)]


def dhis2_export(db, path: str | Path, mapping_path: str | Path, *, actor: Actor, period: str | None = None) -> dict:
    """Approved values of mapped indicators and regions as a dataValueSet (JSON or CSV by suffix)."""
    m = _mapping(mapping_path)
    de_of = {v: k for k, v in m["dataElements"].items()}
    ou_of = {v: k for k, v in m["orgUnits"].items()}
    where, params = _scoped(actor)
    if period:
        where += " AND p.code = ?"
        params.append(period)
    rows = db.all(f"""SELECT i.code AS indicator, r.code AS region, p.code AS period, p.type, x.approved_value AS value,
                             o.reported_by, o.reported_at, o.comment
                      FROM obs_current x JOIN indicators i ON i.iid = x.iid JOIN regions r ON r.rid = x.rid
                      JOIN periods p ON p.key = x.pkey LEFT JOIN observations o ON o.oid = x.approved_oid
                      WHERE x.approved_oid IS NOT NULL {where} ORDER BY i.code, r.code, x.pkey""", params)
    out = []
    for r in rows:
        if r["indicator"] not in de_of or r["region"] not in ou_of:
            continue
        at = r["reported_at"].isoformat(timespec="seconds") if r["reported_at"] else None
        out.append({"dataElement": de_of[r["indicator"]], "period": dhis2_period(r["period"], r["type"]),
                    "orgUnit": ou_of[r["region"]], "categoryOptionCombo": DEFAULT_COMBO,
                    "attributeOptionCombo": DEFAULT_COMBO, "value": f"{r['value']:g}", "storedBy": r["reported_by"],
                    "created": at, "lastUpdated": at, "comment": r["comment"], "followup": False})
    p = Path(path)
    if p.suffix.lower() == ".json":
        p.write_text(json.dumps({"dataValues": out}, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for v in out:
            w.writerow(["" if v[c] is None else str(v[c]).lower() if isinstance(v[c], bool) else v[c] for c in CSV_COLUMNS])
        p.write_text(buf.getvalue(), encoding="utf-8")
    return {"file": str(p), "values": len(out)}


def dhis2_period(code: str, ptype: str) -> str:
    """luoshi period codes in DHIS2 spelling: 2024-03 -> 202403, 2024-03-15 -> 20240315."""
    return code.replace("-", "") if ptype in ("M", "D") else code


def sdmx_period(code: str, ptype: str) -> str:
    """luoshi period codes in SDMX (ISO 8601 reporting periods): 2024Q1 -> 2024-Q1, 2024S1 -> 2024-S1."""
    if ptype in ("Q", "S", "W"):
        return f"{code[:4]}-{code[4:]}"
    return code


def sdmx_export(db, path: str | Path, *, actor: Actor, indicators: list[str] | None = None) -> dict:
    """The rollup as SDMX-CSV 2.0 (dataflow LUOSHI:ROLLUP(1.0)), restricted to the caller's scope."""
    where, params = _scoped(actor)
    if indicators:
        where += " AND i.code IN (SELECT unnest(?::TEXT[]))"
        params.append(list(indicators))
    rows = db.cursor().execute(f"""
        SELECT i.code, r.code, p.code, p.type, x.value, i.unit,
               CASE x.src WHEN 0 THEN 'reported' WHEN 1 THEN 'time' WHEN 2 THEN 'regions' ELSE 'formula' END,
               x.synthetic
        FROM rollup x JOIN indicators i ON i.iid = x.iid JOIN regions r ON r.rid = x.rid JOIN periods p ON p.key = x.pkey
        WHERE x.value IS NOT NULL {where} ORDER BY i.code, r.code, x.pkey""", params).fetchall()
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(SDMX_COLUMNS)
        for ind, reg, per, ptype, value, unit, src, syn in rows:
            w.writerow(["dataflow", SDMX_STRUCTURE, "I", ind, reg, sdmx_period(per, ptype), repr(float(value)),
                        unit, src, "true" if syn else "false"])
    return {"file": str(path), "observations": len(rows), "structure": SDMX_STRUCTURE}
