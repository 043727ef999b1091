"""Who is calling: API keys and access tokens, tiers and scopes, and the per-key rate limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from brandkit.accounts.repository import AccountsRepository
from brandkit.accounts.tokens import ACCESS_PREFIX, read_token, secret_matches
from brandkit.config import Settings
from brandkit.kit.deps import Deferred
from brandkit.kit.errors import Forbidden, Unauthenticated
from brandkit.kit.middleware import ACCOUNT_KEY, RATE_HEADERS_KEY
from brandkit.kit.openapi import mark_authenticating

TIERS = ("general", "super", "enterprise")
SCOPES = ("export:read", "export:write", "contacts:write", "activities:write")

# The OpenAPI security schemes of every route that authenticates (see kit/openapi.py). They are
# not FastAPI security dependencies: each dependency node costs FastAPI's solver time on every
# request, and `Credentials` reads the headers directly (measured in bench/variants.py).
SECURITY_SCHEMES = {
    "siviApiKey": {"type": "apiKey", "in": "header", "name": "sivi-api-key"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "Authorization"},
}


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


def reauthenticate(
    session: Session, key_id: str, user_id: str, via_token: bool
) -> Principal | None:
    """The caller a console session was opened as, if it still may act: its key not revoked,
    and (for a login token's session) its user not deleted."""
    repo = AccountsRepository(session)
    key = repo.key_for_auth(key_id)
    if key is None or key.revoked_at is not None:
        return None
    if via_token:
        if repo.live_user(key.account_id, user_id) is None:
            return None
        return Principal(key.account_id, key.id, "general", frozenset(), user_id, True)
    if key.user_id != user_id:
        return None
    return Principal(key.account_id, key.id, key.tier, frozenset(key.scopes), key.user_id)


class Credentials(Deferred):
    """The caller's key as the request presented it; the route turns it into the ``Principal``
    in the endpoint's worker thread (see ``Deferred``)."""

    def __init__(self, request: Request, tier: str, scope: str | None) -> None:
        super().__init__(request)
        self.tier, self.scope = tier, scope
        headers = request.headers
        self.token = token_from_headers(headers.get("sivi-api-key"), headers.get("authorization"))

    def resolve(self, session: Session) -> Principal:
        """Authenticate, count the rate limit, then check tier or scope."""
        state = self.request.app.state
        settings: Settings = state.settings
        principal = authenticate(session, settings, self.token)
        scope = self.scope
        limit = settings.rate_limit_export if scope else settings.rate_limit_for(principal.tier)
        rate_headers = state.rate_limiter.hit(principal.key_id, limit)
        request_state = self.request.scope.setdefault("state", {})
        request_state[RATE_HEADERS_KEY] = rate_headers
        request_state[ACCOUNT_KEY] = principal.account_id
        if not principal.at_least(self.tier):
            raise Forbidden(f"This endpoint needs an API key of the {self.tier} tier")
        if scope is not None and scope not in principal.scopes:
            raise Forbidden(f"This API key lacks the {scope} scope")
        return principal


def require(
    tier: str = "general", scope: str | None = None
) -> Callable[..., Awaitable[Credentials]]:
    """A dependency for a ``Principal`` of at least ``tier`` (or holding ``scope``): the
    endpoint receives the ``Principal``, completed from these ``Credentials`` by its route."""

    async def dependency(request: Request) -> Credentials:
        return Credentials(request, tier, scope)

    mark_authenticating(dependency)
    return dependency


GeneralKey = Annotated[Principal, Depends(require("general"))]
SuperKey = Annotated[Principal, Depends(require("super"))]
EnterpriseKey = Annotated[Principal, Depends(require("enterprise"))]
