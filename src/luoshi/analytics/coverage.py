"""Cascade coverage: for each node of a parent plan, which child plans and regions have aligned
nodes, targets and data for the indicators that measure it — a matrix that shows the gaps."""

from __future__ import annotations

import duckdb


def coverage(con: duckdb.DuckDBPyConnection, plan_id: str) -> dict:
    plan = con.execute("SELECT id, owner_region, name_zh, name_en FROM plans WHERE id = ?", [plan_id]).fetchone()
    nodes = con.execute("SELECT code, parent_code, kind, title_zh, title_en, status FROM plan_nodes "
                        "WHERE plan_id = ? ORDER BY seq", [plan_id]).fetchall()
    children_of: dict[str | None, list[str]] = {}
    for code, parent, *_ in nodes:
        children_of.setdefault(parent, []).append(code)

    def subtree(code):
        out, stack = [], [code]
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(children_of.get(c, []))
        return out

    child_plans = con.execute("SELECT id, owner_region, name_zh, name_en FROM plans WHERE parent_plan = ? ORDER BY id",
                              [plan_id]).fetchall()
    regions = con.execute("""
        SELECT r.rid, r.code, r.name_zh, r.name_en FROM regions r
        JOIN region_links l ON l.rid = r.rid AND l.valid_to IS NULL
        JOIN regions p ON p.rid = l.parent_rid WHERE p.code = ? ORDER BY r.code
    """, [plan[1]]).fetchall()
    plan_by_region = {cp[1]: cp for cp in child_plans}
    aligned = {}
    for pid, code, aligns in con.execute(
            "SELECT plan_id, code, aligns_to FROM plan_nodes WHERE plan_id IN (SELECT id FROM plans WHERE parent_plan = ?) "
            "AND aligns_to IS NOT NULL", [plan_id]).fetchall():
        aligned.setdefault((pid, aligns), []).append(code)
    ind_nodes = {}
    for icode, node in con.execute("SELECT indicator_code, node_code FROM indicator_nodes WHERE plan_id = ?",
                                   [plan_id]).fetchall():
        ind_nodes.setdefault(node, set()).add(icode)
    counts = {}
    for rcode, icode, n_t, n_d in con.execute("""
        WITH reg AS (SELECT rid, code FROM regions)
        SELECT reg.code, i.code, (SELECT count(*) FROM targets t WHERE t.rid = reg.rid AND t.iid = i.iid),
               (SELECT count(*) FROM rollup r WHERE r.rid = reg.rid AND r.iid = i.iid)
        FROM reg CROSS JOIN indicators i
        WHERE reg.code IN (SELECT unnest(?)) AND i.code IN (SELECT indicator_code FROM indicator_nodes WHERE plan_id = ?)
    """, [[r[1] for r in regions], plan_id]).fetchall():
        counts[(rcode, icode)] = (n_t, n_d)
    none = (None, None, None, None)
    columns = [{"kind": "region", "code": r[1], "name_zh": r[2], "name_en": r[3], "plan": p[0],
                "plan_name_zh": p[2], "plan_name_en": p[3]}
               for r in regions for p in [plan_by_region.get(r[1], none)]]
    rows = []
    for code, parent, kind, tzh, ten, status in nodes:
        inds = set().union(*(ind_nodes.get(c, set()) for c in subtree(code)))
        cells = []
        for col in columns:
            nodes_aligned = aligned.get((col["plan"], code), []) if col["plan"] else []
            n_targets = sum(counts.get((col["code"], i), (0, 0))[0] for i in inds)
            n_data = sum(1 for i in inds if counts.get((col["code"], i), (0, 0))[1] > 0)
            gaps = []
            if col["plan"] and not nodes_aligned:
                gaps.append("no-aligned-node")
            if not col["plan"]:
                gaps.append("no-plan")
            if inds and not n_targets:
                gaps.append("no-targets")
            if inds and n_data < len(inds):
                gaps.append("no-data")
            cells.append({"region": col["code"], "plan": col["plan"], "aligned_nodes": nodes_aligned,
                          "targets": n_targets, "indicators_with_data": n_data, "indicators": len(inds),
                          "gaps": gaps})
        rows.append({"node": code, "parent": parent, "kind": kind, "title_zh": tzh, "title_en": ten,
                     "status": status, "indicators": sorted(inds), "cells": cells})
    return {"plan": plan_id, "plan_name_zh": plan[2], "plan_name_en": plan[3], "columns": columns, "rows": rows,
            "child_plans": [{"id": c[0], "owner_region": c[1], "name_zh": c[2], "name_en": c[3]} for c in child_plans]}
