"""Account administration: disabling and enabling users, listing API tokens, and the administrator's
overview of every user (grants, unit memberships, tokens).  Creating users, grants and passwords
are in services/access.py; every change here is audited too."""

from __future__ import annotations

import json

from luoshi.domain.problems import Refusal
from luoshi.domain.roles import Actor
from luoshi.services.access import (_check_user, check_admin_left, now, require_manage, root_admins)
from luoshi.services.audit import log
from luoshi.store.db import Database

TOKEN_COLUMNS = ("token_id", "user", "label", "role", "region", "created_at", "expires_at", "revoked_at",
                 "last_used_at")


def set_enabled(db: Database, name: str, enabled: bool, *, by: Actor) -> dict:
    """Enable or disable a user (administrators).  Disabling ends the user's sessions and revokes its
    API tokens, so that enabling it again does not bring back a token that may have leaked meanwhile;
    the last enabled administrator of the root region cannot be disabled."""
    require_manage(db, by)
    _check_user(db, name)
    before = [] if enabled else root_admins(db)
    with db.write() as con:
        con.execute("UPDATE users SET disabled = ? WHERE name = ?", [not enabled, name])
        ended = tokens = 0
        if not enabled:
            check_admin_left(db, name, before)
            ended = con.execute("UPDATE web_sessions SET ended_at = ? WHERE user_name = ? AND ended_at IS NULL "
                                "RETURNING 1", [now(), name]).fetchall()
            tokens = con.execute("UPDATE api_tokens SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL "
                                 "RETURNING 1", [now(), name]).fetchall()
            ended, tokens = len(ended), len(tokens)
        log(con, by.name, "user-enable" if enabled else "user-disable",
            detail={"user": name, "sessions_ended": ended, "tokens_revoked": tokens})
    return {"user": name, "enabled": enabled, "sessions_ended": ended, "tokens_revoked": tokens}


def tokens(db: Database, *, by: Actor, name: str | None = None) -> list[dict]:
    """API tokens, newest first, never their secret (only its hash is stored): a user's own, or
    anyone's for an administrator."""
    if name is None or name != by.name:
        require_manage(db, by)
    if name is not None:
        _check_user(db, name)
    return db.all(f"""SELECT token_id, user_name AS "user", label, role, region_code AS region, created_at,
                             expires_at, revoked_at, last_used_at FROM api_tokens
                      {"WHERE user_name = ?" if name else ""} ORDER BY created_at DESC, token_id""",
                  [name] if name else [])


def overview(db: Database, *, by: Actor) -> list[dict]:
    """Every user with their email address, active grants, unit memberships and API tokens (administrators)."""
    require_manage(db, by)
    users = db.all("SELECT u.name, u.display_name, NOT u.disabled AS enabled, u.created_at, u.password_hash IS NOT NULL "
                   "AS has_password, e.email FROM users u LEFT JOIN user_emails e ON e.user_name = u.name "
                   "ORDER BY u.name")
    grants: dict[str, list] = {}
    for g in db.all("""SELECT g.gid, g.user_name, g.role, g.region_code, r.name_zh, r.name_en, g.indicators, g.nodes
                       FROM grants g LEFT JOIN regions r ON r.code = g.region_code
                       WHERE g.revoked_at IS NULL ORDER BY g.gid"""):
        grants.setdefault(g.pop("user_name"), []).append(
            g | {"indicators": json.loads(g["indicators"] or "[]"), "nodes": json.loads(g["nodes"] or "[]")})
    units: dict[str, list] = {}
    for m in db.all("""SELECT m.user_name, m.unit_code, u.name_zh, u.name_en FROM unit_members m
                       LEFT JOIN units u ON u.code = m.unit_code ORDER BY m.unit_code"""):
        units.setdefault(m.pop("user_name"), []).append(m)
    held: dict[str, list] = {}
    for t in tokens(db, by=by):
        held.setdefault(t["user"], []).append(t)
    admins = set(root_admins(db)) if db.scalar("SELECT count(*) FROM regions") else set()
    return [u | {"grants": grants.get(u["name"], []), "units": units.get(u["name"], []),
                 "tokens": held.get(u["name"], []), "root_admin": u["name"] in admins} for u in users]


def check_member(db: Database, name: str, unit: str) -> None:
    """Refuse a membership change naming an unknown user or unit."""
    _check_user(db, name)
    if db.scalar("SELECT count(*) FROM units WHERE code = ?", [unit]) == 0:
        raise Refusal("unknown-unit", 404, value=unit)
