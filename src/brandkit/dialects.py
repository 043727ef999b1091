"""What differs between PostgreSQL and SQLite, in one place: every other module asks the
database's ``Dialect`` instead of checking its name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, cast

import psycopg
from sqlalchemy import Connection, Engine, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

# The storage format of brandkit.db.UTCDateTime on SQLite: naive UTC, microseconds.
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


# How exports have the database write each CSV line: "sql" (PostgreSQL: string functions, read
# in libpq's chunked rows) or "printf" (SQLite: one printf a line), see exports/writer.
ExportLines = Literal["sql", "printf"]


class Dialect(Protocol):
    export_lines: ExportLines

    def insert(self, table: type[Any] | Table) -> postgresql.Insert | sqlite.Insert:
        """An INSERT that takes ``on_conflict_do_nothing``."""
        ...

    def lock(self, session: Session, statement: Any) -> None:
        """Run ``statement`` (a SELECT) holding its rows until commit, where writers do not
        already queue for the whole database."""
        ...

    def snapshot(self, engine: Engine) -> AbstractContextManager[Connection]:
        """A read-only connection that sees the database as of its first read, throughout."""
        ...

    def json_each(self, column: str) -> str:
        """SQL for the table of (key, value) of a column holding JSON text."""
        ...

    def bulk_insert(self, session: Session, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        """Load many rows at the driver's fastest (no ORM, no per-row bind processing)."""
        ...


class _Postgres:
    export_lines: ExportLines = "sql"

    def insert(self, table: type[Any] | Table) -> postgresql.Insert:
        return postgresql.insert(table)

    def lock(self, session: Session, statement: Any) -> None:
        session.execute(statement.with_for_update())

    @contextmanager
    def snapshot(self, engine: Engine) -> Iterator[Connection]:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            # First statement of the transaction: the snapshot is taken at the next one.
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            try:
                yield conn
            finally:
                conn.rollback()

    def json_each(self, column: str) -> str:
        return f"json_each({column}::json)"

    def bulk_insert(self, session: Session, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        columns = [c.name for c in table.columns]
        raw = cast(psycopg.Connection[Any], session.connection().connection.driver_connection)
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row([row.get(c) for c in columns])


class _SQLite:
    export_lines: ExportLines = "printf"

    def insert(self, table: type[Any] | Table) -> sqlite.Insert:
        return sqlite.insert(table)

    def lock(self, session: Session, statement: Any) -> None:
        # A writing transaction holds SQLite's one write lock from BEGIN IMMEDIATE (db.py).
        return None

    @contextmanager
    def snapshot(self, engine: Engine) -> Iterator[Connection]:
        # In WAL mode a read transaction sees the database as of its first read.
        with engine.connect() as conn:
            yield conn

    def json_each(self, column: str) -> str:
        return f"json_each({column})"

    def bulk_insert(self, session: Session, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        columns = [c.name for c in table.columns]
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        conn = session.connection()
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(tuple(_sqlite_value(row.get(c)) for c in columns))
            if len(chunk) >= 20_000:
                conn.exec_driver_sql(statement, chunk)
                chunk = []
        if chunk:
            conn.exec_driver_sql(statement, chunk)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(_SQLITE_TIME)
    return value


_DIALECTS: dict[str, Dialect] = {"postgresql": _Postgres(), "sqlite": _SQLite()}


def dialect_of(bind: Engine | Connection | Session) -> Dialect:
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return _DIALECTS[engine.dialect.name]
