from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from brandkit.accounts.auth import EnterpriseKey
from brandkit.analysis import service
from brandkit.kit.deps import ReadSession, TransactionalRoute
from brandkit.kit.params import NonEmptyStr, RequestModel
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope, envelope_errors

router = APIRouter(
    route_class=TransactionalRoute, tags=["account analysis"], responses=ENVELOPE_ERRORS
)


class AnalysisRequest(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"abstractUserId": "alice"}]})

    abstractUserId: NonEmptyStr  # noqa: N815


class Figures(BaseModel):
    numberOfGeneratedDesignVariations: int  # noqa: N815
    numberOfEditedDesigns: int  # noqa: N815
    numberOfDownloadedDesigns: int  # noqa: N815
    numberOfMedia: int  # noqa: N815
    mediaSize: str  # noqa: N815


class MonthFigures(Figures):
    month: str


class CreditBalance(BaseModel):
    availableCredits: int  # noqa: N815
    usedCredits: int  # noqa: N815


class AnalysisBody(BaseModel):
    yearlyAnalysis: Figures  # noqa: N815
    monthlyAnalysis: list[MonthFigures]  # noqa: N815
    creditBalance: CreditBalance  # noqa: N815
    lastAccessed: int | None  # noqa: N815


@router.post(
    "/enterprise/account-analysis",
    response_model=Envelope[AnalysisBody],
    responses=envelope_errors(
        e400="User does not exist", e403="account-analysis needs an enterprise key"
    ),
)
def account_analysis(
    body: AnalysisRequest, principal: EnterpriseKey, session: ReadSession
) -> JSONBytes:
    """A user's last twelve months (newest month first, ``month`` as YYYY-MM) and their sum:
    variants generated and edited, variant images downloaded from Brandkit, media uploaded and
    their size; its credits in the current cycle (-1 available: no cap); its last activity."""
    result: dict[str, Any] = service.analyse(session, principal, body.abstractUserId)
    return envelope(result)
