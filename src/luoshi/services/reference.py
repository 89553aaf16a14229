"""Loading reference data into a workspace: regions, plans, indicators, clusters.  Each load is one
transaction: a file with any error changes nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from luoshi.domain.problems import InputError, Report
from luoshi.domain.regions import DEPTH
from luoshi.ingest.indicators import read_indicators
from luoshi.ingest.plans import read_plans
from luoshi.ingest.regions import read_regions
from luoshi.store.db import Database


def load_regions(db: Database, path: str | Path) -> dict:
    report = Report(file=str(path))
    known = {r["code"] for r in db.all("SELECT code FROM regions")}
    records = read_regions(path, report, known)
    if not report.ok:
        raise InputError(report)
    added = _write_regions(db, records)
    return {"file": str(path), "regions": len(records), "added": added}


def bulk_regions(db: Database, records: list[dict]) -> None:
    """Store many regions given in Python (the benchmark's synthetic towns and villages), unchecked."""
    _write_regions(db, records)


def _write_regions(db: Database, records: list[dict]) -> int:
    """Store region records set-based (one statement per table, the bundled villages are ~27,000):
    a region loaded again replaces its row, and its link that starts on the same ``valid_from``;
    a new code gets the next id.  Returns how many codes were new."""
    import pyarrow as pa

    cols = {k: [] for k in ("rid", "code", "level", "depth", "kind", "name_zh", "name_en", "short_zh",
                            "valid_from", "valid_to", "synthetic", "source", "status")}
    links = {k: [] for k in ("rid", "parent_rid", "valid_from", "valid_to")}
    with db.write() as con:
        next_rid = con.execute("SELECT coalesce(max(rid), 0) + 1 FROM regions").fetchone()[0]
        ids = {code: rid for code, rid in con.execute("SELECT code, rid FROM regions").fetchall()}
        added = 0
        for rec in records:
            if rec["code"] not in ids:
                ids[rec["code"]] = next_rid
                next_rid += 1
                added += 1
        for rec in records:
            rid = ids[rec["code"]]
            for k in cols:
                cols[k].append(rid if k == "rid" else DEPTH[rec["level"]] if k == "depth"
                               else bool(rec.get(k)) if k == "synthetic" else rec.get(k))
            links["rid"].append(rid)
            links["parent_rid"].append(ids[rec["parent"]] if rec.get("parent") else None)
            links["valid_from"].append(rec["valid_from"])
            links["valid_to"].append(rec.get("valid_to"))
        region_rows = pa.table(cols, schema=pa.schema([
            ("rid", pa.int32()), ("code", pa.string()), ("level", pa.string()), ("depth", pa.int32()),
            ("kind", pa.string()), ("name_zh", pa.string()), ("name_en", pa.string()), ("short_zh", pa.string()),
            ("valid_from", pa.date32()), ("valid_to", pa.date32()), ("synthetic", pa.bool_()),
            ("source", pa.string()), ("status", pa.string())]))
        link_rows = pa.table(links, schema=pa.schema([("rid", pa.int32()), ("parent_rid", pa.int32()),
                                                      ("valid_from", pa.date32()), ("valid_to", pa.date32())]))
        con.register("_region_rows", region_rows)
        con.register("_link_rows", link_rows)
        try:
            con.execute("DELETE FROM regions WHERE rid IN (SELECT rid FROM _region_rows)")
            con.execute("INSERT INTO regions SELECT * FROM _region_rows")
            con.execute("DELETE FROM region_links l USING _link_rows n WHERE l.rid = n.rid AND l.valid_from = n.valid_from")
            con.execute("INSERT INTO region_links SELECT * FROM _link_rows")
        finally:
            con.unregister("_region_rows")
            con.unregister("_link_rows")
    return added


def load_plans(db: Database, path: str | Path) -> dict:
    report = Report(file=str(path))
    plans = read_plans(path, report)
    existing_plans = {r["id"] for r in db.all("SELECT id FROM plans")} | {p.id for p in plans}
    regions = {r["code"] for r in db.all("SELECT code FROM regions")}
    for i, plan in enumerate(plans, start=1):
        if plan.owner_region not in regions:
            report.add("unknown-region", field=f"plans[{i}].owner_region", value=plan.owner_region)
        if plan.parent_plan and plan.parent_plan not in existing_plans:
            report.add("unknown-plan", field=f"plans[{i}].parent_plan", value=plan.parent_plan)
    parent_nodes = {}
    for plan in plans:
        if plan.parent_plan:
            codes = {n.code for p in plans if p.id == plan.parent_plan for n in p.nodes}
            codes |= {r["code"] for r in db.all("SELECT code FROM plan_nodes WHERE plan_id = ?", [plan.parent_plan])}
            parent_nodes[plan.id] = codes
    for i, plan in enumerate(plans, start=1):
        for n in plan.nodes:
            if n.aligns_to and not plan.parent_plan:
                report.add("bad-value", field=f"plans[{i}].nodes[{n.seq}].aligns_to", column="aligns_to",
                           value=n.aligns_to, detail="a plan without parent_plan cannot align its nodes",
                           detail_zh="没有 parent_plan 的规划不能对齐节点")
            elif n.aligns_to and n.aligns_to not in parent_nodes.get(plan.id, set()):
                report.add("unknown-node", field=f"plans[{i}].nodes[{n.seq}].aligns_to", value=n.aligns_to,
                           plan=plan.parent_plan)
    if not report.ok:
        raise InputError(report)
    with db.write() as con:
        for plan in plans:
            con.execute("DELETE FROM plans WHERE id = ?", [plan.id])
            con.execute("DELETE FROM plan_nodes WHERE plan_id = ?", [plan.id])
            con.execute("INSERT INTO plans VALUES (?,?,?,?,?,?,?,?,?)",
                        [plan.id, plan.owner_region, plan.name_zh, plan.name_en, plan.parent_plan, plan.adopted,
                         plan.status, plan.source, json.dumps(plan.rules)])
            for n in plan.nodes:
                con.execute("INSERT INTO plan_nodes (plan_id, code, parent_code, kind, seq, title_zh, title_en, "
                            "status, source, note, aligns_to, note_zh) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                            [plan.id, n.code, n.parent, n.kind, n.seq, n.title_zh, n.title_en, n.status, n.source,
                             n.note, n.aligns_to, n.note_zh])
    return {"file": str(path), "plans": [p.id for p in plans], "nodes": sum(len(p.nodes) for p in plans)}


