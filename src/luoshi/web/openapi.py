"""The OpenAPI document tells every answer a route gives: its error statuses with the one envelope as
their model, and each content type it can send (CSV, XLSX, SDMX-CSV, HTML beside JSON).

Routes name what their services refuse and what else they send with ``errors(404, 409)`` and
``success(CSV)``, and describe their parameters with ``day`` and ``named`` (a date's format, example
names, which also lead a fuzzer past the 404 of an unknown name).  ``document(app)`` adds what a route's
signature implies (400 for a malformed parameter or body, 401 and 403 when it needs a caller), so no
route can forget those, and drops FastAPI's own 422 "Validation Error", which this app never sends
(app.py's error mapper answers a malformed request 400 bad-query)."""

from __future__ import annotations

from typing import Annotated, Any, Optional

from fastapi import FastAPI, Path, Query
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from luoshi.domain.periods import MAX_YEAR, MIN_YEAR
from luoshi.web import api_docs

JSON = "application/json"
CSV = "text/csv"
HTML = "text/html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SDMX_CSV = "application/vnd.sdmx.data+csv; version=2.0.0"
REF = "#/components/schemas/"

MEANING = {
    400: "malformed or missing parameter or body, or a value that is not allowed",
    401: "no caller: sign in, or send a valid bearer token",
    403: "the caller may not do this (or a session's CSRF token is missing)",
    404: "no such name: region, indicator, plan, period, task, document ...",
    409: "not possible in the current state (a locked period, a task's state, a name already taken)",
    413: "the upload is larger than allowed",
    422: "the file or request was read, but its content is refused (the problems say where)",
    429: "too many failed sign-ins: wait",
    502: "a server luoshi depends on refused (the mail server refused the login or TLS)",
    503: "a server luoshi depends on cannot be reached (the mail server): try again later",
}


class ProblemRow(BaseModel):
    """One problem of a refused file or form (domain.problems.Problem)."""
    code: str
    message: str
    message_zh: Optional[str] = None
    file: Optional[str] = None
    sheet: Optional[str] = None
    row: Optional[int] = None
    field: Optional[str] = None
    severity: str = "error"


class ErrorEnvelope(BaseModel):
    """Every error: its HTTP status, a stable code from the problem catalogue (docs/errors.md), and the
    message in English and Chinese; ``problems`` when a file or form was refused, ``import`` for an import."""
    model_config = ConfigDict(populate_by_name=True)
    status: int
    code: str
    message: str
    message_zh: str
    problems: Optional[list[ProblemRow]] = None
    import_: Optional[dict[str, Any]] = Field(None, alias="import")


_ENVELOPE = {"schema": {"$ref": REF + ErrorEnvelope.__name__}}
_TEXT = {"schema": {"type": "string"}}


def errors(*statuses: int, media: tuple[str, ...] = (JSON,)) -> dict:
    """The error answers ``statuses`` as the envelope (the ``responses=`` of a route)."""
    return {status: {"description": MEANING[status], "content": {m: _ENVELOPE if m == JSON else _TEXT for m in media}}
            for status in statuses}


def success(*media: str, status: int = 200, description: str | None = None) -> dict:
    """Further content types (beyond the route's own) of a successful answer."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    answer: dict[str, Any] = {"content": {m: binary if m == XLSX else _TEXT for m in media}}
    if description:
        answer["description"] = description
    return {status: answer}


def day(description: str, default: Any = None):
    """A date query parameter, documented as an ISO date (a malformed one is refused as bad-date, 400);
    an optional one may be sent empty, as a page's form does, for its default."""
    date = {"type": "string", "format": "date"}
    schema = date if default is ... else {"anyOf": [date, {"type": "string", "maxLength": 0}]}
    return Query(default, description=description, examples=["2025-06-30"], json_schema_extra=schema)


def _digits(value):
    """A year as written in a query: digits only (pydantic would also read "2025.0" as 2025)."""
    if isinstance(value, str) and not value.strip().isdigit():
        raise ValueError("not a year")
    return value


# A year within the years periods cover: ``year: Annotated[Year, Query(...)] = None``
Year = Annotated[Optional[Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]], BeforeValidator(_digits)]


