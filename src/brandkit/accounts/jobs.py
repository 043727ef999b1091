"""The accounts domain's periodic task: users soft-deleted past their window, purged with their
files.

Files are deleted before the rows that point at them: a crash in between leaves rows whose files
are already gone, which the next run deletes again (deleting a missing file is a no-op), instead
of files that nothing points at any more.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select

from brandkit.accounts.files import delete_everywhere, user_file_keys
from brandkit.accounts.models import User
from brandkit.db import transaction, utcnow
from brandkit.jobs.context import JobContext
from brandkit.jobs.registry import HOURLY, periodic

log = logging.getLogger("brandkit.jobs")

PURGE_BATCH = 100


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
            keys = user_file_keys(session, user_ids)
        if not user_ids:
            return
        delete_everywhere(ctx.storage, keys)
        with transaction(ctx.sessions, write=True) as session:
            session.execute(delete(User).where(User.id.in_(user_ids)))
        log.info("purged %d users and %d files", len(user_ids), len(keys))
        ctx.check()
