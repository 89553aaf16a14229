"""The fields a POST sent, read alike for JSON and form bodies (the write routes of every area), and
its uploaded files, within the size limits the settings give."""

from __future__ import annotations

from fastapi import Request, UploadFile

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


async def upload_bytes(file: UploadFile, limit: int, setting: str) -> bytes:
    """An uploaded file's bytes, refused (too-large, 413: ``setting`` sets ``limit``) when it is larger,
    reading at most one byte past the limit."""
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(file.size or len(data), limit, setting)
    return data


async def save_upload(file: UploadFile, limit: int, setting: str, target) -> None:
    """Copy an uploaded file to ``target`` (a binary file) a chunk at a time, refused as ``upload_bytes``."""
    n = 0
    while chunk := await file.read(1 << 20):
        n += len(chunk)
        if n > limit:
            raise _too_large(max(file.size or 0, n), limit, setting)
        target.write(chunk)


def _too_large(size: int, limit: int, setting: str) -> Refusal:
    return Refusal("too-large", 413, size=f"{size:,}", limit=f"{limit:,}", setting=setting)
