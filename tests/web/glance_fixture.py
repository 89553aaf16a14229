"""A small workspace whose at-a-glance summary is worked out by hand (tests/web/test_summary.py and
the briefing tests): the tiny hierarchy of tests/data/foundation (province 900000 > cities 900100
and 900200 > counties 900101, 900102 under the first and 900201 under the second; plan tp), values
of 2024 for the counties only (the cities and the province are rolled up), as of 2024-06-30.

The expected pace on 2024-06-30 is 182/366 = 49.73 % of the year (June complete), a month before,
on 2024-05-31, 152/366 = 41.53 %.  Thresholds: yellow from 10 points behind, red beyond 30.

jobs (monthly, summed; B1): each county 5 a month, and 900101 60 in June.
    province target 300: May 75 = 25.0 % (16.5 behind: yellow), June 145 = 48.3 % (1.4: green) -> recovered
    900100 target 240: June 115 = 47.9 % (1.8 behind: green, on pace)
    900200 target 120: June 30 = 25.0 % (24.7 behind: yellow, behind)
price (monthly, mean, lower is better; B2): each county 12 a month, 30 in June.
    province target at most 10: May 12 -> 10/12 = 83.3 % (16.7 behind: yellow),
    June mean (5*12+30)/6 = 15 -> 66.7 % (33.3 behind: red) -> a new red; B2 red (all of it behind)
    900100 target at most 10: 15 -> red, behind;  900200 target at most 20: 15 -> 133 % (ahead, green)
pop (monthly, last; the goal G): 900201 500 a month.  900200 target at least 1000: 50 % (50 behind: red)
So the cities behind: 900200 on 2 of its 3 targets (jobs yellow, pop red), 900100 on 1 of 2 (price red).

The leaderboard's composite (analytics.ranking.COMPOSITE) finds two of its indicators here, loaded
by this fixture, both monthly, kept by their last value, the mean over regions:
    gdp_growth    2023-12: 900100 3, 900200 5;  2024-06: 900100 6, 900200 4
    income_growth 2023-12: 900100 4, 900200 6;  2024-06: 900100 7, 900200 5
2024: 900100 is best on both (score 100), 900200 worst (0); 2023 the other way round: 900100 rises
from 2nd to 1st (+1), 900200 falls from 1st to 2nd (-1).

Tasks of unit u1 (a week counts as due soon): T-LATE due 2024-06-20 (a Thursday), nothing reported:
overdue on 2024-06-30; T-SOON due 2024-07-05 (a Friday): 5 days left, due soon; T-LATER due 2024-12-31.
Projects, 2024 plans and 1 (亿元) done each month Jan-Jun: 6 of 12 months are over (50 % expected);
P-ON planned 12: 50 %, on pace (green); P-BEHIND planned 24: 25 %, 25 points behind (yellow).
"""

from __future__ import annotations

from datetime import date

from luoshi.services.units import load_units

AT = date(2024, 6, 30)
COUNTIES = ("900101", "900102", "900201")
COMPOSITE_YAML = """indicators:
  - {code: gdp_growth, name_zh: 地区生产总值增长, name_en: GDP growth, unit: "%", frequency: M, region_agg: mean, time_agg: last}
  - {code: income_growth, name_zh: 居民收入增长, name_en: Income growth, unit: "%", frequency: M, region_agg: mean, time_agg: last}
"""


def build(ws, folder) -> None:
    """Fill the tiny workspace ``ws`` (tests/conftest.py ``tiny_ws``) with the values above."""
    extra = folder / "composite.yaml"
    extra.write_text(COMPOSITE_YAML, encoding="utf-8")
    ws.load_indicators(extra)
    rows = []
    for m in range(1, 7):
        for c in COUNTIES:
            rows.append({"indicator": "jobs", "region": c, "period": f"2024-{m:02d}",
                         "value": 60.0 if (c, m) == ("900101", 6) else 5.0})
            rows.append({"indicator": "price", "region": c, "period": f"2024-{m:02d}", "value": 30.0 if m == 6 else 12.0})
        rows.append({"indicator": "pop", "region": "900201", "period": f"2024-{m:02d}", "value": 500.0})
    for code, before, now in (("gdp_growth", {"900100": 3, "900200": 5}, {"900100": 6, "900200": 4}),
                              ("income_growth", {"900100": 4, "900200": 6}, {"900100": 7, "900200": 5})):
        for county, city in (("900101", "900100"), ("900102", "900100"), ("900201", "900200")):
            rows.append({"indicator": code, "region": county, "period": "2023-12", "value": float(before[city])})
            rows.append({"indicator": code, "region": county, "period": "2024-06", "value": float(now[city])})
    ws.record(rows, source="tests")
    units = folder / "units.csv"
    units.write_text("code,name_zh,name_en,kind,region_code\nu1,测试局,Test Bureau,department,900000\n",
                     encoding="utf-8")
    load_units(ws.db, units)
    task = {"plan_id": "tp", "node_code": "B1", "lead_unit": "u1", "start_date": date(2024, 1, 1)}
    ws.tasks.add_tasks([task | {"id": "T-LATE", "title_zh": "逾期任务", "title_en": "Late task", "deadline": date(2024, 6, 20)},
                        task | {"id": "T-SOON", "title_zh": "将到期任务", "title_en": "Task due soon",
                                "deadline": date(2024, 7, 5)},
                        task | {"id": "T-LATER", "title_zh": "年底任务", "title_en": "Task for the year end",
                                "deadline": date(2024, 12, 31)}])
    project = {"region_code": "900101", "total_investment": 100.0, "lead_unit": "u1"}
    ws.tasks.add_projects([project | {"id": "P-ON", "name_zh": "按期项目", "name_en": "Project on pace", "plans": {2024: 12.0}},
                           project | {"id": "P-BEHIND", "name_zh": "滞后项目", "name_en": "Project behind",
                                      "plans": {2024: 24.0}}])
    for pid in ("P-ON", "P-BEHIND"):
        for m in range(1, 7):
            ws.tasks.record_investment(pid, f"2024-{m:02d}", 1.0)
    ws.set_targets([
        {"indicator": "jobs", "region": "900000", "period": "2024", "comparator": "at_least", "value": 300},
        {"indicator": "jobs", "region": "900100", "period": "2024", "comparator": "at_least", "value": 240},
        {"indicator": "jobs", "region": "900200", "period": "2024", "comparator": "at_least", "value": 120},
        {"indicator": "price", "region": "900000", "period": "2024", "comparator": "at_most", "value": 10},
        {"indicator": "price", "region": "900100", "period": "2024", "comparator": "at_most", "value": 10},
        {"indicator": "price", "region": "900200", "period": "2024", "comparator": "at_most", "value": 20},
        {"indicator": "pop", "region": "900200", "period": "2024", "comparator": "at_least", "value": 1000},
    ])
