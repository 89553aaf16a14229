"""Users, grants, API tokens, web sessions and login limits.

Passwords are hashed with Argon2id; API tokens and session ids are random, shown once and stored
only as SHA-256 hashes (they carry 256 bits of entropy, so a slow hash adds nothing).  Every
change is written to the audit log.

A login spends one Argon2 verification whether or not the user exists (an unknown or disabled user
is checked against a dummy hash), so its time does not tell which names exist.  Failed logins slow
the guesser down without locking the owner out: failures of one user name from one client address
make that pair wait, longer after each (``pair_wait``), and a correct password from an address
without failures is never held up by them; one address is also capped at ``ADDRESS_MAX_FAILURES``
failures in ``RATE_WINDOW`` whatever the names.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import secrets
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from luoshi.domain.problems import Refusal, one_of
from luoshi.domain.roles import ROLES, Actor, Grant
from luoshi.services.audit import log
from luoshi.store import regions as region_store
from luoshi.store.db import Database

HASHER = PasswordHasher()  # argon2-cffi's default type is Argon2id
NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
TOKEN_PREFIX = "lsk_"
SESSION_HOURS = 12
RATE_WINDOW = timedelta(minutes=15)  # failures older than this are forgotten
PAIR_FREE_FAILURES = 3  # a user name may be mistyped this often from one address without waiting
PAIR_FIRST_WAIT = 2  # seconds after the next failure, doubling with each further one
PAIR_MAX_WAIT = 300
ADDRESS_MAX_FAILURES = 100  # from one address in the window, over every user name (a shared office)
MIN_PASSWORD = 10


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def has_users(db: Database) -> bool:
    return db.memo("has_users", lambda: bool(db.scalar("SELECT count(*) FROM users WHERE NOT disabled")))


def subtree(db: Database, code: str) -> tuple[int, frozenset[int]]:
    root = db.scalar("SELECT rid FROM regions WHERE code = ?", [code])
    if root is None:
        raise Refusal("unknown-region", 404, value=code)
    rows = db.all("""WITH RECURSIVE t(rid) AS (SELECT ?::INTEGER UNION
                     SELECT l.rid FROM region_links l JOIN t ON l.parent_rid = t.rid)
                     SELECT rid FROM t""", [root])
    return root, frozenset(r["rid"] for r in rows)


def _indicator_ids(db: Database, indicators: list[str] | None, nodes: list[str] | None) -> frozenset[int] | None:
    if not indicators and not nodes:
        return None
    codes = set(indicators or [])
    for node in nodes or []:
        plan, _, code = node.partition(":")
        codes |= {r["indicator_code"] for r in db.all(
            "SELECT indicator_code FROM indicator_nodes WHERE plan_id = ? AND (node_code = ? OR node_code LIKE ?)",
            [plan, code, code + ".%"])}
    ids = {r["code"]: r["iid"] for r in db.all("SELECT code, iid FROM indicators")}
    unknown = sorted(c for c in codes if c not in ids)
    if unknown:
        raise Refusal("unknown-indicator", 404, value=unknown[0])
    return frozenset(ids[c] for c in codes)


def actor(db: Database, name: str, token_id: str | None = None) -> Actor:
    """The user with every active grant resolved to region and indicator ids (kept until users,
    grants, tokens or regions change: Database.memo; each caller gets its own copy)."""
    return replace(db.memo(("actor", name, token_id), lambda: _actor(db, name, token_id)))


def _actor(db: Database, name: str, token_id: str | None) -> Actor:
    grants = []
    for g in db.all("SELECT * FROM grants WHERE user_name = ? AND revoked_at IS NULL ORDER BY gid", [name]):
        root, rids = subtree(db, g["region_code"])
        iids = _indicator_ids(db, json.loads(g["indicators"] or "[]"), json.loads(g["nodes"] or "[]"))
        grants.append(Grant(g["role"], g["region_code"], root, rids, iids))
    if token_id:  # a token may narrow its user's grants to one role and region
        t = db.one("SELECT role, region_code FROM api_tokens WHERE token_id = ?", [token_id])
        if t and t["region_code"]:
            root, rids = subtree(db, t["region_code"])
            narrowed = []
            for g in grants:
                if t["role"] and ROLES.index(g.role) < ROLES.index(t["role"]):
                    g = Grant(t["role"], g.region_code, g.root_rid, g.rids, g.iids)
                keep = g.rids & rids
                if keep:
                    narrowed.append(Grant(g.role, t["region_code"] if root in g.rids else g.region_code,
                                          root if root in g.rids else g.root_rid, frozenset(keep), g.iids))
            grants = narrowed
    return Actor(name, grants, token_id=token_id)


def require_manage(db: Database, by: Actor, region_code: str | None = None) -> None:
    if by.superuser:
        return
    if region_code:
        rid = db.scalar("SELECT rid FROM regions WHERE code = ?", [region_code])
        by.require("manage", rid, target=f"users in {region_code}", target_zh=f" {region_code} 的用户")
    elif not by.is_admin:
        raise by.refusal("manage users", "管理用户")


def root_region(db: Database) -> str:
    """The code of the top region of the tree (the province): where an administrator of everything is granted."""
    row = region_store.province(db)
    if row is None:
        raise Refusal("unknown-region", 404, value="province", example="440000")
    return row["code"]


def root_admins(db: Database) -> list[str]:
    """Enabled users holding an active admin grant over the root region: who can manage every user.
    Inside a write it sees that write's own rows (store.db reads on the writing connection)."""
    return [r["user_name"] for r in db.all(
        "SELECT DISTINCT g.user_name FROM grants g JOIN users u ON u.name = g.user_name WHERE g.role = 'admin' "
        "AND g.revoked_at IS NULL AND NOT u.disabled AND g.region_code = ? ORDER BY 1", [root_region(db)])]


