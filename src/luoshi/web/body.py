"""The fields a POST sent, read alike for JSON and form bodies (the write routes of every area), and
its uploaded files, within the size limits the settings give."""

from __future__ import annotations

from fastapi import Request, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from luoshi.domain.problems import Refusal, one_of
from luoshi.ingest.limits import MB


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


UPLOADS = ("import_max_mb", "document_max_mb", "evidence_max_mb")
FORM_OVERHEAD = MB  # the fields and multipart boundaries around the files


class BodyTooLarge(StarletteHTTPException):
    """A body refused while it is read (an HTTP exception, so that FastAPI's form parsing lets it
    through to the error mapper, which answers its refusal)."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.status, refusal.problem.message)
        self.refusal = refusal


class BodyLimit:
    """ASGI middleware refusing a request body larger than the largest upload the settings allow
    (``UPLOADS``, plus ``FORM_OVERHEAD``) before it is read: by its Content-Length at once, else (a
    chunked body) as soon as the bytes received pass the limit.  Without it the multipart parser
    spools a body of any size to disk before a route, or the sign-in check, can refuse it; each
    route still holds each file to its own setting."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        ws = scope["app"].state.ws
        setting = max(UPLOADS, key=ws.setting)
        limit = int(ws.setting(setting) * MB) + FORM_OVERHEAD

        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            from fastapi.responses import JSONResponse

            return await JSONResponse(_too_large(int(length), limit, setting).envelope(), 413)(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(_too_large(seen, limit, setting))
            return message

        await self.app(scope, counted, send)
