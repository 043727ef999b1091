"""Request-scoped infrastructure: settings, and the one transaction per request.

A route says which transaction it gets by the type of its session parameter: ``ReadSession``
(a plain transaction that connects at its first query) or ``WriteSession`` (one that begins at
once and, on SQLite, takes the write lock at BEGIN, so a read followed by a write cannot fail
with SQLITE_BUSY).

Every route is a ``TransactionalRoute``. Its request's unit of work (deferred dependencies such
as the caller's key, the endpoint, and the commit) runs in the endpoint's one worker thread:
each extra worker-thread hop, and each generator dependency, costs more per request than the
work it wraps (measured in bench/variants.py). The route handler owns what must happen however
the request ends: the transaction rolled back and the session's database slot given back.
"""

from __future__ import annotations

import functools
import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Mapping
from typing import Annotated, Any, TypeVar

import orjson
from anyio import CancelScope, CapacityLimiter, WouldBlock
from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from brandkit.config import Settings
from brandkit.db import UnitOfWork, session_capacity, transaction
from brandkit.kit.errors import BadRequest, UnsupportedMediaType, invalid

F = TypeVar("F", bound=Callable[..., Any])
_UNIT = "brandkit.unit_of_work"
_PENDING = "brandkit.deferred"


async def json_content_type(request: Request) -> None:
    """Refuse a body sent without a JSON Content-Type (415), as the bulk-export family does,
    before it is parsed."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType("Content-Type must be application/json")


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object (the bulk-export family's routes that read their body by hand):
    415 without a JSON Content-Type, 400 when it does not parse."""
    await json_content_type(request)
    try:
        data = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        raise BadRequest("Request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise invalid("body", "must be a JSON object")
    return data


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class _RequestUnit(UnitOfWork):
    """A unit of work whose end the route handler owns: its session is found from the
    endpoint's arguments, and freed with the request."""

    __slots__ = ()

    def __init__(self, factory: sessionmaker[Session], *, write: bool) -> None:
        super().__init__(factory, write=write)
        self.session.info[_UNIT] = self

    def end(self, *, commit: bool) -> None:
        try:
            super().end(commit=commit)
        finally:
            # Unlinked, so that the session and its unit are freed by reference counting when the
            # request ends, not left for the garbage collector.
            del self.session.info[_UNIT]


async def get_read_session(request: Request) -> Session:
    """The request's reading transaction (see ``_open_unit``)."""
    return await _open_unit(request, write=False)


async def get_write_session(request: Request) -> Session:
    """The request's writing transaction (see ``_open_unit``)."""
    return await _open_unit(request, write=True)


async def _open_unit(request: Request, *, write: bool) -> Session:
    """The request's transaction: committed when the endpoint returns, before the response is
    sent, so a failed commit is the client's 500 and never a success that was not stored."""
    route = request.scope.get("route")
    if not isinstance(route, TransactionalRoute):
        raise RuntimeError(f"{request.url.path} is not served by a TransactionalRoute")
    if _UNIT in request.scope:
        raise RuntimeError(f"{request.url.path} asks for two sessions; a request has one")
    # A session keeps its connection between worker-thread hops. Admitting no more sessions
    # than the pool holds means a worker thread never blocks waiting for a connection that a
    # request queued for a thread holds (under load that stalled every thread).
    slots = _db_slots(request)
    unit = _RequestUnit(request.app.state.sessions, write=write)
    try:
        # Without waiting first: the waiting form always yields to the event loop once, which
        # costs every request a trip through the loop when a slot is free (most of the time).
        slots.acquire_on_behalf_of_nowait(unit)
    except WouldBlock:
        await slots.acquire_on_behalf_of(unit)
    request.scope[_UNIT] = unit
    return unit.session


async def _end_unit_of_work(request: Request, *, commit: bool) -> None:
    unit: _RequestUnit | None = request.scope.get(_UNIT)
    if unit is None:
        return
    try:
        if unit.ended:
            return
        if not unit.began():
            unit.end(commit=False)  # nothing began, so nothing to send
        elif commit:
            await run_in_threadpool(functools.partial(unit.end, commit=True))
        else:
            # Shielded: a cancelled request must still give its connection back.
            with CancelScope(shield=True):
                await run_in_threadpool(functools.partial(unit.end, commit=False))
    finally:
        _db_slots(request).release_on_behalf_of(unit)


def _db_slots(request: Request) -> CapacityLimiter:
    state = request.app.state
    slots: CapacityLimiter | None = getattr(state, "db_slots", None)
    if slots is None:
        # Made on first use: an anyio limiter must be created inside the running event loop.
        slots = state.db_slots = CapacityLimiter(session_capacity(state.settings))
    return slots


class Deferred(ABC):
    """A dependency whose value needs the database (the caller's key, say): FastAPI resolves it
    to this placeholder, and ``TransactionalRoute`` completes it in the endpoint's own worker
    thread and transaction, just before the endpoint runs.

    When the request fails before its endpoint runs (a validation error, say), the error
    handlers call ``complete_pending`` first, so such a request still gets the dependency's own
    error (a 401 before a 422) as if it had been resolved up front.
    """

    def __init__(self, request: Request) -> None:
        self.request = request
        self.attempted = False
        request.scope.setdefault(_PENDING, []).append(self)

    def complete(self, session: Session) -> Any:
        # Attempted once only: completing may count a rate-limit hit.
        self.attempted = True
        return self.resolve(session)

    @abstractmethod
    def resolve(self, session: Session) -> Any: ...


async def complete_pending(request: Request) -> None:
    """Complete the request's deferred dependencies that its endpoint never reached, in a
    transaction of their own (the request's has ended); raises what they raise."""
    pending = [d for d in request.scope.get(_PENDING, ()) if not d.attempted]
    if pending:
        await run_in_threadpool(_complete_all, request.app.state.sessions, pending)


def _complete_all(factory: sessionmaker[Session], pending: list[Deferred]) -> None:
    with transaction(factory) as session:
        for deferred in pending:
            deferred.complete(session)


class TransactionalRoute(APIRoute):
    """A route whose sync endpoint runs its whole unit of work in its worker thread: BEGIN,
    deferred dependencies, the endpoint, COMMIT (or ROLLBACK). An async endpoint gets BEGIN and
    its deferred dependencies in one hop, and its commit after it returns."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _unit_of_work(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_in_transaction(request: Request) -> Response:
            try:
                response = await handle(request)
            except BaseException:
                await _end_unit_of_work(request, commit=False)
                raise
            await _end_unit_of_work(request, commit=True)
            # Deferred dependencies refer to the request whose scope lists them; dropping the
            # list lets reference counting free both (the error handlers, which read it, are
            # done by now or never run).
            request.scope.pop(_PENDING, None)
            return response

        return handle_in_transaction


def _unit_of(kwargs: Mapping[str, Any]) -> _RequestUnit | None:
    for value in kwargs.values():
        if isinstance(value, Session):
            unit: _RequestUnit = value.info[_UNIT]
            return unit
        if isinstance(value, Deferred) and _UNIT in value.request.scope:
            found: _RequestUnit = value.request.scope[_UNIT]
            return found
    return None


def _begun(unit: _RequestUnit, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    unit.begin()
    return {k: _complete(v, unit.session) for k, v in kwargs.items()}


def _complete(value: Any, session: Session) -> Any:
    return value.complete(session) if isinstance(value, Deferred) else value


def _completed_alone(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Deferred dependencies of an endpoint that takes no session: a transaction of their own."""
    deferred = [v for v in kwargs.values() if isinstance(v, Deferred)]
    if not deferred:
        return dict(kwargs)
    with transaction(deferred[0].request.app.state.sessions) as session:
        return {k: _complete(v, session) for k, v in kwargs.items()}


def _unit_of_work(endpoint: F) -> F:
    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            unit = _unit_of(kwargs)
            if unit is not None:
                kwargs = await run_in_threadpool(_begun, unit, kwargs)
            elif any(isinstance(v, Deferred) for v in kwargs.values()):
                kwargs = await run_in_threadpool(_completed_alone, kwargs)
            return await endpoint(*args, **kwargs)

        return run_async  # type: ignore[return-value]

    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        unit = _unit_of(kwargs)
        if unit is None:
            return endpoint(*args, **_completed_alone(kwargs))
        try:
            result = endpoint(*args, **_begun(unit, kwargs))
        except BaseException:
            unit.end(commit=False)
            raise
        unit.end(commit=True)
        return result

    return run  # type: ignore[return-value]


SettingsDep = Annotated[Settings, Depends(get_settings)]
# The two transactions a route can ask for, by the type of its session parameter.
ReadSession = Annotated[Session, Depends(get_read_session)]
WriteSession = Annotated[Session, Depends(get_write_session)]
