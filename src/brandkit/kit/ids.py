"""Identifier formats the clients know: 11-char url-safe variant ids, ``b_`` brand ids, uuids."""

from __future__ import annotations

import secrets
import uuid


def short_id() -> str:
    # 8 random bytes are exactly 11 url-safe base64 characters, as variant ids are.
    return secrets.token_urlsafe(8)


def new_uuid() -> str:
    return str(uuid.uuid4())


def brand_id() -> str:
    return "b_" + short_id()


def media_id() -> str:
    return "m_" + secrets.token_urlsafe(12)
