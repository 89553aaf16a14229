"""The workspace: one DuckDB file and the services over it.  The CLI, the web app and the tests
all go through this object."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from luoshi.analytics import judgement, regional, rollup
from luoshi.analytics.coverage import coverage as coverage_matrix
from luoshi.analytics.judgement import judge
from luoshi.analytics.ranking import periods_with_data
from luoshi.analytics.ranking import rank as rank_regions
from luoshi.analytics.status import indicator_judgements, plan_indicators, plan_status, region_lights
from luoshi.analytics.rollup_rules import EXPORT_COLUMNS
from luoshi.domain.periods import Period, containing, parse_given
from luoshi.domain.problems import InputError, Problem, Refusal, Report, one_of
from luoshi.domain.regions import DEPTH
from luoshi.domain.roles import Actor
from luoshi.domain.rules import Rules
from luoshi.domain.settings import SETTINGS, Value
from luoshi.domain.settings import parse as parse_setting
from luoshi.domain.settings import setting as declared
from luoshi.ingest.catalog import Catalog, IndicatorRef, RegionRef
from luoshi.services import imports, observations, reference, region_changes, rollups, workflow
from luoshi.store import regions as region_store
from luoshi.store import values
from luoshi.store.csv_files import copy_csv
from luoshi.store.db import Database
from luoshi.store.schema import PERIOD_YEARS, rollup_view_sql

DEFAULT_DB = "luoshi.duckdb"
ENV_DB = "LUOSHI_DB"


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

    @staticmethod
    def demo_at(path: str | Path) -> bool:
        """Whether the file at ``path`` is a workspace that holds the synthetic demo dataset, looked at
        read-only (`luoshi demo` replaces only such a file: any other holds data and an audit log that
        are kept).  A file that is no workspace, or that another process is writing, is not one."""
        import duckdb

        try:
            db = Database(str(path), read_only=True)
        except duckdb.Error:
            return False
        try:
            return bool(db.scalar("SELECT EXISTS (SELECT 1 FROM observations WHERE source = ?)",
                                  [observations.SYNTHETIC_SOURCE]))
        except duckdb.Error:
            return False
        finally:
            db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def today(self) -> date:
        return self._today or date.today()

    # --- settings -----------------------------------------------------------------------------
    def setting(self, name: str) -> Value:
        """The typed value of setting ``name`` (domain/settings.py): stored, else the default."""
        default = declared(name).default  # unknown-setting
        stored = self.db.memo("settings", lambda: {r["key"]: r["value"] for r in self.db.all("SELECT * FROM settings")})
        return parse_setting(name, stored[name]) if name in stored else default

    def settings(self) -> list[dict]:
        """Every setting with its value, default, type, allowed values and meaning (CLI and API)."""
        return [{"name": s.name, "value": self.setting(s.name), "default": s.default, "type": s.type.__name__,
                 "allowed": s.expected()[0], "help": s.help} for s in SETTINGS.values()]

    def set_setting(self, name: str, value: Value | None) -> Value:
        """Store a setting (None: back to its default); a bad name or value is refused and changes nothing."""
        typed = parse_setting(name, declared(name).default if value is None else value)
        if name == "default_plan" and typed:
            self.plan(typed)  # unknown-plan: only a plan of this workspace can be the default
        with self.db.write() as con:
            if value is None:
                con.execute("DELETE FROM settings WHERE key = ?", [name])
            else:
                con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [name, SETTINGS[name].text(typed)])
            if name == "value_basis":  # the rollup view and its derived values follow the basis
                con.execute(rollup_view_sql(typed))
                rollup.full(con, typed)
        return typed

    @property
    def reporting(self):
        """Imports, approval, locks, audit and users (services/reporting.py)."""
        from luoshi.services.reporting import Reporting
        return Reporting(self)

    # --- lookups ------------------------------------------------------------------------------
    def catalog(self) -> Catalog:
        """The regions, indicators and plans an import names (kept until they change: Database.memo)."""
        return self.db.memo(("catalog", self.today), self._catalog)

    def _catalog(self) -> Catalog:
        regions = {r[1]: RegionRef(*r[:5], r[5:]) for r in region_store.refs(self.db)}
        inds = {r["code"]: IndicatorRef(r["iid"], r["code"], r["unit"], r["frequency"], r["min_value"],
                                        r["max_value"], r["numerator"] is not None, (r["name_zh"], r["name_en"]))
                for r in self.db.all("SELECT * FROM indicators")}
        plans = {r["id"] for r in self.db.all("SELECT id FROM plans")}
        return Catalog(regions, inds, self.today, plans)

    def region(self, code: str) -> dict:
        row = region_store.by_code(self.db, code)
        if row is None:
            raise Refusal("unknown-region", 404, value=code, example="440000")
        return row

    def province(self) -> dict:
        """The root region of the workspace (the province)."""
        row = region_store.province(self.db)
        if row is None:
            raise Refusal("unknown-region", 404, value="province", example="440000")
        return row

    def region_path(self, code: str, at: date | None = None) -> list[dict]:
        """The region and its ancestors on ``at``, province first (breadcrumbs)."""
        self.region(code)
        return region_store.path(self.db, code, at or self.today)

    def children(self, code: str, at: date | None = None) -> list[dict]:
        return region_store.children(self.db, code, at or self.today)

    def regions(self, at: date | None = None, *, retired: bool = False, down_to: str | None = None) -> list[dict]:
        """Regions valid on ``at`` (default today) with their parent; ``retired``: every region ever
        loaded, with what each retired one became; ``down_to``: only the levels down to this one
        (a picker lists the ~300 regions down to the counties, not the ~28,000 towns and villages)."""
        if down_to and down_to not in DEPTH:
            raise Refusal("bad-level", value=down_to, known=", ".join(DEPTH))
        depth = DEPTH[down_to] if down_to else region_store.MAX_DEPTH
        if not retired:
            return region_store.listing(self.db, at or self.today, depth)
        became = region_store.became(self.db)
        return [r | {"became": ",".join(became.get(r["code"], []))} for r in region_store.listing(self.db, None, depth)]

    def region_events(self, region: str | None = None) -> list[dict]:
        """The recorded merges and splits (what went into what), oldest first."""
        if region:
            self.region(region)
        return region_store.events(self.db, region)

    def known_period(self, text: str) -> Period:
        """A period a person gave: parsed (else ``bad-period``) and inside the workspace's years (else
        ``unknown-period``, 404)."""
        p = parse_given(text)
        if not values.has_period(self.db, p.key):
            raise Refusal("unknown-period", 404, value=text, low=PERIOD_YEARS[0], high=PERIOD_YEARS[1])
        return p

    def indicator(self, code: str) -> dict:
        row = self.db.one("SELECT * FROM indicators WHERE code = ?", [code])
        if row is None:
            raise Refusal("unknown-indicator", 404, value=code)
        row["aliases"] = json.loads(row["aliases"] or "[]")
        return row

    def indicators(self) -> list[dict]:
        return self.db.all("SELECT * FROM indicators ORDER BY iid")

    @property
    def default_plan(self) -> str | None:
        """The plan shown when none is named: the ``default_plan`` setting, else the first top-level
        plan by id (None in a workspace without plans)."""
        return self.setting("default_plan") or self.db.scalar(
            "SELECT id FROM plans WHERE parent_plan IS NULL ORDER BY id LIMIT 1")

    def plan(self, plan_id: str | None = None) -> dict:
        """The plan ``plan_id``, or the default plan."""
        plan_id = plan_id or self.default_plan
        row = self.db.one("SELECT * FROM plans WHERE id = ?", [plan_id]) if plan_id else None
        if row is None:
            ids = ", ".join(r["id"] for r in self.db.all("SELECT id FROM plans ORDER BY id")) or "none loaded"
            raise Refusal("unknown-plan", 404, value=plan_id, known=ids)
        return row

    def plans(self) -> list[dict]:
        return self.db.all("SELECT * FROM plans ORDER BY parent_plan NULLS FIRST, id")

    def rules(self, plan_id: str | None = None) -> Rules:
        """A plan's judgement thresholds (without a plan: the built-in ones)."""
        if not plan_id:
            return Rules()
        return Rules.from_dict(json.loads(self.plan(plan_id)["rules"] or "{}"))

    # --- loading ------------------------------------------------------------------------------
    def load_regions(self, path) -> dict:
        return reference.load_regions(self.db, path)

    def change_regions(self, **kw) -> dict:
        """Record a merge or split on a date (see services/region_changes.py); the rollup follows."""
        with self.db.write():  # the change and its rollup commit together
            out = region_changes.change_regions(self.db, **kw)
            if not kw.get("dry_run"):
                out["rollup_seconds"] = self.rollup_full().seconds
        return out

    def load_plans(self, path) -> dict:
        return reference.load_plans(self.db, path)

    def load_indicators(self, path) -> dict:
        return reference.load_indicators(self.db, path)

    def load_clusters(self, path) -> dict:
        return reference.load_clusters(self.db, path)

    def load_targets(self, path) -> dict:
        """A targets file (CSV, XLSX or JSON), all or nothing: raises InputError naming each problem."""
        return self._all_or_nothing(self.reporting.import_file(path, actor=Actor.local(), kind="targets"))

    def set_targets(self, rows: list[dict], *, by: str | None = None, replace: bool = True, dry_run: bool = False,
                    on_stored=None) -> dict:
        """Store targets given in Python (the columns of a targets file, by code or name), all or nothing.
        ``replace`` false refuses a key that has a target; ``dry_run`` checks and stores nothing;
        ``on_stored(con, [(row, tid)])`` runs in the write transaction (imports.submit_targets)."""
        actor = Actor(by, superuser=True) if by else Actor.local()
        report = Report(file="rows", rows_read=len(rows))
        return self._all_or_nothing(imports.submit_targets(self.db, self.catalog(),
                                                           observations.rows_table(rows, "targets"), report,
                                                           actor=actor, dry_run=dry_run, replace=replace,
                                                           on_stored=on_stored))

    def import_observations(self, path, *, state: str = "approved", by: str | None = None,
                            dry_run: bool = False) -> dict:
        """An observations file, all or nothing, as the local single user (``by`` names who)."""
        actor = Actor(by, superuser=True) if by else Actor.local()
        return self._all_or_nothing(self.reporting.import_file(path, actor=actor, state=state, dry_run=dry_run))

    def record(self, rows: list[dict], *, state: str | None = None, by: str | None = None,
               source: str | None = None, dry_run: bool = False, on_stored=None) -> dict:
        """Store observation rows given in Python ({indicator, region, period, value[, unit, comment,
        source, state]}, by code or name) through the one write path, all or nothing.  ``dry_run``
        checks and stores nothing; ``on_stored(con, [(row, oid)])`` runs in the write transaction
        (observations.submit)."""
        actor = Actor(by, superuser=True) if by else Actor.local()
        report = Report(file="rows", rows_read=len(rows))
        return self._all_or_nothing(observations.submit(
            self.db, self.catalog(), observations.rows_table(rows), report, actor=actor, state=state or "approved",
            checks=self.reporting.checks(), basis=self.setting("value_basis"), source=source or f"rows:{actor.name}",
            locked_sql=workflow.lock_relation(self.today), dry_run=dry_run, on_stored=on_stored))

    @staticmethod
    def _all_or_nothing(result: dict) -> dict:
        if result["status"] in ("rejected", "invalid"):
            report = Report(file=result["file"])
            report.extend(Problem(**p) for p in result["problems"])
            raise InputError(report)
        return result

    @property
    def tasks(self):
        """Tasks and projects (services.taskdesk)."""
        from luoshi.services.taskdesk import TaskDesk

        return TaskDesk(self)

    # --- analytics ----------------------------------------------------------------------------
    def rollup(self, engine: str = "duckdb", output=None, master: str = "local[2]", attach: bool = False,
               at: date | None = None) -> dict:
        """The whole rollup on request, here or as a Spark job (services/rollups.py); with an output
        folder, every target judged at ``at`` too."""
        return rollups.run(self, engine, output, master, attach, at)

    def rollup_attached(self) -> str | None:
        """The folder of an attached rollup made by Spark (checked readable: ``rollup-missing``), or None."""
        return rollups.check(self)

    def rollup_full(self) -> rollup.RollupStats:
        with self.db.write() as con:
            return rollup.full(con, self.setting("value_basis"))

    def judge_all(self, at: date | None = None, plan_id: str | None = None) -> list[dict]:
        """Judge every target at ``at`` (the whole hierarchy, one SQL statement)."""
        at = at or self.today
        table = judge(self.db.cursor(), at, self.rules(plan_id))
        return self.db.all(f"SELECT * FROM {table}")

    def status(self, plan_id: str | None = None, region: str | None = None, period: str | None = None,
               at: date | None = None) -> dict:
        plan = self.plan(plan_id)
        plan_id = plan["id"]
        at = at or self.today
        reg = self.region(region or plan["owner_region"])
        p = parse_given(period) if period else containing(at, "Y")
        out = plan_status(self.db.cursor(), plan_id=plan_id, rid=reg["rid"], period=p, at=at, rules=self.rules(plan_id),
                          report_level=self.setting("report_level"))
        out["region"] = {k: reg[k] for k in ("code", "name_zh", "name_en", "level", "synthetic")}
        return out

    def region_indicators(self, region: str, period: str | None = None, at: date | None = None,
                          plan_id: str | None = None, indicators: list[str] | None = None) -> list[dict]:
        """A region's indicators (those named, or all) judged for a period."""
        at = at or self.today
        reg = self.region(region)
        p = parse_given(period) if period else containing(at, "Y")
        iids = [self.indicator(c)["iid"] for c in indicators] if indicators else None
        return indicator_judgements(self.db.cursor(), rid=reg["rid"], period=p, at=at,
                                    rules=self.rules(plan_id or self.default_plan), iids=iids,
                                    report_level=self.setting("report_level"))

    def region_lights(self, regions: list[str], period: str | None = None, at: date | None = None,
                      plan_id: str | None = None, indicators: list[str] | None = None) -> dict[str, dict]:
        """Each region's light over the indicators named, else those of the plan (else the default
        plan; in a workspace without plans, every indicator): {code: {light, worst, share_behind, ...}}."""
        at = at or self.today
        p = parse_given(period) if period else containing(at, "Y")
        plan_id = plan_id or self.default_plan
        if indicators is None and plan_id:
            indicators = plan_indicators(self.db.cursor(), self.plan(plan_id)["id"])
        rids = {self.region(c)["rid"]: c for c in regions}
        lights = region_lights(self.db.cursor(), rids=list(rids), period=p, at=at, rules=self.rules(plan_id),
                               indicators=indicators)
        return {rids[rid]: v for rid, v in lights.items()}

    def rank(self, indicators: list[str] | str, *, level: str = "city", within: str | None = None,
             period: str, weights: list[float] | None = None) -> dict:
        names = [indicators] if isinstance(indicators, str) else list(indicators)
        iids = [self.indicator(c)["iid"] for c in names]
        weights = weights or [1.0] * len(iids)
        p = parse_given(period)
        within = within or self.province()["code"]
        parent = self.region(within)
        rows = rank_regions(self.db.cursor(), indicators=list(zip(iids, weights)), parent_rid=parent["rid"],
                            level=level, period=p)
        out = {"indicators": names, "weights": weights, "level": level, "within": within, "period": p.code,
               "previous_period": p.previous().code, "rows": rows, "ranked": sum(r["rank"] is not None for r in rows)}
        if not out["ranked"]:  # an empty ranking says where there is something to rank
            out["periods_with_data"] = periods_with_data(self.db.cursor(), iids=iids, parent_rid=parent["rid"],
                                                         level=level, period=p)
        return out

    def coverage(self, plan_id: str | None = None) -> dict:
        return coverage_matrix(self.db.cursor(), self.plan(plan_id)["id"])

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
                     plan_id: str | None = None) -> list[dict]:
        """The children of ``parent`` judged on one indicator (value, target, attainment, light...)."""
        at = at or self.today
        ind, reg = self.indicator(indicator), self.region(parent)
        p = parse_given(period) if period else containing(at, "Y")
        return regional.indicator_by_region(self.db.cursor(), iid=ind["iid"], parent_rid=reg["rid"], period=p,
                                            at=at, rules=self.rules(plan_id or self.default_plan),
                                            report_level=self.setting("report_level"))

    def sparklines(self, region: str, start: date, end: date) -> dict[str, list[dict]]:
        """Each indicator's values for a region between two dates, at the indicator's own frequency."""
        return regional.sparklines(self.db.cursor(), rid=self.region(region)["rid"], start=start, end=end)

    def targets(self, indicator: str, region: str) -> list[dict]:
        """Every target of an indicator in a region, with its trajectory."""
        return regional.targets_of(self.db.cursor(), iid=self.indicator(indicator)["iid"],
                                   rid=self.region(region)["rid"])

    def data_version(self) -> tuple:
        """Changes with every commit to the workspace, whatever it changed (Database.version): a cache
        key for readers (a view asked for without a plan shows the default plan, the value basis
        changes every rolled-up value, the targets-vs-outcomes view shows commitments under review)."""
        return (self.db.version(),)

    def export(self, what: str, fmt: str, path: str | Path, at: date | None = None, partitioned: bool = False) -> int:
        """Write observations (every revision, as stored), the rollup (rollup_rules.EXPORT_COLUMNS,
        rounded to each indicator's decimals) or every target judged at ``at`` (default today;
        judgement.EXPORT_COLUMNS, under the default plan's rules) to CSV (UTF-8 with a byte-order
        mark, store/csv_files.py) or Parquet (``partitioned``: a folder per period); returns the
        row count."""
        queries = {
            "observations": """SELECT i.code AS indicator, r.code AS region, p.code AS period, o.value, o.state,
                                      o.revision, o.reported_by, o.reported_at, o.source, o.comment
                               FROM observations o JOIN indicators i ON i.iid = o.iid
                               JOIN regions r ON r.rid = o.rid JOIN periods p ON p.key = o.pkey
                               ORDER BY i.code, r.code, o.pkey, o.revision""",
            "rollup": f"""SELECT {EXPORT_COLUMNS}
                         FROM rollup ro JOIN indicators i ON i.iid = ro.iid
                         JOIN regions r ON r.rid = ro.rid JOIN periods p ON p.key = ro.pkey
                         ORDER BY i.code, r.code, ro.pkey""",
            "judgement": f"""SELECT {judgement.EXPORT_COLUMNS}
                            FROM _judgement j JOIN indicators i ON i.iid = j.iid
                            JOIN regions r ON r.rid = j.rid JOIN periods p ON p.key = j.pkey
                            ORDER BY i.code, r.code, j.pkey""",
        }
        if what not in queries:
            raise Refusal("bad-value", column="export", value=what, **one_of(queries))
        if fmt not in ("csv", "parquet"):
            raise Refusal("bad-value", column="format", value=fmt, **one_of(("csv", "parquet")))
        cur = self.db.cursor()
        if what == "judgement":  # into _judgement, on this cursor
            judge(cur, at or self.today, self.rules(self.default_plan))
        if fmt == "csv":
            copy_csv(cur, queries[what], path)
        else:
            target = str(Path(path)).replace("'", "''")
            options = ", PARTITION_BY (period), OVERWRITE_OR_IGNORE" if partitioned else ""
            cur.execute(f"COPY ({queries[what]}) TO '{target}' (FORMAT PARQUET{options})")
        return cur.execute(f"SELECT count(*) FROM ({queries[what]})").fetchone()[0]

    @property
    def documents(self):
        """Policy documents and the commitments extracted from them (services/documents.py)."""
        from luoshi.services.documents import DocumentService
        return DocumentService(self, self.default_plan)

    def summary(self) -> dict:
        q = self.db.scalar
        return {
            "path": self.path, "schema": self.db.schema_version(),
            "regions": q("SELECT count(*) FROM regions"), "plans": q("SELECT count(*) FROM plans"),
            "indicators": q("SELECT count(*) FROM indicators"), "targets": q("SELECT count(*) FROM targets"),
            "observations": q("SELECT count(*) FROM observations"), "rollup_rows": q("SELECT count(*) FROM rollup"),
            "synthetic_observations": q("SELECT count(*) FROM obs_current WHERE synthetic"),
        }
