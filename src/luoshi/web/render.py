"""Server-side rendering: the Jinja2 environment, the language of a request, and small SVG helpers."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from luoshi.analytics.status import LIGHT_ORDER
from luoshi.domain.rules import CATEGORIES
from luoshi.web.auth import signed_in
from luoshi.web.documents_text import exact_number
from luoshi.web.i18n import COOKIE, LANGS, Translator

ACCOUNT_MARK = "<!--luoshi:account-->"  # where base.html's header takes the caller's sign-in box


def to_json(data) -> str:
    def default(o):
        if isinstance(o, (date, datetime)):
            return o.isoformat()
        if isinstance(o, (set, tuple)):
            return list(o)
        raise TypeError(f"not JSON serialisable: {type(o).__name__}")

    return json.dumps(data, ensure_ascii=False, default=default, separators=(",", ":"))


def asks_for_html(request: Request) -> bool:
    """Whether the client is a browser wanting a page (forms answer it with the page and its problems)."""
    return "text/html" in request.headers.get("accept", "")


def request_lang(request: Request) -> tuple[str, bool]:
    """(language, whether it was chosen by this request's ?lang= and must be remembered)."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked, True
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGS:
        return cookie, False
    return request.app.state.dash.default_lang if request.app.state.dash.default_lang in LANGS else "zh", False


def in_lang(lang: str):
    """``L(zh, en)``: the words of the page's language, for strings a template writes in both."""
    return lambda zh, en: zh if lang == "zh" else en


def sparkline(points: list, i18n=None, decimals: int = 1, width: int = 96, height: int = 24) -> Markup:
    """An inline SVG polyline of the values (no axes); empty when there are fewer than two.  With a
    translator it is an image named in words (first and last period and value, low and high)."""
    shown = [p for p in points if p.get("value") is not None]
    vals = [p["value"] for p in shown]
    if len(vals) < 2:
        return Markup("")
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or 1.0
    step = (width - 4) / (len(vals) - 1)
    pts = " ".join(f"{2 + i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}" for i, v in enumerate(vals))
    last_x, last_y = pts.split(" ")[-1].split(",")
    if i18n is None:
        label = 'aria-hidden="true"'
    else:
        n = lambda v: i18n.number(v, decimals)  # noqa: E731
        words = i18n("spark.alt").format(first=i18n.period(shown[0]["period"]), last=i18n.period(shown[-1]["period"]),
                                         a=n(vals[0]), b=n(vals[-1]), lo=n(lo), hi=n(hi), count=len(vals))
        label = f'aria-label="{escape(words)}"'
    return Markup(f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
                  f'role="img" {label} data-points="{len(vals)}"><polyline points="{pts}"/>'
                  f'<circle cx="{last_x}" cy="{last_y}" r="2"/></svg>')


class Renderer:
    def __init__(self, folder: Path):
        self.env = Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(["html"]),
                               trim_blocks=True, lstrip_blocks=True, auto_reload=False)
        self.env.globals["sparkline"] = sparkline
        self.env.globals["exact"] = exact_number  # an extracted value in full (documents/_commitment.html)
        self.env.globals["CATEGORIES"] = CATEGORIES
        self.env.globals["LIGHT_ORDER"] = LIGHT_ORDER  # a light sorts as analytics.status orders it
        self.env.filters["tojson_safe"] = lambda d: Markup(to_json(d).replace("</", "<\\/"))

    def page(self, request: Request, template: str, lang: str, **ctx) -> str:
        """A page for this caller: ``who`` (the signed-in Actor or None) and ``csrf`` in its context,
        and its header naming them."""
        who = signed_in(request)
        ctx = {"who": who, "csrf": getattr(request.state, "csrf", "")} | ctx
        return self.personal(request, self.shared(request, template, lang, **ctx), lang)

    def shared(self, request: Request, template: str, lang: str, **ctx) -> str:
        """A page the same for every caller (what the page cache holds): its header carries a
        marker that ``personal`` replaces with the caller's sign-in box."""
        i18n = Translator(lang)
        other = "en" if lang == "zh" else "zh"
        u = request.url.include_query_params(lang=other)
        switch = f"{u.path}?{u.query}"
        return self.env.get_template(template).render(
            request=request, i18n=i18n, lang=lang, switch_url=switch, path=request.url.path,
            query=request.url.query, **{"L": in_lang(lang)} | ctx)

    def personal(self, request: Request, html: str, lang: str) -> str:
        """``html`` with the header's sign-in box for this caller: a sign-in link, or their name, role
        and scope, the pages of their roles and a sign-out."""
        who = signed_in(request)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        box = self.env.get_template("_account.html").render(
            i18n=Translator(lang), lang=lang, L=in_lang(lang), who=who, csrf=getattr(request.state, "csrf", ""), path=request.url.path,
            users=request.app.state.dash.has_users(), next=here)
        return html.replace(ACCOUNT_MARK, box, 1)

    def error(self, request: Request, envelope: dict) -> str:
        """The error page of a refusal's envelope, its message in the request's language."""
        lang, _ = request_lang(request)
        message = envelope["message_zh"] if lang == "zh" else envelope["message"]
        return self.page(request, "error.html", lang, status=envelope["status"], code=envelope["code"],
                         message=message, synthetic=False)
