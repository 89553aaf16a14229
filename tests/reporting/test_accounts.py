"""Accounts over the CLI, from an empty `luoshi init` workspace: the first administrator, then the
users, grants, passwords, disabling and tokens that administrator manages.  Every expected value is
worked out from what was done (who was added, which grant, which session or token was made)."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.services import access
from luoshi.workspace import Workspace

PW = "correct horse battery"
NEW_PW = "another long passphrase"
GUANGZHOU, LIWAN = "440100", "440103"


@pytest.fixture(scope="module")
def empty_init(tmp_path_factory):
    """A workspace made by `luoshi init` (the bundled regions, no user), built once."""
    path = tmp_path_factory.mktemp("init") / "ws.duckdb"
    r = CliRunner().invoke(app, ["--db", str(path), "init"])
    assert r.exit_code == 0, r.output
    return path


@pytest.fixture
def db_path(empty_init, tmp_path):
    path = tmp_path / "ws.duckdb"
    shutil.copy(empty_init, path)
    return path


@pytest.fixture
def luoshi(db_path, monkeypatch):
    """Run `luoshi --db <copy> ARGS` with the passwords in PW_A and PW_B; returns (exit code, output)."""
    monkeypatch.setenv("PW_A", PW)
    monkeypatch.setenv("PW_B", NEW_PW)
    monkeypatch.delenv("LUOSHI_USER", raising=False)
    monkeypatch.delenv("LUOSHI_TOKEN", raising=False)

    def run(*args: str) -> tuple[int, str]:
        r = CliRunner().invoke(app, ["--db", str(db_path), *args])
        return r.exit_code, r.output

    return run


def opened(db_path) -> Workspace:
    return Workspace.open(db_path)


def with_admin_and_reviewer(luoshi) -> None:
    assert luoshi("user", "add", "ada", "--admin", "--password-env", "PW_A")[0] == 0
    assert luoshi("user", "add", "rui", "--password-env", "PW_A", "--as", "ada")[0] == 0
    assert luoshi("user", "grant", "rui", "--role", "reviewer", "--region", GUANGZHOU, "--as", "ada")[0] == 0


# --- the first administrator -----------------------------------------------------------------------------
def test_a_plain_first_user_is_refused_and_stores_nothing(luoshi, db_path):
    code, out = luoshi("user", "add", "bob", "--password-env", "PW_A")
    assert code == 2 and "first-user-not-admin" in out and "--admin" in out
    ws = opened(db_path)
    try:
        assert ws.db.scalar("SELECT count(*) FROM users") == 0
        assert ws.db.scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'user%'") == 0
    finally:
        ws.close()


def test_first_admin_from_init_then_that_admin_grants_a_reviewer(luoshi, db_path):
    code, out = luoshi("user", "add", "ada", "--admin", "--password-env", "PW_A")  # no --as: nobody exists yet
    assert code == 0, out
    assert luoshi("user", "add", "rui", "--password-env", "PW_A")[1].count("no-user") == 1  # users exist now
    assert luoshi("user", "add", "rui", "--password-env", "PW_A", "--as", "ada")[0] == 0
    code, out = luoshi("user", "grant", "rui", "--role", "reviewer", "--region", GUANGZHOU, "--as", "ada")
    assert code == 0, out
    code, out = luoshi("user", "list", "--as", "ada", "--json")
    assert [(u["name"], u["grants"], u["disabled"]) for u in json.loads(out)] == [
        ("ada", "admin@440000", False), ("rui", f"reviewer@{GUANGZHOU}", False)]
    ws = opened(db_path)
    try:
        rui = ws.reporting.actor("rui")
        liwan = ws.db.scalar("SELECT rid FROM regions WHERE code = ?", [LIWAN])
        guangzhou = ws.db.scalar("SELECT rid FROM regions WHERE code = ?", [GUANGZHOU])
        # a reviewer approves below its region, not its own region
        assert rui.can("approve", liwan) and not rui.can("approve", guangzhou) and not rui.is_admin
        assert ws.reporting.actor("ada").is_admin
        trail = ws.db.all("SELECT actor, action, detail FROM audit_log WHERE action IN ('user-add', 'grant') "
                          "ORDER BY seq")
        assert [(t["actor"], t["action"]) for t in trail] == [
            ("local", "user-add"), ("local", "grant"), ("ada", "user-add"), ("ada", "grant")]
        assert json.loads(trail[1]["detail"])["region"] == "440000"  # the root region: the province
    finally:
        ws.close()


def test_a_named_but_unset_password_variable_is_refused(luoshi, db_path):
    code, out = luoshi("user", "add", "ada", "--admin", "--password-env", "NOT_SET_ANYWHERE")
    assert code == 2 and "missing-value" in out and "NOT_SET_ANYWHERE" in out
    ws = opened(db_path)
    try:  # before, the user was made without a password (a token-only user), silently
        assert ws.db.scalar("SELECT count(*) FROM users") == 0
    finally:
        ws.close()


# --- passwords -------------------------------------------------------------------------------------------
def test_passwd_by_the_user_itself_and_by_an_admin(luoshi, db_path):
    with_admin_and_reviewer(luoshi)
    ws = opened(db_path)
    session = access.login(ws.db, "rui", PW)
    ws.close()
    assert luoshi("user", "passwd", "rui", "--password-env", "PW_B", "--as", "rui")[0] == 0
    ws = opened(db_path)
    try:
        assert access.login(ws.db, "rui", PW) is None and access.login(ws.db, "rui", NEW_PW)
        assert access.session(ws.db, session["sid"]) is not None  # one's own change keeps one's sessions
    finally:
        ws.close()
    code, out = luoshi("user", "passwd", "ada", "--password-env", "PW_B", "--as", "rui")
    assert code == 3 and "not-permitted" in out  # a reviewer may not set another user's password
    assert luoshi("user", "passwd", "rui", "--password-env", "PW_A", "--as", "ada")[0] == 0
    ws = opened(db_path)
    try:
        assert access.login(ws.db, "rui", PW) and access.session(ws.db, session["sid"]) is None  # reset: signed out
        assert [r["action"] for r in ws.db.all("SELECT action FROM audit_log WHERE action = 'user-password' "
                                               "ORDER BY seq")] == ["user-password"] * 2
    finally:
        ws.close()
    assert luoshi("user", "passwd", "nobody", "--password-env", "PW_A", "--as", "ada")[1].count("unknown-user") == 1


# --- disabling --------------------------------------------------------------------------------------------
def test_disable_ends_sessions_and_tokens_and_enable_lets_the_user_sign_in_again(luoshi, db_path):
    with_admin_and_reviewer(luoshi)
    ws = opened(db_path)
    session = access.login(ws.db, "rui", PW)
    token = ws.reporting.token("rui", actor=ws.reporting.actor("rui"))["token"]
    assert access.check_token(ws.db, token) is not None
    ws.close()
    assert luoshi("user", "disable", "rui", "--as", "rui")[1].count("not-permitted") == 1  # admins only
    code, out = luoshi("user", "disable", "rui", "--as", "ada")
    assert code == 0, out
    ws = opened(db_path)
    try:
        assert access.session(ws.db, session["sid"]) is None and access.check_token(ws.db, token) is None
        assert access.login(ws.db, "rui", PW) is None
        [entry] = ws.db.all("SELECT detail FROM audit_log WHERE action = 'user-disable'")
        assert json.loads(entry["detail"]) == {"user": "rui", "sessions_ended": 1, "tokens_revoked": 1}
    finally:
        ws.close()
    assert luoshi("history", "--as", "rui")[1].count("unknown-user") == 1  # nor the CLI
    assert luoshi("user", "enable", "rui", "--as", "ada")[0] == 0
    ws = opened(db_path)
    try:
        assert access.login(ws.db, "rui", PW) is not None
        assert access.check_token(ws.db, token) is None  # a token revoked by the disabling stays revoked
    finally:
        ws.close()


def test_the_last_admin_cannot_be_disabled_nor_lose_its_admin_grant(luoshi, db_path):
    with_admin_and_reviewer(luoshi)
    code, out = luoshi("user", "disable", "ada", "--as", "ada")
    assert code == 2 and "last-admin" in out
    code, out = luoshi("user", "revoke", "ada", "--role", "admin", "--as", "ada")
    assert code == 2 and "last-admin" in out
    ws = opened(db_path)
    try:
        assert ws.db.scalar("SELECT disabled FROM users WHERE name = 'ada'") is False
        assert ws.db.scalar("SELECT count(*) FROM grants WHERE user_name = 'ada' AND revoked_at IS NULL") == 1
        assert ws.db.scalar("SELECT count(*) FROM audit_log WHERE action IN ('user-disable', 'revoke')") == 0
    finally:
        ws.close()
    # a second administrator of the whole tree: now the first may go
    assert luoshi("user", "grant", "rui", "--role", "admin", "--region", "440000", "--as", "ada")[0] == 0
    assert luoshi("user", "disable", "ada", "--as", "rui")[0] == 0
    assert luoshi("user", "disable", "rui", "--as", "rui")[1].count("last-admin") == 1


# --- tokens -----------------------------------------------------------------------------------------------
def test_tokens_are_listed_without_their_secret_and_revoked_by_id(luoshi, db_path):
    with_admin_and_reviewer(luoshi)
    code, out = luoshi("user", "token", "rui", "--label", "nightly", "--days", "30", "--as", "ada", "--json")
    made = json.loads(out)
    secret = made["token"].split("_", 2)[2]
    code, out = luoshi("user", "tokens", "--as", "ada", "--json")
    assert code == 0, out
    [listed] = json.loads(out)
    assert set(listed) == {"token_id", "user", "label", "role", "region", "created_at", "expires_at", "revoked_at",
                           "last_used_at"}
    assert (listed["token_id"], listed["user"], listed["label"], listed["revoked_at"]) == (
        made["token_id"], "rui", "nightly", None)
    assert listed["expires_at"][:10] == made["expires_at"][:10]
    assert secret not in out and "lsk_" not in out
    ws = opened(db_path)
    try:
        assert ws.db.scalar("SELECT secret_hash FROM api_tokens") not in out  # nor its hash
    finally:
        ws.close()
    assert json.loads(luoshi("user", "tokens", "rui", "--as", "rui", "--json")[1])[0]["token_id"] == made["token_id"]
    assert luoshi("user", "tokens", "--as", "rui")[1].count("not-permitted") == 1  # everyone's: admins only
    assert luoshi("user", "tokens", "ada", "--as", "rui")[1].count("not-permitted") == 1
    assert luoshi("user", "revoke-token", made["token_id"], "--as", "ada")[0] == 0
    assert json.loads(luoshi("user", "tokens", "rui", "--as", "ada", "--json")[1])[0]["revoked_at"] is not None
    assert luoshi("user", "revoke-token", "nope", "--as", "ada")[1].count("unknown-token") == 1
