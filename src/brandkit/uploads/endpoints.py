"""Presigned upload URLs, and the PUT target when Brandkit is it (the local backend)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from brandkit.accounts.auth import GeneralKey
from brandkit.kit.deps import SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.errors import BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope, envelope_errors
from brandkit.storage.base import FILES_ROUTE, Storage
from brandkit.uploads import service
from brandkit.uploads.schemas import PresignBody, PresignRequest

router = APIRouter(route_class=TransactionalRoute, tags=["files"], responses=ENVELOPE_ERRORS)


@router.post(
    "/files/get-presigned-url",
    response_model=Envelope[PresignBody],
    responses=envelope_errors(
        e400="User does not exist (the abstractUserId named)",
        e413="contentLength is over the upload limit of the type",
        e422="Invalid input: the extension does not fit the type, or contentType the extension",
    ),
)
def get_presigned_url(
    body: PresignRequest,
    principal: GeneralKey,
    session: WriteSession,
    settings: SettingsDep,
    request: Request,
) -> JSONBytes:
    """A short-lived URL accepting one PUT of the file, with the Content-Type it was signed for.
    Register the upload afterwards with media/create (``uploadUrl``) or font/create."""
    storage = request.app.state.storage
    return envelope(service.presign(session, principal, body, settings, storage))


@router.put(FILES_ROUTE + "/{key:path}", include_in_schema=False)
async def put_file(key: str, request: Request) -> Response:
    """The upload target of backends whose upload URLs point at Brandkit: the signed URL is the
    whole authorisation, for one PUT ever.

    It takes no request session: a body may take minutes to arrive, and no database connection
    is held meanwhile (the upload is checked in one short unit of work first).
    """
    storage: Storage = request.app.state.storage
    target = storage.upload_target()
    if target is None:
        raise NotFound("File not found")
    grant = target.check_put(key, request.query_params, request.headers.get("content-type"))
    declared = request.headers.get("content-length")
    if declared is not None and not declared.isdigit():
        raise BadRequest("Content-Length is not a number")
    if grant.exact_bytes is not None and declared != str(grant.exact_bytes):
        raise Forbidden(f"Content-Length must be {grant.exact_bytes}, as the upload URL was signed")
    if declared is not None:
        if int(declared) > grant.max_bytes:
            raise PayloadTooLarge(f"The upload is larger than {grant.max_bytes} bytes")
        if int(declared) == 0:
            raise BadRequest("The upload body is empty")
    if not await run_in_threadpool(service.accepts_put, request.app.state.sessions, key):
        # Registered already (or never granted here): the URL has done its one PUT.
        raise Conflict("This upload URL has already been used")
    size = await target.receive(key, request.stream(), grant.max_bytes)
    return envelope({"fileName": key.rsplit("/", 1)[-1], "size": size})
