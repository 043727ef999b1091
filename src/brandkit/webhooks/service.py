"""Webhooks (SPEC 9): one URL per API key and family, events recorded in the transaction that
makes the change they announce, delivered by the job runner (``webhooks/jobs.py``).

A key's webhook receives the events of what that key can read: a general key those of its own
user's requests, a super or enterprise key those of every request of its account; any export key
those of every export of its account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from brandkit.accounts.auth import Principal
from brandkit.config import Settings
from brandkit.jobs.repository import JobsRepository
from brandkit.kit.errors import Forbidden, InvalidInput, invalid
from brandkit.kit.fetch import UrlFetcher
from brandkit.kit.ids import short_id
from brandkit.webhooks import signing
from brandkit.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookEvent
from brandkit.webhooks.repository import WebhooksRepository

DELIVER_JOB = "webhook.deliver"
REQUESTS, EXPORTS = "requests", "exports"
_MAX_URL = 2048


def check_url(settings: Settings, url: str, field: str, message: str) -> None:
    """A URL the sender may POST to (http or https, and public unless the operator allows its
    own network): checked at registration and again before every delivery."""
    if len(url) > _MAX_URL:
        raise invalid(field, f"must be at most {_MAX_URL} characters", message)
    try:
        UrlFetcher.for_webhooks(settings).check(url)
    except InvalidInput as exc:
        reason = exc.errors[0].reason if exc.errors else exc.message
        raise invalid(field, reason, message) from None


def register(
    session: Session,
    settings: Settings,
    principal: Principal,
    family: str,
    url: str | None,
    now: datetime,
) -> WebhookEndpoint:
    """Set (or, with ``None``, remove) the key's URL for ``family``. Each setting makes a new
    secret, returned once on the endpoint; removal cancels the deliveries still pending."""
    if principal.via_access_token:
        raise Forbidden("Webhooks are set with an API key, not a login token")
    repo = WebhooksRepository(session)
    endpoint = repo.endpoint(principal.key_id, family)
    if url is None:
        if endpoint is not None and endpoint.url is not None:
            endpoint.url, endpoint.secret, endpoint.updated_at = None, None, now
            repo.cancel_pending(endpoint.id, now)
        return endpoint or WebhookEndpoint(family=family, url=None, secret=None)
    secret = signing.new_secret()
    if endpoint is None:
        endpoint = WebhookEndpoint(
            id="wh_" + short_id(),
            account_id=principal.account_id,
            key_id=principal.key_id,
            family=family,
            url=url,
            secret=secret,
            created_at=now,
            updated_at=now,
        )
        repo.add_endpoint(endpoint)
    else:
        # Deliveries still pending go to the new URL, signed with the new secret.
        endpoint.url, endpoint.secret, endpoint.updated_at = url, secret, now
    session.flush()
    return endpoint


def current(session: Session, principal: Principal, family: str) -> WebhookEndpoint | None:
    endpoint = WebhooksRepository(session).endpoint(principal.key_id, family)
    return endpoint if endpoint is not None and endpoint.url is not None else None


def emit(
    session: Session,
    *,
    account_id: str,
    family: str,
    subject: str,
    type: str,
    payload: dict[str, Any],
    now: datetime,
    user_id: str | None = None,
) -> int:
    """Record the event for every endpoint subscribed to it, each with its delivery job; in the
    caller's transaction, so an event exists exactly when the change it announces committed."""
    repo = WebhooksRepository(session)
    jobs = JobsRepository(session)
    endpoints = repo.subscribers(account_id, family, user_id)
    for endpoint in endpoints:
        event_id = signing.message_id()
        job_id = jobs.enqueue(
            DELIVER_JOB, {"eventId": event_id}, account_id=account_id, max_attempts=3, now=now
        )
        repo.add_event(
            WebhookEvent(
                id=event_id,
                endpoint_id=endpoint.id,
                account_id=account_id,
                subject=subject,
                seq=repo.next_seq(endpoint.id, subject),
                type=type,
                payload=payload,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                job_id=job_id,
                created_at=now,
            )
        )
    return len(endpoints)


# -- the outcome of an attempt -----------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    url: str
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.error is None


