"""The row path's dates remembered by the minute (formats.DateCells) are exactly what
format_date writes: instants packed into the same minutes, across DST changes (whole-hour,
half-hour and 45-minute zones), at microsecond 999,999, and in the local-mean-time era whose
offsets run to the second (those are formatted whole)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from brandkit.exports.formats import DateCells, format_date
from tests.exports.helpers import ZONES

# A DST change of each kind, and two instants of the local-mean-time era.
MOMENTS = [
    datetime(2024, 3, 31, 1, 0, tzinfo=UTC),
    datetime(2024, 10, 27, 1, 0, tzinfo=UTC),
    datetime(2024, 4, 6, 15, 0, tzinfo=UTC),
    datetime(2024, 11, 3, 3, 30, tzinfo=UTC),
    datetime(1890, 6, 1, 12, 0, tzinfo=UTC),
    datetime(1901, 12, 31, 23, 59, tzinfo=UTC),
]


@pytest.mark.parametrize("fmt", ["ISO", "L", "LL", "LLL"])
@pytest.mark.parametrize("zone", ZONES)
def test_remembered_minutes_format_like_format_date(zone: str, fmt: str) -> None:
    tz = ZoneInfo(zone)
    cells = DateCells(fmt, tz)
    rng = random.Random(zone + fmt)
    values: list[datetime | None] = []
    for moment in MOMENTS:
        for _ in range(300):  # about five to a minute around each moment
            step = timedelta(seconds=rng.uniform(-1800, 1800), microseconds=rng.randrange(10**6))
            values.append(moment + step)
        values.append(moment.replace(second=59, microsecond=999_999))
    values.append(None)
    for value in values:
        assert cells(value) == format_date(value, fmt, tz), value
