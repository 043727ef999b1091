"""Opaque keyset cursors shared by every list.

A cursor carries the position of the last row served (its sort value and id), never an offset, so a
deep page costs what the first does and rows inserted meanwhile neither repeat nor vanish. It is
signed and bound to a context (the account, the list and its sort), so a tampered cursor, or one
from another account or list, is refused with a 422 instead of leaking or skipping rows.
"""

from __future__ import annotations

import binascii
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from brandkit.kit.errors import invalid
from brandkit.kit.signing import b64decode, b64encode, sign

_PURPOSE = "cursor"
_MAC_BYTES = 16
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def encode_cursor(key: bytes, context: str, position: list[Any]) -> str:
    body = orjson.dumps(position)
    return b64encode(_mac(key, context, body) + body)


def decode_cursor(key: bytes, context: str, token: str) -> list[Any]:
    try:
        raw = b64decode(token)
    except (ValueError, binascii.Error):
        raise invalid("cursor", "malformed cursor") from None
    mac, body = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
    if not hmac.compare_digest(_mac(key, context, body), mac):
        raise invalid("cursor", "cursor is not valid for this list")
    position = orjson.loads(body)
    if not isinstance(position, list):
        raise invalid("cursor", "malformed cursor")
    return position


def _mac(key: bytes, context: str, body: bytes) -> bytes:
    return sign(key, _PURPOSE, context.encode() + b"\x00" + body)[:_MAC_BYTES]


def time_position(created_at: datetime, row_id: str) -> list[Any]:
    """The usual keyset position: creation time in microseconds, then the id as tie-breaker."""
    # Integer arithmetic: a float round trip can move the position by a microsecond.
    return [(created_at - _EPOCH) // _MICROSECOND, row_id]


def time_from_position(position: list[Any]) -> tuple[datetime, str]:
    try:
        micros, row_id = position
        if not isinstance(micros, int) or not isinstance(row_id, str):
            raise TypeError
    except (TypeError, ValueError):
        raise invalid("cursor", "malformed cursor") from None
    return _EPOCH + micros * _MICROSECOND, row_id
