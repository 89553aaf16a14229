"""Why a region is behind on an indicator: its shortfall against the expected pace (序时进度) split
among its child regions, and the recent trend of its values.

The gaps come from the judgement (``rules.judge``'s ``pace_value`` and ``gap``: the value expected by
now in the indicator's unit and how far the value is short of it), never recomputed here.

- **Additive** indicators (summed over regions, not a formula): the parent's gap is the sum of its
  children's gaps as far as their targets add up to the parent's.  Each child's contribution is its
  own gap (its target's value expected by now minus its value; for a ceiling, the excess over it) and
  its share of the parent's gap; a child ahead of its pace has a negative share (it makes up for
  others).  What the children's gaps do not explain (children without a target or a value, targets
  that do not add up to the parent's, a value the parent reported itself) is the remainder.
- **Not additive** (a mean, weighted mean, minimum, maximum or ratio): a parent's gap is not a sum of
  its children's, so nothing is split; the children are listed by their own shortfall against the
  pace (percentage points), worst first, with their gaps in the indicator's unit.
"""

from __future__ import annotations

ADDITIVE_AGGS = ("sum",)
TREND_POINTS = 6  # recent periods shown in the trend


def additive(indicator: dict) -> bool:
    """Whether the indicator's values add up over regions, so that a shortfall splits among them."""
    return indicator.get("region_agg") in ADDITIVE_AGGS and not indicator.get("numerator")


def decompose(indicator: dict, parent: dict | None, children: list[dict]) -> dict:
    """The parent's shortfall against the pace split among ``children`` (judged rows with ``gap``,
    ``pace_value``, ``shortfall``, ``light``, ``category``).

    method: ``additive`` (shares of the parent's gap), or ``not_additive`` (children's gaps only).
    behind: the parent's value is short of its expected value (gap > 0), so shares are meaningful.
    """
    add = additive(indicator)
    pgap = parent.get("gap") if parent else None
    behind = pgap is not None and pgap > 0
    rows = []
    for c in children:
        gap = c.get("gap")
        rows.append({k: c.get(k) for k in ("code", "name_zh", "name_en", "value", "target", "pace_value",
                                            "shortfall", "light", "category", "synthetic")}
                    | {"gap": gap, "share": gap / pgap if add and behind and gap is not None else None})
    if add:  # biggest contribution first
        rows.sort(key=lambda r: (r["gap"] is None, -(r["gap"] or 0.0), r["code"]))
    else:  # furthest behind the pace first
        rows.sort(key=lambda r: (r["shortfall"] is None, -(r["shortfall"] or 0.0), r["code"]))
    explained = sum(r["gap"] for r in rows if r["gap"] is not None)
    remainder = pgap - explained if add and pgap is not None else None
    return {
        "method": "additive" if add else "not_additive",
        "parent": {k: (parent or {}).get(k) for k in ("value", "target", "pace_value", "gap", "shortfall",
                                                       "expected", "light", "category")},
        "behind": behind,
        "rows": rows,
        "explained": explained if add else None,
        "remainder": remainder,
        "remainder_share": remainder / pgap if behind and remainder is not None else None,
        "without_gap": [r["code"] for r in rows if r["gap"] is None],
    }


def trend(points: list[dict], direction: str, n: int = TREND_POINTS) -> dict:
    """The last ``n`` values of a series (``period``, ``value``), the change from the one before and
    from the same period a year earlier, and whether the latest change is for the better."""
    pts = [p for p in points if p.get("value") is not None]
    recent = [{"period": p["period"], "value": p["value"]} for p in pts[-n:]]
    if len(pts) < 2:
        return {"points": recent, "change": None, "direction": None, "better": None, "year_ago": None,
                "change_year": None}
    last, before = pts[-1]["value"], pts[-2]["value"]
    change = last - before
    moved = "up" if change > 0 else "down" if change < 0 else "flat"
    # the same period a year earlier: a period code with the year one less (2025-05 -> 2024-05)
    code = pts[-1]["period"]
    year_ago_code = f"{int(code[:4]) - 1}{code[4:]}" if code[:4].isdigit() else None
    year_ago = next((p["value"] for p in pts if p["period"] == year_ago_code), None)
    better = None if moved == "flat" or direction not in ("higher", "lower") else \
        (moved == "up") == (direction == "higher")
    return {"points": recent, "change": change, "direction": moved, "better": better, "year_ago": year_ago,
            "change_year": last - year_ago if year_ago is not None else None}
