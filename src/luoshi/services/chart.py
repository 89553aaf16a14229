"""The data of an indicator's chart in one region: the actual series (year to date for flows), the
targets as steps and the expected pace or trajectory (the indicator page and the briefing)."""

from __future__ import annotations

from datetime import date, timedelta


def _any_synthetic(rows) -> bool:
    return any(bool(r.get("synthetic")) for r in rows)


def cumulative(ind: dict) -> bool:
    """Progress accumulates over the period (a flow summed over time): plotted year to date, judged
    against the pace."""
    return ind["time_agg"] == "sum" and not ind["numerator"]


def chart(ws, ind: dict, region_code: str, day: date) -> dict:
    """The actual series (year to date for flows), the targets as steps and the pace or trajectory."""
    series = [s for s in ws.series(ind["code"], region_code) if s["end"] <= day]
    cum = cumulative(ind)
    points, running, year = [], 0.0, None
    for s in series:
        if s["value"] is None:
            continue
        end = s["end"]
        if cum:
            if end.year != year:
                running, year = 0.0, end.year
            running += s["value"]
        points.append({"period": s["period"], "date": end.isoformat(), "value": s["value"],
                       "plotted": round(running, 6) if cum else s["value"], "synthetic": bool(s["synthetic"])})
    targets, pace = [], []
    for t in ws.targets(ind["code"], region_code):
        if t["value"] is None:
            continue
        targets.append({"period": t["period"], "start": t["start"].isoformat(), "end": t["end"].isoformat(),
                        "comparator": t["comparator"], "value": t["value"], "synthetic": bool(t["synthetic"]),
                        "source": t["source"]})
        if t["trajectory"]:
            pace.extend({"date": x["end"].isoformat(), "value": x["value"], "period": x["period"]}
                        for x in t["trajectory"])
        elif cum:
            pace.append({"date": (t["start"] - timedelta(days=1)).isoformat(), "value": 0.0, "period": t["period"]})
            pace.append({"date": t["end"].isoformat(), "value": t["value"], "period": t["period"]})
        elif t["baseline_value"] is not None:
            pace.append({"date": t["start"].isoformat(), "value": t["baseline_value"], "period": t["period"]})
            pace.append({"date": t["end"].isoformat(), "value": t["value"], "period": t["period"]})
    return {"region": region_code, "cumulative": cum, "points": points, "targets": targets, "pace": pace,
            "synthetic": _any_synthetic(points) or _any_synthetic(targets)}
