"""The fields a POST sent, read alike for JSON and form bodies (the write routes of every area)."""

from __future__ import annotations

from fastapi import Request

from luoshi.domain.problems import Refusal, one_of


async def posted(request: Request) -> dict:
    """A JSON object or a form as a dict ({} without a body); any other JSON is the refusal ``bad-request``."""
    ctype = request.headers.get("content-type", "")
    if "json" in ctype:
        try:
            body = await request.json()
        except ValueError:  # also UnicodeDecodeError
            body = None
        if not isinstance(body, dict):
            raise Refusal("bad-request", detail="send a JSON object")
        return body
    if "form" in ctype:
        return dict(await request.form())
    return {}


def text(body: dict, name: str) -> str | None:
    """A field as text (None when absent): a string, or a JSON number (a code sent as 440103); anything
    else (true, a list, an object) is refused rather than stored as its Python spelling."""
    value = body.get(name)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise Refusal("bad-value", column=name, value=value, detail="text", detail_zh="应为文本")


def flag(body: dict, name: str) -> bool:
    """A yes/no field: JSON true or false, or a form's "true" or "false" (absent or blank: false).
    Anything else is refused, so that neither a form's "false" nor a stray value reads as true."""
    value = body.get(name)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", ""):
        return value.strip().lower() == "true"
    raise Refusal("bad-value", column=name, value=value, **one_of(("true", "false")))
