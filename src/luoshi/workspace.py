"""The workspace: one DuckDB file and the services over it.  The CLI, the web app and the tests
all go through this object."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from luoshi.analytics import regional, rollup
from luoshi.analytics.coverage import coverage as coverage_matrix
from luoshi.analytics.judgement import judge
from luoshi.analytics.ranking import rank as rank_regions
from luoshi.analytics.status import indicator_judgements, plan_status
from luoshi.domain.periods import PeriodError, containing, parse
from luoshi.domain.problems import InputError, NotFound, Report
from luoshi.domain.rules import Rules
from luoshi.ingest.catalog import Catalog, IndicatorRef, RegionRef
from luoshi.ingest.observations import check_key
from luoshi.services import observations, reference
from luoshi.store.db import Database
from luoshi.store.schema import rollup_view_sql

DEFAULT_DB = "luoshi.duckdb"
ENV_DB = "LUOSHI_DB"
SETTINGS = {
    # name: (default, help) — read by the CLI (`luoshi settings`) and docs/settings.md
    "value_basis": ("approved", "which revision the rollups use: 'approved' (latest approved) or 'latest'"),
    "language": ("zh", "default language of names in CLI output: 'zh' or 'en'"),
    # reporting workflow (services/reporting.py)
    "children_tolerance": ("0.01", "imports: largest relative gap between a region and the sum of its children"),
    "jump_ratio": ("0.5", "imports: relative change against the previous period that needs a comment"),
    "jump_points": ("10", "imports: change in percentage points (indicators in %) that needs a comment"),
    "approval_bottom_up": ("false", "approve a region only after its child regions ('true' or 'false')"),
}


def default_path() -> str:
    return os.environ.get(ENV_DB) or DEFAULT_DB


class Workspace:
    """One luoshi workspace (a DuckDB file).  Opening an older workspace migrates it."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, today: date | None = None):
        self.path = str(path or default_path())
        self.db = Database(self.path, read_only=read_only)
        if not read_only:
            ran = self.db.migrate()
            if "0002_rollup_view" in ran and self.db.scalar("SELECT count(*) FROM obs_current"):
                self.set_setting("value_basis", self.setting("value_basis"))
        self._today = today

    @classmethod
    def create(cls, path: str | Path | None = None, **kw) -> "Workspace":
        return cls(path, **kw)

    @classmethod
    def open(cls, path: str | Path | None = None, **kw) -> "Workspace":
        p = str(path or default_path())
        if p != ":memory:" and not Path(p).exists():
            raise FileNotFoundError(f"no workspace at {p} (run `luoshi init` or `luoshi demo` first)")
        return cls(p, **kw)

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def today(self) -> date:
        return self._today or date.today()

    # --- settings -----------------------------------------------------------------------------
    def setting(self, name: str) -> str:
        row = self.db.one("SELECT value FROM settings WHERE key = ?", [name])
        return row["value"] if row else SETTINGS[name][0]

    def set_setting(self, name: str, value: str) -> None:
        if name not in SETTINGS:
            raise NotFound("setting", name, f"known: {', '.join(SETTINGS)}")
        with self.db.write() as con:
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [name, value])
            if name == "value_basis":  # the rollup view and its derived values follow the basis
                if value not in ("approved", "latest"):
                    raise NotFound("value basis", value, "approved or latest")
                con.execute(rollup_view_sql(value))
                rollup.full(con, value)

    @property
    def reporting(self):
        """Imports, approval, locks, audit and users (services/reporting.py)."""
        from luoshi.services.reporting import Reporting
        return Reporting(self)

    # --- lookups ------------------------------------------------------------------------------
    def catalog(self) -> Catalog:
        regions = {r["code"]: RegionRef(r["rid"], r["code"], r["level"], r["valid_from"], r["valid_to"])
                   for r in self.db.all("SELECT rid, code, level, valid_from, valid_to FROM regions")}
        inds = {r["code"]: IndicatorRef(r["iid"], r["code"], r["unit"], r["frequency"], r["min_value"],
                                        r["max_value"], r["numerator"] is not None)
                for r in self.db.all("SELECT * FROM indicators")}
        return Catalog(regions, inds, self.today)

    def region(self, code: str) -> dict:
        row = self.db.one("SELECT * FROM regions WHERE code = ?", [code])
        if row is None:
            raise NotFound("region", code, "use a GB/T 2260 code such as 440000 or 440100")
        return row

    def region_path(self, code: str, at: date | None = None) -> list[dict]:
        """The region and its ancestors on ``at``, province first (breadcrumbs)."""
        at = at or self.today
        r = self.region(code)
        chain, seen = [r], {r["rid"]}
        while True:
            p = self.db.one("""SELECT p.* FROM region_links l JOIN regions p ON p.rid = l.parent_rid
                               WHERE l.rid = ? AND l.valid_from <= ? AND (l.valid_to IS NULL OR ? < l.valid_to)
                               ORDER BY l.valid_from DESC LIMIT 1""", [chain[-1]["rid"], at, at])
            if p is None or p["rid"] in seen:
                break
            chain.append(p)
            seen.add(p["rid"])
        return list(reversed(chain))

    def children(self, code: str, at: date | None = None) -> list[dict]:
        at = at or self.today
        return self.db.all("""SELECT r.* FROM region_links l JOIN regions r ON r.rid = l.rid
                              WHERE l.parent_rid = (SELECT rid FROM regions WHERE code = ?)
                                AND l.valid_from <= ? AND (l.valid_to IS NULL OR ? < l.valid_to)
                              ORDER BY r.code""", [code, at, at])

    def indicator(self, code: str) -> dict:
        row = self.db.one("SELECT * FROM indicators WHERE code = ?", [code])
        if row is None:
            raise NotFound("indicator", code, "`luoshi indicators` lists them")
        row["aliases"] = json.loads(row["aliases"] or "[]")
        return row

    def indicators(self) -> list[dict]:
        return self.db.all("SELECT * FROM indicators ORDER BY iid")

    def plan(self, plan_id: str) -> dict:
        row = self.db.one("SELECT * FROM plans WHERE id = ?", [plan_id])
        if row is None:
            ids = ", ".join(r["id"] for r in self.db.all("SELECT id FROM plans ORDER BY id")) or "none loaded"
            raise NotFound("plan", plan_id, f"plans: {ids}")
        return row

    def plans(self) -> list[dict]:
        return self.db.all("SELECT * FROM plans ORDER BY parent_plan NULLS FIRST, id")

    def rules(self, plan_id: str | None = None) -> Rules:
        if not plan_id:
            return Rules()
        return Rules.from_dict(json.loads(self.plan(plan_id)["rules"] or "{}"))

    @staticmethod
    def period(text: str):
        try:
            return parse(text)
        except PeriodError as exc:
            raise NotFound("period", str(text), str(exc)) from None

    # --- loading ------------------------------------------------------------------------------
    def load_regions(self, path) -> dict:
        return reference.load_regions(self.db, path)

    def change_regions(self, **kw) -> None:
        """A split or merge on a date (see services.reference.change_regions); the rollup follows."""
        reference.change_regions(self.db, **kw)
        self.rollup_full()

    def load_plans(self, path) -> dict:
        return reference.load_plans(self.db, path)

    def load_indicators(self, path) -> dict:
        return reference.load_indicators(self.db, path)

    def load_clusters(self, path) -> dict:
        return reference.load_clusters(self.db, path)

    def load_targets(self, path) -> dict:
        return observations.load_targets(self.db, self.catalog(), path)

    def import_observations(self, path, *, state: str = "approved", by: str | None = None,
                            dry_run: bool = False) -> dict:
        return observations.import_observations(self.db, self.catalog(), path, state=state, by=by,
                                                basis=self.setting("value_basis"), dry_run=dry_run)

    def record(self, rows: list[dict], **kw) -> dict:
        """Store observation rows given by codes (indicator, region, period, value) as new revisions."""
        cat, report, out = self.catalog(), Report(), []
        for n, r in enumerate(rows, start=1):
            key = check_key(n, r, cat, report)  # the importer's checks of indicator, region and period
            if key:
                ind, reg, p = key
                out.append({"iid": ind.iid, "rid": reg.rid, "pkey": p.key, "value": r["value"],
                            "state": r.get("state"), "comment": r.get("comment"), "source": r.get("source")})
        if not report.ok:
            raise InputError(report)
        return observations.record(self.db, out, basis=self.setting("value_basis"), **kw)

    @property
    def tasks(self):
        """Tasks and projects (services.taskdesk)."""
        from luoshi.services.taskdesk import TaskDesk

        return TaskDesk(self)

    # --- analytics ----------------------------------------------------------------------------
    def rollup_full(self) -> rollup.RollupStats:
        with self.db.write() as con:
            return rollup.full(con, self.setting("value_basis"))

    def judge_all(self, at: date | None = None, plan_id: str | None = None) -> list[dict]:
        """Judge every target at ``at`` (the whole hierarchy, one SQL statement)."""
        at = at or self.today
        table = judge(self.db.cursor(), at, self.rules(plan_id))
        return self.db.all(f"SELECT * FROM {table}")

    def status(self, plan_id: str = "gd-1310", region: str | None = None, period: str | None = None,
               at: date | None = None) -> dict:
        plan = self.plan(plan_id)
        at = at or self.today
        reg = self.region(region or plan["owner_region"])
        p = self.period(period) if period else containing(at, "Y")
        out = plan_status(self.db.cursor(), plan_id=plan_id, rid=reg["rid"], period=p, at=at, rules=self.rules(plan_id))
        out["region"] = {k: reg[k] for k in ("code", "name_zh", "name_en", "level", "synthetic")}
        return out

    def region_indicators(self, region: str, period: str | None = None, at: date | None = None,
                          plan_id: str = "gd-1310") -> list[dict]:
        at = at or self.today
        reg = self.region(region)
        p = self.period(period) if period else containing(at, "Y")
        return indicator_judgements(self.db.cursor(), rid=reg["rid"], period=p, at=at, rules=self.rules(plan_id))

    def rank(self, indicators: list[str] | str, *, level: str = "city", within: str | None = None,
             period: str, weights: list[float] | None = None) -> dict:
        names = [indicators] if isinstance(indicators, str) else list(indicators)
        iids = [self.indicator(c)["iid"] for c in names]
        weights = weights or [1.0] * len(iids)
        p = self.period(period)
        within = within or self.db.scalar("SELECT code FROM regions WHERE depth = 1 ORDER BY code LIMIT 1")
        parent = self.region(within)
        rows = rank_regions(self.db.cursor(), indicators=list(zip(iids, weights)), parent_rid=parent["rid"],
                            level=level, period=p)
        return {"indicators": names, "weights": weights, "level": level, "within": within, "period": p.code,
                "previous_period": p.previous().code, "rows": rows}

    def coverage(self, plan_id: str) -> dict:
        self.plan(plan_id)
        return coverage_matrix(self.db.cursor(), plan_id)

    def series(self, indicator: str, region: str, ptype: str | None = None) -> list[dict]:
        """An indicator's rolled-up values over time for one region (one period type)."""
        ind, reg = self.indicator(indicator), self.region(region)
        t = ptype or ind["frequency"]
        return self.db.all("""
            SELECT p.code AS period, p."end", r.value, r.src, r.n_reporting, r.synthetic
            FROM rollup r JOIN periods p ON p.key = r.pkey
            WHERE r.iid = ? AND r.rid = ? AND p.type = ? ORDER BY r.pkey
        """, [ind["iid"], reg["rid"], t])

    # --- dashboard queries (web) ------------------------------------------------------------
    def region_table(self, indicator: str, parent: str, period: str | None = None, at: date | None = None,
                     plan_id: str = "gd-1310") -> list[dict]:
        """The children of ``parent`` judged on one indicator (value, target, attainment, light...)."""
        at = at or self.today
        ind, reg = self.indicator(indicator), self.region(parent)
        p = self.period(period) if period else containing(at, "Y")
        return regional.indicator_by_region(self.db.cursor(), iid=ind["iid"], parent_rid=reg["rid"], period=p,
                                            at=at, rules=self.rules(plan_id))

    def sparklines(self, region: str, start: date, end: date) -> dict[str, list[dict]]:
        """Each indicator's values for a region between two dates, at the indicator's own frequency."""
        return regional.sparklines(self.db.cursor(), rid=self.region(region)["rid"], start=start, end=end)

    def targets(self, indicator: str, region: str) -> list[dict]:
        """Every target of an indicator in a region, with its trajectory."""
        return regional.targets_of(self.db.cursor(), iid=self.indicator(indicator)["iid"],
                                   rid=self.region(region)["rid"])

    def data_version(self) -> tuple:
        """Changes whenever observations, targets, plans, regions or documents change (a cache key for
        readers; the targets-vs-outcomes view shows commitments still under review)."""
        return self.db.cursor().execute(
            "SELECT (SELECT max(oid) FROM observations), (SELECT count(*) FROM obs_current),"
            " (SELECT max(tid) FROM targets), (SELECT count(*) FROM targets), (SELECT count(*) FROM plan_nodes),"
            " (SELECT count(*) FROM regions), (SELECT count(*) FROM indicators),"
            " (SELECT max(extracted_at) FROM documents), (SELECT max(reviewed_at) FROM commitments)").fetchone()

    def export(self, what: str, fmt: str, path: str | Path) -> int:
        """Write observations (every revision) or the rollup to CSV or Parquet; returns the row count."""
        queries = {
            "observations": """SELECT i.code AS indicator, r.code AS region, p.code AS period, o.value, o.state,
                                      o.revision, o.reported_by, o.reported_at, o.source, o.comment
                               FROM observations o JOIN indicators i ON i.iid = o.iid
                               JOIN regions r ON r.rid = o.rid JOIN periods p ON p.key = o.pkey
                               ORDER BY i.code, r.code, o.pkey, o.revision""",
            "rollup": """SELECT i.code AS indicator, r.code AS region, p.code AS period, p.type AS period_type,
                                ro.value, CASE ro.src WHEN 0 THEN 'reported' WHEN 1 THEN 'time' WHEN 2 THEN 'regions'
                                ELSE 'formula' END AS derived_from, ro.n_reporting, ro.synthetic
                         FROM rollup ro JOIN indicators i ON i.iid = ro.iid
                         JOIN regions r ON r.rid = ro.rid JOIN periods p ON p.key = ro.pkey
                         ORDER BY i.code, r.code, ro.pkey""",
        }
        if what not in queries:
            raise NotFound("export", what, "observations or rollup")
        if fmt not in ("csv", "parquet"):
            raise NotFound("format", fmt, "csv or parquet")
        target = str(Path(path)).replace("'", "''")
        opts = "FORMAT CSV, HEADER" if fmt == "csv" else "FORMAT PARQUET"
        cur = self.db.cursor()
        cur.execute(f"COPY ({queries[what]}) TO '{target}' ({opts})")
        return cur.execute(f"SELECT count(*) FROM ({queries[what]})").fetchone()[0]

    @property
    def documents(self):
        """Policy documents and the commitments extracted from them (services/documents.py)."""
        from luoshi.services.documents import DocumentService
        return DocumentService(self.db)

    def summary(self) -> dict:
        q = self.db.scalar
        return {
            "path": self.path, "schema": self.db.schema_version(),
            "regions": q("SELECT count(*) FROM regions"), "plans": q("SELECT count(*) FROM plans"),
            "indicators": q("SELECT count(*) FROM indicators"), "targets": q("SELECT count(*) FROM targets"),
            "observations": q("SELECT count(*) FROM observations"), "rollup_rows": q("SELECT count(*) FROM rollup"),
            "synthetic_observations": q("SELECT count(*) FROM obs_current WHERE synthetic"),
        }
