"""HMAC signing of small payloads: cursors, access tokens, upload and download URLs."""

from __future__ import annotations

import base64
import hashlib
import hmac


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, purpose: str, message: bytes) -> bytes:
    # The purpose is mixed in so that a signature made for one use never verifies for another.
    return hmac.new(key, purpose.encode() + b"\x00" + message, hashlib.sha256).digest()


def verify(key: bytes, purpose: str, message: bytes, signature: bytes) -> bool:
    return hmac.compare_digest(sign(key, purpose, message), signature)
