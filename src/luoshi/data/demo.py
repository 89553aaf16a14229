"""The demo workspace: the bundled real data plus a deterministic synthetic dataset.

Synthetic values are generated for every county (and for Dongguan and Zhongshan, which have no
counties) from 2023-01 up to the last complete reporting period before "today", with county
targets that add up to city targets and to the provincial one (the real provincial target where
the work reports give one).  Every synthetic value and target has source ``synthetic-demo`` and is
flagged synthetic wherever it is shown.  The same inputs always give the same values.
"""

from __future__ import annotations

import random
import time
from datetime import date

from luoshi.data.bundle import BUNDLED_PLAN, load_bundled
from luoshi.domain.periods import Period
from luoshi.services.observations import SYNTHETIC_SOURCE
from luoshi.store import regions as region_store
from luoshi.store import values

FIRST_YEAR = 2023
# every synthetic value says what it is; the comment also explains its seasonal jumps to the
# import's plausibility check (a change beyond jump_ratio needs a comment)
COMMENT = "合成演示数据，含季节波动 synthetic demo value with a seasonal pattern"
SEASON = [0.8, 0.7, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.1, 1.35]
SEASON = [s * 12 / sum(SEASON) for s in SEASON]

# code: (kind, provincial base for 2023, yearly growth of the base, comparator)
#   flow  - summed over regions and time; the base is the provincial annual total
#   rate  - a growth rate or share, the same target for every region
#   lower - a level where lower is better (its target is a ceiling)
#   stock - summed over regions, last over time; the base is the provincial year-end level
SPEC = {
    "gdp": ("flow", 135000.0, 0.05, "at_least"),
    "gdp_growth": ("rate", 5.0, 0.0, "at_least"),
    "fai_growth": ("rate", 4.0, 0.0, "at_least"),
    "retail_growth": ("rate", 6.0, 0.0, "at_least"),
    "trade_growth": ("rate", 3.0, 0.0, "at_least"),
    "industry_va_growth": ("rate", 5.0, 0.0, "at_least"),
    "budget_revenue_growth": ("rate", 3.0, 0.0, "at_least"),
    "income_growth": ("rate", 5.0, 0.0, "at_least"),
    "cpi": ("lower", 3.0, 0.0, "at_most"),
    "unemployed": ("stock", 390.0, 0.0, None),
    "labour_force": ("stock", 7300.0, 0.01, None),
    "new_urban_jobs": ("flow", 110.0, 0.0, "at_least"),
    "grain_output": ("flow", 1270.0, 0.005, "at_least"),
    "tech_transform": ("flow", 9000.0, 0.0, "at_least"),
    "digital_transform": ("flow", 9200.0, 0.05, "at_least"),
    "key_project_investment": ("flow", 10000.0, 0.0, "at_least"),
    "population": ("stock", 12700.0, 0.005, None),
    "foreign_capital": ("flow", 1600.0, 0.03, "at_least"),
    "gba_platform_investment": ("flow", 1200.0, 0.08, "at_least"),
    "specialised_smes": ("flow", 3000.0, 0.05, "at_least"),
    "rd_spending": ("flow", 4600.0, 0.08, "at_least"),
    "high_tech_enterprises": ("stock", 75000.0, 0.06, "at_least"),
    "talent_introduced": ("flow", 12000.0, 0.05, "at_least"),
    "rural_income_growth": ("rate", 6.5, 0.0, "at_least"),
    "villages_sewage_treated": ("stock", 17000.0, 0.03, "at_least"),
    "villages_total": ("stock", 19500.0, 0.0, None),
    "marine_gdp": ("flow", 18000.0, 0.05, "at_least"),
    "offshore_wind_capacity": ("stock", 800.0, 0.25, "at_least"),
    "pm25": ("lower", 22.0, -0.02, "at_most"),
    "afforestation": ("flow", 400.0, 0.0, "at_least"),
    "cultural_industry_va": ("flow", 7000.0, 0.05, "at_least"),
    "elderly_care_beds": ("stock", 220000.0, 0.04, "at_least"),
    "safety_deaths": ("lower", 1800.0, -0.05, "at_most"),
    "online_services_rate": ("rate", 95.0, 0.01, "at_least"),
    "party_training": ("flow", 500.0, 0.0, "at_least"),
}


def _leaves(ws) -> list[dict]:
    """Counties, plus the cities that have none (Dongguan, Zhongshan): where demo data is reported."""
    return region_store.reporting_leaves(ws.db)


def _profile(code: str) -> tuple[float, float]:
    """A region's size (relative weight) and performance (1.0 = on target), from its code alone."""
    rnd = random.Random(f"profile:{code}")
    size = rnd.lognormvariate(0.0, 0.8)
    if code.startswith(("4401", "4403")):  # the two megacities carry more weight
        size *= 4.0
    u = rnd.random()
    if u < 0.12:
        perf = rnd.uniform(0.45, 0.66)      # deliberately far behind: red
    elif u < 0.32:
        perf = rnd.uniform(0.74, 0.88)      # behind: yellow
    elif u < 0.45:
        perf = rnd.uniform(1.12, 1.25)      # ahead
    else:
        perf = rnd.gauss(1.0, 0.03)
    return size, perf


def _periods(freq: str, today: date) -> list[Period]:
    """Reporting periods of a frequency from 2023 up to the last one complete before today."""
    out, p = [], Period(freq, FIRST_YEAR, 1)
    while p.end < today:
        out.append(p)
        p = p.next()
    return out


def _round(value: float, ind: dict) -> float:
    """A value as the indicator counts it: whole numbers for counts of people, enterprises, beds
    (decimals 0), else to 4 places; a fractional count would show as "3 against 3" judged 88 %."""
    return float(round(value)) if ind["decimals"] == 0 else round(value, 4)


