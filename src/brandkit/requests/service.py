"""Requests: made by the domains that run asynchronous work, read by get-request-status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from brandkit.accounts.auth import Principal
from brandkit.db import utcnow
from brandkit.kit.errors import NotFound
from brandkit.kit.ids import short_id
from brandkit.requests.models import Request
from brandkit.requests.repository import RequestsRepository
from brandkit.requests.schemas import RequestStatus
from brandkit.webhooks import service as webhooks

KINDS = ("designs", "font", "brand", "edit")


def design_link(editor_base_url: str, design_id: str) -> str:
    return f"{editor_base_url.rstrip('/')}/#/design/{design_id}"


def share_link(editor_base_url: str, design_id: str) -> str:
    return f"{editor_base_url.rstrip('/')}/#/results/{design_id}"


def create(
    session: Session,
    *,
    account_id: str,
    user_id: str,
    kind: str,
    params: dict[str, object] | None = None,
    editor_base_url: str,
    design_id: str | None = None,
    now: datetime | None = None,
    announced: bool = True,
) -> Request:
    """A new pending request; ``announced=False`` for one that ends in the same transaction
    (its caller announces the outcome instead)."""
    request = Request(
        id=short_id(),
        account_id=account_id,
        user_id=user_id,
        kind=kind,
        status="pending",
        progress=0,
        design_id=design_id,
        params=params or {},
        created_at=now or utcnow(),
    )
    RequestsRepository(session).add(request)
    if announced:
        announce(session, request, editor_base_url)
    return request


def visible(session: Session, principal: Principal, request_id: str) -> Request:
    request = RequestsRepository(session).owned(principal.account_id, request_id)
    # A general key or login token sees only its own user's requests; another user's is
    # answered exactly as an unknown one.
    if (
        request is not None
        and not principal.at_least("super")
        and request.user_id != principal.user_id
    ):
        request = None
    if request is None:
        raise NotFound(f"Request not found: {request_id}")
    return request


def queue_wait_ms(request: Request, now: datetime) -> int:
    if request.queue_wait_ms is not None:
        return request.queue_wait_ms
    if request.status == "pending":
        return max(0, round((now - request.created_at).total_seconds() * 1000))
    return 0


def status(
    session: Session, principal: Principal, request_id: str, editor_base_url: str
) -> RequestStatus:
    return render(visible(session, principal, request_id), editor_base_url, utcnow())


def render(request: Request, editor_base_url: str, now: datetime) -> RequestStatus:
    out: RequestStatus = {
        "queueWaitTime": queue_wait_ms(request, now),
        "status": request.status,
        "requestId": request.id,
    }
    if request.design_id is not None:
        out["designId"] = request.design_id
        out["link"] = design_link(editor_base_url, request.design_id)
        out["shareLink"] = share_link(editor_base_url, request.design_id)
    out["progress"] = request.progress
    out["reason"] = request.reason if request.status == "failed" else None
    out["result"] = request.result if request.status == "completed" else None
    return out


def announce(session: Session, request: Request, editor_base_url: str) -> None:
    """The request's status changed (or it was made): its webhook event, whose payload is what
    get-request-status answers at this moment."""
    session.flush()
    now = utcnow()
    webhooks.emit(
        session,
        account_id=request.account_id,
        user_id=request.user_id,
        family=webhooks.REQUESTS,
        subject=f"request:{request.id}",
        type=f"request.{request.status}",
        payload={"status": 200, "body": dict(render(request, editor_base_url, now))},
        now=now,
    )


def _transitioned(
    session: Session, request_id: str, changed: bool, editor_base_url: str
) -> Request | None:
    if not changed:
        return None
    request = RequestsRepository(session).by_id(request_id)
    if request is not None:
        session.refresh(request)
        announce(session, request, editor_base_url)
    return request


def begin(session: Session, request_id: str, now: datetime, editor_base_url: str) -> Request | None:
    """A worker takes up a request: it is marked processing with its queue wait measured (the
    first attempt only). None when it is gone or already ended, and there is nothing to do."""
    repo = RequestsRepository(session)
    request = repo.by_id(request_id)
    if request is None or request.status in ("completed", "failed"):
        return None
    wait = max(0, round((now - request.created_at).total_seconds() * 1000))
    _transitioned(session, request_id, repo.start(request_id, now, wait), editor_base_url)
    return request


def complete(
    session: Session,
    request_id: str,
    result: dict[str, Any],
    now: datetime,
    editor_base_url: str,
) -> None:
    changed = RequestsRepository(session).complete(request_id, result, now)
    _transitioned(session, request_id, changed, editor_base_url)


def fail(
    session: Session, request_id: str, reason: str, now: datetime, editor_base_url: str
) -> None:
    changed = RequestsRepository(session).fail(request_id, reason, now)
    _transitioned(session, request_id, changed, editor_base_url)
