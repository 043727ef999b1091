"""What both CSV paths share: the export's spec, the first reads of its snapshot, the header."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select, text

from brandkit.db import utcnow
from brandkit.dialects import Dialect
from brandkit.exports.kinds import ExportKind
from brandkit.exports.types import DateFormat, Delimiter, Version

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportSpec:
    account_id: str
    kind: ExportKind
    version: Version
    delimiter: Delimiter
    date_format: DateFormat
    filters: dict[str, object]
    timezone: ZoneInfo
    neutralise: bool
    batch_rows: int
    batch_sleep: float = 0.0


@dataclass(frozen=True)
class Written:
    rows: int
    started: datetime


@dataclass(frozen=True)
class Opened:
    """What both paths read before the rows: the count and the custom field names."""

    total: int
    field_names: list[str]
    started: datetime


def open_snapshot(conn: Connection, dialect: Dialect, spec: ExportSpec, out: IO[bytes]) -> Opened:
    """The first reads of the snapshot (the first one starts it: everything after sees the
    same database), and the header written; the same on both paths."""
    started = utcnow()
    kind = spec.kind
    counted = select(func.count()).select_from(kind.counted)
    total = int(
        conn.execute(counted.where(*kind.where(spec.account_id, spec.filters))).scalar_one()
    )
    field_names: list[str] = []
    if kind.custom_fields is not None:
        segment = spec.filters.get("segmentId")
        table = kind.custom_fields.table.name
        keys = text(
            f"SELECT DISTINCT j.key FROM {table} t, "  # noqa: S608 (names from our own kinds)
            f"{dialect.json_each('t.' + kind.custom_fields.name)} AS j "
            "WHERE t.account_id = :account AND (CAST(:segment AS TEXT) IS NULL OR t.id IN "
            "(SELECT contact_id FROM segment_members WHERE segment_id = :segment))"
        )
        params = {"account": spec.account_id, "segment": segment}
        field_names = sorted(conn.execute(keys, params).scalars())
    out.write(csv_line(kind.header(spec.version, field_names, spec.neutralise), spec.delimiter))
    return Opened(total, field_names, started)


def csv_line(values: Sequence[str], delimiter: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerow(
        values
    )
    return buf.getvalue().encode()


def after_batch(spec: ExportSpec, progress: ProgressFn, done: int, total: int) -> None:
    progress(done, total)
    if spec.batch_sleep:
        time.sleep(spec.batch_sleep)
