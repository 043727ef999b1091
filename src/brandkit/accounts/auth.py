"""Who is calling: API keys and access tokens, tiers and scopes, and the per-key rate limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from brandkit.accounts.repository import AccountsRepository
from brandkit.accounts.tokens import ACCESS_PREFIX, read_token, secret_matches
from brandkit.config import Settings
from brandkit.kit.deps import SessionDep, SettingsDep
from brandkit.kit.errors import Forbidden, Unauthenticated
from brandkit.kit.middleware import RATE_HEADERS_KEY

TIERS = ("general", "super", "enterprise")
SCOPES = ("export:read", "export:write", "contacts:write", "activities:write")

# Declared for the OpenAPI document (and so for schema-driven clients); read by `authenticate`.
_sivi_header = APIKeyHeader(name="sivi-api-key", auto_error=False, scheme_name="siviApiKey")
_authorization = APIKeyHeader(name="Authorization", auto_error=False, scheme_name="apiKey")


@dataclass(frozen=True)
class Principal:
    account_id: str
    key_id: str
    tier: str
    scopes: frozenset[str]
    # The user the caller acts as when it names none: the key's owner, or the token's user.
    user_id: str
    via_access_token: bool = False

    def at_least(self, tier: str) -> bool:
        return TIERS.index(self.tier) >= TIERS.index(tier)


def token_from_headers(sivi_key: str | None, authorization: str | None) -> str | None:
    if sivi_key:
        return sivi_key.strip()
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() in ("apikey", "bearer") and value.strip():
            return value.strip()
    return None


def authenticate(session: Session, settings: Settings, token: str | None) -> Principal:
    if not token:
        raise Unauthenticated()
    repo = AccountsRepository(session)
    if token.startswith(ACCESS_PREFIX):
        claims = read_token(ACCESS_PREFIX, settings.signing_key, token)
        if claims is None:
            raise Unauthenticated()
        key = repo.key_for_auth(claims.key_id)
        # A token dies with the key that minted it and with its user.
        if key is None or key.revoked_at is not None:
            raise Unauthenticated()
        if repo.live_user(claims.account_id, claims.user_id) is None:
            raise Unauthenticated()
        return Principal(
            account_id=claims.account_id,
            key_id=key.id,
            tier="general",
            scopes=frozenset(),
            user_id=claims.user_id,
            via_access_token=True,
        )
    key_id, sep, secret = token.partition(":")
    if not sep:
        raise Unauthenticated()
    key = repo.key_for_auth(key_id)
    if key is None or key.revoked_at is not None or not secret_matches(secret, key.secret_hash):
        raise Unauthenticated()
    return Principal(
        account_id=key.account_id,
        key_id=key.id,
        tier=key.tier,
        scopes=frozenset(key.scopes),
        user_id=key.user_id,
    )


def require(tier: str = "general", scope: str | None = None) -> Callable[..., Principal]:
    """A dependency that authenticates, checks tier or scope, and counts the rate limit."""

    def dependency(
        request: Request,
        session: SessionDep,
        settings: SettingsDep,
        sivi_key: Annotated[str | None, Depends(_sivi_header)],
        authorization: Annotated[str | None, Depends(_authorization)],
    ) -> Principal:
        principal = authenticate(session, settings, token_from_headers(sivi_key, authorization))
        limit = settings.rate_limit_export if scope else settings.rate_limit_for(principal.tier)
        headers = request.app.state.rate_limiter.hit(principal.key_id, limit)
        request.scope.setdefault("state", {})[RATE_HEADERS_KEY] = headers
        if not principal.at_least(tier):
            raise Forbidden(f"This endpoint needs an API key of the {tier} tier")
        if scope is not None and scope not in principal.scopes:
            raise Forbidden(f"This API key lacks the {scope} scope")
        return principal

    return dependency


GeneralKey = Annotated[Principal, Depends(require("general"))]
SuperKey = Annotated[Principal, Depends(require("super"))]
EnterpriseKey = Annotated[Principal, Depends(require("enterprise"))]
