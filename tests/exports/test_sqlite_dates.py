"""SQLite's date cells (exports/sqlite_dates.py) are exactly what format_date writes: around every
offset change the statement carries for zones of every kind (whole-hour, half-hour and
45-minute DST, a southern zone, a zone that dropped DST), at the edges of the years it carries
and outside them (the Python function's), at microsecond 999,999."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Engine, MetaData, String, Table, insert, select

from brandkit.db import UTCDateTime, make_engine, utcnow
from brandkit.exports import sqlite_dates
from brandkit.exports.formats import DateCells, format_date
from tests.exports.helpers import ZONES

TIMES = Table("times", MetaData(), Column("id", String, primary_key=True), Column("t", UTCDateTime))


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("dates") / "dates.db"
    engine = make_engine(f"sqlite:///{path}")
    TIMES.create(engine)
    yield engine
    engine.dispose()


def _instants(tz: ZoneInfo) -> list[datetime | None]:
    """Around each offset change the statement carries, at its ends and outside them, and
    across the years it carries."""
    year = utcnow().year
    spans, end = sqlite_dates.offsets(
        tz, year - sqlite_dates.YEARS_BACK, year + sqlite_dates.YEARS_AHEAD
    )
    rng = random.Random(str(tz))
    edges = [datetime.fromisoformat(s).replace(tzinfo=UTC) for s, _ in spans]
    edges.append(datetime.fromisoformat(end).replace(tzinfo=UTC))
    values: list[datetime | None] = [None, datetime(1890, 6, 1, 12, tzinfo=UTC)]
    # Spread over the years carried too, so that a change ``offsets`` missed shows.
    first, last = edges[0].timestamp(), edges[-1].timestamp()
    values += [datetime.fromtimestamp(rng.uniform(first, last), UTC) for _ in range(2000)]
    for edge in edges:
        for step in (-1, -0.000_001, 0, 0.000_999, 1, 59.999_999, rng.uniform(-86400, 86400)):
            values.append(edge + timedelta(seconds=step))
    return values


@pytest.mark.parametrize("fmt", ["ISO", "L", "LL", "LLL"])
@pytest.mark.parametrize("zone", ZONES)
def test_sqlite_date_cells_format_like_format_date(engine: Engine, zone: str, fmt: str) -> None:
    tz = ZoneInfo(zone)
    values = _instants(tz)
    cell = sqlite_dates.date_cell(TIMES.c.t, fmt, tz)
    with engine.begin() as conn:
        conn.execute(TIMES.delete())
        conn.execute(insert(TIMES), [{"id": str(i), "t": v} for i, v in enumerate(values)])
        raw: Any = conn.connection.driver_connection
        raw.create_function(sqlite_dates.DATE_FUNCTION, 1, DateCells(fmt, tz).stored)
        got = {i: c for i, c in conn.execute(select(TIMES.c.id, cell))}
    for i, value in enumerate(values):
        assert got[str(i)] == format_date(value, fmt, tz), (value, zone, fmt)


def test_offsets_find_each_change_to_the_second() -> None:
    madrid = ZoneInfo("Europe/Madrid")
    spans, end = sqlite_dates.offsets(madrid, 2024, 2024)
    assert spans == (
        ("2024-01-01 00:00:00", 3600),
        ("2024-03-31 01:00:00", 7200),
        ("2024-10-27 01:00:00", 3600),
    )
    assert end == "2025-01-01 00:00:00"
    assert sqlite_dates.offsets(ZoneInfo("UTC"), 2000, 2030) == (
        (("2000-01-01 00:00:00", 0),),
        "2031-01-01 00:00:00",
    )
