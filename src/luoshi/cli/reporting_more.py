"""CLI commands for users and tokens, DHIS2 interchange and the SDMX export (see cli/reporting.py)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Optional

import typer

from luoshi.cli import session
from luoshi.cli.main import workspace
from luoshi.cli.render import emit
from luoshi.cli.reporting import AS, acting, show_import
from luoshi.domain.problems import Refusal


def _password(env: Optional[str]) -> str:
    """The password from the variable ``env`` names, else asked for; a named but unset variable is refused
    (an empty password would otherwise be checked as too short, hiding the typo)."""
    if not env:
        if session.forwarded() is not None:  # the server has no terminal of the client's to ask on
            raise Refusal("cannot-ask", what="a password", what_zh="密码", option="--password-env VAR")
        return getpass.getpass("password: ")
    value = session.env(env)
    if value is None:
        raise Refusal("missing-value", column=env)
    return value


def register(app: typer.Typer, user_app: typer.Typer, dhis2_app: typer.Typer) -> None:
    @user_app.command("add")
    def user_add(name: str, display_name: Optional[str] = typer.Option(None, "--name"),
                 admin: bool = typer.Option(False, "--admin", help="administrator of the whole region tree "
                                            "(the first user must be one; needs no --as while no user exists)"),
                 password_env: Optional[str] = typer.Option(None, help="read the password from this env variable"),
                 no_password: bool = typer.Option(False, help="token-only user (no web login)"),
                 user: Optional[str] = AS):
        """Add a user (the password is asked for, or read from --password-env); --admin also grants admin
        over the root region, in the same transaction."""
        ws = workspace()
        who = acting(ws, user)
        password = None if no_password else _password(password_env)
        emit(ws.reporting.add_user(name, password, actor=who, display_name=display_name, admin=admin))

    @user_app.command("passwd")
    def user_passwd(name: str, password_env: Optional[str] = typer.Option(None, help="read the password from this "
                                                                          "env variable"),
                    user: Optional[str] = AS):
        """Set a user's password (the user itself, or an administrator; an administrator's reset ends the
        user's web sessions)."""
        ws = workspace()
        who = acting(ws, user)
        emit(ws.reporting.set_password(name, _password(password_env), actor=who))

    @user_app.command("disable")
    def user_disable(name: str, user: Optional[str] = AS):
        """Disable a user (admin): its sessions end and its API tokens are revoked; the last administrator
        of the whole region tree cannot be disabled."""
        ws = workspace()
        emit(ws.reporting.set_enabled(name, False, actor=acting(ws, user)))

    @user_app.command("enable")
    def user_enable(name: str, user: Optional[str] = AS):
        """Enable a disabled user again (admin)."""
        ws = workspace()
        emit(ws.reporting.set_enabled(name, True, actor=acting(ws, user)))

    @user_app.command("tokens")
    def user_tokens(name: Optional[str] = typer.Argument(None, help="only this user's (default: everyone's, "
                                                         "for an admin)"),
                    user: Optional[str] = AS, as_json: bool = typer.Option(False, "--json")):
        """API tokens (id, user, label, scope, created, expires, revoked, last used), never their secret."""
        ws = workspace()
        emit(ws.reporting.tokens(name, actor=acting(ws, user)), as_json=as_json, title="tokens")

    @user_app.command("revoke-token")
    def user_revoke_token(token_id: str, user: Optional[str] = AS):
        """Revoke an API token by its id (its owner, or an admin)."""
        ws = workspace()
        emit(ws.reporting.revoke_token(token_id, actor=acting(ws, user)))

    @user_app.command("grant")
    def user_grant(name: str, role: str = typer.Option(..., help="admin, reviewer, reporter or viewer"),
                   region: str = typer.Option(..., help="root of the region subtree"),
                   indicator: Optional[list[str]] = typer.Option(None, help="limit to these indicators"),
                   node: Optional[list[str]] = typer.Option(None, help="limit to indicators of plan nodes (plan:node)"),
                   user: Optional[str] = AS):
        """Give a user a role over a region subtree (optionally only some indicators or plan nodes)."""
        ws = workspace()
        emit(ws.reporting.grant(name, role, region, actor=acting(ws, user), indicators=indicator, nodes=node))

    @user_app.command("revoke")
    def user_revoke(name: str, role: Optional[str] = None, region: Optional[str] = None, user: Optional[str] = AS):
        """Revoke a user's grants (all, or those matching role/region)."""
        ws = workspace()
        emit(ws.reporting.revoke(name, actor=acting(ws, user), role=role, region=region))

    @user_app.command("token")
    def user_token(name: str, days: int = typer.Option(90, help="expiry in days (1-366)"),
                   label: Optional[str] = None, role: Optional[str] = typer.Option(None, help="narrow to this role"),
                   region: Optional[str] = typer.Option(None, help="narrow to this region subtree"),
                   revoke: Optional[str] = typer.Option(None, help="revoke the token with this id instead"),
                   user: Optional[str] = AS, as_json: bool = typer.Option(False, "--json")):
        """Create an API token (shown once) or revoke one."""
        ws = workspace()
        who = acting(ws, user)
        if revoke:
            emit(ws.reporting.revoke_token(revoke, actor=who), as_json=as_json)
        else:
            emit(ws.reporting.token(name, actor=who, days=days, label=label, role=role, region=region),
                 as_json=as_json)

    @user_app.command("list")
    def user_list(user: Optional[str] = AS, as_json: bool = typer.Option(False, "--json")):
        """Users and their grants (admins only)."""
        ws = workspace()
        emit(ws.reporting.users(actor=acting(ws, user)), as_json=as_json, title="users")

    @dhis2_app.command("import")
    def dhis2_import(file: Path, mapping: Path = typer.Option(..., help="mapping file (JSON or YAML)"),
                     mode: str = "all-or-nothing", dry_run: bool = typer.Option(False, "--dry-run"),
                     state: Optional[str] = None, user: Optional[str] = AS, as_json: bool = typer.Option(False, "--json")):
        """Import a DHIS2 dataValueSet (.json, or .csv by column position); every value is listed."""
        from luoshi.services.interchange import dhis2_import as run

        ws = workspace()
        result = run(ws.reporting, file, mapping, actor=acting(ws, user), mode=mode, dry_run=dry_run, state=state)
        if not as_json:
            emit(result["values"], title="values")
            emit(result["summary"], title="summary")
        show_import(result, as_json)

    @dhis2_app.command("export")
    def dhis2_export(output: Path = typer.Option(..., "-o", "--output", help=".json or .csv"),
                     mapping: Path = typer.Option(...), period: Optional[str] = None, user: Optional[str] = AS):
        """Write approved values of mapped indicators and regions as a DHIS2 dataValueSet."""
        from luoshi.services.interchange import dhis2_export as run

        ws = workspace()
        emit(run(ws.db, output, mapping, actor=acting(ws, user), period=period))

    @app.command("export-sdmx")
    def export_sdmx(output: Path = typer.Option(..., "-o", "--output"),
                    indicator: Optional[list[str]] = typer.Option(None), user: Optional[str] = AS):
        """Export the rollup as SDMX-CSV 2.0 (only regions the caller may read)."""
        from luoshi.services.interchange import sdmx_export

        ws = workspace()
        emit(sdmx_export(ws.db, output, actor=acting(ws, user), indicators=indicator))
