"""Recording a change of regions on a date: a merge or a split, checked whole and applied in one
transaction (any error changes nothing).

A change on day D takes the regions ``from_codes`` and gives the regions ``into``.  A region of
``from_codes`` not also in ``into`` is retired: D - 1 is its last day (``valid_to`` is inclusive),
its rows and values stay its own, so they still roll up to its ancestors for the periods it
existed.  A region of ``into`` is either existing (it continues: the county a merge folds others
into, the county a split leaves in place) or new (a dict: code, name_zh, name_en, and optionally
parent and level, by default those of the first region of ``from_codes``), valid from D.  The
children of a retired region move on D to the region given in ``moves``, or to the only region of
``into``.  ``region_events`` records the date, the kind and what went into what.
"""

from __future__ import annotations

from datetime import date, timedelta

from luoshi.domain.problems import InputError, Report, one_of
from luoshi.domain.regions import CODE_RULE, DEPTH, LEVELS, valid_code, valid_on, valid_on_sql
from luoshi.store import regions as store
from luoshi.store.db import Database

KINDS = ("merge", "split")


def _day(value, report: Report) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        report.add("bad-date", field="date", value=str(value))
        return None


def _start(links: list[dict], region: dict) -> date:
    """The first day of a region's current form: its latest link (or its own start)."""
    return max([region["valid_from"]] + [lk["valid_from"] for lk in links])


def _check_existing(db, report: Report, day: date | None, field: str, code: str) -> dict | None:
    row = store.by_code(db, code)
    if row is None:
        report.add("unknown-region", field=field, value=code)
        return None
    row["links"] = store.links_of(db, code)
    if row["valid_to"] is not None:
        report.add("region-retired", field=field, value=code, last=row["valid_to"].isoformat())
    elif day and day <= _start(row["links"], row):
        report.add("change-before-start", field="date", value=code, date=day.isoformat(),
                   start=_start(row["links"], row).isoformat())
    return row


def _check_new(db, report: Report, day: date | None, new: dict, first: dict | None) -> dict:
    code = str(new.get("code") or "")
    if not valid_code(code):
        report.add("bad-value", field="into", column="code", value=code, **CODE_RULE)
    for col in ("name_zh", "name_en"):
        if not new.get(col):
            report.add("missing-value", field=f"into.{code}.{col}", column=col)
    level = new.get("level") or (first["level"] if first else None)
    if level not in LEVELS:
        report.add("bad-value", field=f"into.{code}.level", column="level", value=str(level), **one_of(LEVELS))
    # by default under the parent of the first region going in (its current link)
    parent_code = new.get("parent") or (first["links"][-1]["parent"] if first and first["links"] else None)
    parent = store.by_code(db, parent_code) if parent_code else None
    if parent is None:
        if new.get("parent") or not (first and first["valid_to"]):  # a retired first region is reported already
            report.add("unknown-parent", field=f"into.{code}.parent", value=str(parent_code or ""))
    elif day and not valid_on(parent["valid_from"], parent["valid_to"], day):
        report.add("region-not-valid", field=f"into.{code}.parent", value=parent_code, period=day.isoformat())
    elif level in LEVELS and parent["depth"] >= DEPTH[level]:
        report.add("bad-value", field=f"into.{code}.parent", column="parent", value=parent_code,
                   detail=f"a {parent['level']} cannot hold a {level}",
                   detail_zh=f"{parent['level']} 级地区之下不能设 {level} 级地区")
    return {"code": code, "name_zh": new.get("name_zh"), "name_en": new.get("name_en"), "level": level,
            "parent": parent, "kind": new.get("kind") or level, "synthetic": bool(new.get("synthetic", False))}


