"""Unix timestamps in requests: seconds, or milliseconds when the value is that large."""

from __future__ import annotations

from datetime import UTC, datetime

from brandkit.kit.errors import invalid

MILLISECONDS_FROM = 10**12


def from_unix(value: float, field: str = "timestamp") -> datetime:
    """A request timestamp as an aware UTC datetime; values >= 10^12 are milliseconds.

    A value past what a datetime holds (year 9999) is the client's 422, named by ``field``.
    """
    seconds = value / 1000 if value >= MILLISECONDS_FROM else value
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise invalid(field, "timestamp out of range") from None


def to_unix(value: datetime) -> int:
    return int(value.timestamp())
