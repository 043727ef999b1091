"""The one exception hierarchy of the service; ``kit.handlers`` turns each into its envelope."""

from __future__ import annotations

from dataclasses import dataclass

AUTH_MESSAGE = "Failed to authenticate request. Please add sivi-api-key header in request"
INVALID_INPUT = "Invalid input"
RATE_LIMIT_MESSAGE = "Rate limit exceeded. Please try again later."
INTERNAL_MESSAGE = "Server internal error"


@dataclass(frozen=True)
class FieldError:
    """One failed rule: ``field`` is a dotted path such as ``filters.toDate``."""

    field: str
    reason: str


class BrandkitError(Exception):
    status: int = 500
    title: str = "Internal Server Error"
    default_message: str = INTERNAL_MESSAGE

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.errors = errors or []
        self.headers = headers or {}
        super().__init__(self.message)


class BadRequest(BrandkitError):
    status = 400
    title = "Bad Request"
    default_message = "Bad request"


class Unauthenticated(BrandkitError):
    status = 401
    title = "Unauthorized"
    default_message = AUTH_MESSAGE


class Forbidden(BrandkitError):
    status = 403
    title = "Forbidden"
    default_message = "This API key is not allowed to use this endpoint"


class NotFound(BrandkitError):
    status = 404
    title = "Not Found"
    default_message = "Not found"


class Conflict(BrandkitError):
    status = 409
    title = "Conflict"
    default_message = "Conflict"


class PayloadTooLarge(BrandkitError):
    status = 413
    title = "Payload Too Large"
    default_message = "Payload too large"


class RangeNotSatisfiableError(BrandkitError):
    status = 416
    title = "Range Not Satisfiable"
    default_message = "The requested range is not satisfiable"


class UnsupportedMediaType(BrandkitError):
    status = 415
    title = "Unsupported Media Type"
    default_message = "Content-Type must be application/json"


class InvalidInput(BrandkitError):
    status = 422
    title = "Unprocessable Entity"
    default_message = INVALID_INPUT


class RateLimited(BrandkitError):
    status = 429
    title = "Too Many Requests"
    default_message = RATE_LIMIT_MESSAGE


class ServiceUnavailable(BrandkitError):
    status = 503
    title = "Service Unavailable"
    default_message = "Service temporarily unavailable. Please try again later."


def invalid(field: str, reason: str, message: str = INVALID_INPUT) -> InvalidInput:
    return InvalidInput(message, errors=[FieldError(field, reason)])
