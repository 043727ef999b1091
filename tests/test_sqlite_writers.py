"""Writers of one process take turns on SQLite through the engine's own lock (db._WRITERS), so
none sleeps in SQLite's busy handler while the write lock is free; the turn is given back however
the unit ends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from brandkit.db import _WRITERS, make_engine, make_sessionmaker, transaction

THREADS = 16
ROUNDS = 25


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    # SQLite only: PostgreSQL locks rows, not the database, and has no such queue.
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    yield engine
    engine.dispose()


def test_writers_take_turns_and_lose_no_update(sqlite_engine: Engine) -> None:
    sessions = make_sessionmaker(sqlite_engine)
    inside = 0
    most_inside = 0
    guard = threading.Lock()

    def bump(_: int) -> None:
        nonlocal inside, most_inside
        for _ in range(ROUNDS):
            with transaction(sessions, write=True) as s:
                with guard:
                    inside += 1
                    most_inside = max(most_inside, inside)
                n = s.execute(text("SELECT n FROM counter")).scalar_one()
                s.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
                with guard:
                    inside -= 1

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(bump, range(THREADS)))
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == THREADS * ROUNDS
    assert most_inside == 1
    assert not _WRITERS[sqlite_engine].locked()


def test_the_turn_is_given_back_when_the_unit_fails(sqlite_engine: Engine) -> None:
    sessions = make_sessionmaker(sqlite_engine)

    def failing_unit() -> None:
        with transaction(sessions, write=True) as s:
            s.execute(text("UPDATE counter SET n = 99"))
            raise RuntimeError("the endpoint failed")

    with pytest.raises(RuntimeError):
        failing_unit()
    assert not _WRITERS[sqlite_engine].locked()
    # A failing statement rolls back too, and the next writer gets its turn at once.
    with pytest.raises(Exception, match="no such table"), transaction(sessions, write=True) as s:
        s.execute(text("UPDATE missing SET n = 1"))
    assert not _WRITERS[sqlite_engine].locked()
    with transaction(sessions, write=True) as s:
        assert s.execute(text("SELECT n FROM counter")).scalar_one() == 0
    # Readers never queue for it.
    with _WRITERS[sqlite_engine], transaction(sessions) as s:
        assert s.execute(text("SELECT n FROM counter")).scalar_one() == 0


def test_a_writer_waits_for_its_turn_on_the_queue_not_in_sqlite(sqlite_engine: Engine) -> None:
    sessions = make_sessionmaker(sqlite_engine)
    began = threading.Event()

    def write() -> None:
        with transaction(sessions, write=True) as s:
            began.set()
            s.execute(text("UPDATE counter SET n = n + 1"))

    # Holding the queue's lock while SQLite's own write lock is free: a writer that went
    # straight to BEGIN IMMEDIATE would begin at once.
    with _WRITERS[sqlite_engine]:
        writer = threading.Thread(target=write)
        writer.start()
        assert not began.wait(0.3)
    assert began.wait(10)
    writer.join(10)
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 1