def load_indicators(db: Database, path: str | Path) -> dict:
    report = Report(file=str(path))
    known = {r["code"] for r in db.all("SELECT code FROM indicators")}
    indicators = read_indicators(path, report, known)
    nodes = {(r["plan_id"], r["code"]) for r in db.all("SELECT plan_id, code FROM plan_nodes")}
    for i, ind in enumerate(indicators, start=1):
        for ref in ind.nodes:
            plan, _, node = ref.partition(":")
            if (plan, node) not in nodes:
                report.add("unknown-node", field=f"indicators[{i}].nodes", value=ref, plan=plan)
    if not report.ok:
        raise InputError(report)
    with db.write() as con:
        ids = {r["code"]: r["iid"] for r in db.all("SELECT code, iid FROM indicators")}
        next_iid = con.execute("SELECT coalesce(max(iid), 0) + 1 FROM indicators").fetchone()[0]
        for ind in indicators:
            if ind.code not in ids:
                ids[ind.code] = next_iid
                next_iid += 1
            con.execute("DELETE FROM indicators WHERE code = ?", [ind.code])
            con.execute("DELETE FROM indicator_nodes WHERE indicator_code = ?", [ind.code])
            con.execute(
                "INSERT INTO indicators (iid, code, name_zh, name_en, unit, decimals, direction, band_low, band_high, "
                "frequency, region_agg, weight_code, time_agg, numerator, denominator, factor, min_value, max_value, "
                "cluster, aliases, synthetic, source, status, description, source_zh, description_en) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [ids[ind.code], ind.code, ind.name_zh, ind.name_en, ind.unit, ind.decimals, ind.direction,
                 ind.band_low, ind.band_high, ind.frequency, ind.region_agg, ind.weight, ind.time_agg,
                 ind.numerator, ind.denominator, ind.factor, ind.min_value, ind.max_value, ind.cluster,
                 json.dumps(ind.aliases, ensure_ascii=False), ind.synthetic, ind.source, ind.status,
                 ind.description, ind.source_zh, ind.description_en])
            for ref in ind.nodes:
                plan, _, node = ref.partition(":")
                con.execute("INSERT INTO indicator_nodes VALUES (?,?,?)", [ind.code, plan, node])
    return {"file": str(path), "indicators": len(indicators)}


def load_clusters(db: Database, path: str | Path) -> dict:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with db.write() as con:
        con.execute("DELETE FROM clusters")
        for n, r in enumerate(rows, start=1):
            ctype = r["type"].split(" ")[0]
            if r["group"] == "20_strategic_clusters":
                code = f"{'P' if 'pillar' in ctype else 'E'}{int(r['seq']):02d}"
            else:
                code = f"L{n:02d}"
            con.execute("INSERT INTO clusters VALUES (?,?,?,?,?,?,?,?,?,?)",
                        [code, r["group"], int(r["seq"]) if r["seq"] else None, ctype, r["name_zh"], r["name_en"],
                         r["date_designated"], r["status"], r["source"], r["note"]])
    return {"file": str(path), "clusters": len(rows)}
