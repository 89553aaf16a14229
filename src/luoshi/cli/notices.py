"""CLI commands of notifications: `luoshi remind` (for a scheduler) and `luoshi user email`."""

from __future__ import annotations

from typing import Optional

import typer

from luoshi.cli.errors import EXIT_PARTIAL
from luoshi.cli.main import parse_date, workspace
from luoshi.cli.render import emit
from luoshi.cli.reporting import AS, acting, user_app


def register(app: typer.Typer) -> None:
    @user_app.command("email")
    def user_email(name: str, address: str = typer.Argument(..., help="the address; '' removes it"),
                   user: Optional[str] = AS):
        """Set the email address reminders and notices are sent to (the user themself or an admin)."""
        from luoshi.services import notices

        ws = workspace()
        emit(notices.set_email(ws.db, name, address, by=acting(ws, user)))

    @app.command()
    def remind(today: Optional[str] = typer.Option(None, help="pretend today is this date (YYYY-MM-DD)"),
               dry_run: bool = typer.Option(False, "--dry-run", help="list what would be sent; change nothing"),
               as_json: bool = typer.Option(False, "--json")):
        """Post and email the reminders due (tasks and milestones due soon or overdue, missing progress
        reports, values not reported by their due date), each once: run it daily from cron.

        Exit codes: 0 every due reminder sent (or none due); 1 some emails were refused by the server and
        stay unsent for the next run; 2 refused, nothing recorded (smtp-unreachable: the server cannot be
        reached; smtp-refused: it refused the login or TLS; a bad --today)."""
        from luoshi.services.reminders import remind as run

        ws = workspace()
        out = run(ws, parse_date(today) or ws.today, dry_run=dry_run)
        if as_json:
            emit(out, as_json=True)
        else:
            emit([{k: r[k] for k in ("user", "kind", "item", "due", "email")} for r in out["reminders"]],
                 title="reminders" + (" (dry run)" if dry_run else ""))
            emit({k: out[k] for k in ("today", "due", "already_sent", "posted", "emailed", "mail")}
                 | {"failed": len(out["failed"])})
        if out["failed"]:
            raise typer.Exit(EXIT_PARTIAL)
