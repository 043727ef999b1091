"""Unix timestamps in requests: seconds, or milliseconds when the value is that large."""

from __future__ import annotations

from datetime import UTC, datetime

MILLISECONDS_FROM = 10**12


def from_unix(value: float) -> datetime:
    """A request timestamp as an aware UTC datetime; values >= 10^12 are milliseconds."""
    seconds = value / 1000 if value >= MILLISECONDS_FROM else value
    return datetime.fromtimestamp(seconds, UTC)


def to_unix(value: datetime) -> int:
    return int(value.timestamp())
