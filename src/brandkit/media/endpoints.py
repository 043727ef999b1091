from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from brandkit.accounts.auth import GeneralKey
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.params import query_params
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope, envelope_errors
from brandkit.media import service
from brandkit.media.schemas import (
    CreateMediaRequest,
    DeletedBody,
    DeleteMediaRequest,
    GenerateMediaRequest,
    GenerationQueuedBody,
    GetMediaRequest,
    MediaBody,
    MediaListBody,
    UpdateMediaRequest,
)
from brandkit.uploads.schemas import REGISTRATION_ERRORS

router = APIRouter(route_class=TransactionalRoute, tags=["media"], responses=ENVELOPE_ERRORS)


@router.post("/media/get", response_model=Envelope[MediaListBody])
def get_media(
    body: GetMediaRequest,
    principal: GeneralKey,
    session: ReadSession,
    settings: SettingsDep,
    request: Request,
) -> JSONBytes:
    """The acting user's media (or the built-in SYSTEM media), newest first by default."""
    storage = request.app.state.storage
    return envelope(service.list_media(session, principal, body, settings, storage))


@router.get("/media/get", response_model=Envelope[MediaListBody])
def get_media_query(
    principal: GeneralKey,
    params: Annotated[GetMediaRequest, Depends(query_params(GetMediaRequest))],
    session: ReadSession,
    settings: SettingsDep,
    request: Request,
) -> JSONBytes:
    """The GET form: the same fields as URL-encoded JSON in ``queryParams``."""
    storage = request.app.state.storage
    return envelope(service.list_media(session, principal, params, settings, storage))


@router.post("/media/create", response_model=Envelope[MediaBody], responses=REGISTRATION_ERRORS)
def create_media(
    body: CreateMediaRequest,
    principal: GeneralKey,
    session: WriteSession,
    request: Request,
) -> JSONBytes:
    """Register a file: either ``uploadUrl`` (from files/get-presigned-url, after the PUT) or
    ``url`` (fetched by the server; public http/https only, size and time limited). The bytes
    must be what the type and extension claim; SVGs are stored cleaned of scripts."""
    state = request.app.state
    return envelope(
        service.create_media(session, principal, body, state.storage, state.url_fetcher)
    )


@router.post(
    "/media/update",
    response_model=Envelope[MediaBody],
    responses=envelope_errors(e404="Media not found: <mId> (not in the caller's scope)"),
)
def update_media(
    body: UpdateMediaRequest,
    principal: GeneralKey,
    session: WriteSession,
    request: Request,
) -> JSONBytes:
    """Merge ``touchPosition`` and ``imagePreference`` into the media's meta; replace
    ``hueRotations``."""
    storage = request.app.state.storage
    return envelope(service.update_media(session, principal, body, storage))


@router.post("/media/delete", response_model=Envelope[DeletedBody])
def delete_media(
    body: DeleteMediaRequest, principal: GeneralKey, session: WriteSession, request: Request
) -> JSONBytes:
    """Soft-delete up to 20 of the acting user's media; ids not in scope are not counted."""
    return envelope(service.delete_media(session, principal, body, request.app.state.storage))


@router.post(
    "/media/generate",
    response_model=Envelope[GenerationQueuedBody],
    responses=envelope_errors(
        e422="Prompt is required and must be a string. / Model '<model>' is not supported. "
        "(Brandkit ships no image generation model, so every model is refused.)"
    ),
)
def generate_media(body: GenerateMediaRequest, principal: GeneralKey) -> JSONBytes:
    """Not available: no image model ships with Brandkit. The answer is the documented refusal
    of an unsupported model, so clients handle it as they already do."""
    service.refuse_generation(body)
    raise AssertionError("refuse_generation always raises")
