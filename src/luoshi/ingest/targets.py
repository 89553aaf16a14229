"""Checking targets read from a file (the text table of ingest/readers.py) against the catalog, row by
row (a workspace holds thousands of targets, not millions), with a problem report."""

from __future__ import annotations

from luoshi.domain.periods import TYPE_NAMES, TYPE_NAMES_ZH, PeriodError, parse, reportable
from luoshi.domain.problems import Report
from luoshi.domain.regions import valid_during
from luoshi.domain.rules import normalise_comparator
from luoshi.domain.scales import PERCENT, conversion, split_unit
from luoshi.ingest.catalog import Catalog
from luoshi.ingest.tables import number


def check_key(n: int, r: dict, catalog: Catalog, report: Report, *, allow_future: bool = False):
    """Indicator, region and period of one row, or None after reporting what is wrong."""
    ok = True
    for col in ("indicator", "region", "period"):
        if not r.get(col):
            report.add("missing-value", row=n, field=col, column=col)
            ok = False
    if not ok:
        return None
    ind, ind_candidates = catalog.indicator(r["indicator"])
    reg, reg_candidates = catalog.region(r["region"])
    for col, ref, candidates in (("indicator", ind, ind_candidates), ("region", reg, reg_candidates)):
        if ref is None and len(candidates) > 1:
            report.add("ambiguous-name", row=n, field=col, value=r[col], candidates=", ".join(candidates))
        elif ref is None:
            report.add(f"unknown-{col}", row=n, field=col, value=r[col])
    try:
        period = parse(r["period"])
    except PeriodError:
        report.add("bad-period", row=n, field="period", value=r["period"])
        return None
    if ind is None or reg is None:
        return None
    if not reportable(period.type, ind.frequency):
        report.add("wrong-frequency", row=n, field="period", value=r["period"], got=TYPE_NAMES[period.type],
                   got_zh=TYPE_NAMES_ZH[period.type], expected_zh=TYPE_NAMES_ZH[ind.frequency],
                   indicator=ind.code, expected=TYPE_NAMES[ind.frequency])
        return None
    if not allow_future and period.start > catalog.today:
        report.add("future-period", row=n, field="period", value=r["period"])
        return None
    if not valid_during(reg.valid_from, reg.valid_to, period.start, period.end):
        report.add("region-not-valid", row=n, field="region", value=reg.code, period=period.code)
        return None
    return ind, reg, period


def check_targets(rows: list[tuple[int, dict]], catalog: Catalog, report: Report) -> list[dict]:
    """Targets from rows already read (row number, {column: text}), from any file format."""
    out, seen = [], {}
    for n, r in rows:
        key = check_key(n, r, catalog, report, allow_future=True)
        if key is None:
            continue
        ind, reg, period = key
        try:
            comp = normalise_comparator(r["comparator"])
        except ValueError:
            report.add("bad-comparator", row=n, field="comparator", value=r["comparator"])
            continue
        unit = (r.get("unit") or "").strip()
        scale = conversion(unit, ind.unit)
        if scale is None:
            report.add("wrong-unit", row=n, field="unit", value=unit, indicator=ind.code, expected=ind.unit)
            continue
        nums = {}
        bad = False
        percent = split_unit(ind.unit)[1] == "%"
        for col in ("value", "value_high", "tolerance", "baseline_value"):
            text = (r.get(col) or "").strip()
            if text[-1:] in PERCENT:  # "5.5%" typed, or an XLSX percent cell (the value in % points)
                if not percent:
                    report.add("wrong-unit", row=n, field=col, value="%", indicator=ind.code, expected=ind.unit)
                    bad = True
                    continue
                text = text[:-1].strip()
            nums[col] = number(text)
            if text and nums[col] is None:
                report.add("not-a-number", row=n, field=col, value=text)
                bad = True
        if bad:
            continue
        if scale != (1.0, 1.0):  # the numbers of the row are in its unit: each into the indicator's
            given = nums["value"]
            nums = {k: None if v is None else v * scale[0] / scale[1] for k, v in nums.items()}
            if given is not None:
                report.add("unit-converted", row=n, field="unit", value=given, given=unit, number=nums["value"],
                           unit=ind.unit)
        step = (r.get("step_indicator") or "").strip() or None
        if comp == "in_step":
            if not step:
                report.add("missing-value", row=n, field="step_indicator", column="step_indicator")
                continue
            if step not in catalog.indicators:
                report.add("unknown-indicator", row=n, field="step_indicator", value=step)
                continue
        elif nums["value"] is None:
            report.add("missing-value", row=n, field="value", column="value")
            continue
        if comp == "between" and (nums["value_high"] is None or nums["value_high"] < nums["value"]):
            report.add("bad-value", row=n, field="value_high", column="value_high", value=r.get("value_high"),
                       detail="'between' needs value_high >= value", detail_zh="'between' 要求 value_high >= value")
            continue
        k = (ind.iid, reg.rid, period.key)
        if k in seen:
            report.add("duplicate-row", row=n, field="period", other=seen[k])
            continue
        seen[k] = n
        trajectory = []
        for part in filter(None, (r.get("trajectory") or "").split(";")):
            pcode, _, val = part.partition("=")
            try:
                tp = parse(pcode)
            except PeriodError:
                report.add("bad-period", row=n, field="trajectory", value=pcode)
                continue
            v = number(val)
            v = None if v is None else v * scale[0] / scale[1]
            if v is None or not period.contains(tp):
                report.add("bad-value", row=n, field="trajectory", column="trajectory", value=part,
                           detail="each step is PERIOD=VALUE inside the target period",
                           detail_zh="每一步写作 期间=数值，且期间在目标期间之内")
                continue
            trajectory.append((tp.key, v))
        plan = (r.get("plan") or "").strip() or None
        if plan and plan not in catalog.plans:
            report.add("unknown-plan", row=n, field="plan", value=plan)
            continue
        baseline_period = (r.get("baseline_period") or "").strip() or None
        if baseline_period:
            try:
                baseline_period = parse(baseline_period).code
            except PeriodError:
                report.add("bad-period", row=n, field="baseline_period", value=baseline_period)
                continue
        out.append({"iid": ind.iid, "rid": reg.rid, "region": reg.code, "pkey": period.key, "indicator": ind.code,
                    "period": period.code, "comparator": comp, "value": nums["value"],
                    "value_high": nums["value_high"], "tolerance": nums["tolerance"], "step_indicator": step,
                    "baseline_value": nums["baseline_value"], "baseline_period": baseline_period,
                    "plan_id": r.get("plan") or None, "strength": r.get("strength") or None,
                    "document": r.get("document") or None, "document_zh": r.get("document_zh") or None,
                    "quote": r.get("quote") or None,
                    "source": r.get("source") or None, "status": r.get("status") or None,
                    "synthetic": (r.get("synthetic") or "").lower() in ("1", "true", "yes"),
                    "trajectory": trajectory, "row": n})
    return out
