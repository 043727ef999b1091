"""The file's columns and value formats (SPEC 5.4), in Python (SQLite path) and in SQL
(PostgreSQL path, where the database formats every value inside COPY)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from psycopg import sql

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# A UTCDateTime as SQLite stores it: naive UTC, "YYYY-MM-DD HH:MM:SS.ffffff".
STORED_TIME_LENGTH = 26
# OWASP's list for CSV injection: a formula sign, or a tab or carriage return (which some
# spreadsheets skip before reading a formula).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe(value: str, neutralise: bool) -> str:
    """A leading quote keeps spreadsheets from running a value as a formula (CSV injection)."""
    if neutralise and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def format_date(value: datetime | None, date_format: str, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    local = value.astimezone(tz)
    if date_format == "ISO":
        suffix = iso_offset(local.utcoffset() or timedelta(0))
        return f"{local:%Y-%m-%dT%H:%M:%S}.{local.microsecond // 1000:03d}{suffix}"
    if date_format == "L":
        return f"{local:%m/%d/%Y}"
    day = f"{MONTHS[local.month - 1]} {local.day}, {local.year}"
    if date_format == "LL":
        return day
    hour = local.hour % 12 or 12
    return f"{day} {hour}:{local:%M} {'PM' if local.hour >= 12 else 'AM'}"


def iso_offset(offset: timedelta) -> str:
    """An ISO date's offset: "Z" for UTC, else "+HH:MM" or "-HH:MM"."""
    if offset == timedelta(0):
        return "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class DateCells:
    """``format_date`` for one export, remembered by the minute: a local time's date, hour and
    minute (and the offset) are the same for every instant of a UTC minute whenever the zone's
    offset is whole minutes, so only seconds and milliseconds are formatted per value. A third
    of the row path's time went to formatting dates one by one."""

    def __init__(self, date_format: str, tz: ZoneInfo) -> None:
        self._format = date_format
        self._tz = tz
        self._minutes: dict[tuple[int, int, int, int, int], tuple[str, str] | None] = {}
        self._texts: dict[str, tuple[str, str] | None] = {}

    def __call__(self, value: datetime | None) -> str:
        if value is None:
            return ""
        key = (value.year, value.month, value.day, value.hour, value.minute)
        try:
            parts = self._minutes[key]
        except KeyError:
            parts = self._remember(self._minutes, key, value)
        if parts is None:
            return format_date(value, self._format, self._tz)
        head, tail = parts
        if self._format != "ISO":
            return head
        return f"{head}{value.second:02d}.{value.microsecond // 1000:03d}{tail}"

    def stored(self, text: str | None) -> str:
        """The same for a time as SQLite stores it (``UTCDateTime``: naive UTC,
        ``YYYY-MM-DD HH:MM:SS.ffffff``), read as text: SQLite's export path calls this from
        SQL once a value, and parsing each into a datetime would cost more than the rest."""
        if text is None:
            return ""
        parts = None
        if len(text) == STORED_TIME_LENGTH:
            minute = text[:16]
            try:
                parts = self._texts[minute]
            except KeyError:
                start = datetime.fromisoformat(minute).replace(tzinfo=UTC)
                parts = self._remember(self._texts, minute, start)
        if parts is None:  # another length, or a local mean time: formatted whole
            return self(datetime.fromisoformat(text).replace(tzinfo=UTC))
        head, tail = parts
        if self._format != "ISO":
            return head
        # Seconds as stored, milliseconds the fraction's first three digits (truncated, as
        # ``microsecond // 1000`` is).
        return f"{head}{text[17:19]}.{text[20:23]}{tail}"

    def _remember(
        self, cache: dict[Any, tuple[str, str] | None], key: Any, value: datetime
    ) -> tuple[str, str] | None:
        parts = self._minute(value)
        if len(cache) > 100_000:
            cache.clear()
        cache[key] = parts
        return parts

    def _minute(self, value: datetime) -> tuple[str, str] | None:
        offset = value.astimezone(self._tz).utcoffset() or timedelta(0)
        if offset.total_seconds() % 60:
            return None  # an old local mean time, offset by seconds: formatted whole
        start = value.replace(second=0, microsecond=0)
        if self._format != "ISO":
            return format_date(start, self._format, self._tz), ""
        whole = format_date(start, self._format, self._tz)
        # "YYYY-MM-DDTHH:MM:" then "SS.mmm" then the offset ("Z" or "+HH:MM").
        return whole[:17], whole[23:]


def field_text(value: Any) -> str:
    """A custom field value as one cell: strings as they are, anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


# -- the same formats in PostgreSQL (the session time zone is set to the account's) -----------

_PG_DATES = {
    # One to_char per value; "+00:00" can only be the offset, never part of the date.
    "ISO": "replace(to_char({c}, 'YYYY-MM-DD\"T\"HH24:MI:SS.MSTZH:TZM'), '+00:00', 'Z')",
    "L": "to_char({c}, 'MM/DD/YYYY')",
    "LL": "to_char({c}, 'FMMonth FMDD, YYYY')",
    "LLL": "to_char({c}, 'FMMonth FMDD, YYYY FMHH12:MI AM')",
}


def pg_date(column: sql.Composable, date_format: str) -> sql.Composable:
    expr = sql.SQL(_PG_DATES[date_format]).format(c=column)
    return sql.SQL("coalesce({}, '')").format(expr)


def pg_text(expr: sql.Composable, neutralise: bool) -> sql.Composable:
    value = sql.SQL("coalesce({}, '')").format(expr)
    if not neutralise:
        return value
    return sql.SQL(
        "CASE WHEN left({v}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
        "THEN '''' || {v} ELSE {v} END"
    ).format(v=value)
