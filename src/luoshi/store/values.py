"""Named queries about what a workspace holds (periods, synthetic data, targets) that the
workspace, the shells and data/ ask instead of writing SQL."""

from __future__ import annotations

from luoshi.store.db import Database


def has_period(db: Database, key: int) -> bool:
    """Whether the period dimension holds this period key."""
    return bool(db.scalar("SELECT count(*) FROM periods WHERE key = ?", [key]))


def has_synthetic(db: Database) -> bool:
    """Whether any current value is synthetic (demo) data."""
    return bool(db.scalar("SELECT count(*) FROM (SELECT 1 FROM obs_current WHERE synthetic LIMIT 1)"))


def synthetic_counts(db: Database) -> tuple[int, int]:
    """How many current values are synthetic (demo) data, and how many there are."""
    return tuple(db.cursor().execute("SELECT count(*) FILTER (WHERE synthetic), count(*) FROM obs_current").fetchone())


def synthetic_indicators(db: Database) -> set[str]:
    """The indicators with synthetic current values, by code."""
    return {r["code"] for r in db.all(
        "SELECT DISTINCT i.code FROM obs_current c JOIN indicators i ON i.iid = c.iid WHERE c.synthetic")}


def target_years(db: Database, rid: int) -> set[tuple[str, int]]:
    """(indicator code, year) of the targets a region has."""
    return {(r["code"], r["year"]) for r in db.all(
        "SELECT i.code, p.year FROM targets t JOIN indicators i ON i.iid = t.iid JOIN periods p ON p.key = t.pkey "
        "WHERE t.rid = ?", [rid])}
