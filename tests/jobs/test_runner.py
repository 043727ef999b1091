"""The job runner: atomic claims, leases and takeover, retries with backoff, no double finish."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from brandkit.config import Settings
from brandkit.db import make_sessionmaker, transaction, utcnow
from brandkit.jobs import registry
from brandkit.jobs.context import JobContext
from brandkit.jobs.models import Job
from brandkit.jobs.repository import JobsRepository
from brandkit.jobs.runner import Worker, backoff

calls: Counter[str] = Counter()
finished: list[str] = []
failures: list[str] = []


@registry.handler("test-ok")
def _ok(ctx: JobContext) -> registry.Finish:
    calls[ctx.job.id] += 1

    def finish(session: Session) -> None:
        finished.append(ctx.job.id)

    return finish


def _record_failure(session: Session, ctx: JobContext, error: str) -> None:
    failures.append(ctx.job.payload["tag"])


@registry.handler("test-fail", on_failure=_record_failure, max_attempts=3)
def _fail(ctx: JobContext) -> None:
    calls[ctx.job.id] += 1
    raise RuntimeError("boom")


@registry.handler("test-slow")
def _slow(ctx: JobContext) -> None:
    for _ in range(int(ctx.job.payload["ticks"])):
        time.sleep(0.1)
        ctx.check()


def enqueue(engine: Engine, kind: str, n: int = 1, **payload: Any) -> list[str]:
    with transaction(make_sessionmaker(engine), write=True) as s:
        repo = JobsRepository(s)
        return [repo.enqueue(kind, dict(payload), now=utcnow()) for _ in range(n)]


def job(engine: Engine, job_id: str) -> Job:
    with transaction(make_sessionmaker(engine)) as s:
        row = s.get(Job, job_id)
        assert row is not None
        return row


def make_worker(app: FastAPI, clock: Callable[[], datetime] = utcnow, **changes: Any) -> Worker:
    settings: Settings = app.state.settings.model_copy(update=changes)
    return Worker(app.state.engine, settings, app.state.storage, clock=clock)


def test_a_job_runs_and_completes_once(app: FastAPI, engine: Engine) -> None:
    (job_id,) = enqueue(engine, "test-ok")
    w = make_worker(app)
    assert w.run_once()
    assert not w.run_once()
    assert calls[job_id] == 1
    assert finished.count(job_id) == 1
    row = job(engine, job_id)
    assert row.status == "completed"
    assert row.locked_by is None
    assert row.attempts == 1


def test_concurrent_workers_claim_each_job_exactly_once(app: FastAPI, engine: Engine) -> None:
    ids = set(enqueue(engine, "test-ok", 40))
    claims: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def claim_all() -> None:
        w = make_worker(app)
        start.wait()
        while (claimed := w.claim()) is not None:
            with lock:
                claims.append(claimed.id)

    threads = [threading.Thread(target=claim_all) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claims) == sorted(ids)
    assert len(set(claims)) == len(claims)


def test_failures_retry_with_backoff_then_fail_for_good(app: FastAPI, engine: Engine) -> None:
    tag = str(uuid.uuid4())
    (job_id,) = enqueue(engine, "test-fail", tag=tag)
    now = [utcnow()]
    w = make_worker(app, clock=lambda: now[0])
    assert w.run_once()
    row = job(engine, job_id)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error == "RuntimeError: boom"
    delay = (row.run_after - now[0]).total_seconds()
    assert 2 <= delay <= 2.2
    # Not due yet.
    assert not w.run_once()
    now[0] += timedelta(seconds=delay + 0.01)
    assert w.run_once()
    row = job(engine, job_id)
    assert row.attempts == 2
    assert 4 <= (row.run_after - now[0]).total_seconds() <= 4.4
    now[0] = row.run_after
    assert w.run_once()
    row = job(engine, job_id)
    assert row.status == "failed"
    assert row.attempts == 3
    assert failures.count(tag) == 1
    assert calls[job_id] == 3


def test_backoff_grows_and_is_capped() -> None:
    assert 2 <= backoff(1) <= 2.2
    assert 8 <= backoff(3) <= 8.8
    assert 3600 <= backoff(40) <= 3960


def test_expired_lease_is_taken_over_and_the_old_holder_cannot_finish(
    app: FastAPI, engine: Engine
) -> None:
    (job_id,) = enqueue(engine, "test-ok")
    now = [utcnow()]
    a = make_worker(app, clock=lambda: now[0], job_lease_seconds=30)
    b = make_worker(app, clock=lambda: now[0], job_lease_seconds=30)
    held = a.claim()
    assert held is not None
    # While the lease holds, nobody else gets the job.
    assert b.claim() is None
    now[0] += timedelta(seconds=31)
    taken = b.claim()
    assert taken is not None
    assert taken.id == job_id
    assert taken.attempts == 2
    # A's late finish is refused: its token no longer holds the job.
    sessions = make_sessionmaker(engine)
    with transaction(sessions, write=True) as s:
        assert not JobsRepository(s).complete(held, now[0], 0)
        assert not JobsRepository(s).renew(held, now[0], timedelta(seconds=30), 0)
    b.execute(taken)
    assert finished.count(job_id) == 1
    assert job(engine, job_id).status == "completed"


def test_a_job_whose_workers_keep_dying_is_failed(app: FastAPI, engine: Engine) -> None:
    tag = str(uuid.uuid4())
    (job_id,) = enqueue(engine, "test-fail", tag=tag)
    now = [utcnow()]
    w = make_worker(app, clock=lambda: now[0], job_lease_seconds=5)
    with transaction(make_sessionmaker(engine), write=True) as s:
        s.execute(text("UPDATE jobs SET max_attempts = 2 WHERE id = :id"), {"id": job_id})
    for _ in range(2):
        assert w.claim() is not None
        now[0] += timedelta(seconds=6)
    assert w.run_once()
    row = job(engine, job_id)
    assert row.status == "failed"
    assert "gave up" in (row.last_error or "")
    assert calls[job_id] == 0
    assert failures.count(tag) == 1


def test_heartbeat_keeps_a_long_job_leased(app: FastAPI, engine: Engine) -> None:
    # The job runs twice as long as its lease; renewals keep another worker from taking it.
    # (A 2 s lease: with 1 s, one renewal stalled a second on a loaded CI machine was a loss.)
    (job_id,) = enqueue(engine, "test-slow", ticks=40)
    a = make_worker(app, job_lease_seconds=2.0)
    b = make_worker(app, job_lease_seconds=2.0)
    runner = threading.Thread(target=a.run_once)
    runner.start()
    while job(engine, job_id).status != "running":
        time.sleep(0.01)
    stolen = []
    while runner.is_alive():
        got = b.claim()
        if got is not None:
            stolen.append(got)
        time.sleep(0.25)
    runner.join()
    assert stolen == []
    assert job(engine, job_id).status == "completed"


def test_stopping_hands_the_job_back_without_spending_an_attempt(
    app: FastAPI, engine: Engine
) -> None:
    (job_id,) = enqueue(engine, "test-slow", ticks=50)
    w = make_worker(app)
    runner = threading.Thread(target=w.run_once)
    runner.start()
    time.sleep(0.3)
    w.stopping.set()
    runner.join(timeout=5)
    row = job(engine, job_id)
    assert row.status == "queued"
    assert row.attempts == 0
    assert row.locked_by is None


def test_periodic_tasks_are_enqueued_once_per_period(app: FastAPI, engine: Engine) -> None:
    workers = [make_worker(app) for _ in range(3)]
    for w in workers:
        w.schedule_periodic()
    with transaction(make_sessionmaker(engine)) as s:
        kinds = list(s.scalars(select(Job.kind).where(Job.kind.like("periodic:%"))))
    assert sorted(kinds) == sorted({t.kind for t in registry.periodic_tasks()})
    assert "periodic:user-purge" in kinds
    assert "periodic:export-expiry" in kinds
    assert "periodic:orphan-uploads" in kinds
    # They run like any job.
    while workers[0].run_once():
        pass
    with transaction(make_sessionmaker(engine)) as s:
        statuses = set(s.scalars(select(Job.status).where(Job.kind.like("periodic:%"))))
    assert statuses == {"completed"}


@pytest.mark.parametrize("embedded", [True, False])
def test_embedded_worker_runs_in_the_server_process(
    settings: Settings, engine: Engine, embedded: bool
) -> None:
    from fastapi.testclient import TestClient

    from brandkit.app import create_app

    (job_id,) = enqueue(engine, "test-ok")
    app = create_app(
        settings.model_copy(update={"embedded_worker": embedded, "worker_poll_seconds": 0.05}),
        engine=engine,
    )
    with TestClient(app):
        deadline = time.monotonic() + (5 if embedded else 0.5)
        while time.monotonic() < deadline and job(engine, job_id).status != "completed":
            time.sleep(0.05)
    assert (job(engine, job_id).status == "completed") is embedded
