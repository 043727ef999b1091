"""Registering webhooks: update-webhook (design-asset family) and /webhooks/ (bulk exports)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import ValidationError

from brandkit.accounts.auth import GeneralKey, Principal, require
from brandkit.db import utcnow
from brandkit.kit.deps import (
    ReadSession,
    SettingsDep,
    TransactionalRoute,
    WriteSession,
    json_object,
)
from brandkit.kit.errors import InvalidInput
from brandkit.kit.handlers import field_errors
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import (
    ENVELOPE_ERRORS,
    PROBLEM_ERRORS,
    Envelope,
    envelope_errors,
    problem_errors,
)
from brandkit.kit.timeparse import iso
from brandkit.webhooks import service
from brandkit.webhooks.models import WebhookEndpoint
from brandkit.webhooks.schemas import (
    ExportWebhookIn,
    ExportWebhookOut,
    UpdateWebhookRequest,
    WebhookUpdatedBody,
)

router = APIRouter(route_class=TransactionalRoute, tags=["webhooks"], responses=ENVELOPE_ERRORS)
exports_router = APIRouter(
    route_class=TransactionalRoute, tags=["bulk exports"], responses=PROBLEM_ERRORS
)

ExportWriter = Annotated[Principal, Depends(require(scope="export:write"))]
ExportReader = Annotated[Principal, Depends(require(scope="export:read"))]

UPDATED = "Successfully updated the webhook URL"
REMOVED = "Successfully removed the webhook URL"


@router.post(
    "/update-webhook",
    response_model=Envelope[WebhookUpdatedBody],
    responses=envelope_errors(
        e403="A login token (webhooks are set with an API key)",
        e422="Invalid input: webhookUrl missing, not an http(s) URL, or of a private address",
    ),
)
def update_webhook(
    body: UpdateWebhookRequest, principal: GeneralKey, session: WriteSession, settings: SettingsDep
) -> JSONBytes:
    """Set the key's webhook URL (one per key; a new one replaces it). Every status change of a
    request the key can read is POSTed there, signed by the Standard Webhooks scheme with the
    ``secret`` this answer carries once. ``webhookUrl: null`` removes it."""
    url = body.webhookUrl
    if url is not None:
        service.check_url(settings, url, "webhookUrl", "Invalid input")
    endpoint = service.register(session, settings, principal, service.REQUESTS, url, utcnow())
    if url is None:
        return envelope({"message": REMOVED, "secret": None})
    return envelope({"message": UPDATED, "secret": endpoint.secret})


def _export_hook(endpoint: WebhookEndpoint | None, secret: str | None = None) -> dict[str, Any]:
    if endpoint is None or endpoint.url is None:
        return {"url": None, "secret": None, "createdAt": None, "updatedAt": None}
    return {
        "url": endpoint.url,
        "secret": secret,
        "createdAt": iso(endpoint.created_at),
        "updatedAt": iso(endpoint.updated_at),
    }


_PUT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": ExportWebhookIn.model_json_schema()}},
    }
}


@exports_router.put(
    "/webhooks/",
    response_model=ExportWebhookOut,
    openapi_extra=_PUT_BODY,
    responses=problem_errors(
        e400="Request body is not valid JSON",
        e403="The key lacks the export:write scope",
        e422="url is not an http(s) URL, or is of a private address",
    ),
)
def put_export_webhook(
    principal: ExportWriter,
    raw: Annotated[dict[str, Any], Depends(json_object)],
    session: WriteSession,
    settings: SettingsDep,
) -> JSONBytes:
    """Set the key's URL for export events: every export of the account that finishes or fails
    is POSTed there (the Export resource), signed with the ``secret`` this answer carries once.
    ``url: null`` removes it."""
    try:
        body = ExportWebhookIn.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInput(
            "The webhook has validation errors", errors=field_errors(exc.errors())
        ) from None
    message = "The webhook has validation errors"
    if body.url is not None:
        service.check_url(settings, body.url, "url", message)
    endpoint = service.register(session, settings, principal, service.EXPORTS, body.url, utcnow())
    return JSONBytes(_export_hook(endpoint, endpoint.secret))


@exports_router.get("/webhooks/", response_model=ExportWebhookOut)
def get_export_webhook(principal: ExportReader, session: ReadSession) -> JSONBytes:
    """The key's URL for export events (never its secret), or ``url: null``."""
    return JSONBytes(_export_hook(service.current(session, principal, service.EXPORTS)))