def check_admin_left(db: Database, name: str, before: list[str]) -> None:
    """Refuse (inside a write, which is then rolled back) a change that took away the last enabled
    administrator of the root region (``before``: those there were): nobody could then manage every user."""
    if before and not root_admins(db):
        raise Refusal("last-admin", 409, value=name, region=root_region(db))


def add_user(db: Database, name: str, password: str | None, *, by: Actor, display_name: str | None = None,
             role: str | None = None, region_code: str | None = None) -> dict:
    """A new user, with a first grant when ``role`` is given (over ``region_code``, default the root region),
    in one transaction.  While no enabled user exists the first must be an administrator of the root region:
    a plain first user would end the local single user's rights and leave nobody able to manage users."""
    require_manage(db, by)
    if not NAME_RE.match(name or ""):
        raise Refusal("bad-value", column="user name", column_zh="用户名", value=name,
                      detail="2-64 letters, digits or _ . @ -", detail_zh="2 至 64 个字母、数字或 _ . @ -")
    if password is not None:
        _check_password(password)
    if db.scalar("SELECT count(*) FROM users WHERE name = ?", [name]):
        raise Refusal("duplicate-user", 409, value=name)
    if role:
        _check_role(role)
        region_code = region_code or root_region(db)
        subtree(db, region_code)
        require_manage(db, by, region_code)
    if not has_users(db) and (role != "admin" or region_code != root_region(db)):
        raise Refusal("first-user-not-admin", 409, value=name)
    with db.write() as con:
        con.execute("INSERT INTO users VALUES (?, ?, ?, ?, false)",
                    [name, display_name, HASHER.hash(password) if password else None, now()])
        log(con, by.name, "user-add", detail={"user": name})
        gid = _insert_grant(con, name, role, region_code, by) if role else None
    return {"user": name, "created": True} | ({"grant": gid, "role": role, "region": region_code} if role else {})


def set_password(db: Database, name: str, password: str, *, by: Actor) -> dict:
    """A new password, by the user or an administrator; an administrator's reset also ends the user's
    sessions (whoever held them must sign in with the new password)."""
    _check_user(db, name)
    if by.name != name:
        require_manage(db, by)
    _check_password(password)
    with db.write() as con:
        con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [HASHER.hash(password), name])
        if by.name != name:
            con.execute("UPDATE web_sessions SET ended_at = ? WHERE user_name = ? AND ended_at IS NULL", [now(), name])
        log(con, by.name, "user-password", detail={"user": name})
    return {"user": name, "password_changed": True}


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Refusal("weak-password", min=MIN_PASSWORD)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise Refusal("bad-value", column="role", value=role, **one_of(ROLES))


def _check_user(db: Database, name: str) -> None:
    if not db.scalar("SELECT count(*) FROM users WHERE name = ?", [name]):
        raise Refusal("unknown-user", 404, value=name)


def grant(db: Database, name: str, role: str, region_code: str, *, by: Actor,
          indicators: list[str] | None = None, nodes: list[str] | None = None) -> dict:
    _check_role(role)
    _check_user(db, name)
    subtree(db, region_code)
    _indicator_ids(db, indicators, nodes)
    require_manage(db, by, region_code)
    with db.write() as con:
        gid = _insert_grant(con, name, role, region_code, by, indicators, nodes)
    return {"grant": gid, "user": name, "role": role, "region": region_code}


