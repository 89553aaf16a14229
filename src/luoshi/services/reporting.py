"""The reporting workflow as seen from a Workspace: imports, templates, approval, locks, audit,
completeness, users and tokens.  ``ws.reporting`` returns this; the CLI and the web app call it
with the acting user (an ``Actor``), and every method checks that user's role and scope."""

from __future__ import annotations

from pathlib import Path

from luoshi.domain.problems import Refusal
from luoshi.domain.roles import Actor
from luoshi.ingest.limits import Limits
from luoshi.ingest.validate import Checks
from luoshi.services import access, accounts, audit, completeness, desk, imports, template, workflow


class Reporting:
    def __init__(self, ws):
        self.ws = ws
        self.db = ws.db

    # --- who ------------------------------------------------------------------------------------
    def has_users(self) -> bool:
        return access.has_users(self.db)

    def actor(self, name: str | None = None, token: str | None = None) -> Actor:
        """The acting user: by token, by name, or the local single user while no user exists."""
        if token:
            a = access.check_token(self.db, token)
            if a is None:
                raise Refusal("bad-token", 401)
            return a
        if not self.has_users():
            return Actor.local()
        if not name:
            raise Refusal("no-user", 401)
        if not self.db.scalar("SELECT count(*) FROM users WHERE name = ? AND NOT disabled", [name]):
            raise Refusal("unknown-user", 404, value=name)
        return access.actor(self.db, name)

    # --- imports --------------------------------------------------------------------------------
    def checks(self) -> Checks:
        s = self.ws.setting
        return Checks(today=self.ws.today, tolerance=s("children_tolerance"), jump_ratio=s("jump_ratio"),
                      jump_points=s("jump_points"))

    def import_file(self, path: str | Path, *, actor: Actor, kind: str = "observations",
                    mode: str = "all-or-nothing", dry_run: bool = False, state: str | None = None,
                    fmt: str | None = None, name: str | None = None) -> dict:
        if state is None:
            state = "approved" if actor.superuser else "submitted"
        if not actor.superuser and not actor.rids("report"):
            raise actor.refusal("import", "导入")
        return imports.run_import(self.db, self.ws.catalog(), path, kind=kind, mode=mode, dry_run=dry_run,
                                  state=state, actor=actor, fmt=fmt, checks=self.checks(),
                                  basis=self.ws.setting("value_basis"),
                                  locked_sql=workflow.lock_relation(self.ws.today), name=name,
                                  limits=Limits.of(self.ws.setting, "import_max_mb"))

    def imports(self, actor: Actor, limit: int = 100) -> list[dict]:
        rows = self.db.all("SELECT * EXCLUDE (problems) FROM imports ORDER BY created_at DESC LIMIT ?", [limit])
        return rows if actor.is_admin else [r for r in rows if r["by_user"] == actor.name]

    def rejected(self, import_id: str, actor: Actor) -> list[dict]:
        imp = self.db.one("SELECT by_user FROM imports WHERE import_id = ?", [import_id])
        if imp is None:
            raise Refusal("unknown-import", 404, value=import_id)
        if not actor.is_admin and imp["by_user"] != actor.name:
            raise actor.refusal(f"read import {import_id}", f"查看导入 {import_id}")
        return self.db.all("SELECT row_no, sheet, cells, problems FROM rejected_rows WHERE import_id = ? ORDER BY row_no",
                           [import_id])

    def template(self, region: str, period: str, path: str | Path, *, actor: Actor) -> dict:
        rid = self.db.scalar("SELECT rid FROM regions WHERE code = ?", [region])
        if rid is None:
            raise Refusal("unknown-region", 404, value=region)
        actor.require("report", rid, target=f"region {region}", target_zh=f"地区 {region}")
        return template.write_template(self.db, region, period, path, actor.iids("report"))

    # --- workflow -------------------------------------------------------------------------------
    def transition(self, action: str, *, actor: Actor, region=None, indicator=None, period=None, reason=None,
                   subtree: bool = False) -> dict:
        return workflow.transition(self.db, actor, action, region=region, indicator=indicator, period=period,
                                   reason=reason, today=self.ws.today, basis=self.ws.setting("value_basis"),
                                   bottom_up=self.ws.setting("approval_bottom_up"), subtree=subtree,
                                   report_level=self.ws.setting("report_level"))

    def lock(self, plan_id: str, period: str, *, actor: Actor, unlock: bool = False, reason: str | None = None) -> dict:
        return workflow.lock(self.db, actor, plan_id, period, unlock=unlock, reason=reason,
                             basis=self.ws.setting("value_basis"))

    def lock_rule(self, plan_id: str, days: int, *, actor: Actor) -> dict:
        return workflow.set_lock_rule(self.db, actor, plan_id, days)

    # --- the desk: entry form and review inbox (services/desk.py) -------------------------------
    def entry(self, region: str, period: str, *, actor: Actor) -> dict:
        return desk.entry_rows(self.ws, actor, region, period)

    def enter(self, region: str, period: str, values: list[dict], *, actor: Actor, action: str = "check") -> dict:
        return desk.enter(self.ws, actor, region, period, values, action)

    def inbox(self, *, actor: Actor, region: str | None = None, period: str | None = None) -> list[dict]:
        return desk.inbox(self.ws, actor, region=region, period=period)

    def decide(self, action: str, items: list[dict], *, actor: Actor, reason: str | None = None) -> dict:
        return desk.decide(self.ws, actor, action, items, reason)

    # --- reading --------------------------------------------------------------------------------
    def history(self, *, actor: Actor, **filters) -> list[dict]:
        rids = actor.rids("read")
        rows = audit.history(self.db, rids=rids, **filters)
        return rows

    def completeness(self, period: str, *, actor: Actor, level: str = "city") -> list[dict]:
        return completeness.completeness(self.db, period, level=level, rids=actor.rids("read"),
                                         due_days=round(self.ws.setting("report_due_days")), today=self.ws.today,
                                         report_level=self.ws.setting("report_level"))

    # --- users ----------------------------------------------------------------------------------
    def add_user(self, name, password, *, actor: Actor, display_name=None, admin: bool = False, role=None,
                 region=None):
        """A user; ``admin`` makes it an administrator of the root region in the same transaction."""
        if admin:
            role, region = "admin", access.root_region(self.db)
        return access.add_user(self.db, name, password, by=actor, display_name=display_name, role=role,
                               region_code=region)

    def set_password(self, name, password, *, actor: Actor):
        return access.set_password(self.db, name, password, by=actor)

    def set_enabled(self, name, enabled: bool, *, actor: Actor):
        return accounts.set_enabled(self.db, name, enabled, by=actor)

    def grant(self, name, role, region, *, actor: Actor, indicators=None, nodes=None):
        return access.grant(self.db, name, role, region, by=actor, indicators=indicators, nodes=nodes)

    def revoke(self, name, *, actor: Actor, role=None, region=None, gid=None):
        return access.revoke(self.db, name, by=actor, role=role, region_code=region, gid=gid)

    def token(self, name, *, actor: Actor, days=90, label=None, role=None, region=None):
        return access.create_token(self.db, name, by=actor, days=days, label=label, role=role, region_code=region)

    def revoke_token(self, token_id, *, actor: Actor):
        return access.revoke_token(self.db, token_id, by=actor)

    def tokens(self, name=None, *, actor: Actor) -> list[dict]:
        return accounts.tokens(self.db, by=actor, name=name)

    def users(self, *, actor: Actor) -> list[dict]:
        if not actor.is_admin:
            raise actor.refusal("list users", "列出用户")
        return access.users(self.db)

    def user_overview(self, *, actor: Actor) -> list[dict]:
        """Every user with grants, unit memberships and tokens (the administrator's pages)."""
        return accounts.overview(self.db, by=actor)
