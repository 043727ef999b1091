"""Public GET of locally stored files (the s3 backend serves its own)."""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, Response

from brandkit.kit.errors import NotFound
from brandkit.storage.local import FILES_ROUTE, LocalStorage

router = APIRouter(include_in_schema=False)


@router.get(FILES_ROUTE + "/{key:path}")
def serve_file(key: str, request: Request) -> Response:
    storage = request.app.state.storage
    if not isinstance(storage, LocalStorage):
        raise NotFound("File not found")
    path = storage.path_for(key)
    if not path.is_file():
        raise NotFound("File not found")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=86400"}
    if media_type == "image/svg+xml":
        # Even a cleaned SVG is never allowed to run script or load anything if opened directly.
        headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        )
    return FileResponse(path, media_type=media_type, headers=headers)
