"""Presigned upload URLs, and the local backend's PUT target and public GET (s3 serves its own)."""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, Response

from brandkit.accounts.auth import GeneralKey
from brandkit.kit.deps import SessionDep, SettingsDep, TransactionalRoute, writes
from brandkit.kit.errors import BadRequest, NotFound, PayloadTooLarge
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope
from brandkit.storage import service
from brandkit.storage.base import UPLOAD_PREFIX
from brandkit.storage.local import FILES_ROUTE, LocalStorage
from brandkit.storage.schemas import PresignBody, PresignRequest

router = APIRouter(route_class=TransactionalRoute, tags=["files"], responses=ENVELOPE_ERRORS)

# Even a cleaned SVG is never allowed to run script or load anything if opened directly.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@router.post("/files/get-presigned-url", response_model=Envelope[PresignBody])
@writes
def get_presigned_url(
    body: PresignRequest,
    principal: GeneralKey,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> JSONBytes:
    """A short-lived URL accepting one PUT of the file, with the Content-Type it was signed for.
    Register the upload afterwards with media/create (``uploadUrl``) or font/create."""
    storage = request.app.state.storage
    return envelope(service.presign(session, principal, body, settings, storage))


def _local(request: Request) -> LocalStorage:
    storage = request.app.state.storage
    if not isinstance(storage, LocalStorage):
        raise NotFound("File not found")
    return storage


@router.put(FILES_ROUTE + "/{key:path}", include_in_schema=False)
async def put_file(key: str, request: Request) -> Response:
    """The local backend's upload target: the signed URL is the whole authorisation."""
    storage = _local(request)
    grant = storage.check_put(key, request.query_params, request.headers.get("content-type"))
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise BadRequest("Content-Length is not a number")
        if int(declared) > grant.max_bytes:
            raise PayloadTooLarge(f"The upload is larger than {grant.max_bytes} bytes")
    size = await storage.receive(key, request.stream(), grant.max_bytes)
    return envelope({"fileName": key.rsplit("/", 1)[-1], "size": size})


@router.get(FILES_ROUTE + "/{key:path}", include_in_schema=False)
def serve_file(key: str, request: Request) -> Response:
    storage = _local(request)
    path = storage.path_for(key)
    # Uploads are unchecked until registered, so they are never served (however the path is
    # spelled: the check is on the resolved path).
    if path.is_relative_to(storage.root / UPLOAD_PREFIX) or not path.is_file():
        raise NotFound("File not found")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=86400"}
    if media_type == "image/svg+xml":
        headers["Content-Security-Policy"] = SVG_CSP
    return FileResponse(path, media_type=media_type, headers=headers)
