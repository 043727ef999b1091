from __future__ import annotations

from fastapi import APIRouter, Request

from brandkit.accounts import service
from brandkit.accounts.auth import SuperKey
from brandkit.accounts.schemas import (
    CreditLimitRequest,
    DeleteUserBody,
    DeleteUserRequest,
    LoginUserBody,
    LoginUserRequest,
    MessageBody,
    ReactivateUserRequest,
    UserPlanRequest,
)
from brandkit.accounts.tokens import mint_access_token, mint_refresh_token
from brandkit.kit.deps import SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope, envelope_errors

DELETED = "Successfully deleted the user"

router = APIRouter(route_class=TransactionalRoute, tags=["end users"], responses=ENVELOPE_ERRORS)


@router.post(
    "/super/login-user",
    response_model=Envelope[LoginUserBody],
    responses=envelope_errors(e403="User management needs a super key"),
)
def login_user(
    body: LoginUserRequest, principal: SuperKey, session: WriteSession, settings: SettingsDep
) -> JSONBytes:
    """Create the end user and its personal workspace if absent (idempotent) and return a
    one-hour access token acting as that user with the general tier."""
    user, workspace = service.ensure_user(session, principal.account_id, body.abstractUserId)
    key = settings.signing_key
    return envelope(
        {
            "userId": user.id,
            "workspaceId": workspace.id,
            "accessToken": mint_access_token(key, principal.account_id, user.id, principal.key_id),
            "refreshToken": mint_refresh_token(
                key, principal.account_id, user.id, principal.key_id
            ),
        }
    )


@router.post(
    "/super/delete-user",
    response_model=Envelope[DeleteUserBody],
    responses=envelope_errors(e400="User does not exist", e403="User management needs a super key"),
)
def delete_user(
    body: DeleteUserRequest, principal: SuperKey, session: WriteSession, request: Request
) -> JSONBytes:
    """Soft-delete the user at once (its files stop being served); its data and files are
    purged after the retention period."""
    storage = request.app.state.storage
    user = service.delete_user(session, principal.account_id, body.abstractUserId, storage)
    return envelope({"message": DELETED, "userId": user.id, "deleted": True})


@router.post(
    "/super/reactivate-user",
    response_model=Envelope[MessageBody],
    responses=envelope_errors(
        e400="User does not exist (never deleted, or past the purge window)",
        e403="User management needs a super key",
    ),
)
def reactivate_user(
    body: ReactivateUserRequest,
    principal: SuperKey,
    session: WriteSession,
    settings: SettingsDep,
    request: Request,
) -> JSONBytes:
    """Undo a delete-user while the user is still in its purge window: its data and files are
    served again."""
    storage = request.app.state.storage
    service.reactivate_user(
        session, principal.account_id, body.abstractUserId, settings.user_purge_days, storage
    )
    return envelope({"message": "User reactivated successfully"})


@router.post(
    "/super/set-user-credit-limit",
    response_model=Envelope[MessageBody],
    responses=envelope_errors(e400="User does not exist", e403="User management needs a super key"),
)
def set_user_credit_limit(
    body: CreditLimitRequest, principal: SuperKey, session: WriteSession
) -> JSONBytes:
    """The credits the end user may spend per billing cycle (-1: no limit of its own; the
    account's balance still applies). Over it, its design requests are a 429."""
    service.set_credit_limit(session, principal.account_id, body.abstractUserId, body.creditLimit)
    return envelope({"message": "Credit limit set successfully."})


@router.post(
    "/enterprise/update-user-plan",
    response_model=Envelope[MessageBody],
    responses=envelope_errors(e400="User does not exist", e403="User management needs a super key"),
)
def update_user_plan(
    body: UserPlanRequest, principal: SuperKey, session: WriteSession
) -> JSONBytes:
    """Record the plan an end user is on (``planId``, the account's own plan names)."""
    service.set_plan(session, principal.account_id, body.abstractUserId, body.planId)
    return envelope({"message": "User plan updated successfully"})
