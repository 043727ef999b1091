"""Writing an export's CSV: one consistent snapshot, streamed, whatever the row count.

Snapshot: the rows are read in one transaction that sees the database as of its first read
(REPEATABLE READ on PostgreSQL; on SQLite a read transaction in WAL mode). A high-water mark
captured at creation (max id or created_at) was rejected: ids are uuids, and even a sequence is
not a snapshot on PostgreSQL, where a transaction holding a lower id can commit after the mark is
read; and contacts are updated in place, which no mark can undo. The count (``total``), the custom
field names and the rows all come from that one snapshot, so the file has no row twice and none
missing, and rows written meanwhile (back-dated activities included) are not in it.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, cast
from zoneinfo import ZoneInfo

import orjson
import psycopg
from psycopg import sql
from sqlalchemy import Connection, Engine, Executable, func, select, text

from brandkit.contacts.models import Activity, Contact, SegmentMember
from brandkit.db import AnySelect, utcnow
from brandkit.exports import formats

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportSpec:
    account_id: str
    export_type: str
    version: str
    delimiter: str
    date_format: str
    filters: dict[str, Any]
    timezone: ZoneInfo
    neutralise: bool
    batch_rows: int
    batch_sleep: float = 0.0


@dataclass(frozen=True)
class Written:
    rows: int
    started: datetime


def write_csv(engine: Engine, spec: ExportSpec, out: IO[bytes], progress: ProgressFn) -> Written:
    """Write header and rows to ``out``; ``progress(done, total)`` is called after each batch
    (it may raise to stop the export)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            return _write_postgres(conn, spec, out, progress)
    with engine.connect() as conn:
        return _write_sqlite(conn, spec, out, progress)


