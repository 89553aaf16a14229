"""Reading plans from the documented YAML format (docs/plan-format.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from luoshi.domain.problems import Report, one_of

NODE_KINDS = ("goal", "driving_force", "breakthrough", "task", "measure")


@dataclass
class PlanNode:
    code: str
    kind: str
    parent: str | None = None
    title_zh: str | None = None
    title_en: str | None = None
    status: str | None = None
    source: str | None = None
    note: str | None = None
    note_zh: str | None = None  # the note in Chinese, when ``note`` is written in English
    aligns_to: str | None = None
    seq: int = 0


@dataclass
class Plan:
    id: str
    owner_region: str
    name_zh: str | None = None
    name_en: str | None = None
    parent_plan: str | None = None
    adopted: date | None = None
    status: str | None = None
    source: str | None = None
    rules: dict = field(default_factory=dict)
    nodes: list[PlanNode] = field(default_factory=list)


def read_plans(path: str | Path, report: Report) -> list[Plan]:
    p = Path(path)
    if not p.is_file():
        report.add("file-not-found", path=str(path))
        return []
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        report.add("bad-format", format="YAML", detail=str(exc).splitlines()[0])
        return []
    if isinstance(data, dict) and "plan" in data and "plans" not in data:
        data = {"plans": [data["plan"] | {"nodes": data.get("nodes", data["plan"].get("nodes", []))}]}
    if not isinstance(data, dict) or not isinstance(data.get("plans"), list) or not data["plans"]:
        report.add("bad-format", format="plan YAML", format_zh="规划 YAML", detail="expected a top-level 'plans:' list",
                   detail_zh="顶层应为 'plans:' 列表")
        return []
    plans = []
    for i, raw in enumerate(data["plans"], start=1):
        plan = _plan(raw, i, report)
        if plan:
            plans.append(plan)
    return plans


def _plan(raw, i: int, report: Report) -> Plan | None:
    where = f"plans[{i}]"
    if not isinstance(raw, dict):
        report.add("bad-format", field=where, format="plan YAML", format_zh="规划 YAML",
                   detail="a plan must be a mapping", detail_zh="每个规划都应是键值对")
        return None
    for key in ("id", "owner_region"):
        if not raw.get(key):
            report.add("missing-value", field=f"{where}.{key}", column=key)
    if not report.ok:
        return None
    adopted = raw.get("adopted")
    if adopted is not None and not isinstance(adopted, date):
        try:
            adopted = date.fromisoformat(str(adopted))
        except ValueError:
            report.add("bad-date", field=f"{where}.adopted", value=adopted)
    plan = Plan(id=str(raw["id"]), owner_region=str(raw["owner_region"]), name_zh=raw.get("name_zh"),
                name_en=raw.get("name_en"), parent_plan=raw.get("parent_plan"), adopted=adopted,
                status=raw.get("status"), source=raw.get("source"), rules=raw.get("rules") or {})
    seen: set[str] = set()
    for j, n in enumerate(raw.get("nodes") or [], start=1):
        nwhere = f"{where}.nodes[{j}]"
        if not isinstance(n, dict) or not n.get("code"):
            report.add("missing-value", field=f"{nwhere}.code", column="code")
            continue
        code = str(n["code"])
        if code in seen:
            report.add("duplicate-code", field=f"{nwhere}.code", value=code)
        seen.add(code)
        kind = n.get("kind", "task")
        if kind not in NODE_KINDS:
            report.add("bad-value", field=f"{nwhere}.kind", column="kind", value=kind, **one_of(NODE_KINDS))
        plan.nodes.append(PlanNode(code=code, kind=kind, parent=n.get("parent"), title_zh=n.get("title_zh"),
                                   title_en=n.get("title_en"), status=n.get("status"), source=n.get("source"),
                                   note=n.get("note"), note_zh=n.get("note_zh"), aligns_to=n.get("aligns_to"),
                                   seq=j))
    for j, n in enumerate(plan.nodes, start=1):
        if n.parent and n.parent not in seen:
            report.add("unknown-parent", field=f"{where}.nodes[{n.seq}].parent", value=n.parent)
    _check_cycles(plan, where, report)
    return plan


def _check_cycles(plan: Plan, where: str, report: Report) -> None:
    parent = {n.code: n.parent for n in plan.nodes}
    for n in plan.nodes:
        seen, cur = set(), n.code
        while cur is not None and cur in parent:
            if cur in seen:
                report.add("cycle", field=f"{where}.nodes[{n.seq}]", value=n.code)
                break
            seen.add(cur)
            cur = parent[cur]
