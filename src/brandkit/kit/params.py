"""Request bodies of the design-asset family, in either form: a JSON body (POST) or a
``queryParams`` query parameter holding the same JSON, URL-encoded (GET)."""

# No `from __future__ import annotations`: FastAPI must read the closure's annotations live.
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator

from brandkit.kit.errors import InvalidInput, invalid
from brandkit.kit.handlers import field_errors
from brandkit.kit.text import unstorable

M = TypeVar("M", bound="RequestModel")


# Strict types: a string where a number is due (or the reverse) is a 422, never coerced.
Str = Annotated[str, Strict()]
Int = Annotated[int, Strict()]
Number = Annotated[float, Strict(), Field(ge=0)]
NonEmptyStr = Annotated[str, Strict(), Field(min_length=1, max_length=512)]


class RequestModel(BaseModel):
    # Unknown fields are ignored, as the original API does; NaN and Infinity are refused.
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _refuse_unstorable(cls, data: Any) -> Any:
        # PostgreSQL stores no U+0000, and no text can hold a lone surrogate (JSON's "\ud800"
        # parses to one): refuse both as bad input on both databases instead of letting them
        # fail as a 500 at the insert or the response.
        if _holds_unstorable(data):
            raise ValueError("text may not contain NUL or unpaired surrogate characters")
        return data


def _holds_unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return unstorable(value)
    if isinstance(value, dict):
        return any(_holds_unstorable(k) or _holds_unstorable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_unstorable(v) for v in value)
    return False


def query_params(model: type[M]) -> Callable[[str | None], M]:
    """A dependency reading ``?queryParams=<json>`` into ``model``; bad JSON is a 422."""

    description = f"URL-encoded JSON object with the fields of {model.__name__}"

    def dependency(
        queryParams: Annotated[  # noqa: N803 (the public parameter name)
            str | None, Query(description=description)
        ] = None,
    ) -> M:
        try:
            return model.model_validate_json(queryParams or "{}")
        except ValidationError as exc:
            errors = exc.errors()
            if any(e["type"] == "json_invalid" or e["type"] == "model_type" for e in errors):
                raise invalid("queryParams", "must be a URL-encoded JSON object") from None
            raise InvalidInput(errors=field_errors(errors)) from None

    return dependency
