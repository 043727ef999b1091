from __future__ import annotations

from fastapi import APIRouter, Request

from brandkit.accounts.auth import GeneralKey
from brandkit.fonts import service
from brandkit.fonts.schemas import (
    CreateFontsRequest,
    FontsBody,
    GetFontsRequest,
    RequestIdBody,
)
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope
from brandkit.uploads.schemas import REGISTRATION_ERRORS

router = APIRouter(route_class=TransactionalRoute, tags=["fonts"], responses=ENVELOPE_ERRORS)


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
