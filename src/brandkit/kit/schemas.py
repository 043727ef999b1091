"""Response shapes for the OpenAPI document.

Endpoints build their JSON directly (orjson, no per-row model validation on hot paths) and declare
these models so the published schema stays exact; tests validate live responses against it.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class Envelope(BaseModel, Generic[T]):
    status: int
    body: T


class FieldErrorOut(BaseModel):
    field: str
    reason: str


class ErrorBody(BaseModel):
    message: str
    errors: list[FieldErrorOut] | None = None


class ValidationErrorOut(BaseModel):
    name: str
    path: str
    reason: str


class Problem(BaseModel):
    title: str
    status: int
    detail: str
    validationErrors: list[ValidationErrorOut] | None = None  # noqa: N815


# What every route of a family may answer, whatever it does (the key check, the body cap, the
# rate limit, validation, and the server's own failures); routes add or refine their own codes.
_COMMON = {
    400: "Bad request",
    401: "Missing, unknown or revoked API key",
    403: "The key lacks the tier or scope this route needs, or names a user it may not act for",
    404: "Not found",
    413: "The request body is larger than BRANDKIT_MAX_BODY_BYTES",
    422: "Invalid input: the errors list names each field and why",
    429: "Rate limit exceeded: retry after Retry-After seconds",
    500: "Server internal error (the detail is logged under the response's x-request-id)",
    503: "The database or the file store is unavailable for now: retry after Retry-After",
}


def _errors(
    model: Any, codes: tuple[int, ...], described: dict[int, str]
) -> dict[int | str, dict[str, Any]]:
    return {
        code: {"model": model, "description": described.get(code, _COMMON.get(code, ""))}
        for code in codes
    }


def envelope_errors(**described: str) -> dict[int | str, dict[str, Any]]:
    """A route's own error answers in the design-asset envelope, by code (``e400="..."``)."""
    codes = {int(k.removeprefix("e")): v for k, v in described.items()}
    return _errors(Envelope[ErrorBody], tuple(codes), codes)


def problem_errors(**described: str) -> dict[int | str, dict[str, Any]]:
    """A route's own error answers as bulk-export problem documents (``e404="..."``)."""
    codes = {int(k.removeprefix("e")): v for k, v in described.items()}
    return _errors(Problem, tuple(codes), codes)


ENVELOPE_ERRORS = _errors(Envelope[ErrorBody], (400, 401, 403, 404, 413, 422, 429, 500, 503), {})
PROBLEM_ERRORS = _errors(
    Problem,
    (400, 401, 403, 404, 413, 415, 422, 429, 500, 503),
    {415: "The body has no Content-Type: application/json"},
)
