"""The console's design form: the fields it posts, turned into the API's own request models, so
the console refuses exactly what the API refuses."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import ValidationError

from brandkit.generation.catalogue import catalogue
from brandkit.generation.schemas import DesignsFromContentRequest, DesignsFromPromptRequest
from brandkit.kit.errors import FieldError, InvalidInput
from brandkit.kit.handlers import field_errors


@cache
def formats() -> list[tuple[str, str]]:
    """(value, label) of every sized design type and subtype, for the format select."""
    out = []
    for design_type, subtypes in sorted(catalogue().design_types.items()):
        for subtype, size in sorted(subtypes.items()):
            if size is not None:
                out.append(
                    (
                        f"{design_type}:{subtype}",
                        f"{subtype} ({size[0]}\N{MULTIPLICATION SIGN}{size[1]})",
                    )
                )
    return out


def request_of(fields: dict[str, str]) -> DesignsFromContentRequest | DesignsFromPromptRequest:
    design_type, _, subtype = fields.get("format", "").partition(":")
    try:
        variants = int(fields.get("numOfVariants", "2"))
    except ValueError:
        raise InvalidInput(errors=[FieldError("numOfVariants", "must be a number")]) from None
    body: dict[str, Any] = {
        "name": fields.get("name", "").strip() or None,
        "type": design_type,
        "subtype": subtype,
        "numOfVariants": variants,
    }
    prompt = fields.get("prompt", "").strip()
    try:
        if prompt:
            return DesignsFromPromptRequest.model_validate({**body, "prompt": prompt})
        content = {
            block: fields[block].strip()
            for block in ("title", "subtext", "offer", "button")
            if fields.get(block, "").strip()
        }
        return DesignsFromContentRequest.model_validate({**body, "content": content})
    except ValidationError as exc:
        raise InvalidInput(errors=field_errors(exc.errors())) from None