def _insert_grant(con, name: str, role: str, region_code: str, by: Actor, indicators=None, nodes=None) -> int:
    gid = con.execute("INSERT INTO grants (user_name, role, region_code, indicators, nodes, granted_by, granted_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING gid",
                      [name, role, region_code, json.dumps(indicators or []), json.dumps(nodes or []),
                       by.name, now()]).fetchone()[0]
    log(con, by.name, "grant", detail={"user": name, "role": role, "region": region_code,
                                      "indicators": indicators or [], "nodes": nodes or []})
    return gid


def revoke(db: Database, name: str, *, by: Actor, role: str | None = None, region_code: str | None = None,
           gid: int | None = None) -> dict:
    """Revoke a user's active grants (all, those matching role/region, or the one ``gid``).  The last
    administrator of the root region keeps that grant: without it nobody could manage every user."""
    rows = db.all("SELECT gid, region_code, role FROM grants WHERE user_name = ? AND revoked_at IS NULL"
                  + (" AND role = ?" if role else "") + (" AND region_code = ?" if region_code else "")
                  + (" AND gid = ?" if gid is not None else ""),
                  [name] + ([role] if role else []) + ([region_code] if region_code else [])
                  + ([gid] if gid is not None else []))
    if gid is not None and not rows:
        raise Refusal("unknown-grant", 404, user=name, value=gid)
    for r in rows:
        require_manage(db, by, r["region_code"])
    admins = root_admins(db) if any(r["role"] == "admin" for r in rows) else []
    with db.write() as con:
        for r in rows:
            con.execute("UPDATE grants SET revoked_at = ?, revoked_by = ? WHERE gid = ?", [now(), by.name, r["gid"]])
            log(con, by.name, "revoke", detail={"user": name, "role": r["role"], "region": r["region_code"]})
        check_admin_left(db, name, admins)
        # revoking every grant also ends the user's sessions and tokens
        if not con.execute("SELECT count(*) FROM grants WHERE user_name = ? AND revoked_at IS NULL", [name]).fetchone()[0]:
            con.execute("UPDATE web_sessions SET ended_at = ? WHERE user_name = ? AND ended_at IS NULL", [now(), name])
    return {"user": name, "revoked": len(rows)}


def users(db: Database) -> list[dict]:
    return db.all("""SELECT u.name, u.display_name, u.disabled,
                            string_agg(g.role || '@' || g.region_code, ', ' ORDER BY g.gid) AS grants
                     FROM users u LEFT JOIN grants g ON g.user_name = u.name AND g.revoked_at IS NULL
                     GROUP BY ALL ORDER BY u.name""")


