"""Standard Webhooks signatures (https://www.standardwebhooks.com): a ``whsec_`` secret of 32
random bytes, and ``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)
