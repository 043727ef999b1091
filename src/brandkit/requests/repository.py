"""Every query of the requests table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from brandkit.requests.models import Request


class RequestsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, request: Request) -> None:
        self.session.add(request)
        self.session.flush()

    def owned(self, account_id: str, request_id: str) -> Request | None:
        return self.session.scalar(
            select(Request).where(Request.id == request_id, Request.account_id == account_id)
        )

    def by_id(self, request_id: str) -> Request | None:
        return self.session.get(Request, request_id)

    def in_flight(self, account_id: str, user_id: str | None, kind: str) -> int:
        """Requests of the account (or of one user) still pending or processing."""
        query = select(func.count()).where(
            Request.account_id == account_id,
            Request.kind == kind,
            Request.status.in_(("pending", "processing")),
        )
        if user_id is not None:
            query = query.where(Request.user_id == user_id)
        return int(self.session.scalar(query) or 0)

    def start(self, request_id: str, now: datetime, queue_wait_ms: int) -> bool:
        """Mark processing; the queue wait is measured once, by the first attempt."""
        return self._changed(
            update(Request)
            .where(Request.id == request_id, Request.status == "pending")
            .values(status="processing", started_at=now, queue_wait_ms=queue_wait_ms)
        )

    def set_progress(self, request_id: str, progress: int) -> None:
        self.session.execute(
            update(Request)
            .where(Request.id == request_id, Request.status == "processing")
            .values(progress=progress)
        )

    def set_writer(self, request_id: str, writer: str) -> None:
        self.session.execute(update(Request).where(Request.id == request_id).values(writer=writer))

    def complete(self, request_id: str, result: dict[str, Any], now: datetime) -> bool:
        return self._changed(
            update(Request)
            .where(Request.id == request_id, Request.status.in_(("pending", "processing")))
            .values(status="completed", progress=100, result=result, finished_at=now)
        )

    def fail(self, request_id: str, reason: str, now: datetime) -> bool:
        return self._changed(
            update(Request)
            .where(Request.id == request_id, Request.status.in_(("pending", "processing")))
            .values(status="failed", reason=reason, finished_at=now)
        )

    def _changed(self, statement: Any) -> bool:
        """Run a status transition; whether it happened (the row was in a state it leaves)."""
        result = self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0) == 1
