"""Investment rollups of major projects (重点项目) by cluster, region and plan node, against the
annual plan: set-based SQL, one statement per request."""

from __future__ import annotations

from datetime import date

import duckdb

DIMENSIONS = {
    # dimension: (key expression, zh name, en name, join)
    "cluster": ("coalesce(p.cluster_code, 'other')", "coalesce(c.name_zh, '其他')", "coalesce(c.name_en, 'other')",
                "LEFT JOIN clusters c ON c.code = p.cluster_code"),
    "region": ("city.code", "city.name_zh", "city.name_en",
               """LEFT JOIN regions r0 ON r0.code = p.region_code
                  LEFT JOIN region_links l ON l.rid = r0.rid AND l.valid_to IS NULL AND r0.level = 'county'
                  LEFT JOIN regions pr ON pr.rid = l.parent_rid
                  LEFT JOIN regions city ON city.rid = coalesce(pr.rid, r0.rid)"""),
    "node": ("coalesce(p.node_code, '—')", "coalesce(n.title_zh, '未关联')", "coalesce(n.title_en, 'not linked')",
             "LEFT JOIN plan_nodes n ON n.plan_id = p.plan_id AND n.code = p.node_code"),
    "project": ("p.id", "p.name_zh", "coalesce(p.name_en, p.name_zh)", ""),
}


def months_done(year: int, at: date) -> int:
    """Complete months of ``year`` by the end of ``at`` (monthly figures come after the month)."""
    if at.year > year:
        return 12
    if at.year < year:
        return 0
    return at.month - 1 + (1 if at.day == _last_day(at) else 0)


def _last_day(d: date) -> int:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return (nxt - date(d.year, d.month, 1)).days


def investment(cur: duckdb.DuckDBPyConnection, *, by: str, year: int, at: date,
               where: str = "", params: list | None = None) -> list[dict]:
    """Planned and completed investment (亿元) for ``year`` up to ``at``, grouped by a dimension.

    ``completion`` is completed / annual plan; ``expected`` the share of the year's months complete
    (序时进度); ``shortfall`` = expected − completion in points.
    """
    key, zh, en, join = DIMENSIONS[by]
    cutoff = f"{year:04d}-{months_done(year, at):02d}"
    expected = months_done(year, at) / 12 * 100
    sql = f"""
    WITH done AS (
        SELECT project_id, sum(amount) AS completed FROM project_investment
        WHERE month >= '{year:04d}-01' AND month <= ? GROUP BY project_id
    )
    SELECT {key} AS key, any_value({zh}) AS name_zh, any_value({en}) AS name_en,
           count(*) AS projects, bool_or(p.synthetic) AS synthetic,
           sum(p.total_investment) AS total_investment,
           sum(coalesce(pl.planned, 0)) AS planned, sum(coalesce(d.completed, 0)) AS completed,
           CASE WHEN sum(coalesce(pl.planned, 0)) > 0
                THEN sum(coalesce(d.completed, 0)) / sum(pl.planned) * 100 END AS completion
    FROM projects p
    LEFT JOIN project_plans pl ON pl.project_id = p.id AND pl.year = ?
    LEFT JOIN done d ON d.project_id = p.id
    {join}
    WHERE true {where}
    GROUP BY 1 ORDER BY 1
    """
    rows = cur.execute(sql, [cutoff, year, *(params or [])]).fetchall()
    names = [d[0] for d in cur.description]
    out = []
    for r in rows:
        row = dict(zip(names, r))
        row["expected"] = round(expected, 4)
        row["shortfall"] = None if row["completion"] is None else round(expected - row["completion"], 6)
        out.append(row)
    return out


def monthly(cur: duckdb.DuckDBPyConnection, project_id: str, year: int) -> list[dict]:
    rows = cur.execute("""SELECT month, amount, sum(amount) OVER (ORDER BY month) AS cumulative
                          FROM project_investment WHERE project_id = ? AND month LIKE ? ORDER BY month""",
                       [project_id, f"{year:04d}-%"]).fetchall()
    return [{"month": m, "amount": a, "cumulative": c} for m, a, c in rows]
