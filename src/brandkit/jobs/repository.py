"""Every query of the job queue."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from brandkit.db import after_commit
from brandkit.dialects import dialect_of
from brandkit.jobs.context import ClaimedJob
from brandkit.jobs.doorbell import DOORBELL
from brandkit.jobs.models import Job

_PERIODIC_NAMESPACE = uuid.UUID("7b4f6f0e-6c1a-4d8e-9a57-1c1b4c0d2f11")


class JobsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        account_id: str | None = None,
        max_attempts: int = 5,
        job_id: str | None = None,
        now: datetime,
        run_after: datetime | None = None,
    ) -> str:
        job_id = job_id or str(uuid.uuid4())
        after_commit(self.session, DOORBELL.ring)
        self.session.execute(
            insert(Job).values(
                id=job_id,
                account_id=account_id,
                kind=kind,
                payload=payload,
                status="queued",
                attempts=0,
                max_attempts=max_attempts,
                run_after=run_after or now,
                progress=0,
                created_at=now,
            )
        )
        return job_id

    def wake(self, job_id: str, now: datetime) -> None:
        """Make a queued job due now (what it waited for has happened)."""
        after_commit(self.session, DOORBELL.ring)
        self.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "queued", Job.run_after > now)
            .values(run_after=now)
        )

    def enqueue_periodic(self, kind: str, bucket: int, now: datetime) -> bool:
        """Enqueue this period's run unless any worker already has: the id is derived from the
        period, so concurrent schedulers collide on the primary key and one insert wins."""
        job_id = str(uuid.uuid5(_PERIODIC_NAMESPACE, f"{kind}:{bucket}"))
        values = {
            "id": job_id,
            "kind": kind,
            "payload": {},
            "status": "queued",
            "attempts": 0,
            "max_attempts": 1,
            "run_after": now,
            "progress": 0,
            "created_at": now,
        }
        ins = dialect_of(self.session).insert(Job)
        result = self.session.execute(ins.values(**values).on_conflict_do_nothing())
        return _rowcount(result) == 1

    def queue_by_kind(self, now: datetime) -> list[tuple[str, int, datetime]]:
        """(kind, jobs due or waiting, oldest creation) of the jobs not yet running."""
        rows = self.session.execute(
            select(Job.kind, func.count(), func.min(Job.created_at))
            .where(Job.status == "queued")
            .group_by(Job.kind)
        ).all()
        return [(kind, int(count), oldest) for kind, count, oldest in rows]

    def claim(self, token: str, now: datetime, lease: timedelta) -> ClaimedJob | None:
        """Take one due job, or one whose holder's lease expired, in a single statement.

        PostgreSQL: the inner SELECT locks the row with SKIP LOCKED, so concurrent workers pick
        different rows without waiting. SQLite: the caller's transaction holds the write lock
        (BEGIN IMMEDIATE), which makes the UPDATE ... RETURNING atomic across processes.
        """
        due = or_(
            and_(Job.status == "queued", Job.run_after <= now),
            and_(Job.status == "running", Job.lease_expires_at < now),
        )
        pick = (
            select(Job.id)
            .where(due)
            .order_by(Job.run_after)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        row = self.session.execute(
            update(Job)
            .where(Job.id == pick, due)
            .values(
                status="running",
                locked_by=token,
                lease_expires_at=now + lease,
                attempts=Job.attempts + 1,
            )
            .returning(
                Job.id,
                Job.kind,
                Job.account_id,
                Job.payload,
                Job.attempts,
                Job.max_attempts,
                Job.created_at,
            )
        ).one_or_none()
        if row is None:
            return None
        return ClaimedJob(
            id=row.id,
            kind=row.kind,
            account_id=row.account_id,
            payload=row.payload,
            attempts=row.attempts,
            max_attempts=row.max_attempts,
            token=token,
            created_at=row.created_at,
        )

    def _update_held(self, job: ClaimedJob, **values: Any) -> bool:
        """Update a job only while this claim still holds it: a worker whose lease was taken
        over changes nothing."""
        result = self.session.execute(
            update(Job)
            .where(Job.id == job.id, Job.locked_by == job.token, Job.status == "running")
            .values(**values)
        )
        return _rowcount(result) == 1

    def renew(self, job: ClaimedJob, now: datetime, lease: timedelta, progress: int) -> bool:
        return self._update_held(job, lease_expires_at=now + lease, progress=progress)

    def complete(self, job: ClaimedJob, now: datetime, progress: int) -> bool:
        return self._update_held(
            job,
            status="completed",
            finished_at=now,
            lease_expires_at=None,
            locked_by=None,
            progress=progress,
            last_error=None,
        )

    def retry(self, job: ClaimedJob, run_after: datetime, error: str) -> bool:
        return self._update_held(
            job,
            status="queued",
            run_after=run_after,
            lease_expires_at=None,
            locked_by=None,
            last_error=error,
        )

    def release(self, job: ClaimedJob, now: datetime) -> bool:
        """Give a job back unfinished (worker shutdown) without spending one of its attempts."""
        return self._update_held(
            job,
            status="queued",
            run_after=now,
            lease_expires_at=None,
            locked_by=None,
            attempts=Job.attempts - 1,
        )

    def fail(self, job: ClaimedJob, now: datetime, error: str) -> bool:
        return self._update_held(
            job,
            status="failed",
            finished_at=now,
            lease_expires_at=None,
            locked_by=None,
            last_error=error,
        )

    def get(self, job_id: str) -> Job | None:
        return self.session.get(Job, job_id)

    def delete_finished_before(self, cutoff: datetime) -> int:
        result = self.session.execute(
            delete(Job).where(Job.status.in_(("completed", "failed")), Job.finished_at < cutoff)
        )
        return _rowcount(result)


def _rowcount(result: Result[Any]) -> int:
    return int(cast(CursorResult[Any], result).rowcount)
