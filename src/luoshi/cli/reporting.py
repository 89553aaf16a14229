"""CLI commands of the reporting workflow: template, history, submit/approve/return, lock/unlock,
completeness, imports, users and tokens, DHIS2 and SDMX.  Registered by cli/main.py.

Who acts: while no user exists, the local single user (allowed everything).  Once users exist,
commands act as ``--as USER`` / ``LUOSHI_USER``, or as the owner of ``LUOSHI_TOKEN``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from luoshi.cli import session
from luoshi.cli.errors import EXIT_PARTIAL, EXIT_REFUSED
from luoshi.cli.main import workspace
from luoshi.cli.render import emit, show_problems
from luoshi.domain.roles import Actor

user_app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)
dhis2_app = typer.Typer(help="DHIS2 dataValueSets interchange (JSON and CSV) through a mapping file.",
                        no_args_is_help=True)
AS = typer.Option(None, "--as", help="acting user (env LUOSHI_USER)")


def acting(ws, user: Optional[str]) -> Actor:
    return ws.reporting.actor(user or session.env(session.USER_ENV), session.env(session.TOKEN_ENV))


def show_import(result: dict, as_json: bool) -> None:
    """The import's summary and problems; exits 2 when it was refused (or a dry run would be) and
    1 when an accept-valid import stored the valid rows but refused some (or a dry run would)."""
    failed = result["status"] in ("rejected", "invalid")
    if as_json:
        emit(result, as_json=True)
    else:
        show_problems(result["problems"])
        keep = ("import_id", "status", "mode", "dry_run", "rows", "accepted", "rejected", "added", "revised",
                "unchanged")
        emit({k: result.get(k) for k in keep}, title=f"import {result['kind']} · {result['file']}")
    if failed:
        raise typer.Exit(EXIT_REFUSED)
    if not result["ok"]:
        raise typer.Exit(EXIT_PARTIAL)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(dhis2_app, name="dhis2")

    @app.command()
    def template(region: str = typer.Option(..., help="region code"), period: str = typer.Option(..., help="period"),
                 output: Path = typer.Option(..., "-o", "--output", help="XLSX file to write"), user: Optional[str] = AS):
        """Write an XLSX reporting template (bilingual, with last period's values and validation)."""
        ws = workspace()
        emit(ws.reporting.template(region, period, output, actor=acting(ws, user)))

    @app.command()
    def history(region: Optional[str] = None, indicator: Optional[str] = None, period: Optional[str] = None,
                by: Optional[str] = typer.Option(None, "--user", help="changes made by this user"),
                import_id: Optional[str] = typer.Option(None, "--import"), limit: int = 200,
                user: Optional[str] = AS, as_json: bool = typer.Option(False, "--json")):
        """The audit log (newest first): who changed which value or state, when, old, new, reason, import."""
        ws = workspace()
        rows = ws.reporting.history(actor=acting(ws, user), region=region, indicator=indicator, period=period,
                                    user=by, import_id=import_id, limit=limit)
        if not as_json:
            rows = [{k: r[k] for k in ("seq", "at", "actor", "action", "indicator", "region", "period", "old_value",
                                       "new_value", "old_state", "new_state", "reason", "import_id")} for r in rows]
        emit(rows, as_json=as_json, title="history")

    def _transition(action: str):
        def cmd(region: Optional[str] = None, indicator: Optional[str] = None, period: Optional[str] = None,
                reason: Optional[str] = None, subtree: bool = typer.Option(False, help="include child regions"),
                user: Optional[str] = AS, as_json: bool = typer.Option(False, "--json")):
            ws = workspace()
            emit(ws.reporting.transition(action, actor=acting(ws, user), region=region, indicator=indicator,
                                         period=period, reason=reason, subtree=subtree), as_json=as_json)
        cmd.__doc__ = {"submit": "Submit draft values for review.",
                       "approve": "Approve submitted values (reviewer of an ancestor region).",
                       "return": "Return submitted or approved values to draft, with a reason."}[action]
        return cmd

    for action in ("submit", "approve", "return"):
        app.command(name=action)(_transition(action))

    @app.command()
    def lock(plan: str = typer.Option(...), period: str = typer.Option(...), user: Optional[str] = AS):
        """Lock a period of a plan (admin): its approved values become locked."""
        ws = workspace()
        emit(ws.reporting.lock(plan, period, actor=acting(ws, user)))

    @app.command()
    def unlock(plan: str = typer.Option(...), period: str = typer.Option(...),
               reason: str = typer.Option(..., help="why (kept in the audit log)"), user: Optional[str] = AS):
        """Unlock a period of a plan (admin, with a reason)."""
        ws = workspace()
        emit(ws.reporting.lock(plan, period, actor=acting(ws, user), unlock=True, reason=reason))

    @app.command("lock-rule")
    def lock_rule(plan: str = typer.Option(...), days: int = typer.Option(..., help="days after a period ends"),
                  user: Optional[str] = AS):
        """Lock every period of a plan N days after it ends (admin)."""
        ws = workspace()
        emit(ws.reporting.lock_rule(plan, days, actor=acting(ws, user)))

    @app.command()
    def completeness(period: str = typer.Option(...), level: str = "city", user: Optional[str] = AS,
                     as_json: bool = typer.Option(False, "--json")):
        """Which expected reports have arrived per region, and whether on time."""
        ws = workspace()
        rows = ws.reporting.completeness(period, actor=acting(ws, user), level=level)
        if not as_json:
            shown = ("region", "name_zh", "expected", "arrived", "approved", "overdue", "due", "completeness_pct",
                     "approved_pct", "on_time_pct")  # the rest (names of what is missing) in --json
            rows = [{k: r[k] for k in shown} for r in rows]
        emit(rows, as_json=as_json, title=f"completeness {period}")

    @app.command()
    def rejected(import_id: str, user: Optional[str] = AS, as_json: bool = typer.Option(False, "--json")):
        """Rows an accept-valid import refused, with their cells and problems (to correct and re-submit)."""
        ws = workspace()
        rows = ws.reporting.rejected(import_id, actor=acting(ws, user))
        emit([{**r, "cells": json.loads(r["cells"]), "problems": json.loads(r["problems"])} for r in rows],
             as_json=True) if as_json else emit(rows, title=f"rejected rows of {import_id}")

    from luoshi.cli import reporting_more
    reporting_more.register(app, user_app, dhis2_app)
