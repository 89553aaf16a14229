"""Interchange: DHIS2 dataValueSets in and out (JSON and CSV, through a mapping file; docs/dhis2.md)
and the rollup as SDMX-CSV 2.0.  Exports only contain what the caller may read."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from luoshi.domain.periods import parse_given
from luoshi.domain.problems import InputError, Report
from luoshi.domain.roles import Actor
from luoshi.ingest.dhis2 import CSV_COLUMNS, load_mapping, read_values, to_table
from luoshi.services import observations
from luoshi.store.csv_files import write_csv

SDMX_STRUCTURE = "LUOSHI:ROLLUP(1.0)"
SDMX_COLUMNS = ("STRUCTURE", "STRUCTURE_ID", "ACTION", "INDICATOR", "REF_AREA", "TIME_PERIOD", "OBS_VALUE",
                "UNIT_MEASURE", "DERIVATION", "SYNTHETIC")


def dhis2_import(reporting, path: str | Path, mapping_path: str | Path, *, actor: Actor, mode: str = "all-or-nothing",
                 dry_run: bool = False, state: str | None = None) -> dict:
    """Import a dataValueSet; the summary lists every value as imported, updated, unchanged or rejected.
    Each value stored keeps the combos and storedBy it came with (table dhis2_origins)."""
    fmt = "json" if str(path).lower().endswith(".json") else "csv"
    report = Report(file=Path(path).name)
    mapping = load_mapping(mapping_path, report)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        report.add("file-not-found" if isinstance(exc, FileNotFoundError) else "unreadable-file",
                   path=str(path), detail=str(exc))
        data = None
    values, first = read_values(data, fmt, report) if data is not None else (None, 1)
    table, skip, origins = None, set(), None
    if values is not None and mapping is not None:
        if not values:
            report.add("empty-file")
        else:
            table, skip, origins = to_table(values, mapping, report, first)

    def keep_origins(con, stored: list[tuple[int, int]]) -> None:
        if not stored:
            return
        at = {n: k for k, n in enumerate(origins.column("row_no").to_pylist())}
        kept = origins.take(pa.array([at[row] for row, _ in stored], pa.int64())).append_column(  # noqa: F841
            "oid", pa.array([oid for _, oid in stored], pa.int64()))
        con.execute("""INSERT INTO dhis2_origins
                       SELECT oid, category_option_combo, attribute_option_combo, stored_by FROM kept""")

    state = state or ("approved" if actor.superuser else "submitted")
    ws = reporting.ws
    from luoshi.services.workflow import lock_relation
    result = observations.submit(ws.db, ws.catalog(), table, report, mode=mode, dry_run=dry_run, state=state,
                                 actor=actor, fmt=f"dhis2-{fmt}", checks=reporting.checks(),
                                 basis=ws.setting("value_basis"), locked_sql=lock_relation(ws.today), skip=skip,
                                 detail=True, on_stored=keep_origins)
    values_out = result.get("values", [])
    result["summary"] = {k: sum(1 for v in values_out if v["outcome"] == k)
                         for k in ("imported", "updated", "unchanged", "rejected")}
    return result


def _scoped(actor: Actor) -> tuple[str, list]:
    rids = actor.rids("read")
    if rids is None:
        return "", []
    return " AND x.rid IN (SELECT unnest(?::INTEGER[]))", [sorted(rids)]


def dhis2_export(db, path: str | Path, mapping_path: str | Path, *, actor: Actor, period: str | None = None) -> dict:
    """Approved values of mapped indicators and regions as a dataValueSet (JSON or CSV by suffix).

    ``period`` in any spelling luoshi accepts (202401, 2024-01, 2024Q1, 2024, ...; a bad one raises
    refused: bad-period) selects every value whose period lies within it: a year gives the
    months of a monthly indicator, the quarters of a quarterly one and the year itself of an annual
    one (and a finer indicator's weeks or days that lie wholly inside it, as the judgement counts
    them).  A value of a longer period than the one asked (an annual value when a month is asked) is
    not exported: a value is never split or repeated.

    A value imported from DHIS2 goes out with the categoryOptionCombo, attributeOptionCombo and
    storedBy it came with; a value entered in luoshi with the mapping's default combos and the luoshi
    user who stored it.  A state change (submit, approve, lock) keeps the origin of the value."""
    report = Report(file=Path(mapping_path).name)
    m = load_mapping(mapping_path, report)
    if m is None:
        raise InputError(report)
    asked = parse_given(period) if period is not None else None
    de_of = {v: k for k, v in m["dataElements"].items()}
    ou_of = {v: k for k, v in m["orgUnits"].items()}
    where, params = _scoped(actor)
    if asked is not None:
        where += ' AND p.start >= ? AND p."end" <= ?'
        params += [asked.start, asked.end]
    # the revision that set the approved value: the latest one up to it that changed the value or
    # came from DHIS2 (approving or locking adds a revision with the same value and no origin)
    rows = db.all(f"""
        WITH x AS (
            SELECT x.iid, x.rid, x.pkey, x.approved_oid, x.approved_value, p.code AS period, p.type,
                   i.code AS indicator, r.code AS region
            FROM obs_current x JOIN indicators i ON i.iid = x.iid JOIN regions r ON r.rid = x.rid
            JOIN periods p ON p.key = x.pkey
            WHERE x.approved_oid IS NOT NULL AND i.code IN (SELECT unnest(?::TEXT[]))
              AND r.code IN (SELECT unnest(?::TEXT[])) {where}
        ), rev AS (
            SELECT o.oid, o.iid, o.rid, o.pkey, o.value, o.reported_by, o.reported_at, o.comment,
                   lag(o.value) OVER (PARTITION BY o.iid, o.rid, o.pkey ORDER BY o.oid) AS before
            FROM observations o JOIN x USING (iid, rid, pkey) WHERE o.oid <= x.approved_oid
        ), setter AS (
            SELECT rev.iid, rev.rid, rev.pkey, max(rev.oid) AS oid FROM rev
            LEFT JOIN dhis2_origins g ON g.oid = rev.oid
            WHERE rev.before IS DISTINCT FROM rev.value OR g.oid IS NOT NULL
            GROUP BY ALL
        )
        SELECT x.indicator, x.region, x.period, x.type, x.approved_value AS value,
               coalesce(g.stored_by, s.reported_by) AS stored_by, s.reported_at AS created,
               a.reported_at AS updated, s.comment, g.category_option_combo, g.attribute_option_combo
        FROM x JOIN setter USING (iid, rid, pkey) JOIN rev s ON s.oid = setter.oid
        JOIN observations a ON a.oid = x.approved_oid LEFT JOIN dhis2_origins g ON g.oid = setter.oid
        ORDER BY x.indicator, x.region, x.pkey""", [sorted(de_of), sorted(ou_of), *params])
    out = []
    for r in rows:
        created, updated = (r[k].isoformat(timespec="seconds") if r[k] else None for k in ("created", "updated"))
        out.append({"dataElement": de_of[r["indicator"]], "period": dhis2_period(r["period"], r["type"]),
                    "orgUnit": ou_of[r["region"]],
                    "categoryOptionCombo": r["category_option_combo"] or m["defaultCategoryOptionCombo"],
                    "attributeOptionCombo": r["attribute_option_combo"] or m["defaultAttributeOptionCombo"],
                    "value": dhis2_number(r["value"]), "storedBy": r["stored_by"], "created": created,
                    "lastUpdated": updated, "comment": r["comment"], "followup": False})
    p = Path(path)
    if p.suffix.lower() == ".json":
        p.write_text(json.dumps({"dataValues": out}, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        # the value as the number it is: the writer neutralises text, and -3.5 is not a formula
        write_csv(p, list(CSV_COLUMNS), ([dhis2_value(r["value"]) if c == "value" else "" if v[c] is None
                                          else str(v[c]).lower() if isinstance(v[c], bool) else v[c]
                                          for c in CSV_COLUMNS] for r, v in zip(rows, out)))
    return {"file": str(p), "values": len(out), "period": asked.code if asked else None}


def dhis2_value(value: float) -> int | float:
    """A value as the number DHIS2 is sent, every digit kept: 1430000.0 -> 1430000, 5.25 -> 5.25."""
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else float(value)


def dhis2_number(value: float) -> str:
    """A value as DHIS2 text (JSON), every digit kept: 1430000 -> "1430000", 5.25 -> "5.25" (not 1.43e+06)."""
    return str(dhis2_value(value))


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
    # rounded to the indicator's decimals: a sum or mean of doubles carries noise (371.15090000000004)
    rows = db.cursor().execute(f"""
        SELECT i.code, r.code, p.code, p.type, round(x.value, i.decimals), i.unit,
               CASE x.src WHEN 0 THEN 'reported' WHEN 1 THEN 'time' WHEN 2 THEN 'regions' ELSE 'formula' END,
               x.synthetic
        FROM rollup x JOIN indicators i ON i.iid = x.iid JOIN regions r ON r.rid = x.rid JOIN periods p ON p.key = x.pkey
        WHERE x.value IS NOT NULL {where} ORDER BY i.code, r.code, x.pkey""", params).fetchall()
    write_csv(path, list(SDMX_COLUMNS), (["dataflow", SDMX_STRUCTURE, "I", ind, reg, sdmx_period(per, ptype),
                                          float(value), unit, src, "true" if syn else "false"]
                                         for ind, reg, per, ptype, value, unit, src, syn in rows),
              bom=False)  # an SDMX tool's file, not a spreadsheet's: sdmx1 refuses the mark
    return {"file": str(path), "observations": len(rows), "structure": SDMX_STRUCTURE}
