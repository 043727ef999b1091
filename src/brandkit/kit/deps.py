"""Request-scoped infrastructure: settings, the one transaction per request, the storage."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from brandkit.config import Settings
from brandkit.db import open_session

F = TypeVar("F", bound=Callable[..., Any])
_WRITES_ATTR = "__brandkit_writes__"


def writes(endpoint: F) -> F:
    """Mark an endpoint whose transaction writes (SQLite then takes its write lock at BEGIN)."""
    setattr(endpoint, _WRITES_ATTR, True)
    return endpoint


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """The request's transaction: committed when the endpoint returns, before the response is
    sent, so a failed commit is the client's 500 and never a success that was not stored."""
    route = request.scope.get("route")
    write = bool(getattr(getattr(route, "endpoint", None), _WRITES_ATTR, False))
    session = open_session(request.app.state.sessions, write=write)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
