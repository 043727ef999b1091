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


def _errors(model: Any, codes: tuple[int, ...]) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": model} for code in codes}


ENVELOPE_ERRORS = _errors(Envelope[ErrorBody], (400, 401, 403, 404, 422, 429, 500, 503))
PROBLEM_ERRORS = _errors(Problem, (400, 401, 403, 404, 415, 422, 429, 500, 503))