def _keep_parts_within_wholes(obs: list[dict], indicators) -> None:
    """A share (a ratio in % with factor 100: villages with sewage treatment of all villages, the
    unemployed of the labour force) is a part of its whole: the numerator's value never exceeds the
    denominator's in the same region and period, so that the share stays within 0-100 %."""
    pairs = {i["numerator"]: i["denominator"] for i in indicators
             if i["numerator"] and i["denominator"] and i["factor"] == 100 and i["unit"] == "%"}
    whole = {(o["indicator"], o["region"], o["period"]): o["value"] for o in obs if o["indicator"] in pairs.values()}
    for o in obs:
        cap = whole.get((pairs.get(o["indicator"]), o["region"], o["period"]))
        if cap is not None and o["value"] > cap:
            o["value"] = cap


def build_demo(ws, *, bundled: bool = True) -> dict:
    """Fill a fresh workspace with the bundled data and the synthetic demo dataset."""
    if bundled:
        load_bundled(ws)
    today = ws.today
    leaves = _leaves(ws)
    profiles = {r["code"]: _profile(r["code"]) for r in leaves}
    total_size = sum(s for s, _ in profiles.values())
    parent_city = {r["code"]: (r["code"][:4] + "00") for r in leaves}
    inds = {r["code"]: r for r in ws.indicators()}
    real_targets = values.target_years(ws.db, ws.province()["rid"])
    obs: list[dict] = []
    targets: dict[tuple[str, str, int], float] = {}
    years = list(range(FIRST_YEAR, today.year + 1))
    for code, (kind, base, growth, comparator) in SPEC.items():
        ind = inds[code]
        periods = _periods(ind["frequency"], today)
        for leaf in leaves:
            size, perf = profiles[leaf["code"]]
            share = size / total_size
            rnd = random.Random(f"value:{code}:{leaf['code']}")
            for p in periods:
                yb = base * (1 + growth) ** (p.year - FIRST_YEAR)
                if kind == "flow":
                    parts = {"M": 12, "Q": 4, "S": 2, "Y": 1}[ind["frequency"]]
                    season = SEASON[p.index - 1] if ind["frequency"] == "M" else 1.0
                    v = yb * share * perf / parts * season * rnd.uniform(0.92, 1.08)
                elif kind == "rate":
                    v = yb * perf + rnd.uniform(-0.3, 0.3)
                elif kind == "lower":
                    v = yb / max(perf, 0.3) * rnd.uniform(0.95, 1.05)
                    if code == "safety_deaths":
                        v = yb * share / 12 / max(perf, 0.3) * rnd.uniform(0.8, 1.2)
                else:  # stock: grows through the year towards the year-end level
                    frac = p.end.timetuple().tm_yday / 366
                    prev = base * (1 + growth) ** (p.year - FIRST_YEAR - 1)
                    v = share * (prev + (yb - prev) * frac * perf) * rnd.uniform(0.99, 1.01)
                if ind["min_value"] is not None:
                    v = max(v, ind["min_value"])
                if ind["max_value"] is not None:
                    v = min(v, ind["max_value"])
                obs.append({"indicator": code, "region": leaf["code"], "period": p.code, "value": _round(v, ind),
                            "comment": COMMENT})
            if comparator:
                for y in years:
                    yb = base * (1 + growth) ** (y - FIRST_YEAR)
                    t = yb * share if kind in ("flow", "stock") else yb
                    if code == "safety_deaths":
                        t = yb * share
                    # a count's target is a whole number, so that the city's and province's sums are too
                    targets[(code, leaf["code"], y)] = _round(t, ind) if ind["decimals"] == 0 else t
        # city and provincial targets compose from the county ones
        if comparator:
            for y in years:
                for leaf in leaves:
                    t = targets[(code, leaf["code"], y)]
                    city = parent_city[leaf["code"]]
                    if city != leaf["code"]:
                        key = (code, city, y)
                        targets[key] = targets.get(key, 0.0) + t if kind in ("flow", "stock") or code == "safety_deaths" else t
                prov = (code, "440000", y)
                if (code, y) not in real_targets:
                    if kind in ("flow", "stock") or code == "safety_deaths":
                        targets[prov] = sum(t for (c, r, yy), t in targets.items()
                                            if c == code and yy == y and len(r) == 6 and r.endswith("00")
                                            and r != "440000" and r[:4] != "4400")
                    else:
                        targets[prov] = base * (1 + growth) ** (y - FIRST_YEAR)
    _keep_parts_within_wholes(obs, inds.values())
    t0 = time.perf_counter()
    stored = ws.record(obs, by="luoshi-demo", source=SYNTHETIC_SOURCE)
    ws.set_targets([{"indicator": code, "region": region, "period": str(year), "comparator": SPEC[code][3],
                     "value": round(value, 4), "plan": BUNDLED_PLAN, "strength": "expected", "source": SYNTHETIC_SOURCE,
                     "status": "synthetic", "synthetic": "true"}
                    for (code, region, year), value in sorted(targets.items())
                    if (code, year) not in real_targets or region != "440000"], by="luoshi-demo")
    info = {"observations": stored["added"], "targets": len(targets), "rollup_rows": ws.summary()["rollup_rows"],
            "seconds": round(time.perf_counter() - t0, 1), "today": today.isoformat()}
    if bundled:
        from luoshi.data.demo_documents import load_demo_documents
        from luoshi.data.demo_tasks import build_task_demo

        info.update(build_task_demo(ws))
        info.update(load_demo_documents(ws))
    return info
