"""The worker: claims jobs, keeps their lease alive while they run, retries with backoff.

Any number of workers (threads, processes, machines) may run against one database. A job is held
through a per-claim token in ``locked_by``; every write about the job checks that token, so a
worker that stalled past its lease and was taken over can no longer complete, retry or fail it.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from brandkit.config import Settings
from brandkit.db import make_sessionmaker, transaction, utcnow
from brandkit.jobs import registry
from brandkit.jobs.context import ClaimedJob, Interrupted, JobContext, LeaseLost
from brandkit.jobs.doorbell import DOORBELL
from brandkit.jobs.repository import JobsRepository
from brandkit.kit.metrics import JOB_SECONDS
from brandkit.storage.base import Storage

log = logging.getLogger("brandkit.jobs")

RETRY_BASE_SECONDS = 2.0
RETRY_MAX_SECONDS = 3600.0


def backoff(attempt: int) -> float:
    """Seconds before retry ``attempt`` + 1: 2, 4, 8 ... capped at an hour, with 10% jitter so
    that jobs failing together do not retry in lockstep."""
    delay = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** max(0, attempt - 1))
    return float(delay * (1 + random.random() / 10))


def worker_name() -> str:
    return f"{socket.gethostname()[:24]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        storage: Storage,
        *,
        name: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        stopping: threading.Event | None = None,
    ) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = make_sessionmaker(engine)
        self.settings = settings
        self.storage = storage
        self.name = name or worker_name()
        self.clock = clock
        self.stopping = stopping or threading.Event()
        self.lease = timedelta(seconds=settings.job_lease_seconds)
        self._next_periodic: dict[str, float] = {}

    # -- the loop ------------------------------------------------------------------------------

    def run_forever(self) -> None:
        log.info("worker %s started", self.name)
        while not self.stopping.is_set():
            worked = False
            try:
                self.schedule_periodic()
                worked = self.run_once()
            except Exception:
                log.exception("worker %s: error outside a job", self.name)
            if not worked:
                DOORBELL.wait(self.settings.worker_poll_seconds, self.stopping)
        log.info("worker %s stopped", self.name)

    def run_once(self) -> bool:
        """Claim and run one job; False when none was due."""
        job = self.claim()
        if job is None:
            return False
        self.execute(job)
        return True

    def claim(self) -> ClaimedJob | None:
        token = f"{self.name[:40]}/{uuid.uuid4().hex[:16]}"
        with transaction(self.sessions, write=True) as session:
            return JobsRepository(session).claim(token, self.clock(), self.lease)

    def schedule_periodic(self) -> None:
        now = time.monotonic()
        for task in registry.periodic_tasks():
            if self._next_periodic.get(task.name, 0.0) > now:
                continue
            self._next_periodic[task.name] = now + task.every_seconds
            bucket = int(self.clock().timestamp() // task.every_seconds)
            with transaction(self.sessions, write=True) as session:
                JobsRepository(session).enqueue_periodic(task.kind, bucket, self.clock())

    # -- one job -------------------------------------------------------------------------------

    def execute(self, job: ClaimedJob) -> None:
        kind = registry.kind(job.kind)
        ctx = JobContext(
            job=job,
            engine=self.engine,
            sessions=self.sessions,
            settings=self.settings,
            storage=self.storage,
            stopping=self.stopping,
        )
        if kind is None:
            self._fail(ctx, None, f"no handler for job kind {job.kind!r}")
            return
        if job.attempts > job.max_attempts:
            # Its holders kept dying (the lease expired each time): stop trying.
            self._fail(ctx, kind, "gave up: the job's workers stopped before finishing it")
            return
        done = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(ctx, done), daemon=True)
        beat.start()
        started = time.perf_counter()
        log.info(
            "job %s (%s) attempt %d started",
            job.id,
            job.kind,
            job.attempts,
            extra={"job_id": job.id, "kind": job.kind, "outcome": "started"},
        )
        outcome = "failed"
        try:
            finish = kind.run(ctx)
            ctx.check()
            outcome = "completed"
        except LeaseLost:
            outcome = "lease-lost"
            log.warning("job %s: lease lost to another worker; dropping this attempt", job.id)
            self._cleanup(ctx)
            return
        except Interrupted:
            outcome = "interrupted"
            self._cleanup(ctx)
            with transaction(self.sessions, write=True) as session:
                JobsRepository(session).release(job, self.clock())
            return
        except Exception as exc:
            log.exception(
                "job %s (%s) attempt %d failed",
                job.id,
                job.kind,
                job.attempts,
                extra={"job_id": job.id, "kind": job.kind, "outcome": "failed"},
            )
            self._cleanup(ctx)
            error = f"{type(exc).__name__}: {exc}"[:2000]
            if job.attempts < min(job.max_attempts, kind.max_attempts):
                run_after = self.clock() + timedelta(seconds=backoff(job.attempts))
                with transaction(self.sessions, write=True) as session:
                    JobsRepository(session).retry(job, run_after, error)
            else:
                self._fail(ctx, kind, error)
            return
        finally:
            done.set()
            beat.join()
            seconds = time.perf_counter() - started
            JOB_SECONDS.labels(job.kind, outcome).observe(seconds)
        if not self._complete(ctx, finish):
            self._cleanup(ctx)
            return
        log.info(
            "job %s (%s) finished in %.2fs",
            job.id,
            job.kind,
            seconds,
            extra={
                "job_id": job.id,
                "kind": job.kind,
                "outcome": "finished",
                "duration_ms": round(seconds * 1000, 2),
            },
        )

    def _complete(self, ctx: JobContext, finish: registry.Finish | None) -> bool:
        with transaction(self.sessions, write=True) as session:
            if not JobsRepository(session).complete(ctx.job, self.clock(), ctx.progress):
                # Whoever holds the job now will publish its own result.
                log.warning("job %s: lease lost before completion; not publishing", ctx.job.id)
                return False
            if finish is not None:
                finish(session)
        return True

    def _cleanup(self, ctx: JobContext) -> None:
        for cleanup in ctx.cleanups:
            try:
                cleanup()
            except Exception:
                log.exception("job %s: cleanup failed", ctx.job.id)

    def _fail(self, ctx: JobContext, kind: registry.JobKind | None, error: str) -> None:
        with transaction(self.sessions, write=True) as session:
            if not JobsRepository(session).fail(ctx.job, self.clock(), error):
                return
            if kind is not None and kind.on_failure is not None:
                kind.on_failure(session, ctx, error)

    def _heartbeat(self, ctx: JobContext, done: threading.Event) -> None:
        # A third of the lease: two renewals can fail (a slow database) before it expires.
        interval = min(1.0, self.lease.total_seconds() / 3)
        while not done.wait(interval):
            try:
                with transaction(self.sessions, write=True) as session:
                    held = JobsRepository(session).renew(
                        ctx.job, self.clock(), self.lease, ctx.progress
                    )
                    if held:
                        for hook in ctx.heartbeat_hooks:
                            hook(session)
                if not held:
                    ctx.lost.set()
                    return
            except Exception:
                log.exception("job %s: heartbeat failed", ctx.job.id)


def run_worker(settings: Settings, engine: Engine, storage: Storage) -> None:
    """``brandkit worker``: run until SIGINT/SIGTERM, then hand the current job back."""
    import signal

    worker = Worker(engine, settings, storage)

    def stop(_signum: int, _frame: object) -> None:
        worker.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    worker.run_forever()