def next_attempt_at(
    created: datetime, attempts: int, now: datetime, schedule: list[float], window: float
) -> datetime | None:
    """When to try again after ``attempts`` failed ones, or None once the window has closed
    (a last attempt is made at its close when the schedule would overshoot it)."""
    deadline = created + timedelta(seconds=window)
    if now >= deadline:
        return None
    delay = schedule[min(attempts - 1, len(schedule) - 1)]
    return min(now + timedelta(seconds=delay), deadline)


def settle(
    session: Session, settings: Settings, event_id: str, attempt: Attempt | None, now: datetime
) -> None:
    """Record an attempt and what follows from it: delivered, another attempt scheduled, or
    given up; a finished event lets the next one of its subject go (wakes its job)."""
    repo = WebhooksRepository(session)
    event = repo.event(event_id)
    if event is None or event.status != "pending":
        return
    if attempt is not None:
        repo.add_attempt(
            WebhookAttempt(
                event_id=event.id,
                account_id=event.account_id,
                attempted_at=attempt.at,
                url=attempt.url,
                status_code=attempt.status_code,
                error=attempt.error,
                duration_ms=attempt.duration_ms,
            )
        )
        event.attempts += 1
        event.last_error = attempt.error
        if attempt.delivered:
            event.status, event.finished_at = "delivered", now
    if event.status == "pending":
        when = next_attempt_at(
            event.created_at,
            max(1, event.attempts),
            now,
            settings.webhook_retry_seconds,
            settings.webhook_retry_window_seconds,
        )
        if when is not None:
            _schedule(session, event, when, now)
            return
        event.status, event.finished_at = "failed", now
    _release_next(session, event, now)


def _schedule(session: Session, event: WebhookEvent, when: datetime, now: datetime) -> None:
    """The event's next attempt: a new job due at ``when`` (the one running now completes)."""
    event.next_attempt_at = when
    event.job_id = JobsRepository(session).enqueue(
        DELIVER_JOB,
        {"eventId": event.id},
        account_id=event.account_id,
        max_attempts=3,
        now=now,
        run_after=when,
    )
    session.flush()


def _release_next(session: Session, event: WebhookEvent, now: datetime) -> None:
    """The event is finished: the next one of its subject need not wait any longer."""
    session.flush()
    following = WebhooksRepository(session).next_after(event)
    if following is not None and following.job_id is not None:
        JobsRepository(session).wake(following.job_id, now)


def wait_behind(session: Session, event_id: str, head_due: datetime, now: datetime) -> None:
    """The event waits for an earlier one of its subject: its job comes back after the head's
    next attempt (or sooner, woken when the head finishes)."""
    event = WebhooksRepository(session).event(event_id)
    if event is None or event.status != "pending":
        return
    _schedule(session, event, max(now, head_due) + timedelta(seconds=1), now)


def cancel(session: Session, event_id: str, now: datetime) -> None:
    """The endpoint lost its URL or its key: the event will not be sent."""
    event = WebhooksRepository(session).event(event_id)
    if event is None or event.status != "pending":
        return
    event.status, event.finished_at = "cancelled", now
    _release_next(session, event, now)


# -- what the CLI shows ------------------------------------------------------------------------


def endpoint_rows(session: Session, account_id: str | None) -> list[dict[str, str]]:
    return [
        {
            "endpoint": e.id,
            "account": e.account_id,
            "key": e.key_id,
            "family": e.family,
            "url": e.url or "(removed)",
            "updated": e.updated_at.isoformat(timespec="seconds"),
        }
        for e in WebhooksRepository(session).endpoints(account_id)
    ]


def log_rows(
    session: Session, account_id: str | None, event_id: str | None, limit: int
) -> list[dict[str, str]]:
    """The delivery log, newest attempt first: each attempt with its event and outcome."""
    return [
        {
            "at": a.attempted_at.isoformat(timespec="milliseconds"),
            "event": e.id,
            "type": e.type,
            "subject": e.subject,
            "url": a.url,
            "answer": str(a.status_code) if a.status_code is not None else "-",
            "error": a.error or "",
            "ms": str(a.duration_ms),
            "event_status": e.status,
        }
        for a, e in WebhooksRepository(session).log(account_id, event_id, limit)
    ]
