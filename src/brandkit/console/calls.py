"""The console scripts' JSON calls (uploads, the editor's preview): who may make one (signed in,
with the session's CSRF token in an X-CSRF-Token header) and how a refusal is answered (the
API's status, message and field errors, as JSON)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from pydantic import ValidationError
from starlette.responses import Response

from brandkit.config import Settings
from brandkit.console.auth import Caller, csrf_holds
from brandkit.console.pages import SECURITY_HEADERS
from brandkit.console.views import REFUSED_CSRF
from brandkit.kit.errors import BrandkitError
from brandkit.kit.handlers import field_errors
from brandkit.kit.responses import JSONBytes


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        data = None
    return data if isinstance(data, dict) else {}


Json = Annotated[dict[str, Any], Depends(_json)]


def refused(status: int, message: str, errors: Any = None) -> Response:
    body: dict[str, Any] = {"message": message}
    if errors:
        body["errors"] = errors
    return JSONBytes(body, status_code=status, headers=SECURITY_HEADERS)


def failure(exc: ValidationError | BrandkitError) -> Response:
    if isinstance(exc, ValidationError):
        return refused(422, "Invalid input", [asdict(e) for e in field_errors(exc.errors())])
    return refused(exc.status, exc.message, [asdict(e) for e in exc.errors])


def checked(caller: Caller | None, request: Request, settings: Settings) -> Caller | Response:
    if caller is None:
        return refused(401, "Signed out")
    presented = {"csrf": request.headers.get("x-csrf-token", "")}
    if not csrf_holds(settings, caller.claims.nonce, presented):
        return refused(403, REFUSED_CSRF)
    return caller
