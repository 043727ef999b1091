"""The Python path: rows read through SQLAlchemy and formatted by ``formats`` (SQLite, and any
database that cannot write CSV itself)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import IO, Any

import orjson
from sqlalchemy import Connection, select

from brandkit.db import utcnow
from brandkit.dialects import Dialect
from brandkit.exports import formats
from brandkit.exports.kinds import Column
from brandkit.exports.snapshot import (
    ExportSpec,
    ProgressFn,
    Written,
    after_batch,
    csv_line,
    open_snapshot,
)

Cell = Callable[[Any], str]


def write(
    conn: Connection, dialect: Dialect, spec: ExportSpec, out: IO[bytes], progress: ProgressFn
) -> Written:
    started = utcnow()
    kind = spec.kind
    # The first read starts the snapshot; everything below sees the same database.
    opened = open_snapshot(conn, dialect, spec)
    out.write(
        csv_line(kind.header(spec.version, opened.field_names, spec.neutralise), spec.delimiter)
    )
    before, after = kind.columns_for(spec.version)
    selected = [c.value for c in before + after]
    if kind.custom_fields is not None and opened.field_names:
        selected.append(kind.custom_fields)
    stmt = (
        select(*selected)
        .select_from(kind.source)
        .where(*kind.where(spec.account_id, spec.filters))
        .order_by(*kind.order)
    )
    to_cells = _row_cells(spec, before, after, opened.field_names)
    done = 0
    result = conn.execution_options(yield_per=spec.batch_rows).execute(stmt)
    for batch in result.partitions():
        buf = io.StringIO()
        writer = csv.writer(
            buf, delimiter=spec.delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n"
        )
        writer.writerows(map(to_cells, batch))
        out.write(buf.getvalue().encode())
        done += len(batch)
        after_batch(spec, progress, done, opened.total)
    return Written(done, started)


def _cell(spec: ExportSpec, column: Column) -> Cell | None:
    """How one column's stored value becomes its cell (None: as it is)."""
    n, tz, fmt, safe = spec.neutralise, spec.timezone, spec.date_format, formats.safe
    if column.format == "text":
        return lambda v: safe(v or "", n)
    if column.format == "optional":
        return lambda v: v or ""
    if column.format == "date":
        return lambda v: formats.format_date(v, fmt, tz)
    return None


def _row_cells(
    spec: ExportSpec, before: list[Column], after: list[Column], field_names: list[str]
) -> Callable[[Any], list[str]]:
    """One row's cells, in header order: the columns selected first (read by their position in
    the select, which follows the kind's column list), then the custom fields of its last."""
    cells = [(i, _cell(spec, c)) for i, c in enumerate(before + after)]
    head, tail = cells[: len(before)], cells[len(before) :]
    if not field_names:
        return lambda r: [r[i] if f is None else f(r[i]) for i, f in cells]
    n, safe, text_of = spec.neutralise, formats.safe, formats.field_text
    fields_at = len(cells)

    def with_fields(r: Any) -> list[str]:
        fields = orjson.loads(r[fields_at])
        return (
            [r[i] if f is None else f(r[i]) for i, f in head]
            + [safe(text_of(fields.get(k)), n) for k in field_names]
            + [r[i] if f is None else f(r[i]) for i, f in tail]
        )

    return with_fields
