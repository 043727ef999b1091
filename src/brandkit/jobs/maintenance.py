"""Periodic maintenance run by the workers: user purge, export-file expiry, orphan uploads,
old job rows.

Each task deletes files before the rows that point at them: a crash in between leaves rows whose
files are already gone, which the next run deletes again (deleting a missing file is a no-op),
instead of files that nothing points at any more.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import Table, delete, select

import brandkit.models  # noqa: F401  (every table, so the purge sees each one that holds files)
from brandkit.accounts.models import User
from brandkit.db import Base, transaction, utcnow
from brandkit.jobs.context import JobContext
from brandkit.jobs.registry import periodic
from brandkit.jobs.repository import JobsRepository

log = logging.getLogger("brandkit.jobs")

HOURLY = 3600.0
PURGE_BATCH = 100
FINISHED_JOB_DAYS = 7


def _file_tables() -> list[Table]:
    """Tables whose rows belong to a user and point at a stored file (media, fonts, variants...,
    including those other domains add later)."""
    return [
        t
        for t in Base.metadata.tables.values()
        if "user_id" in t.c and "storage_key" in t.c and t.name != "users"
    ]


@periodic("user-purge", HOURLY)
def purge_deleted_users(ctx: JobContext) -> None:
    """Users soft-deleted more than ``user_purge_days`` ago: their files, then their rows (the
    foreign keys cascade from users to everything they own)."""
    cutoff = utcnow() - timedelta(days=ctx.settings.user_purge_days)
    while True:
        with transaction(ctx.sessions) as session:
            user_ids = list(
                session.scalars(
                    select(User.id)
                    .where(User.deleted_at.is_not(None), User.deleted_at < cutoff)
                    .limit(PURGE_BATCH)
                )
            )
            keys: list[str] = []
            for table in _file_tables():
                keys.extend(
                    session.scalars(
                        select(table.c.storage_key).where(table.c.user_id.in_(user_ids))
                    )
                )
        if not user_ids:
            return
        for key in keys:
            if key:
                ctx.storage.delete(key)
        with transaction(ctx.sessions, write=True) as session:
            session.execute(delete(User).where(User.id.in_(user_ids)))
        log.info("purged %d users and %d files", len(user_ids), len(keys))
        ctx.check()


@periodic("export-expiry", HOURLY)
def expire_exports(ctx: JobContext) -> None:
    from brandkit.exports.service import expire_files

    expire_files(ctx.sessions, ctx.storage, ctx.settings)


@periodic("partial-sweep", HOURLY)
def sweep_partial_exports(ctx: JobContext) -> None:
    from brandkit.exports.sink import sweep_partials

    # A partial file idle for a lease and then some belongs to a dead attempt.
    sweep_partials(ctx.storage, max(HOURLY, 10 * ctx.settings.job_lease_seconds))


@periodic("orphan-uploads", HOURLY)
def purge_orphans(ctx: JobContext) -> None:
    from brandkit.storage.service import purge_orphan_uploads

    with transaction(ctx.sessions, write=True) as session:
        purge_orphan_uploads(session, ctx.storage, ctx.settings, utcnow())


@periodic("job-cleanup", HOURLY)
def delete_old_jobs(ctx: JobContext) -> None:
    with transaction(ctx.sessions, write=True) as session:
        JobsRepository(session).delete_finished_before(utcnow() - timedelta(days=FINISHED_JOB_DAYS))
