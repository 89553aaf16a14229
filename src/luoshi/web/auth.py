"""Web authentication: session cookies (HttpOnly, SameSite=Strict, Secure), CSRF on every form
and unsafe request made with a session, bearer API tokens, and the no-users local mode.

Dependencies for routes: ``actor`` (the caller, or the refusal 401), ``csrf_checked`` (the caller, after the
CSRF check for session callers), ``reader`` (for the dashboards: the caller, unless the workspace lets anyone
read them).  ``signed_in`` is who the page header names (never refuses).  ``serve_allowed`` is what ``luoshi serve`` asks of the socket it has bound.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket

from fastapi import Request, Response

from luoshi.domain.problems import Refusal
from luoshi.domain.roles import Actor
from luoshi.services import access

SESSION_COOKIE = "luoshi_session"
LOGIN_CSRF_COOKIE = "luoshi_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _loopback_ip(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%")[0])  # an IPv6 address may carry a zone (fe80::1%eth0)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is IPv4 loopback
    return (mapped or ip).is_loopback


def listens_on_loopback(sock: socket.socket, host: str) -> bool:
    """Whether a bound socket takes connections from this machine only: the address it is bound to
    is loopback and so is every address ``host`` names (a name, "127.1" or "0" resolves; "" and
    "0.0.0.0" bind every interface)."""
    addresses = {sock.getsockname()[0]}
    if host:
        try:
            addresses |= {info[4][0] for info in socket.getaddrinfo(host.strip("[]"), None, type=socket.SOCK_STREAM)}
        except OSError:
            return False
    return all(_loopback_ip(a) for a in addresses)


def serve_allowed(ws, sock: socket.socket, host: str) -> bool:
    """Whether ``luoshi serve`` may listen on the bound ``sock`` (asked for as ``host``): without a
    user every caller acts as the all-powerful local user, so only on loopback."""
    return access.has_users(ws.db) or listens_on_loopback(sock, host)


def client_address(request: Request) -> str:
    """The client's address: the direct peer, or the client a trusted proxy names (web/headers.py
    has resolved it before any route runs); what the login limits count by."""
    return request.client.host if request.client else ""


def _ws(request: Request):
    return request.app.state.ws


def _session(request: Request) -> dict | None:
    sid = request.cookies.get(SESSION_COOKIE)
    return access.session(_ws(request).db, sid) if sid else None


def actor(request: Request) -> Actor:
    """The caller: bearer token, else session cookie, else the local user while no user exists."""
    if getattr(request.state, "who", None) is not None:
        return request.state.who
    request.state.who = _identify(request)
    return request.state.who


def _identify(request: Request) -> Actor:
    ws = _ws(request)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        a = access.check_token(ws.db, auth[7:].strip())
        if a is None:
            raise Refusal("bad-token", 401)
        request.state.via = "token"
        return a
    s = _session(request)
    if s is not None:
        request.state.via = "session"
        request.state.csrf = s["csrf"]
        return access.actor(ws.db, s["user_name"])
    if not access.has_users(ws.db):
        request.state.via = "local"
        return Actor.local()
    raise Refusal("not-authenticated", 401)


def signed_in(request: Request) -> Actor | None:
    """The caller if identified (token, session, or the local user while no user exists), else None."""
    if getattr(request.state, "anonymous", False):  # asked once per request (the page and its header)
        return None
    try:
        return actor(request)
    except Refusal:
        request.state.anonymous = True
        return None


async def reader(request: Request) -> Actor | None:
    """For the dashboards: once users exist, the caller (401 if anonymous) unless the setting
    ``dashboards_public`` lets anyone read them.  On the event loop, not in a worker thread: what it
    reads (settings, users, tokens, sessions) is kept between writes (Database.memo), so a dashboard
    read served from the view cache never waits for a thread."""
    if request.app.state.dash.public():
        return signed_in(request)
    return actor(request)


async def csrf_checked(request: Request) -> Actor:
    """The caller, for unsafe requests: a session caller must echo the session's CSRF token
    (header X-CSRF-Token or form field csrf_token).  Token callers send no cookies, so need none."""
    a = actor(request)
    if request.state.via == "session":
        sent = request.headers.get(CSRF_HEADER)
        if not sent and "form" in request.headers.get("content-type", ""):
            sent = (await request.form()).get(CSRF_FIELD)
        if not sent or not secrets.compare_digest(str(sent), request.state.csrf):
            raise Refusal("csrf", 403)
    return a


def set_session_cookie(response: Response, sid: str, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="strict", secure=secure,
                        max_age=access.SESSION_HOURS * 3600, path="/")


def set_login_csrf(response: Response, token: str, secure: bool) -> None:
    """Double-submit token for the login form (there is no session yet)."""
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")


def secure_cookies(request: Request) -> bool:
    """Secure cookies except on plain-http loopback (the local single-machine case and tests)."""
    cfg = getattr(request.app.state, "secure_cookies", None)
    if cfg is not None:
        return bool(cfg)
    return request.url.scheme == "https" or not is_loopback(request.url.hostname or "")