def _csv_line(values: Sequence[str], delimiter: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerow(
        values
    )
    return buf.getvalue().encode()


# -- SQLite: rows through Python's csv module --------------------------------------------------


def _where_sqlite(spec: ExportSpec, query: AnySelect) -> AnySelect:
    f = spec.filters
    segment = f.get("segmentId")
    if spec.export_type == "activities":
        query = query.where(
            Activity.account_id == spec.account_id,
            Activity.occurred_at >= datetime.fromisoformat(f["fromDate"]),
            Activity.occurred_at <= datetime.fromisoformat(f["toDate"]),
        )
        if f.get("activityTypes"):
            query = query.where(Activity.type.in_(f["activityTypes"]))
        if segment:
            members = select(SegmentMember.contact_id).where(SegmentMember.segment_id == segment)
            query = query.where(Activity.contact_id.in_(members))
        return query
    query = query.where(Contact.account_id == spec.account_id)
    if segment:
        members = select(SegmentMember.contact_id).where(SegmentMember.segment_id == segment)
        query = query.where(Contact.id.in_(members))
    return query


def _write_sqlite(
    conn: Connection, spec: ExportSpec, out: IO[bytes], progress: ProgressFn
) -> Written:
    started = utcnow()
    counted = select(func.count()).select_from(
        Activity if spec.export_type == "activities" else Contact
    )
    # The first read starts the snapshot; everything below sees the same database.
    total = int(conn.execute(_where_sqlite(spec, counted)).scalar_one())
    field_names: list[str] = []
    if spec.export_type == "contacts":
        keys = text(
            "SELECT DISTINCT j.key FROM contacts c, json_each(c.fields) AS j "
            "WHERE c.account_id = :account AND (:segment IS NULL OR c.id IN "
            "(SELECT contact_id FROM segment_members WHERE segment_id = :segment))"
        )
        params = {"account": spec.account_id, "segment": spec.filters.get("segmentId")}
        field_names = sorted(conn.execute(keys, params).scalars())
    out.write(
        _csv_line(
            formats.header(spec.export_type, spec.version, field_names, spec.neutralise),
            spec.delimiter,
        )
    )
    stmt: Executable
    if spec.export_type == "activities":
        stmt = _where_sqlite(
            spec,
            select(
                Activity.id,
                Activity.contact_id,
                Contact.email,
                Activity.type,
                Activity.occurred_at,
                Activity.payload,
                Activity.purchase_id,
                Activity.amount,
                Activity.currency,
                Activity.product_ids,
            ).join(Contact, Contact.id == Activity.contact_id),
        ).order_by(Activity.occurred_at, Activity.id)
        to_cells: Callable[[Any], list[str]] = _activity_cells(spec)
    else:
        stmt = _where_sqlite(
            spec,
            select(
                Contact.id,
                Contact.email,
                Contact.first_name,
                Contact.last_name,
                Contact.newsletter_status,
                Contact.created_at,
                Contact.updated_at,
                Contact.fields,
                Contact.last_subscribed_at,
                Contact.last_unsubscribed_at,
                Contact.origin,
            ),
        ).order_by(Contact.created_at, Contact.id)
        to_cells = _contact_cells(spec, field_names)
    done = 0
    result = conn.execution_options(yield_per=spec.batch_rows).execute(stmt)
    for batch in result.partitions():
        buf = io.StringIO()
        writer = csv.writer(
            buf, delimiter=spec.delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n"
        )
        writer.writerows(to_cells(row) for row in batch)
        out.write(buf.getvalue().encode())
        done += len(batch)
        _after_batch(spec, progress, done, total)
    return Written(done, started)


def _activity_cells(spec: ExportSpec) -> Callable[[Any], list[str]]:
    s, n, tz, fmt = formats.safe, spec.neutralise, spec.timezone, spec.date_format
    v2 = spec.version == "v2"

    def cells(r: Any) -> list[str]:
        out = [r[0], r[1], s(r[2], n), r[3], formats.format_date(r[4], fmt, tz), r[5]]
        if v2:
            out += [s(r[6] or "", n), r[7] or "", s(r[8] or "", n), s(r[9] or "", n)]
        return out

    return cells


def _contact_cells(spec: ExportSpec, field_names: list[str]) -> Callable[[Any], list[str]]:
    s, n, tz, fmt = formats.safe, spec.neutralise, spec.timezone, spec.date_format
    v2 = spec.version == "v2"

    def cells(r: Any) -> list[str]:
        fields = orjson.loads(r[7]) if field_names else {}
        out = [
            r[0],
            s(r[1], n),
            s(r[2], n),
            s(r[3], n),
            r[4],
            formats.format_date(r[5], fmt, tz),
            formats.format_date(r[6], fmt, tz),
        ]
        out += [s(formats.field_text(fields.get(k)), n) for k in field_names]
        if v2:
            out += [
                formats.format_date(r[8], fmt, tz),
                formats.format_date(r[9], fmt, tz),
                s(r[10], n),
            ]
        return out

    return cells


def _after_batch(spec: ExportSpec, progress: ProgressFn, done: int, total: int) -> None:
    progress(done, total)
    if spec.batch_sleep:
        time.sleep(spec.batch_sleep)


# -- PostgreSQL: the database writes the CSV (COPY ... FORCE_QUOTE *) -----------------------------


def postgres_query(
    spec: ExportSpec, field_names: Sequence[str] = ()
) -> tuple[sql.Composed, sql.Composed]:
    """(the COPY select, its count): every cell a non-null text, so that FORCE_QUOTE quotes it."""
    f = spec.filters
    n = spec.neutralise
    lit = sql.Literal
    segment = f.get("segmentId")
    if spec.export_type == "activities":
        where = [
            sql.SQL("a.account_id = {}").format(lit(spec.account_id)),
            sql.SQL("a.occurred_at >= {}::timestamptz").format(lit(f["fromDate"])),
            sql.SQL("a.occurred_at <= {}::timestamptz").format(lit(f["toDate"])),
        ]
        if f.get("activityTypes"):
            where.append(sql.SQL("a.type = ANY({}::text[])").format(lit(list(f["activityTypes"]))))
        if segment:
            where.append(
                sql.SQL(
                    "a.contact_id IN (SELECT contact_id FROM segment_members WHERE segment_id = {})"
                ).format(lit(segment))
            )
        cols = [
            sql.SQL("a.id"),
            sql.SQL("a.contact_id"),
            formats.pg_text(sql.SQL("c.email"), n),
            sql.SQL("a.type"),
            formats.pg_date(sql.SQL("a.occurred_at"), spec.date_format),
            sql.SQL("a.payload"),
        ]
        if spec.version == "v2":
            cols += [
                formats.pg_text(sql.SQL("a.purchase_id"), n),
                sql.SQL("coalesce(a.amount, '')"),
                formats.pg_text(sql.SQL("a.currency"), n),
                formats.pg_text(sql.SQL("a.product_ids"), n),
            ]
        source = sql.SQL("activities a JOIN contacts c ON c.id = a.contact_id")
        order = sql.SQL("a.occurred_at, a.id")
    else:
        where = [sql.SQL("c.account_id = {}").format(lit(spec.account_id))]
        if segment:
            where.append(
                sql.SQL(
                    "c.id IN (SELECT contact_id FROM segment_members WHERE segment_id = {})"
                ).format(lit(segment))
            )
        cols = [
            sql.SQL("c.id"),
            formats.pg_text(sql.SQL("c.email"), n),
            formats.pg_text(sql.SQL("c.first_name"), n),
            formats.pg_text(sql.SQL("c.last_name"), n),
            sql.SQL("c.newsletter_status"),
            formats.pg_date(sql.SQL("c.created_at"), spec.date_format),
            formats.pg_date(sql.SQL("c.updated_at"), spec.date_format),
        ]
        cols += [
            formats.pg_text(sql.SQL("(c.fields::json ->> {})").format(lit(name)), n)
            for name in field_names
        ]
        if spec.version == "v2":
            cols += [
                formats.pg_date(sql.SQL("c.last_subscribed_at"), spec.date_format),
                formats.pg_date(sql.SQL("c.last_unsubscribed_at"), spec.date_format),
                formats.pg_text(sql.SQL("c.origin"), n),
            ]
        source = sql.SQL("contacts c")
        order = sql.SQL("c.created_at, c.id")
    cond = sql.SQL(" AND ").join(where)
    select_rows = sql.SQL("SELECT {cols} FROM {source} WHERE {cond} ORDER BY {order}").format(
        cols=sql.SQL(", ").join(cols), source=source, cond=cond, order=order
    )
    count = sql.SQL("SELECT count(*) FROM {source} WHERE {cond}").format(source=source, cond=cond)
    return select_rows, count


def copy_statement(select_rows: sql.Composable, delimiter: str) -> sql.Composed:
    return sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *, DELIMITER {})").format(
        select_rows, sql.Literal(delimiter)
    )