# --- API tokens ---------------------------------------------------------------------------------
def create_token(db: Database, name: str, *, by: Actor, days: int = 90, label: str | None = None,
                 role: str | None = None, region_code: str | None = None) -> dict:
    """A new token for ``name``; the secret is returned once and stored only as a hash."""
    if by.name != name:
        require_manage(db, by)
    _check_user(db, name)
    if role:
        _check_role(role)
    if region_code:
        subtree(db, region_code)
    if not 1 <= days <= 366:
        raise Refusal("bad-value", column="days", column_zh="有效天数", value=days,
                      detail="tokens expire after 1 to 366 days", detail_zh="令牌有效期为 1 至 366 天")
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    expires = now() + timedelta(days=days)
    with db.write() as con:
        con.execute("INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                    [token_id, name, _sha(secret), label, role, region_code, now(), expires])
        log(con, by.name, "token-create", detail={"user": name, "token": token_id, "expires": expires.isoformat()})
    return {"token": f"{TOKEN_PREFIX}{token_id}_{secret}", "token_id": token_id, "user": name,
            "expires_at": expires.isoformat(timespec="seconds")}


def revoke_token(db: Database, token_id: str, *, by: Actor) -> dict:
    row = db.one("SELECT user_name FROM api_tokens WHERE token_id = ?", [token_id])
    if row is None:
        raise Refusal("unknown-token", 404, value=token_id)
    if by.name != row["user_name"]:
        require_manage(db, by)
    with db.write() as con:
        con.execute("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL", [now(), token_id])
        log(con, by.name, "token-revoke", detail={"user": row["user_name"], "token": token_id})
    return {"token_id": token_id, "revoked": True}


def check_token(db: Database, token: str) -> Actor | None:
    """The actor of a valid, unexpired, unrevoked token; None otherwise."""
    if not token.startswith(TOKEN_PREFIX) or "_" not in token[len(TOKEN_PREFIX):]:
        return None
    token_id, _, secret = token[len(TOKEN_PREFIX):].partition("_")
    row = db.memo(("token", token_id), lambda: db.one(
        """SELECT t.user_name, t.secret_hash, t.expires_at FROM api_tokens t JOIN users u ON u.name = t.user_name
           WHERE t.token_id = ? AND t.revoked_at IS NULL AND NOT u.disabled""", [token_id]))
    if row is None or row["expires_at"] <= now() or not secrets.compare_digest(row["secret_hash"], _sha(secret)):
        return None
    return actor(db, row["user_name"], token_id=token_id)


# --- passwords, sessions, login limits ---------------------------------------------------------------
@functools.cache
def _dummy_hash() -> str:
    """The hash an unknown user's password is checked against: HASHER's parameters, so the same work."""
    return HASHER.hash(secrets.token_urlsafe(24))


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash: one Argon2 verification either way (against
    the dummy hash when there is none), so that the time taken does not tell whether a user exists."""
    try:
        return bool(HASHER.verify(stored or _dummy_hash(), password)) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def pair_wait(failures: int) -> float:
    """Seconds a (user name, address) pair waits after its last failure, with ``failures`` since its
    last success in the window: none for the first few, then doubling up to ``PAIR_MAX_WAIT``."""
    if failures < PAIR_FREE_FAILURES:
        return 0
    return min(PAIR_MAX_WAIT, PAIR_FIRST_WAIT * 2 ** (failures - PAIR_FREE_FAILURES))


def _pair_key(name: str, client: str) -> str:
    return f"pair:{client} {name}"  # an address holds no space: the key splits one way only


def login_wait(db: Database, name: str, client: str) -> int:
    """Seconds before ``name`` may try to log in from ``client`` (0: now)."""
    t = now()
    since = t - RATE_WINDOW
    pair = db.one("""SELECT count(*) AS n, max(attempted_at) AS last FROM login_attempts
                     WHERE who = ? AND NOT ok AND attempted_at > greatest(?, coalesce(
                         (SELECT max(attempted_at) FROM login_attempts WHERE who = ? AND ok), ?))""",
                  [_pair_key(name, client), since, _pair_key(name, client), since])
    wait = 0.0
    if pair["n"]:
        wait = (pair["last"] + timedelta(seconds=pair_wait(pair["n"])) - t).total_seconds()
    failed = db.all("SELECT attempted_at FROM login_attempts WHERE who = ? AND NOT ok AND attempted_at > ? "
                    "ORDER BY attempted_at DESC LIMIT ?", [f"ip:{client}", since, ADDRESS_MAX_FAILURES])
    if len(failed) >= ADDRESS_MAX_FAILURES:  # until the oldest of the last hundred leaves the window
        wait = max(wait, (failed[-1]["attempted_at"] + RATE_WINDOW - t).total_seconds())
    return max(0, math.ceil(wait))


def login(db: Database, name: str, password: str, client: str = "") -> dict | None:
    """A new session (sid, csrf) for correct credentials; None otherwise.  Refused (429, with the
    seconds to wait) while the name is slowed down for this client or the client is capped."""
    wait = login_wait(db, name, client)
    if wait:
        raise Refusal("rate-limited", 429, retry_after=wait, seconds=wait)
    row = db.one("SELECT password_hash FROM users WHERE name = ? AND NOT disabled", [name])
    ok = verify_password(row["password_hash"] if row else None, password)
    with db.write() as con:
        con.execute("INSERT INTO login_attempts VALUES (?, ?, ?)", [_pair_key(name, client), now(), ok])
        if not ok:
            con.execute("INSERT INTO login_attempts VALUES (?, ?, false)", [f"ip:{client}", now()])
            return None
        sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        con.execute("INSERT INTO web_sessions VALUES (?, ?, ?, ?, ?, NULL)",
                    [_sha(sid), name, csrf, now(), now() + timedelta(hours=SESSION_HOURS)])
        log(con, name, "login")
    return {"sid": sid, "csrf": csrf, "user": name}


def session(db: Database, sid: str) -> dict | None:
    return db.one("""SELECT s.user_name, s.csrf FROM web_sessions s JOIN users u ON u.name = s.user_name
                     WHERE s.sid_hash = ? AND s.ended_at IS NULL AND s.expires_at > ? AND NOT u.disabled""",
                  [_sha(sid), now()])


def logout(db: Database, sid: str) -> None:
    with db.write() as con:
        con.execute("UPDATE web_sessions SET ended_at = ? WHERE sid_hash = ?", [now(), _sha(sid)])
