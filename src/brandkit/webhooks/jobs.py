"""Webhook delivery on the job runner: one job per attempt, at least once, in order per subject.

An attempt signs the event anew (the timestamp is the sending time) and POSTs it through the
guarded sender; only a 2xx answer delivers it. A worker killed after the POST and before the
record makes the attempt again: the receiver sees the same ``webhook-id`` twice and keeps one.
"""

from __future__ import annotations

import time
from datetime import timedelta

import orjson
from sqlalchemy.orm import Session

from brandkit.config import Settings
from brandkit.db import transaction, utcnow
from brandkit.jobs.context import JobContext
from brandkit.jobs.registry import HOURLY, Finish, handler, periodic
from brandkit.kit.errors import InvalidInput
from brandkit.kit.fetch import UrlFetcher
from brandkit.webhooks import service, signing
from brandkit.webhooks.repository import WebhooksRepository
from brandkit.webhooks.service import DELIVER_JOB, Attempt

USER_AGENT = "Brandkit-Webhooks/1"


def _crashed(session: Session, ctx: JobContext, error: str) -> None:
    # The attempt itself kept failing (not the receiver): count it, and retry on the schedule.
    now = utcnow()
    attempt = Attempt("", now, None, f"delivery failed: {error}"[:500], 0)
    service.settle(session, ctx.settings, ctx.job.payload["eventId"], attempt, now)


def send(settings: Settings, url: str, secret: str, event_id: str, body: bytes) -> Attempt:
    started = time.perf_counter()
    at = utcnow()
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signing.sign(secret, event_id, timestamp, body),
    }
    status: int | None = None
    error: str | None = None
    try:
        # The URL is checked again here: its name may resolve elsewhere since registration.
        status = UrlFetcher.for_webhooks(settings).post(url, body, headers)
        if not 200 <= status < 300:
            error = f"the receiver answered HTTP {status}"
    except InvalidInput as exc:
        error = exc.errors[0].reason if exc.errors else exc.message
    duration = round((time.perf_counter() - started) * 1000)
    return Attempt(url, at, status, error, duration)


@handler(DELIVER_JOB, on_failure=_crashed, max_attempts=3)
def deliver(ctx: JobContext) -> Finish | None:
    event_id: str = ctx.job.payload["eventId"]
    with transaction(ctx.sessions) as session:
        repo = WebhooksRepository(session)
        found = repo.delivery(event_id)
        if found is None or found.event.status != "pending":
            return None
        if found.event.job_id != ctx.job.id:
            return None  # a superseded job of this event (its attempt was rescheduled)
        if found.url is None or found.secret is None or not found.key_live:
            return lambda s: service.cancel(s, event_id, utcnow())
        head = repo.head_before(found.event)
        if head is not None:
            after = head.next_attempt_at
            return lambda s: service.wait_behind(s, event_id, after, utcnow())
        url, secret = found.url, found.secret
        body = orjson.dumps(found.event.payload)
    ctx.check()
    attempt = send(ctx.settings, url, secret, event_id, body)

    def finish(session: Session) -> None:
        service.settle(session, ctx.settings, event_id, attempt, utcnow())

    return finish


@periodic("webhook-log-purge", HOURLY)
def purge_log(ctx: JobContext) -> None:
    cutoff = utcnow() - timedelta(days=ctx.settings.webhook_log_days)
    with transaction(ctx.sessions, write=True) as session:
        WebhooksRepository(session).purge_finished_before(cutoff)