def _write_postgres(
    conn: Connection, spec: ExportSpec, out: IO[bytes], progress: ProgressFn
) -> Written:
    raw = cast(psycopg.Connection[Any], conn.connection.driver_connection)
    started = utcnow()
    with raw.cursor() as cur:
        # First statement of the transaction: the snapshot is taken here.
        cur.execute("SET TRANSACTION READ ONLY")
        cur.execute("SELECT set_config('TimeZone', %s, true)", (spec.timezone.key,))
        field_names: list[str] = []
        if spec.export_type == "contacts":
            keys = sql.SQL(
                "SELECT DISTINCT json_object_keys(c.fields::json) FROM contacts c "
                "WHERE c.account_id = {a} AND ({s}::text IS NULL OR c.id IN "
                "(SELECT contact_id FROM segment_members WHERE segment_id = {s}))"
            ).format(a=sql.Literal(spec.account_id), s=sql.Literal(spec.filters.get("segmentId")))
            field_names = sorted(r[0] for r in cur.execute(keys))
        select_rows, count = postgres_query(spec, field_names)
        row = cur.execute(count).fetchone()
        total = int(row[0]) if row else 0
        out.write(
            _csv_line(
                formats.header(spec.export_type, spec.version, field_names, spec.neutralise),
                spec.delimiter,
            )
        )
        done = 0
        with cur.copy(copy_statement(select_rows, spec.delimiter)) as copy:
            batch: list[bytes] = []
            # libpq hands COPY OUT data one row per message, so each chunk is exactly one row
            # ending in "\n" (embedded newlines stay inside its quotes): the CSV's "\r\n" line
            # ends are made by replacing that last byte, without parsing anything.
            for chunk in copy:
                batch.append(bytes(chunk)[:-1])
                if len(batch) >= spec.batch_rows:
                    done += _flush(out, batch)
                    _after_batch(spec, progress, done, total)
            if batch:
                done += _flush(out, batch)
                _after_batch(spec, progress, done, total)
    conn.rollback()
    return Written(done, started)


def _flush(out: IO[bytes], batch: list[bytes]) -> int:
    count = len(batch)
    batch.append(b"")
    out.write(b"\r\n".join(batch))
    batch.clear()
    return count