def named(description: str, *examples: Any, default: Any = None, path: bool = False):
    """A query (or path) parameter naming something, with example names."""
    if path:
        return Path(description=description, examples=list(examples))
    return Query(default, description=description, examples=list(examples))


def fields_body(**fields: str | tuple[str, ...]) -> dict:
    """The ``openapi_extra`` of a route that reads its fields itself (web.body.posted): a JSON object or a
    form with ``fields`` (name: JSON type or types), none required (null, as in web.body, is absent)."""
    types = {k: [t] if isinstance(t, str) else list(t) for k, t in fields.items()}
    schema = {"type": "object", "properties": {k: {"type": t + ["null"]} for k, t in types.items()}}
    forms = "application/x-www-form-urlencoded"
    return {"requestBody": {"content": {JSON: {"schema": schema}, forms: {"schema": schema}}}}


def _dependants(dep):
    yield dep
    for sub in dep.dependencies:
        yield from _dependants(sub)


def implied(route: APIRoute) -> list[int]:
    """The errors a route's signature implies: 400 when it takes any parameter or body (or reads one
    itself, being a POST), 401 and 403 when it needs a caller (web.auth.actor)."""
    from luoshi.web import auth

    deps = list(_dependants(route.dependant))
    takes = any(d.query_params or d.path_params or d.body_params or d.header_params for d in deps)
    out = [400] if takes or "POST" in route.methods else []
    if any(d.call in (auth.actor, auth.csrf_checked) for d in deps):
        out += [401, 403]
    return out


def _routes(app: FastAPI) -> dict[tuple[str, str], APIRoute]:
    try:
        from fastapi.routing import iter_route_contexts
        contexts = list(iter_route_contexts(app.routes))
    except ImportError:  # FastAPI before 0.165
        contexts = list(app.routes)
    out = {}
    for ctx in contexts:
        route = getattr(ctx, "original_route", ctx)
        if isinstance(route, APIRoute) and route.include_in_schema:
            for method in route.methods:
                out[(method.lower(), ctx.path_format)] = route
    return out


def _is_page(method: str, path: str) -> bool:
    """Whether a browser asking for this route gets the error page (app.wants_page)."""
    return method in ("get", "head") and not path.startswith(("/api", "/openapi"))


def openapi_document(app: FastAPI) -> dict:
    """The app's OpenAPI document with every error answer it gives."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, openapi_version=app.openapi_version,
                      description=app.description, routes=app.routes)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    model = ErrorEnvelope.model_json_schema(ref_template=REF + "{model}", by_alias=True, mode="serialization")
    schemas.update(model.pop("$defs", {}))
    schemas.setdefault(ErrorEnvelope.__name__, model)
    schemas.update(api_docs.SCHEMAS)
    routes = _routes(app)
    for path, ops in doc.get("paths", {}).items():
        for method, op in ops.items():
            key = f"{method.upper()} {path}"
            if key in api_docs.SUMMARY_ZH:
                op["x-summary-zh"] = api_docs.SUMMARY_ZH[key]
            for param in op.get("parameters", []):
                if param.get("description") in api_docs.PARAMETER_ZH:
                    param["x-description-zh"] = api_docs.PARAMETER_ZH[param["description"]]
            answers = op.setdefault("responses", {})
            if key in api_docs.RESPONSES:
                schema, example = api_docs.RESPONSES[key]
                ok = answers.setdefault("200", {"description": "Successful Response"}).setdefault("content", {})
                ok[JSON] = {"schema": schema, "example": example}
            if "HTTPValidationError" in str(answers.get("422", "")):
                del answers["422"]
            route = routes.get((method, path))
            for status in implied(route) if route else []:
                answers.setdefault(str(status), errors(status)[status])
            for status, answer in answers.items():
                if status[0] in "45" and _is_page(method, path):
                    answer["content"].setdefault(HTML, _TEXT)
            op["responses"] = dict(sorted(answers.items()))
    app.openapi_schema = doc
    return doc


def document(app: FastAPI) -> None:
    """Serve ``openapi_document`` as the app's OpenAPI document."""
    app.openapi = lambda: openapi_document(app)
