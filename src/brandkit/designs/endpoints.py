from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from brandkit.accounts.auth import EnterpriseKey, GeneralKey
from brandkit.designs import service
from brandkit.designs.schemas import (
    DesignVariantsBody,
    ExportDataBody,
    ExportDataRequest,
    GetDesignVariantsRequest,
)
from brandkit.kit.deps import ReadSession, TransactionalRoute
from brandkit.kit.params import query_params
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope, envelope_errors

router = APIRouter(route_class=TransactionalRoute, tags=["designs"], responses=ENVELOPE_ERRORS)

VARIANT_ERRORS = envelope_errors(
    e400="Design does not exist, User does not exist or Workspace does not exist (another "
    "user's id, below the enterprise tier, is answered as an unknown one)",
    e422="Invalid input: none of designId, userId, workspaceId; or a cursor of another list",
)


async def _presentation(request: Request) -> service.Presentation:
    state = request.app.state
    links = service.VariantLinks(state.storage, state.settings.editor_base_url)
    return service.Presentation(links, state.settings.signing_key)


Out = Annotated[service.Presentation, Depends(_presentation)]


@router.post(
    "/enterprise/export-data",
    response_model=Envelope[ExportDataBody],
    responses=envelope_errors(
        e400="User does not exist",
        e403="export-data needs an enterprise key",
        e422="Invalid input: startDate after endDate, over 90 days, or older than 365 days",
    ),
)
def export_data(
    body: ExportDataRequest,
    principal: EnterpriseKey,
    session: ReadSession,
    out: Out,
) -> JSONBytes:
    """Variants, media and content a user made in ``[startDate, endDate]``, newest first, capped
    at 300/300/100 a call; ``next`` is 1 and ``cursor`` continues when any kind was cut."""
    return envelope(service.export_data(session, principal, body, out))


@router.post(
    "/enterprise/get-design-variants",
    response_model=Envelope[DesignVariantsBody],
    responses=VARIANT_ERRORS,
)
def get_design_variants(
    body: GetDesignVariantsRequest,
    principal: GeneralKey,
    session: ReadSession,
    out: Out,
) -> JSONBytes:
    """Variants of a design, a user or a workspace (the first id present decides), newest
    first, one keyset page at a time."""
    return envelope(service.get_design_variants(session, principal, body, out))


@router.get(
    "/enterprise/get-design-variants",
    response_model=Envelope[DesignVariantsBody],
    responses=VARIANT_ERRORS,
)
def get_design_variants_query(
    principal: GeneralKey,
    params: Annotated[GetDesignVariantsRequest, Depends(query_params(GetDesignVariantsRequest))],
    session: ReadSession,
    out: Out,
) -> JSONBytes:
    """The GET form: the same fields as URL-encoded JSON in ``queryParams``."""
    return envelope(service.get_design_variants(session, principal, params, out))
