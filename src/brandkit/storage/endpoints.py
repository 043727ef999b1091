"""Public GETs of stored files, for backends whose files Brandkit serves (local); S3 serves its
own."""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter, Request
from starlette.responses import Response

from brandkit.kit.deps import TransactionalRoute
from brandkit.kit.errors import NotFound
from brandkit.kit.events import file_served
from brandkit.kit.files import file_response
from brandkit.kit.schemas import ENVELOPE_ERRORS
from brandkit.storage.base import FILES_ROUTE, PRIVATE_PREFIXES, Storage

router = APIRouter(route_class=TransactionalRoute, tags=["files"], responses=ENVELOPE_ERRORS)

# Even a cleaned SVG is never allowed to run script or load anything if opened directly.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@router.api_route(FILES_ROUTE + "/{key:path}", methods=["GET", "HEAD"], include_in_schema=False)
def serve_file(key: str, request: Request) -> Response:
    storage: Storage = request.app.state.storage
    path = storage.local_path(key)
    private = [storage.local_path(prefix) for prefix in PRIVATE_PREFIXES]
    if path is None or None in private:
        raise NotFound("File not found")
    # Uploads are unchecked until registered, and deleted users' files are hidden, so neither
    # is ever served (however the path is spelled: the check is on the resolved path).
    if any(path.is_relative_to(folder) for folder in private if folder is not None):
        raise NotFound("File not found")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=86400"}
    if media_type == "image/svg+xml":
        headers["Content-Security-Policy"] = SVG_CSP
    response = file_response(request, path, media_type=media_type, headers=headers)
    if request.method == "GET" and response.status_code in (200, 206):
        file_served(request.app.state, key)
    return response
