"""Timestamps in and out: Unix seconds in requests (or milliseconds when the value is that
large), Unix seconds and ISO 8601 with milliseconds in responses."""

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


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds (``2014-06-09T21:32:00.000Z``), as the exports family
    writes times."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
