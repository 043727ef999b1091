"""The uploads domain's periodic task: uploads never registered, and cut-off PUTs, purged."""

from __future__ import annotations

from brandkit.db import transaction, utcnow
from brandkit.jobs.context import JobContext
from brandkit.jobs.registry import HOURLY, periodic
from brandkit.uploads.service import purge_orphan_uploads


@periodic("orphan-uploads", HOURLY)
def purge_orphans(ctx: JobContext) -> None:
    with transaction(ctx.sessions, write=True) as session:
        purge_orphan_uploads(session, ctx.storage, ctx.settings, utcnow())
