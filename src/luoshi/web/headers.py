"""The app's edge: who the client is behind a trusted proxy, and the security headers on every
response (pages, API, static files, errors, crashes).

``edge(stack, proxies)`` wraps the whole ASGI stack, outside Starlette's error middleware, so that
a 500 carries the headers too and every layer inside sees the client's address and scheme as the
one place computes them.  X-Forwarded-For and X-Forwarded-Proto are believed only from a peer in
the ``trusted_proxies`` setting (uvicorn's ProxyHeadersMiddleware does the parsing); the server
itself runs with uvicorn's own proxy handling off, which trusted any loopback peer.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

# The pages load their script, style sheet and icon from /static and nothing from other hosts.
# Style attributes stay allowed (style-src-attr) for the positions computed per row: wall-chart
# bars and flags, tile-map cells; no <style> element or inline script runs.  Images may also come from
# blob: URLs, which only the page's own script can make: the chart's PNG download draws its SVG on a canvas.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
HSTS = "max-age=31536000"  # a year; only said over TLS (a browser ignores it over plain http anyway)


class SecurityHeaders:
    """Adds ``HEADERS`` to every HTTP response (a route's own value wins) and HSTS over https."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if tls:
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        await self.app(scope, receive, send_secured)


def edge(stack: ASGIApp, proxies: list[str]) -> ASGIApp:
    """``stack`` behind the proxy handling (outermost: the headers see the client's scheme) and the headers."""
    return ProxyHeadersMiddleware(SecurityHeaders(stack), trusted_hosts=list(proxies))
