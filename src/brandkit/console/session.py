"""The console's session cookie: signed, expiring, naming the key (or the login token's user) it
was opened with; never the key's secret. Each request checks the key again, so a revoked key or
a deleted user ends the session at once.

Value: ``v1.<claims>.<signature>``, claims ``[key_id, user_id, via_token, expires, nonce]``.
The CSRF token of every form is derived from the nonce, so it is bound to this session.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import orjson

from brandkit.kit.signing import b64decode, b64encode, sign, verify

COOKIE = "bk_console"
PRE_COOKIE = "bk_console_pre"  # the sign-in form's own CSRF nonce, before there is a session
_PURPOSE = "console-session"
_CSRF = "console-csrf"


@dataclass(frozen=True)
class Claims:
    key_id: str
    user_id: str
    via_token: bool
    expires: int
    nonce: str


def open_session(key: bytes, key_id: str, user_id: str, via_token: bool, ttl: float) -> str:
    claims = [key_id, user_id, int(via_token), int(time.time() + ttl), secrets.token_urlsafe(16)]
    body = orjson.dumps(claims)
    return f"v1.{b64encode(body)}.{b64encode(sign(key, _PURPOSE, body))}"


def read_session(key: bytes, value: str | None) -> Claims | None:
    if not value or not value.startswith("v1."):
        return None
    try:
        body_text, sig_text = value[3:].split(".", 1)
        body, sig = b64decode(body_text), b64decode(sig_text)
        if not verify(key, _PURPOSE, body, sig):
            return None
        key_id, user_id, via_token, expires, nonce = orjson.loads(body)
    except (ValueError, TypeError, orjson.JSONDecodeError):
        return None
    if not isinstance(expires, int) or expires < time.time():
        return None
    return Claims(str(key_id), str(user_id), bool(via_token), expires, str(nonce))


def csrf_token(key: bytes, nonce: str) -> str:
    return b64encode(sign(key, _CSRF, nonce.encode()))


def csrf_holds(key: bytes, nonce: str, presented: str | None) -> bool:
    if not presented:
        return False
    try:
        return verify(key, _CSRF, nonce.encode(), b64decode(presented))
    except ValueError:
        return False


def new_nonce() -> str:
    return secrets.token_urlsafe(16)
