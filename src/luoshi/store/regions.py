"""Named queries about regions: the province, a region by code, its path and children on a day,
its links over time, the changes (merges, splits) recorded.  The workspace, the shells and
data/ call these instead of writing SQL about regions."""

from __future__ import annotations

from datetime import date

from luoshi.domain.regions import valid_on_sql
from luoshi.store.db import Database

MAX_DEPTH = 8  # deeper than any tree of the five levels: stops a walk up a (corrupt) cycle of links


def province(db: Database) -> dict | None:
    """The root region (depth 1; the lowest code if several are loaded)."""
    return db.one("SELECT * FROM regions WHERE depth = 1 ORDER BY code LIMIT 1")


def by_code(db: Database, code: str) -> dict | None:
    return db.one("SELECT * FROM regions WHERE code = ?", [code])


def every(db: Database) -> list[dict]:
    """Every region ever loaded (current and retired), by code."""
    return db.all("SELECT * FROM regions ORDER BY code")


def refs(db: Database) -> list[tuple]:
    """(rid, code, level, valid_from, valid_to, name_zh, name_en, short_zh) of every region, as
    tuples: what an import checks names against, quick to read for the ~28,000 bundled regions."""
    return db.cursor().execute("SELECT rid, code, level, valid_from, valid_to, name_zh, name_en, short_zh "
                               "FROM regions ORDER BY code").fetchall()


def rids(db: Database) -> dict[str, int]:
    """Region code -> internal id, for every region."""
    return {r["code"]: r["rid"] for r in db.all("SELECT code, rid FROM regions")}


def path(db: Database, code: str, day: date) -> list[dict]:
    """The region and its ancestors as linked on ``day``, the root first (breadcrumbs)."""
    return db.all(f"""
        WITH RECURSIVE up(rid, n) AS (
            SELECT rid, 0 FROM regions WHERE code = $code
            UNION ALL
            SELECT l.parent_rid, up.n + 1 FROM up JOIN region_links l ON l.rid = up.rid
            WHERE l.parent_rid IS NOT NULL AND {valid_on_sql('l', '$day')} AND up.n < {MAX_DEPTH}
        )
        SELECT r.* FROM up JOIN regions r ON r.rid = up.rid ORDER BY up.n DESC""", {"code": code, "day": day})


def children(db: Database, code: str, day: date) -> list[dict]:
    """The regions linked under ``code`` on ``day``, by code."""
    return db.all(f"""
        SELECT r.* FROM region_links l JOIN regions r ON r.rid = l.rid
        WHERE l.parent_rid = (SELECT rid FROM regions WHERE code = $code) AND {valid_on_sql('l', '$day')}
        ORDER BY r.code""", {"code": code, "day": day})


def links_of(db: Database, code: str) -> list[dict]:
    """Every link of one region (its parents over time), oldest first."""
    return db.all("""
        SELECT p.code AS parent, l.valid_from, l.valid_to
        FROM region_links l JOIN regions c ON c.rid = l.rid LEFT JOIN regions p ON p.rid = l.parent_rid
        WHERE c.code = ? ORDER BY l.valid_from""", [code])


def listing(db: Database, day: date | None = None, max_depth: int = MAX_DEPTH) -> list[dict]:
    """Regions valid on ``day`` with their parent then; with no day, every region (retired ones
    too) with its latest parent.  ``max_depth``: only the levels down to it (3: to the counties)."""
    if day:
        return db.all(f"""
            SELECT r.code, r.name_zh, r.name_en, r.level, p.code AS parent, r.valid_from, r.valid_to
            FROM regions r
            LEFT JOIN region_links l ON l.rid = r.rid AND {valid_on_sql('l', '$day')}
            LEFT JOIN regions p ON p.rid = l.parent_rid
            WHERE {valid_on_sql('r', '$day')} AND r.depth <= $depth
            ORDER BY r.code""", {"day": day, "depth": max_depth})
    return db.all("""
        SELECT r.code, r.name_zh, r.name_en, r.level, p.code AS parent, r.valid_from, r.valid_to
        FROM regions r
        LEFT JOIN (SELECT rid, arg_max(parent_rid, valid_from) AS parent_rid FROM region_links GROUP BY rid) l
          ON l.rid = r.rid
        LEFT JOIN regions p ON p.rid = l.parent_rid
        WHERE r.depth <= $depth
        ORDER BY r.code""", {"depth": max_depth})


def reporting_leaves(db: Database) -> list[dict]:
    """Current counties, and the current cities that have no counties (Dongguan, Zhongshan, whose
    children are towns)."""
    return db.all("""
        SELECT r.rid, r.code, r.level FROM regions r
        WHERE (r.level = 'county' OR (r.level = 'city' AND NOT EXISTS (
            SELECT 1 FROM region_links l JOIN regions c ON c.rid = l.rid
            WHERE l.parent_rid = r.rid AND c.level = 'county')))
          AND r.valid_to IS NULL
        ORDER BY r.code""")


def events(db: Database, code: str | None = None) -> list[dict]:
    """The recorded changes (merges, splits), oldest first; with ``code``, those it took part in."""
    rows = db.all("SELECT * FROM region_events ORDER BY event_date, seq")
    for r in rows:
        r["from_codes"] = r["from_codes"].split(",") if r["from_codes"] else []
        r["to_codes"] = r["to_codes"].split(",") if r["to_codes"] else []
    if code:
        rows = [r for r in rows if code in r["from_codes"] or code in r["to_codes"]]
    return rows


def became(db: Database) -> dict[str, list[str]]:
    """Retired region code -> the codes it went into (the latest change that retired it)."""
    out: dict[str, list[str]] = {}
    for r in events(db):
        for code in r["from_codes"]:
            if code not in r["to_codes"]:
                out[code] = r["to_codes"]
    return out
