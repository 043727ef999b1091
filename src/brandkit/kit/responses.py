"""JSON responses serialised with orjson, and the design-asset family's envelope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

from brandkit.kit.json_rows import json_default


class JSONBytes(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=json_default)


def envelope(
    body: Mapping[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> JSONBytes:
    """``{"status": s, "body": {...}}`` with the HTTP status equal to ``status``."""
    return JSONBytes({"status": status, "body": body}, status_code=status, headers=headers)
