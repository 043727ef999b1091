"""Files Brandkit serves from disk (the local backend's objects, local export downloads), with
every refusal in the route family's envelope: a missing file, a bad or unsatisfiable Range.

Starlette's FileResponse answers a bad Range itself, in plain text, and fails with a
RuntimeError (a 500) when the file is gone by the time it sends; the checks are made here first,
with its own Range parser, so that what it would refuse never reaches it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, MalformedRangeHeader, RangeNotSatisfiable

from brandkit.kit.errors import BadRequest, NotFound, RangeNotSatisfiableError


def file_response(
    request: Request,
    path: Path,
    *,
    media_type: str,
    headers: dict[str, str],
    filename: str | None = None,
) -> FileResponse:
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        raise NotFound("File not found") from None
    if not stat.S_ISREG(found.st_mode):
        raise NotFound("File not found")
    http_range = request.headers.get("range")
    if http_range is not None and request.method in ("GET", "HEAD"):
        try:
            FileResponse._parse_range_header(http_range, found.st_size)
        except MalformedRangeHeader as exc:
            raise BadRequest(f"Invalid Range header: {exc.content}") from None
        except RangeNotSatisfiable:
            raise RangeNotSatisfiableError(
                f"The range is outside the file ({found.st_size} bytes)",
                headers={"Content-Range": f"bytes */{found.st_size}"},
            ) from None
    return FileResponse(
        path,
        media_type=media_type,
        headers=headers,
        filename=filename,
        stat_result=found,
    )
