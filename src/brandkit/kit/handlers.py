"""One place that maps every exception to its envelope."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from brandkit.kit.deps import complete_pending
from brandkit.kit.errors import (
    BadRequest,
    BrandkitError,
    FieldError,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
)
from brandkit.kit.render import render_error, uses_problem_style

_STATUS_ERRORS: dict[int, type[BrandkitError]] = {404: NotFound}

log = logging.getLogger("brandkit.request")


def field_errors(errors: Sequence[Any]) -> list[FieldError]:
    """Pydantic/FastAPI error dicts as ``FieldError``s, with the location made a dotted path."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        out.append(FieldError(".".join(loc) or "body", str(err.get("msg", "invalid"))))
    return out


def is_json_syntax_error(errors: Sequence[Any]) -> bool:
    return any(err.get("type") == "json_invalid" for err in errors)


async def _authentication_first(request: Request) -> BrandkitError | None:
    # A request refused before its endpoint ran has not had its key checked yet (see
    # kit/deps.Deferred); the caller must learn that its key is bad before anything else.
    try:
        await complete_pending(request)
    except BrandkitError as earlier:
        return earlier
    return None


async def _brandkit_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BrandkitError)
    return render_error(request.url.path, await _authentication_first(request) or exc)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    path = request.url.path
    earlier = await _authentication_first(request)
    if earlier is not None:
        return render_error(path, earlier)
    if uses_problem_style(path) and is_json_syntax_error(errors):
        return render_error(path, BadRequest("Request body is not valid JSON"))
    return render_error(path, InvalidInput(errors=field_errors(errors)))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    cls = _STATUS_ERRORS.get(exc.status_code)
    if cls is not None:
        error: BrandkitError = cls()
    else:
        error = BrandkitError(str(exc.detail))
        error.status = exc.status_code
        error.title = str(exc.detail)
    error.headers = dict(exc.headers or {})
    return render_error(request.url.path, error)


async def _database_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DBAPIError)
    transient = isinstance(exc, OperationalError) or exc.connection_invalidated
    if not transient:
        raise exc
    # A dropped connection, a restarting or overloaded database, a lock timeout: the request did
    # not commit and may be retried. The detail stays in the log under the request id.
    log.error("database unavailable on %s %s", request.method, request.url.path, exc_info=exc)
    return render_error(request.url.path, ServiceUnavailable(headers={"Retry-After": "1"}))


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(BrandkitError, _brandkit_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_error)
