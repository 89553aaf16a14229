"""The fields a POST sent, read alike for JSON and form bodies (the write routes of every area)."""

from __future__ import annotations

from fastapi import Request

from luoshi.domain.problems import Refusal


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
    """A field as text (None when absent), whatever JSON type it was sent as."""
    value = body.get(name)
    return None if value is None else str(value)
