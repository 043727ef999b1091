"""An export's date cells written by SQLite itself, where its ``strftime`` can write the format
(ISO and L). SQLite has no time zone database, so the statement carries the zone's offsets for
the years it covers: a balanced CASE over the instants each offset starts, whose leaves shift
the stored UTC text by their offset. Anything else (LL and LLL, whose month names and unpadded
numbers strftime cannot write, a time outside those years, one stored in another form) is
formatted by ``formats.DateCells.stored``, a Python function on the connection: inside the
export's scan each call cost 2 to 4 µs, 1.5 s of a 1,000,000-row export more than the CASE.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, and_, case, func, literal_column, type_coerce

from brandkit.db import utcnow
from brandkit.exports.formats import STORED_TIME_LENGTH, iso_offset

# The function ``sqlite_lines`` registers on the connection for the cells SQL does not write.
DATE_FUNCTION = "brandkit_export_date"
# The years the statement carries: recent ones, where nearly every export's dates are; the
# rest are the Python function's.
YEARS_BACK = 30
YEARS_AHEAD = 5
# Sampling every six hours and bisecting to the second finds every change: the closest two
# offset changes of any zone in the tz database between 1990 and 2037 are a week apart
# (America/Boa_Vista, 2000). tests/exports/test_sqlite_dates.py holds the cells to
# ``format_date`` around every change and across the years, for zones of every kind.
_STEP = 6 * 3600

# A leaf of the CASE: the cell of the stored time ``{t}`` shifted by ``{s:+d}`` seconds. The
# statement is written as text: the CASE of a zone with DST has a hundred leaves, and as
# SQLAlchemy constructs it took 0.1 s to build and compile per date column.
_LEAVES = {
    "ISO": (
        "printf('%s.%s{suffix}', strftime('%Y-%m-%dT%H:%M:%S', substr({t}, 1, 19), "
        "'{s:+d} seconds'), substr({t}, 21, 3))"
    ),
    "L": "strftime('%m/%d/%Y', substr({t}, 1, 19), '{s:+d} seconds')",
}


def date_cell(column: Any, date_format: str, tz: ZoneInfo) -> ColumnElement[str]:
    """The cell of a stored time (``UTCDateTime``'s text on SQLite), never null."""
    fallback: ColumnElement[str] = func.brandkit_export_date(column, type_=String)
    leaf = _LEAVES.get(date_format)
    if leaf is None:
        return fallback
    year = utcnow().year
    spans, end = offsets(tz, year - YEARS_BACK, year + YEARS_AHEAD)
    name = f"{column.table.name}.{column.name}"  # our own table and column, never input
    text = type_coerce(column, String)
    covered = and_(func.length(text) == STORED_TIME_LENGTH, text >= spans[0][0], text < end)
    return case((covered, literal_column(_tree(name, spans, leaf), String)), else_=fallback)


def _tree(name: str, spans: tuple[tuple[str, int], ...], leaf: str) -> str:
    if len(spans) == 1:
        seconds = spans[0][1]
        suffix = iso_offset(timedelta(seconds=seconds))
        return leaf.format(t=name, s=seconds, suffix=suffix)
    mid = len(spans) // 2
    left, right = _tree(name, spans[:mid], leaf), _tree(name, spans[mid:], leaf)
    return f"CASE WHEN {name} < '{spans[mid][0]}' THEN {left} ELSE {right} END"


@lru_cache(maxsize=64)
def offsets(
    tz: ZoneInfo, first_year: int, last_year: int
) -> tuple[tuple[tuple[str, int], ...], str]:
    """The zone's offsets from the start of ``first_year`` to the end of ``last_year``: each as
    (the UTC instant it starts, as SQLite stores times; its seconds east of UTC), and the end."""
    start = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp())
    spans = [(start, _offset(tz, start))]
    at = start
    while at < end:
        ahead = min(at + _STEP, end)
        if _offset(tz, ahead) == spans[-1][1]:
            at = ahead
            continue
        before, after = at, ahead  # the offset changes after ``before``, by ``after``
        while after - before > 1:
            middle = (before + after) // 2
            if _offset(tz, middle) == spans[-1][1]:
                before = middle
            else:
                after = middle
        spans.append((after, _offset(tz, after)))
        at = after
    return tuple((_text(t), seconds) for t, seconds in spans), _text(end)


def _offset(tz: ZoneInfo, timestamp: int) -> int:
    offset = datetime.fromtimestamp(timestamp, tz).utcoffset() or timedelta(0)
    return int(offset.total_seconds())


def _text(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S")
