from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from brandkit.accounts.auth import GeneralKey
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute
from brandkit.kit.params import query_params
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope, envelope_errors
from brandkit.requests import service
from brandkit.requests.schemas import RequestStatusBody, RequestStatusRequest

router = APIRouter(route_class=TransactionalRoute, tags=["requests"], responses=ENVELOPE_ERRORS)

REQUEST_ERRORS = envelope_errors(
    e404="Request not found: <requestId> (another user's request, below the super tier, is "
    "answered as an unknown one)"
)


@router.post(
    "/get-request-status",
    response_model=Envelope[RequestStatusBody],
    responses=REQUEST_ERRORS,
)
def request_status(
    body: RequestStatusRequest, principal: GeneralKey, session: ReadSession, settings: SettingsDep
) -> JSONBytes:
    """Status, progress and result of an asynchronous request: a design generation
    (designs-from-content, designs-from-prompt) or a font upload (font/create)."""
    return envelope(service.status(session, principal, body.requestId, settings.editor_base_url))


@router.get(
    "/get-request-status",
    response_model=Envelope[RequestStatusBody],
    responses=REQUEST_ERRORS,
)
def request_status_query(
    principal: GeneralKey,
    params: Annotated[RequestStatusRequest, Depends(query_params(RequestStatusRequest))],
    session: ReadSession,
    settings: SettingsDep,
) -> JSONBytes:
    """The GET form: ``queryParams`` holds ``{"requestId": ...}``."""
    return envelope(service.status(session, principal, params.requestId, settings.editor_base_url))
