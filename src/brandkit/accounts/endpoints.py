from __future__ import annotations

from fastapi import APIRouter, Request

from brandkit.accounts import service
from brandkit.accounts.auth import SuperKey
from brandkit.accounts.schemas import (
    DeleteUserBody,
    DeleteUserRequest,
    LoginUserBody,
    LoginUserRequest,
)
from brandkit.accounts.tokens import mint_access_token, mint_refresh_token
from brandkit.kit.deps import SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope, envelope_errors

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
    return envelope({"userId": user.id, "deleted": True})
