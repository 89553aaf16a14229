"""The task desk: one object over a workspace for everything about tasks and projects, used alike
by the CLI, the web pages and the tests (``TaskDesk(ws)``)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from luoshi.domain.problems import InputError, Refusal, Report
from luoshi.domain.roles import Actor
from luoshi.domain.tasks import TaskRules
from luoshi.ingest.limits import Limits
from luoshi.services import evidence, projects, task_flow, task_io, task_records, task_views


def system() -> Actor:
    """Who acts when a caller names no one (loading task lists, the demo): an administrator."""
    return Actor.local("luoshi")


class TaskDesk:
    """Tasks and major projects of one workspace (anything with ``db``, ``path``, ``today`` and
    ``default_plan``) and of one plan (default: the workspace's default plan)."""

    def __init__(self, ws, plan_id: str | None = None):
        self.ws, self.db, self.plan_id = ws, ws.db, plan_id or ws.default_plan

    @property
    def today(self) -> date:
        return self.ws.today

    def rules(self) -> TaskRules:
        row = self.db.one("SELECT rules FROM plans WHERE id = ?", [self.plan_id])
        return TaskRules.from_dict(json.loads(row["rules"] or "{}") if row else {})

    @property
    def evidence_root(self) -> Path:
        if self.ws.path == ":memory:":
            raise RuntimeError("an in-memory workspace cannot store evidence files")
        return evidence.evidence_dir(self.ws.path)

    # --- reading ---------------------------------------------------------------------------------
    def tasks(self, at: date | None = None, **filters) -> list[dict]:
        at = at or self.today
        rows = task_records.load_tasks(self.db, at, self.rules())
        return [t for t in rows if task_records.matches(t, **{k: v for k, v in filters.items() if v})]

    def task(self, task_id: str, at: date | None = None) -> dict:
        at = at or self.today
        found = [t for t in task_records.load_tasks(self.db, at, self.rules()) if t["id"] == task_id]
        if not found:
            raise Refusal("unknown-task", 404, value=task_id)
        t = found[0]
        t["history"] = task_records.history(self.db, task_id)
        t["indicators"] = [r["indicator_code"] for r in self.db.all(
            "SELECT indicator_code FROM task_indicators WHERE task_id = ? ORDER BY 1", [task_id])]
        return t

    def units(self) -> list[dict]:
        return self.db.all("SELECT * FROM units ORDER BY kind DESC, code")

    def units_of(self, user: str) -> list[str]:
        """The units a user belongs to, by code."""
        return [r["unit_code"] for r in self.db.all(
            "SELECT unit_code FROM unit_members WHERE user_name = ? ORDER BY 1", [user])]

    def nodes(self) -> list[dict]:
        """The plan's breakthroughs and driving forces (what tasks are filed under)."""
        return self.db.all("SELECT code, title_zh, title_en FROM plan_nodes WHERE plan_id = ? AND kind IN "
                           "('breakthrough', 'driving_force') ORDER BY seq NULLS LAST, code", [self.plan_id])

    def synthetic(self) -> bool:
        """Whether any task is synthetic (demo) data."""
        return bool(self.db.scalar("SELECT bool_or(synthetic) FROM tasks"))

    def has_units(self) -> bool:
        return bool(self.db.scalar("SELECT count(*) FROM units"))

    def regions(self) -> list[dict]:
        """The regions tasks are in (a task's own, else its lead unit's): code and names, by code."""
        return self.db.all("SELECT DISTINCT r.code, r.name_zh, r.name_en FROM tasks t JOIN regions r ON r.code = "
                           "coalesce(t.region_code, (SELECT region_code FROM units WHERE code = t.lead_unit)) ORDER BY 1")

    # --- workflow ----------------------------------------------------------------------------------
    def add_tasks(self, tasks: list[dict], actor: Actor | None = None) -> int:
        return task_flow.insert_tasks(self.db, tasks, actor or system(), self.today)

    def report(self, task_id: str, actor: Actor, *, percent: float, on: date | None = None,
               uploads: list[evidence.Upload] | None = None, **kw) -> dict:
        """A progress report with optional evidence; the files are checked before anything is stored."""
        on = on or self.today
        limits = Limits.of(self.ws.setting, "evidence_max_mb")
        if uploads:
            rep = Report(file=f"task {task_id}")
            for u in uploads:
                evidence.check(u, rep, limits)
            if not rep.ok:
                raise InputError(rep)
        out = task_flow.submit_report(self.db, task_id, actor, on=on, percent=percent,
                                      due_day=self.rules().report_due_day, **kw)
        if uploads:
            out["evidence"] = evidence.attach(self.db, self.evidence_root, task_id, out["report_id"], uploads,
                                              actor, on=on, limits=limits)
        return out

    def evidence(self, evidence_id: int) -> tuple[dict, bytes]:
        return evidence.read(self.db, self.evidence_root, evidence_id)

    def request_extension(self, task_id: str, actor: Actor, *, new_deadline: date, reason: str,
                          on: date | None = None) -> dict:
        return task_flow.request_extension(self.db, task_id, actor, on=on or self.today, new_deadline=new_deadline,
                                           reason=reason)

    def decide_extension(self, task_id: str, actor: Actor, *, approve: bool, note: str = "",
                         on: date | None = None) -> dict:
        return task_flow.decide_extension(self.db, task_id, actor, on=on or self.today, approve=approve, note=note)

    def request_closure(self, task_id: str, actor: Actor, *, note: str = "", on: date | None = None) -> dict:
        return task_flow.request_closure(self.db, task_id, actor, on=on or self.today, note=note)

    def decide_closure(self, task_id: str, actor: Actor, *, close: bool, reason: str = "",
                       percent: float | None = None, on: date | None = None) -> dict:
        return task_flow.decide_closure(self.db, task_id, actor, on=on or self.today, close=close, reason=reason,
                                        percent=percent)

    def add_member(self, user: str, unit: str, actor: Actor | None = None) -> dict:
        return task_flow.add_member(self.db, user, unit, actor or system(), on=self.today)

    def remove_member(self, user: str, unit: str, actor: Actor | None = None) -> dict:
        return task_flow.remove_member(self.db, user, unit, actor or system(), on=self.today)

    # --- import and export -----------------------------------------------------------------------
    def import_xlsx(self, path, actor: Actor | None = None, **kw) -> dict:
        return task_io.import_xlsx(self.db, path, actor or system(), on=self.today, plan_id=self.plan_id,
                                   limits=Limits.of(self.ws.setting, "import_max_mb"), **kw)

    def import_rows(self, rows: list[dict], actor: Actor | None = None, *, dry_run: bool = False,
                    on_stored=None) -> dict:
        """Tasks given in Python (the fields of a task list's row), checked and stored as a task list is."""
        return task_io.import_rows(self.db, rows, actor or system(), on=self.today, plan_id=self.plan_id,
                                   dry_run=dry_run, on_stored=on_stored)

    def export_xlsx(self, path, at: date | None = None, **filters) -> int:
        return task_io.export_xlsx(self.db, path, self.tasks(at, **filters))

    # --- views -----------------------------------------------------------------------------------
    def wallchart(self, at: date | None = None, *, start: date | None = None, end: date | None = None,
                  **filters) -> dict:
        at = at or self.today
        return task_views.wallchart(self.db, self.tasks(at, **filters), at, start=start, end=end)

    def ranking(self, at: date | None = None) -> list[dict]:
        at = at or self.today
        return task_views.ranking(self.db, self.tasks(at), at, self.rules().report_due_day)

    def scorecard(self, unit: str, at: date | None = None) -> dict:
        at = at or self.today
        if self.db.one("SELECT code FROM units WHERE code = ?", [unit]) is None:
            raise Refusal("unknown-unit", 404, value=unit)
        projs = self.projects(at=at, lead_unit=unit)
        return task_views.scorecard(self.db, unit, self.tasks(at), projs, at, self.rules().report_due_day)

    def doublehalf(self, at: date | None = None) -> dict:
        at = at or date(self.today.year, 6, 30)
        tasks = [t for t in task_records.load_tasks(self.db, at, self.rules(), horizon=at)
                 if t["deadline_at"] >= date(at.year, 1, 1)]
        out = task_views.doublehalf(tasks, at)
        out["projects_by_region"] = self.portfolio(year=at.year, at=at, by="region")
        return out

    def digest(self, since: date | None, unit: str | None = None, at: date | None = None) -> dict:
        """What changed since a date; the date is required (an empty one, from a form or a query
        string, is refused here so that every door gives the same answer)."""
        if since is None:
            raise Refusal("missing-value", column="since")
        at = at or self.today
        rules = self.rules()
        then = task_records.load_tasks(self.db, since, rules)
        now = task_records.load_tasks(self.db, at, rules)
        return task_views.digest(then, now, since, at, unit)

    # --- projects --------------------------------------------------------------------------------
    def add_projects(self, items: list[dict], actor: Actor | None = None) -> int:
        return projects.add_projects(self.db, items, actor or system(), on=self.today, plan_id=self.plan_id)

    def record_investment(self, project_id: str, month: str, amount: float, actor: Actor | None = None) -> dict:
        return projects.record_investment(self.db, project_id, month, amount, actor or system(), on=self.today)

    def portfolio(self, *, year: int | None = None, at: date | None = None, by: str = "cluster", **filters) -> list[dict]:
        at = at or self.today
        return projects.portfolio(self.db, year=year or at.year, at=at, by=by, rules=self.rules().rules, **filters)

    def projects(self, at: date | None = None, **filters) -> list[dict]:
        at = at or self.today
        rows = {r["key"]: r for r in self.portfolio(at=at, by="project")}
        where, params = "", []
        for col in ("lead_unit", "region_code", "cluster_code"):
            if filters.get(col):
                where += f" AND p.{col} = ?"
                params.append(filters[col])
        out = self.db.all(f"""SELECT p.*, c.name_zh AS cluster_zh, r.name_zh AS region_zh FROM projects p
                              LEFT JOIN clusters c ON c.code = p.cluster_code
                              LEFT JOIN regions r ON r.code = p.region_code WHERE true {where} ORDER BY p.id""", params)
        for p in out:
            y = rows.get(p["id"], {})
            p.update({k: y.get(k) for k in ("planned", "completed", "completion", "expected", "shortfall", "light")})
        return out

    def project(self, project_id: str, at: date | None = None) -> dict:
        at = at or self.today
        return projects.project(self.db, project_id, year=at.year, at=at, rules=self.rules().rules)
