from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from brandkit.accounts.auth import GeneralKey
from brandkit.kit.deps import SessionDep, SettingsDep
from brandkit.kit.params import query_params
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope
from brandkit.media import service
from brandkit.media.schemas import GetMediaRequest, MediaListBody

router = APIRouter(tags=["media"], responses=ENVELOPE_ERRORS)


@router.post("/media/get", response_model=Envelope[MediaListBody])
def get_media(
    body: GetMediaRequest,
    principal: GeneralKey,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> JSONBytes:
    """The acting user's media (or the built-in SYSTEM media), newest first by default."""
    storage = request.app.state.storage
    return envelope(service.list_media(session, principal, body, settings, storage))


@router.get("/media/get", response_model=Envelope[MediaListBody])
def get_media_query(
    params: Annotated[GetMediaRequest, Depends(query_params(GetMediaRequest))],
    principal: GeneralKey,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> JSONBytes:
    """The GET form: the same fields as URL-encoded JSON in ``queryParams``."""
    storage = request.app.state.storage
    return envelope(service.list_media(session, principal, params, settings, storage))
