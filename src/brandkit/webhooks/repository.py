"""Every query of the webhook tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import Session

from brandkit.accounts.models import ApiKey
from brandkit.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookEvent


@dataclass(frozen=True)
class Delivery:
    """What an attempt needs: the event, and where and how to send it now."""

    event: WebhookEvent
    url: str | None
    secret: str | None
    key_live: bool


class WebhooksRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- endpoints ------------------------------------------------------------------------------

    def endpoint(self, key_id: str, family: str) -> WebhookEndpoint | None:
        return self.session.scalar(
            select(WebhookEndpoint).where(
                WebhookEndpoint.key_id == key_id, WebhookEndpoint.family == family
            )
        )

    def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        self.session.add(endpoint)
        self.session.flush()

    def endpoints(self, account_id: str | None) -> list[WebhookEndpoint]:
        query = select(WebhookEndpoint).order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
        if account_id is not None:
            query = query.where(WebhookEndpoint.account_id == account_id)
        return list(self.session.scalars(query))

    def subscribers(
        self, account_id: str, family: str, user_id: str | None
    ) -> list[WebhookEndpoint]:
        """The live endpoints of the account's unrevoked keys for ``family``; with ``user_id``,
        only of keys that can read that user's requests (its own general keys, and super and
        enterprise keys)."""
        query = (
            select(WebhookEndpoint)
            .join(ApiKey, ApiKey.id == WebhookEndpoint.key_id)
            .where(
                WebhookEndpoint.account_id == account_id,
                WebhookEndpoint.family == family,
                WebhookEndpoint.url.is_not(None),
                ApiKey.revoked_at.is_(None),
            )
            .order_by(WebhookEndpoint.id)
        )
        if user_id is not None:
            query = query.where(
                or_(ApiKey.tier.in_(("super", "enterprise")), ApiKey.user_id == user_id)
            )
        return list(self.session.scalars(query))

    # -- events ---------------------------------------------------------------------------------

    def next_seq(self, endpoint_id: str, subject: str) -> int:
        last = self.session.scalar(
            select(func.max(WebhookEvent.seq)).where(
                WebhookEvent.endpoint_id == endpoint_id, WebhookEvent.subject == subject
            )
        )
        return int(last or 0) + 1

    def add_event(self, event: WebhookEvent) -> None:
        self.session.add(event)
        self.session.flush()

    def delivery(self, event_id: str) -> Delivery | None:
        row = self.session.execute(
            select(WebhookEvent, WebhookEndpoint.url, WebhookEndpoint.secret, ApiKey.revoked_at)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookEvent.endpoint_id)
            .join(ApiKey, ApiKey.id == WebhookEndpoint.key_id)
            .where(WebhookEvent.id == event_id)
        ).one_or_none()
        if row is None:
            return None
        event, url, secret, revoked = row
        return Delivery(event, url, secret, revoked is None)

    def event(self, event_id: str) -> WebhookEvent | None:
        return self.session.get(WebhookEvent, event_id)

    def _pending_of(self, event: WebhookEvent) -> Select[WebhookEvent]:
        return select(WebhookEvent).where(
            WebhookEvent.endpoint_id == event.endpoint_id,
            WebhookEvent.subject == event.subject,
            WebhookEvent.status == "pending",
        )

    def head_before(self, event: WebhookEvent) -> WebhookEvent | None:
        """The first undelivered event of the same subject and endpoint made before this one."""
        query = self._pending_of(event).where(WebhookEvent.seq < event.seq)
        return self.session.scalar(query.order_by(WebhookEvent.seq).limit(1))

    def next_after(self, event: WebhookEvent) -> WebhookEvent | None:
        query = self._pending_of(event).where(WebhookEvent.seq > event.seq)
        return self.session.scalar(query.order_by(WebhookEvent.seq).limit(1))

    def cancel_pending(self, endpoint_id: str, now: datetime) -> None:
        self.session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.endpoint_id == endpoint_id, WebhookEvent.status == "pending")
            .values(status="cancelled", finished_at=now)
        )

    def add_attempt(self, attempt: WebhookAttempt) -> None:
        self.session.add(attempt)
        self.session.flush()

    # -- the delivery log -----------------------------------------------------------------------

    def log(
        self, account_id: str | None, event_id: str | None, limit: int
    ) -> list[tuple[WebhookAttempt, WebhookEvent]]:
        """The latest attempts, newest first."""
        query = (
            select(WebhookAttempt, WebhookEvent)
            .join(WebhookEvent, WebhookEvent.id == WebhookAttempt.event_id)
            .order_by(WebhookAttempt.attempted_at.desc(), WebhookAttempt.id.desc())
            .limit(limit)
        )
        if account_id is not None:
            query = query.where(WebhookAttempt.account_id == account_id)
        if event_id is not None:
            query = query.where(WebhookAttempt.event_id == event_id)
        return [(row[0], row[1]) for row in self.session.execute(query)]

    def events(self, account_id: str | None, limit: int) -> list[WebhookEvent]:
        query = select(WebhookEvent).order_by(
            WebhookEvent.created_at.desc(), WebhookEvent.id.desc()
        )
        if account_id is not None:
            query = query.where(WebhookEvent.account_id == account_id)
        return list(self.session.scalars(query.limit(limit)))

    def purge_finished_before(self, cutoff: datetime) -> int:
        result = self.session.execute(
            delete(WebhookEvent).where(
                WebhookEvent.status != "pending", WebhookEvent.finished_at < cutoff
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
