from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from brandkit.accounts.auth import GeneralKey
from brandkit.fonts import service
from brandkit.fonts.schemas import (
    CreateFontsRequest,
    FontsBody,
    GetFontsBody,
    GetFontsRequest,
    RequestIdBody,
)
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.params import query_params
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope
from brandkit.uploads.schemas import REGISTRATION_ERRORS

router = APIRouter(route_class=TransactionalRoute, tags=["fonts"], responses=ENVELOPE_ERRORS)


@router.post("/font/create", response_model=Envelope[RequestIdBody], responses=REGISTRATION_ERRORS)
def create_fonts(
    body: CreateFontsRequest,
    principal: GeneralKey,
    session: WriteSession,
    request: Request,
    settings: SettingsDep,
) -> JSONBytes:
    """Register TrueType files uploaded through files/get-presigned-url (type ``font``). The
    outcome, with the fonts made, is read with get-request-status."""
    storage = request.app.state.storage
    editor = settings.editor_base_url
    return envelope(service.create_fonts(session, principal, body, storage, editor))


@router.post("/font/get", response_model=Envelope[FontsBody])
def get_fonts(
    body: GetFontsRequest, principal: GeneralKey, session: ReadSession, settings: SettingsDep
) -> JSONBytes:
    """System fonts and the account's own, by name; filter by classification, a name substring
    or source."""
    return envelope(service.list_fonts(session, principal, body, settings))


def _get_fonts(
    body: GetFontsRequest, principal: GeneralKey, session: ReadSession, settings: SettingsDep
) -> JSONBytes:
    page = service.list_fonts(session, principal, body, settings)
    return envelope({"fonts": page["data"], "cursor": page["meta"]["cursor"]})


@router.post("/get-fonts", response_model=Envelope[GetFontsBody])
def get_fonts_listing(
    body: GetFontsRequest, principal: GeneralKey, session: ReadSession, settings: SettingsDep
) -> JSONBytes:
    """get-fonts: font/get's list in the get-fonts page's shape (``fonts``, ``cursor``)."""
    return _get_fonts(body, principal, session, settings)


@router.get("/get-fonts", response_model=Envelope[GetFontsBody])
def get_fonts_query(
    principal: GeneralKey,
    params: Annotated[GetFontsRequest, Depends(query_params(GetFontsRequest))],
    session: ReadSession,
    settings: SettingsDep,
) -> JSONBytes:
    """The GET form: the same fields as URL-encoded JSON in ``queryParams``."""
    return _get_fonts(params, principal, session, settings)