def plan_change(db: Database, *, date, kind: str, from_codes: list[str], into: list, moves: dict | None = None
                ) -> tuple[Report, dict]:
    """Check a change without writing: the report (errors and warnings) and what it would do."""
    report = Report()
    day = _day(date, report)
    if kind not in KINDS:
        report.add("bad-value", field="kind", column="kind", value=str(kind), **one_of(KINDS))
    into_codes = [i if isinstance(i, str) else str(i.get("code") or "") for i in into]
    if kind == "merge" and (len(into) != 1 or not from_codes):
        report.add("bad-value", field="into", column="into", value=",".join(into_codes),
                   detail="a merge takes one or more regions into exactly one",
                   detail_zh="合并是把一个或多个地区并入恰好一个地区")
    if kind == "split" and (len(from_codes) != 1 or len(into) < 2):
        report.add("bad-value", field="into", column="into", value=",".join(into_codes),
                   detail="a split takes exactly one region into two or more",
                   detail_zh="拆分是把恰好一个地区分为两个或更多地区")
    for field, codes in (("from", from_codes), ("into", into_codes)):
        for code in {c for c in codes if codes.count(c) > 1}:
            report.add("duplicate-code", field=field, value=code)
    olds: dict[str, dict] = {}
    for code in dict.fromkeys(from_codes):
        row = _check_existing(db, report, day, "from", code)
        if row:
            olds[code] = row
    first = olds.get(from_codes[0]) if from_codes else None
    kept, created = [], []
    for item in into:
        if isinstance(item, str):  # an existing region, which continues
            if item not in olds:
                _check_existing(db, report, day, "into", item)
            kept.append(item)
        elif store.by_code(db, str(item.get("code") or "")) is not None:
            report.add("region-exists", field="into", value=item["code"])
        else:
            created.append(_check_new(db, report, day, item, first))
    retired = [c for c in olds if c not in kept]
    if kind == "merge" and from_codes and not retired and all(c in olds for c in from_codes):
        report.add("bad-value", field="from", column="from", value=",".join(from_codes),
                   detail="a merge retires at least one region", detail_zh="合并至少要撤销一个地区")
    moved, moves = {}, dict(moves or {})
    for code in retired:
        for child in (store.children(db, code, day) if day else []):
            target = moves.pop(child["code"], None) or (into_codes[0] if len(into_codes) == 1 else None)
            start = _start(store.links_of(db, child["code"]), child)
            if day <= start:
                report.add("change-before-start", field="moves", value=child["code"], date=day.isoformat(),
                           start=start.isoformat())
            elif target is None:
                report.add("child-without-parent", field="moves", value=child["code"], parent=code,
                           last=(day - timedelta(days=1)).isoformat())
            elif target not in into_codes:
                report.add("bad-value", field="moves", column="moves", value=f"{child['code']}={target}",
                           detail=f"a child moves to one of {', '.join(into_codes)}",
                           detail_zh=f"下级地区只能划入 {'、'.join(into_codes)} 之一")
            else:
                moved[child["code"]] = target
        if day:
            n = db.scalar("""SELECT count(*) FROM obs_current o JOIN periods p ON p.key = o.pkey
                             WHERE o.rid = ? AND p.start >= ?""", [olds[code]["rid"], day])
            if n:
                report.add("values-after-change", field="from", value=code, n=n, date=day.isoformat())
    for child in moves:
        report.add("bad-value", field="moves", column="moves", value=child,
                   detail="not a child of a retired region on the date", detail_zh="在变更日不是被撤销地区的下级")
    return report, {"date": day, "kind": kind, "from": list(from_codes), "into": into_codes, "retired": retired,
                    "continued": kept, "created": created, "moved": moved, "olds": olds}


def change_regions(db: Database, *, date, kind: str, from_codes: list[str], into: list,
                   moves: dict | None = None, note: str | None = None, source: str | None = None,
                   dry_run: bool = False) -> dict:
    """Record a merge or split (see the module note); raises InputError with the report on any error."""
    with db.write() as con:
        report, plan = plan_change(db, date=date, kind=kind, from_codes=from_codes, into=into, moves=moves)
        if not report.ok:
            raise InputError(report)
        day = plan["date"]
        last = day - timedelta(days=1)
        result = {k: plan[k] for k in ("date", "kind", "from", "into", "retired", "continued", "moved")}
        result["created"] = [c["code"] for c in plan["created"]]
        result["problems"] = [p.to_dict() for p in report.problems]
        if dry_run:
            return result
        for code in plan["retired"]:
            rid = plan["olds"][code]["rid"]
            con.execute("UPDATE regions SET valid_to = ? WHERE rid = ?", [last, rid])
            con.execute(f"UPDATE region_links l SET valid_to = ? WHERE l.rid = ? AND {valid_on_sql('l', '?')}",
                        [last, rid, day, day])
        next_rid = con.execute("SELECT coalesce(max(rid), 0) + 1 FROM regions").fetchone()[0]
        for i, c in enumerate(plan["created"]):
            con.execute("""INSERT INTO regions (rid, code, level, depth, kind, name_zh, name_en, valid_from, synthetic,
                                                source) VALUES (?,?,?,?,?,?,?,?,?,?)""",
                        [next_rid + i, c["code"], c["level"], DEPTH[c["level"]], c["kind"], c["name_zh"],
                         c["name_en"], day, c["synthetic"], source])
            con.execute("INSERT INTO region_links VALUES (?,?,?,NULL)", [next_rid + i, c["parent"]["rid"], day])
        for child, parent in plan["moved"].items():
            con.execute(f"""INSERT INTO region_links
                SELECT l.rid, (SELECT rid FROM regions WHERE code = ?), ?, l.valid_to FROM region_links l
                WHERE l.rid = (SELECT rid FROM regions WHERE code = ?) AND {valid_on_sql('l', '?')}""",
                        [parent, day, child, day, day])
            con.execute(f"""UPDATE region_links l SET valid_to = ?
                WHERE l.rid = (SELECT rid FROM regions WHERE code = ?) AND l.valid_from < ? AND {valid_on_sql('l', '?')}""",
                        [last, child, day, day, day])
        seq = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM region_events").fetchone()[0]
        con.execute("""INSERT INTO region_events (event_date, kind, from_codes, to_codes, note, source, seq, recorded_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, current_timestamp)""",
                    [day, kind, ",".join(plan["from"]), ",".join(plan["into"]), note, source, seq])
        result["seq"] = seq
    return result
