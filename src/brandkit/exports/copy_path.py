"""The COPY path: PostgreSQL formats every cell and writes the CSV (COPY ... FORCE_QUOTE *);
Python only turns its line ends into the file's."""

from __future__ import annotations

from typing import IO, Any, cast

import psycopg
from psycopg import sql
from sqlalchemy import Column as SqlColumn
from sqlalchemy import Connection

from brandkit.dialects import dialect_of
from brandkit.exports import formats
from brandkit.exports.kinds import SQL_ALIASES, Column
from brandkit.exports.snapshot import (
    ExportSpec,
    ProgressFn,
    Written,
    after_batch,
    open_snapshot,
)


def write(conn: Connection, spec: ExportSpec, out: IO[bytes], progress: ProgressFn) -> Written:
    raw = cast(psycopg.Connection[Any], conn.connection.driver_connection)
    opened = open_snapshot(conn, dialect_of(conn), spec, out)
    with raw.cursor() as cur:
        cur.execute("SELECT set_config('TimeZone', %s, true)", (spec.timezone.key,))
        done = 0
        with cur.copy(
            copy_statement(select_rows(spec, opened.field_names), spec.delimiter)
        ) as copy:
            batch: list[bytes] = []
            # libpq hands COPY OUT data one row per message, so each chunk is exactly one row
            # ending in "\n" (embedded newlines stay inside its quotes): the CSV's "\r\n" line
            # ends are made by replacing that last byte, without parsing anything.
            for chunk in copy:
                batch.append(bytes(chunk)[:-1])
                if len(batch) >= spec.batch_rows:
                    done += _flush(out, batch)
                    after_batch(spec, progress, done, opened.total)
            if batch:
                done += _flush(out, batch)
                after_batch(spec, progress, done, opened.total)
    return Written(done, opened.started)


def name(column: SqlColumn[Any]) -> sql.Composable:
    """A column under its table's alias in ``ExportKind.source_sql``."""
    alias = SQL_ALIASES[column.table.name]
    return sql.SQL("{}.{}").format(sql.Identifier(alias), sql.Identifier(column.name))


def _cell(spec: ExportSpec, column: Column) -> sql.Composable:
    """One column's cell, formatted by the database as ``row_path`` formats it in Python:
    every cell a non-null text, so that FORCE_QUOTE quotes it."""
    value = name(column.value)
    if column.format == "text":
        return formats.pg_text(value, spec.neutralise)
    if column.format == "optional":
        return sql.SQL("coalesce({}, '')").format(value)
    if column.format == "date":
        return formats.pg_date(value, spec.date_format)
    return value


def select_rows(spec: ExportSpec, field_names: list[str]) -> sql.Composed:
    """The SELECT that COPY writes out, in header order."""
    kind = spec.kind
    before, after = kind.columns_for(spec.version)
    cells = [_cell(spec, c) for c in before]
    if kind.custom_fields is not None:
        fields = name(kind.custom_fields)
        cells += [
            formats.pg_text(
                sql.SQL("({}::json ->> {})").format(fields, sql.Literal(f)), spec.neutralise
            )
            for f in field_names
        ]
    cells += [_cell(spec, c) for c in after]
    return sql.SQL("SELECT {cells} FROM {source} WHERE {where} ORDER BY {order}").format(
        cells=sql.SQL(", ").join(cells),
        source=sql.SQL(kind.source_sql),  # our own constant, never input
        where=sql.SQL(" AND ").join(_where(spec)),
        order=sql.SQL(", ").join(name(c) for c in kind.order),
    )


def _where(spec: ExportSpec) -> list[sql.Composable]:
    kind, f, lit = spec.kind, spec.filters, sql.Literal
    where: list[sql.Composable] = [
        sql.SQL("{} = {}").format(name(kind.account), lit(spec.account_id))
    ]
    if kind.window is not None:
        where.append(sql.SQL("{} >= {}::timestamptz").format(name(kind.window), lit(f["fromDate"])))
        where.append(sql.SQL("{} <= {}::timestamptz").format(name(kind.window), lit(f["toDate"])))
    if kind.type_column is not None and f.get("activityTypes"):
        types = list(cast(list[str], f["activityTypes"]))
        where.append(sql.SQL("{} = ANY({}::text[])").format(name(kind.type_column), lit(types)))
    if f.get("segmentId"):
        where.append(
            sql.SQL("{} IN (SELECT contact_id FROM segment_members WHERE segment_id = {})").format(
                name(kind.contact), lit(f["segmentId"])
            )
        )
    return where


def copy_statement(select: sql.Composable, delimiter: str) -> sql.Composed:
    return sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *, DELIMITER {})").format(
        select, sql.Literal(delimiter)
    )


def _flush(out: IO[bytes], batch: list[bytes]) -> int:
    count = len(batch)
    batch.append(b"")
    out.write(b"\r\n".join(batch))
    batch.clear()
    return count
