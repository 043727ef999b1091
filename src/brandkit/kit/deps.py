"""Request-scoped infrastructure: settings, the one transaction per request, the storage."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy import Engine, QueuePool
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from brandkit.config import Settings
from brandkit.db import open_session

F = TypeVar("F", bound=Callable[..., Any])
_WRITES_ATTR = "__brandkit_writes__"


def writes(endpoint: F) -> F:
    """Mark an endpoint whose transaction writes (SQLite then takes its write lock at BEGIN)."""
    setattr(endpoint, _WRITES_ATTR, True)
    return endpoint


# Dependencies that do no I/O are async: FastAPI runs a sync dependency in the threadpool, and
# each such hop costs more than the work (measured in bench/variants.py).
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's transaction: committed when the endpoint returns, before the response is
    sent, so a failed commit is the client's 500 and never a success that was not stored.

    A read session connects lazily, at its first query, in the endpoint's worker thread; only a
    write session begins up front (SQLite may wait there for its write lock), off the event loop.
    Commit and close share one worker-thread hop.
    """
    route = request.scope.get("route")
    write = bool(getattr(getattr(route, "endpoint", None), _WRITES_ATTR, False))
    factory = request.app.state.sessions
    # A session keeps its connection between worker-thread hops. Admitting no more sessions
    # than the pool holds means a worker thread never blocks waiting for a connection that a
    # request queued for a thread holds (under load that stalled every thread).
    slots, borrower = _db_slots(request), object()
    await slots.acquire_on_behalf_of(borrower)
    try:
        session = await run_in_threadpool(open_session, factory, write=True) if write else factory()
        try:
            yield session
            await run_in_threadpool(_commit_and_close, session)
        except BaseException:
            # Shielded: a cancelled request must still give its connection back.
            with CancelScope(shield=True):
                await run_in_threadpool(_rollback_and_close, session)
            raise
    finally:
        slots.release_on_behalf_of(borrower)


def _db_slots(request: Request) -> CapacityLimiter:
    state = request.app.state
    slots: CapacityLimiter | None = getattr(state, "db_slots", None)
    if slots is None:
        # Made on first use: an anyio limiter must be created inside the running event loop.
        slots = state.db_slots = CapacityLimiter(_pool_capacity(state.engine))
    return slots


def _pool_capacity(engine: Engine) -> int:
    pool = engine.pool
    if isinstance(pool, QueuePool) and pool._max_overflow >= 0:
        # Two connections stay free for the embedded job worker and health checks.
        return max(1, pool.size() + pool._max_overflow - 2)
    return 64


def _commit_and_close(session: Session) -> None:
    try:
        session.commit()
    finally:
        session.close()


def _rollback_and_close(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
