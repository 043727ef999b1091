from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from brandkit.accounts.auth import GeneralKey
from brandkit.generation import service
from brandkit.generation.schemas import (
    ContentFromPromptRequest,
    ContentSuggestionsBody,
    DesignsFromContentRequest,
    DesignsFromPromptRequest,
    GenerationCreatedBody,
)
from brandkit.generation.suggest import suggest_content
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.params import query_params
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope, envelope_errors

router = APIRouter(route_class=TransactionalRoute, tags=["generation"], responses=ENVELOPE_ERRORS)

GENERATION_ERRORS = envelope_errors(
    e400="User does not exist (abstractUserId of no live user of the account)",
    e402="Not enough credits to complete the transaction (the account's billing cycle)",
    e429="Insufficient credit limit (the end user's own limit), or Rate limit exceeded. "
    "Please try again later. (too many requests in flight; Retry-After)",
    e422="Invalid input (errors[] names each field), or Invalid type and subType combination",
)


def _links(settings: SettingsDep) -> service.Links:
    return service.Links(settings.editor_base_url)


def _quota(settings: SettingsDep) -> service.Quota:
    return service.Quota.of(settings)


Links = Annotated[service.Links, Depends(_links)]
Quota = Annotated[service.Quota, Depends(_quota)]


@router.post(
    "/designs-from-content",
    response_model=Envelope[GenerationCreatedBody],
    responses=GENERATION_ERRORS,
)
def designs_from_content(
    body: DesignsFromContentRequest,
    principal: GeneralKey,
    session: WriteSession,
    links: Links,
    quota: Quota,
) -> JSONBytes:
    """Queue a design made from structured content: ``numOfVariants`` variants rendered by the
    layout engine. Poll get-request-status with the ``requestId``."""
    return envelope(service.create_generation(session, principal, body, links, quota))


@router.get(
    "/designs-from-content",
    response_model=Envelope[GenerationCreatedBody],
    responses=GENERATION_ERRORS,
)
def designs_from_content_query(
    principal: GeneralKey,
    params: Annotated[DesignsFromContentRequest, Depends(query_params(DesignsFromContentRequest))],
    session: WriteSession,
    links: Links,
    quota: Quota,
) -> JSONBytes:
    """The GET form: the same fields as URL-encoded JSON in ``queryParams``."""
    return envelope(service.create_generation(session, principal, params, links, quota))


@router.post(
    "/designs-from-prompt",
    response_model=Envelope[GenerationCreatedBody],
    responses=GENERATION_ERRORS,
)
def designs_from_prompt(
    body: DesignsFromPromptRequest,
    principal: GeneralKey,
    session: WriteSession,
    links: Links,
    quota: Quota,
) -> JSONBytes:
    """Queue a design made from a prompt: the copywriter (the configured model, or the built-in
    rule-based writer) writes the content, then the layout engine renders it."""
    return envelope(service.create_generation(session, principal, body, links, quota))


@router.get(
    "/designs-from-prompt",
    response_model=Envelope[GenerationCreatedBody],
    responses=GENERATION_ERRORS,
)
def designs_from_prompt_query(
    principal: GeneralKey,
    params: Annotated[DesignsFromPromptRequest, Depends(query_params(DesignsFromPromptRequest))],
    session: WriteSession,
    links: Links,
    quota: Quota,
) -> JSONBytes:
    """The GET form: the same fields as URL-encoded JSON in ``queryParams``."""
    return envelope(service.create_generation(session, principal, params, links, quota))


@router.post(
    "/content-from-prompt",
    response_model=Envelope[ContentSuggestionsBody],
    responses=GENERATION_ERRORS,
)
def content_from_prompt(
    body: ContentFromPromptRequest,
    principal: GeneralKey,
    session: ReadSession,
    settings: SettingsDep,
    request: Request,
) -> JSONBytes:
    """One to three content suggestions for a prompt, and images from the caller's media
    library that match it (best first)."""
    storage = request.app.state.storage
    return envelope(suggest_content(session, principal, body, settings, storage))


@router.get(
    "/content-from-prompt",
    response_model=Envelope[ContentSuggestionsBody],
    responses=GENERATION_ERRORS,
)
def content_from_prompt_query(
    principal: GeneralKey,
    params: Annotated[ContentFromPromptRequest, Depends(query_params(ContentFromPromptRequest))],
    session: ReadSession,
    settings: SettingsDep,
    request: Request,
) -> JSONBytes:
    """The GET form: the same fields as URL-encoded JSON in ``queryParams``."""
    storage = request.app.state.storage
    return envelope(suggest_content(session, principal, params, settings, storage))
