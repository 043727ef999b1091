"""The runner's own upkeep: finished job rows are kept a week, for inspection, then deleted."""

from __future__ import annotations

from datetime import timedelta

from brandkit.db import transaction, utcnow
from brandkit.jobs.context import JobContext
from brandkit.jobs.registry import HOURLY, periodic
from brandkit.jobs.repository import JobsRepository

FINISHED_JOB_DAYS = 7


@periodic("job-cleanup", HOURLY)
def delete_old_jobs(ctx: JobContext) -> None:
    with transaction(ctx.sessions, write=True) as session:
        JobsRepository(session).delete_finished_before(utcnow() - timedelta(days=FINISHED_JOB_DAYS))
