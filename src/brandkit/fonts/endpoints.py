from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from brandkit.accounts.auth import GeneralKey
from brandkit.fonts import service
from brandkit.fonts.schemas import (
    CreateFontsRequest,
    FontsBody,
    GetFontsRequest,
    RequestIdBody,
    RequestStatusBody,
    RequestStatusRequest,
)
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.params import query_params
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope, envelope_errors
from brandkit.uploads.schemas import REGISTRATION_ERRORS

router = APIRouter(route_class=TransactionalRoute, tags=["fonts"], responses=ENVELOPE_ERRORS)

REQUEST_ERRORS = envelope_errors(
    e404="Request not found: <requestId> (another user's request, below the super tier, is "
    "answered as an unknown one)"
)


@router.post("/font/create", response_model=Envelope[RequestIdBody], responses=REGISTRATION_ERRORS)
def create_fonts(
    body: CreateFontsRequest, principal: GeneralKey, session: WriteSession, request: Request
) -> JSONBytes:
    """Register TrueType files uploaded through files/get-presigned-url (type ``font``). The
    outcome, with the fonts made, is read with get-request-status."""
    storage = request.app.state.storage
    return envelope(service.create_fonts(session, principal, body, storage))


@router.post("/font/get", response_model=Envelope[FontsBody])
def get_fonts(
    body: GetFontsRequest, principal: GeneralKey, session: ReadSession, settings: SettingsDep
) -> JSONBytes:
    """System fonts and the account's own, by name; filter by classification, a name substring
    or source."""
    return envelope(service.list_fonts(session, principal, body, settings))


@router.post(
    "/get-request-status",
    response_model=Envelope[RequestStatusBody],
    responses=REQUEST_ERRORS,
)
def request_status(
    body: RequestStatusRequest, principal: GeneralKey, session: ReadSession
) -> JSONBytes:
    """Progress and result of an asynchronous request such as font/create."""
    return envelope(service.request_status(session, principal, body.requestId))


@router.get(
    "/get-request-status",
    response_model=Envelope[RequestStatusBody],
    responses=REQUEST_ERRORS,
)
def request_status_query(
    principal: GeneralKey,
    params: Annotated[RequestStatusRequest, Depends(query_params(RequestStatusRequest))],
    session: ReadSession,
) -> JSONBytes:
    """The GET form: ``queryParams`` holds ``{"requestId": ...}``."""
    return envelope(service.request_status(session, principal, params.requestId))
