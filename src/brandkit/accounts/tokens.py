"""API key tokens (``<keyId>:<secret>``) and the signed access tokens of ``login-user``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import orjson

from brandkit.kit.signing import b64decode, b64encode, sign, verify

ACCESS_PREFIX = "at."
REFRESH_PREFIX = "rt."
ACCESS_TTL_SECONDS = 3600
REFRESH_TTL_SECONDS = 30 * 24 * 3600


def new_key_id() -> str:
    return "bk_" + secrets.token_urlsafe(12)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    # The secret carries 256 random bits, so a fast hash is safe here (as for GitHub's and
    # Stripe's tokens); a slow password hash would cost more than the rest of the request.
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


@dataclass(frozen=True)
class UserToken:
    account_id: str
    user_id: str
    key_id: str
    expires_at: int


def _mint(prefix: str, key: bytes, token: UserToken) -> str:
    body = orjson.dumps([token.account_id, token.user_id, token.key_id, token.expires_at])
    return prefix + b64encode(body) + "." + b64encode(sign(key, prefix, body))


def mint_access_token(key: bytes, account_id: str, user_id: str, key_id: str) -> str:
    expires = int(time.time()) + ACCESS_TTL_SECONDS
    return _mint(ACCESS_PREFIX, key, UserToken(account_id, user_id, key_id, expires))


def mint_refresh_token(key: bytes, account_id: str, user_id: str, key_id: str) -> str:
    expires = int(time.time()) + REFRESH_TTL_SECONDS
    return _mint(REFRESH_PREFIX, key, UserToken(account_id, user_id, key_id, expires))


def read_token(prefix: str, key: bytes, token: str) -> UserToken | None:
    """The token's claims when its signature holds and it has not expired, else None."""
    if not token.startswith(prefix):
        return None
    try:
        body_text, sig_text = token[len(prefix) :].split(".", 1)
        body, sig = b64decode(body_text), b64decode(sig_text)
    except ValueError:
        return None
    if not verify(key, prefix, body, sig):
        return None
    account_id, user_id, key_id, expires_at = orjson.loads(body)
    if expires_at < time.time():
        return None
    return UserToken(account_id, user_id, key_id, expires_at)
