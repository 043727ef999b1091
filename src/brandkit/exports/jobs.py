"""The exports domain's jobs: the export itself (one snapshot of the account's rows, streamed
into a ZIP in storage), file expiry, and the sweep of dead attempts' partial files."""

from __future__ import annotations

from sqlalchemy.orm import Session

from brandkit.db import transaction, utcnow
from brandkit.exports.archive import zip_member
from brandkit.exports.kinds import KINDS
from brandkit.exports.repository import ExportsRepository
from brandkit.exports.service import EXPORT_JOB, errored, expire_files, finished, zone
from brandkit.exports.snapshot import ExportSpec
from brandkit.exports.writer import write_csv
from brandkit.jobs.context import JobContext
from brandkit.jobs.registry import HOURLY, Finish, handler, periodic
from brandkit.kit.metrics import EXPORT_ROWS

ZIP_TYPE = "application/zip"


def _mark_error(session: Session, ctx: JobContext, error: str) -> None:
    errored(session, ctx.settings, ctx.storage, ctx.job.payload["exportId"], error)


@handler(EXPORT_JOB, on_failure=_mark_error, max_attempts=5)
def run_export(ctx: JobContext) -> Finish | None:
    export_id: str = ctx.job.payload["exportId"]
    with transaction(ctx.sessions) as session:
        repo = ExportsRepository(session)
        export = repo.by_id(export_id)
        if export is None or export.status != "inProgress":
            return None
        timezone = repo.account_timezone(export.account_id)
    spec = ExportSpec(
        account_id=export.account_id,
        kind=KINDS[export.export_type],
        version=export.version,
        delimiter=export.delimiter,
        date_format=export.date_format,
        filters=export.filters,
        timezone=zone(timezone),
        neutralise=ctx.settings.csv_neutralise_formulas,
        batch_rows=ctx.settings.export_batch_rows,
        batch_sleep=ctx.settings.export_batch_sleep_seconds,
    )
    # Each attempt has its own key: the one that completes publishes its key in the same
    # transaction that marks the job done, so a stalled attempt can never replace the file.
    attempt = ctx.job.token.rsplit("/", 1)[-1]
    key = f"exports/{export.account_id}/{export.id}/{attempt}/{export.file_name}.zip"
    counts: dict[str, int | None] = {"total": None}

    def publish_progress(session: Session) -> None:
        ExportsRepository(session).set_progress(export_id, ctx.progress, counts["total"])

    def progress(done: int, total: int) -> None:
        ctx.progress = done
        counts["total"] = total
        ctx.check()

    ctx.heartbeat_hooks.append(publish_progress)
    ctx.cleanups.append(lambda: ctx.storage.delete(key))
    with (
        ctx.storage.open_writer(key, ZIP_TYPE) as raw,
        zip_member(raw, f"{export.export_type}.csv", utcnow().astimezone(spec.timezone)) as entry,
    ):
        written = write_csv(ctx.engine, spec, entry, progress)

    EXPORT_ROWS.labels(export.export_type).inc(written.rows)

    def finish(session: Session) -> None:
        finished(
            session,
            ctx.settings,
            ctx.storage,
            export_id,
            (key, written.rows, written.started),
            utcnow(),
        )

    return finish


@periodic("export-expiry", HOURLY)
def expire_exports(ctx: JobContext) -> None:
    expire_files(ctx.sessions, ctx.storage, ctx.settings)


@periodic("partial-sweep", HOURLY)
def sweep_partial_exports(ctx: JobContext) -> None:
    # A partial file idle for a lease and then some belongs to a dead attempt.
    ctx.storage.sweep_partials("exports/", max(HOURLY, 10 * ctx.settings.job_lease_seconds))
