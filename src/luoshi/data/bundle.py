"""The bundled real data: Guangdong's divisions (down to towns and villages), the 1310 plan and its cascades, indicators, the
20 strategic industrial clusters, and the provincial targets and outcomes of the work reports."""

from __future__ import annotations

from importlib import resources

DATA = resources.files("luoshi.data")
FILES = {
    "regions": "divisions_guangdong.csv",
    "towns": "divisions_guangdong_towns.csv",  # made by divisions_build.py (`make divisions`)
    "plans": "plans.yaml",
    "indicators": "indicators.yaml",
    "clusters": "industrial_clusters.csv",
    "targets": "targets_gd.csv",
    "outcomes": "outcomes_gd.csv",
    "units": "units.csv",
}
BUNDLED_PLAN = "gd-1310"  # the provincial 1310 plan of plans.yaml: a bundled workspace's default plan


def path(name: str) -> str:
    return str(DATA / FILES.get(name, name))


def load_bundled(ws, *, towns: bool = True) -> dict:
    """Load every bundled file into the workspace, in dependency order.  ``towns``: with the ~1,800
    towns and ~27,000 villages below the counties (``luoshi init`` always loads them; tests that
    do not need them may leave them out)."""
    out = {
        "regions": ws.load_regions(path("regions")),
        **({"towns": ws.load_regions(path("towns"))} if towns else {}),
        "plans": ws.load_plans(path("plans")),
        "indicators": ws.load_indicators(path("indicators")),
        "clusters": ws.load_clusters(path("clusters")),
        "targets": ws.load_targets(path("targets")),
    }
    from luoshi.services.units import load_units  # responsible units: provincial departments, city governments
    out["units"] = load_units(ws.db, path("units"))
    out["outcomes"] = ws.import_observations(path("outcomes"), state="approved", by="luoshi-bundle")
    if not ws.setting("default_plan"):
        ws.set_setting("default_plan", BUNDLED_PLAN)
    return out
