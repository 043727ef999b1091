"""Engines and sessions for SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeAlias, TypeVar

from sqlalchemy import DateTime, Engine, Row, Select, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from brandkit.config import Settings

# SQLAlchemy 2.1 types rows and selects by their column tuple; these are the "any columns" forms.
AnyRow: TypeAlias = Row[*tuple[Any, ...]]
AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])


class Base(DeclarativeBase):
    pass


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both dialects.

    SQLite has no timezone type and returns naive values; storing naive UTC and re-attaching UTC on
    the way out keeps comparisons and keyset cursors identical on both databases.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


_SQLITE_MMAP_BYTES = 1 << 30
# SQLAlchemy's own pool for file SQLite: one writer at a time, so more connections buy nothing.
_SQLITE_POOL = (5, 10)


def pool_limits(url: str, pool_size: int) -> tuple[int, int]:
    """(connections kept, connections that may overflow) of the pool for this database URL."""
    return _SQLITE_POOL if url.startswith("sqlite") else (pool_size, pool_size)


def make_engine(url: str, *, pool_size: int = 20) -> Engine:
    size, overflow = pool_limits(url, pool_size)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            pool_size=size,
            max_overflow=overflow,
            connect_args={"check_same_thread": False, "timeout": 30},
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=size, max_overflow=overflow, pool_pre_ping=True)


def engine_for(settings: Settings) -> Engine:
    return make_engine(settings.effective_database_url, pool_size=settings.database_pool_size)


def session_capacity(settings: Settings) -> int:
    """How many request sessions may hold a connection at once: the pool, less two connections
    kept free for the embedded job worker and health checks."""
    size, overflow = pool_limits(settings.effective_database_url, settings.database_pool_size)
    return max(1, size + overflow - 2)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling issues BEGIN lazily and not at all before SELECT,
        # which breaks snapshot reads; we take control and emit BEGIN ourselves (below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # WAL lets readers run while one writer writes; without it every request would queue.
        cur.execute("PRAGMA journal_mode=WAL")
        # SQLite ignores foreign keys unless asked, per connection.
        cur.execute("PRAGMA foreign_keys=ON")
        # Wait for the writer lock instead of failing at once with "database is locked".
        cur.execute("PRAGMA busy_timeout=30000")
        # NORMAL is durable across application crashes in WAL mode and much faster than FULL.
        cur.execute("PRAGMA synchronous=NORMAL")
        # Pages read through a memory map, not a read() call each: an export walks its index in
        # time order over a table stored in arrival order, and the calls were a third of its
        # read (1M activities: 9.5 s -> 6.0 s). Address space only; the OS shares the pages.
        cur.execute(f"PRAGMA mmap_size={_SQLITE_MMAP_BYTES}")
        cur.close()

    _WRITERS[engine] = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
        # writes can fail with SQLITE_BUSY without waiting, even with busy_timeout set.
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=False)


WRITE_OPTION = "brandkit_write"
# The writers of one process queue here, per SQLite engine, before BEGIN IMMEDIATE. SQLite's busy
# handler polls with sleeps that grow to 100 ms, so under contention its write lock sat free
# while the waiters slept (presign at 16 connections: p99 over 500 ms); a lock hands the turn
# over at once. Writers of other processes (the CLI, a separate worker) still meet the handler.
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_WRITER_WAIT_SECONDS = 30.0


class UnitOfWork:
    """One session and its one transaction, the only way the service opens either: requests
    (``kit.deps``), jobs and the CLI (``transaction``) alike.

    A writing unit begins at once, so that SQLite takes its write lock at BEGIN (see
    ``_on_begin``); a reading one connects lazily, at its first query.
    """

    __slots__ = ("ended", "session", "write", "writer")

    def __init__(self, factory: sessionmaker[Session], *, write: bool) -> None:
        self.write, self.ended = write, False
        self.session = factory()
        self.writer: threading.Lock | None = None

    def begin(self) -> Session:
        if self.write:
            bind = self.session.get_bind()
            writer = _WRITERS.get(bind) if isinstance(bind, Engine) else None
            if writer is not None:
                if not writer.acquire(timeout=_WRITER_WAIT_SECONDS):
                    raise OperationalError("BEGIN IMMEDIATE", None, Exception("database is locked"))
                self.writer = writer
            try:
                self.session.connection(execution_options={WRITE_OPTION: True})
            except BaseException:
                self._release()
                raise
        return self.session

    def _release(self) -> None:
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.release()

    def began(self) -> bool:
        # A session that never connected ends without I/O.
        return self.session.get_transaction() is not None

    def end(self, *, commit: bool) -> None:
        try:
            if commit:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.ended = True
            try:
                self.session.close()
            finally:
                self._release()


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once the session's transaction has committed (never when it rolls back):
    for what must follow stored rows and cannot be undone, such as deleting files."""
    event.listen(session, "after_commit", lambda _session: action(), once=True)


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """One unit of work outside a request (CLI, jobs): commit on success, roll back on error."""
    unit = UnitOfWork(factory, write=write)
    try:
        yield unit.begin()
    except BaseException:
        unit.end(commit=False)
        raise
    unit.end(commit=True)
