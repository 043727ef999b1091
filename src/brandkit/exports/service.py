"""Bulk exports: creation rules (SPEC 5.2), the resource (5.3), download URLs and file expiry."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from brandkit.config import Settings
from brandkit.db import transaction, utcnow
from brandkit.exports.kinds import KINDS, ExportKind
from brandkit.exports.models import Export
from brandkit.exports.repository import ExportsRepository
from brandkit.exports.schemas import ExportCreate, ExportResource
from brandkit.jobs.repository import JobsRepository
from brandkit.kit.errors import FieldError, Forbidden, InvalidInput, NotFound, RateLimited
from brandkit.kit.ids import new_uuid
from brandkit.kit.pagination import Position
from brandkit.kit.signing import b64decode, b64encode, sign, verify
from brandkit.kit.timeparse import iso
from brandkit.storage.base import Storage
from brandkit.webhooks import service as webhooks

EXPORT_JOB = "export"
MAX_WINDOW = timedelta(days=31)
_EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
_LATEST = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# How long a client should wait before retrying when its account is at the running limit.
BUSY_RETRY_SECONDS = 30
_DOWNLOAD_PURPOSE = "export-download"


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _parse_date(value: str, field: str, errors: list[FieldError]) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        errors.append(FieldError(field, "must be an ISO 8601 date-time"))
        return None
    # A date-time without an offset is read as UTC. It must stay a date-time in every time zone
    # (the file name shows it in the account's), so the calendar's first and last days are out.
    try:
        utc = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not _EARLIEST <= utc <= _LATEST:
        errors.append(FieldError(field, "must be between 0001-01-02 and 9999-12-30"))
        return None
    return utc


def validate(session: Session, account_id: str, body: ExportCreate) -> dict[str, Any]:
    """Every rule of SPEC 5.2 at once; returns the filters as stored, or raises one 422 listing
    each violation."""
    errors: list[FieldError] = []
    f = body.filters
    filters: dict[str, Any] = {}
    kind = KINDS[body.exportType]
    if kind.window is not None:
        start = end = None
        if f is None or f.fromDate is None:
            errors.append(FieldError("filters.fromDate", "is required for activities exports"))
        else:
            start = _parse_date(f.fromDate, "filters.fromDate", errors)
        if f is None or f.toDate is None:
            errors.append(FieldError("filters.toDate", "is required for activities exports"))
        else:
            end = _parse_date(f.toDate, "filters.toDate", errors)
        if start is not None and end is not None:
            if start > end:
                errors.append(FieldError("filters.toDate", "must not be before fromDate"))
            elif end - start > MAX_WINDOW:
                errors.append(
                    FieldError("filters.toDate", "must be at most 31 days after fromDate")
                )
            filters["fromDate"] = iso(start)
            filters["toDate"] = iso(end)
        if f is not None and f.activityTypes is not None:
            for i, activity_type in enumerate(f.activityTypes):
                if not KEBAB.match(activity_type) or len(activity_type) > 64:
                    errors.append(
                        FieldError(f"filters.activityTypes.{i}", "must be a kebab-case type")
                    )
            filters["activityTypes"] = sorted(set(f.activityTypes))
    elif f is not None:
        for name in ("fromDate", "toDate", "activityTypes"):
            if getattr(f, name) is not None:
                errors.append(
                    FieldError(f"filters.{name}", "is allowed only for activities exports")
                )
    if f is not None and f.segmentId is not None:
        if not ExportsRepository(session).segment_exists(account_id, f.segmentId):
            errors.append(FieldError("filters.segmentId", "is not a segment of this account"))
        filters["segmentId"] = f.segmentId
    if errors:
        raise InvalidInput("The export request has validation errors", errors=errors)
    return filters


def file_name(kind: ExportKind, filters: dict[str, Any], created: datetime, tz: ZoneInfo) -> str:
    first, last = kind.file_dates(filters, created, tz)
    return f"{kind.name}-{first:%Y%m%d}-{last:%Y%m%d}"


def request_hash(raw: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)).hexdigest()


def create(
    session: Session,
    settings: Settings,
    account_id: str,
    body: ExportCreate,
    raw: dict[str, Any],
    idempotency_key: str | None,
) -> tuple[Export, bool]:
    """The new export and its job, in the request's transaction; (export, replayed)."""
    repo = ExportsRepository(session)
    digest = request_hash(raw)
    if idempotency_key is not None:
        if not 1 <= len(idempotency_key) <= 255:
            raise InvalidInput(
                errors=[FieldError("Idempotency-Key", "must be 1 to 255 characters")]
            )
        found = repo.by_idempotency_key(account_id, idempotency_key)
        if found is not None:
            return _replay(found, digest), True
    filters = validate(session, account_id, body)
    repo.lock_account(account_id)
    if repo.running_count(account_id) >= settings.export_max_running:
        raise RateLimited(
            f"Too many exports in progress (at most {settings.export_max_running}); "
            "retry when one has finished",
            headers={"Retry-After": str(BUSY_RETRY_SECONDS)},
        )
    now = utcnow()
    tz = zone(repo.account_timezone(account_id))
    export_id = new_uuid()
    job_id = new_uuid()
    export = Export(
        id=export_id,
        account_id=account_id,
        job_id=job_id,
        export_type=body.exportType,
        status="inProgress",
        progress=0,
        total=None,
        delimiter=body.delimiter,
        date_format=body.dateFormat,
        version=body.version,
        filters=filters,
        file_name=f"{file_name(KINDS[body.exportType], filters, now, tz)}-{export_id}",
        origin="api",
        idempotency_key=idempotency_key,
        request_hash=digest,
        created_at=now,
    )
    try:
        # A savepoint: a concurrent create with the same key loses here, not at commit.
        with session.begin_nested():
            repo.add(export)
    except IntegrityError:
        found = repo.by_idempotency_key(account_id, idempotency_key or "")
        if found is None:
            raise
        return _replay(found, digest), True
    JobsRepository(session).enqueue(
        EXPORT_JOB, {"exportId": export_id}, account_id=account_id, job_id=job_id, now=now
    )
    return export, False


def _replay(found: Export, digest: str) -> Export:
    if found.request_hash != digest:
        raise InvalidInput(
            "This Idempotency-Key was already used with a different request body",
            errors=[FieldError("Idempotency-Key", "was used with a different request body")],
        )
    return found


def get(session: Session, account_id: str, export_id: str) -> Export:
    export = ExportsRepository(session).get(account_id, export_id)
    if export is None:
        raise NotFound(f"Export not found: {export_id}")
    return export


# -- the outcome, and its webhook event --------------------------------------------------------


def finished(
    session: Session,
    settings: Settings,
    storage: Storage,
    export_id: str,
    written: tuple[str, int, datetime],
    now: datetime,
) -> None:
    """The export's file is published: (storage key, rows, when the snapshot was taken)."""
    key, rows, started = written
    if ExportsRepository(session).mark_finished(export_id, key, rows, started, now):
        _announce(session, settings, storage, export_id, now)


def errored(
    session: Session, settings: Settings, storage: Storage, export_id: str, error: str
) -> None:
    now = utcnow()
    if ExportsRepository(session).mark_error(export_id, error, now):
        _announce(session, settings, storage, export_id, now)


def _announce(
    session: Session, settings: Settings, storage: Storage, export_id: str, now: datetime
) -> None:
    export = ExportsRepository(session).by_id(export_id)
    assert export is not None
    session.refresh(export)
    webhooks.emit(
        session,
        account_id=export.account_id,
        family=webhooks.EXPORTS,
        subject=f"export:{export.id}",
        type=f"export.{export.status}",
        payload=dict(resource(export, settings, storage)),
        now=now,
    )


# -- the resource and its download URL --------------------------------------------------------


def resource(export: Export, settings: Settings, storage: Storage) -> ExportResource:
    expires_at = None
    if export.finished_at is not None and export.status == "finished":
        expires_at = export.finished_at + timedelta(days=settings.export_retention_days)
    expired = export.file_deleted_at is not None
    url = None
    if export.status == "finished" and not expired and export.storage_key:
        url = download_url(export, settings, storage)
    return {
        "id": export.id,
        "exportType": export.export_type,
        "status": export.status,
        "progress": export.progress,
        "total": export.total,
        "createdAt": iso(export.created_at),
        "finishedAt": iso(export.finished_at),
        "dateFormat": export.date_format,
        "delimiter": export.delimiter,
        "version": export.version,
        "filters": export.filters,
        "fileName": export.file_name,
        "fileExtension": "zip",
        "fileUrl": url,
        "fileExpiresAt": iso(expires_at),
        "expired": expired,
        "origin": export.origin,
    }


def download_url(export: Export, settings: Settings, storage: Storage) -> str:
    assert export.storage_key is not None
    seconds = settings.export_url_minutes * 60
    # An object store that serves its own files does so through a presigned GET; otherwise
    # Brandkit serves the file, behind a URL of its own signing.
    served = storage.download_url(export.storage_key, seconds, f"{export.file_name}.zip")
    if served is not None:
        return served
    expires = int(time.time()) + seconds
    sig = b64encode(sign(settings.signing_key, _DOWNLOAD_PURPOSE, _signed(export, expires)))
    base = settings.public_base_url.rstrip("/")
    return f"{base}/exports/{export.id}/file?expires={expires}&signature={sig}"


def _signed(export: Export, expires: int) -> bytes:
    return f"{export.id}\n{export.storage_key}\n{expires}".encode()


def check_download(
    session: Session, settings: Settings, export_id: str, expires: int, signature: str
) -> Export:
    """The export a signed download URL names, if the signature holds and has not expired."""
    export = ExportsRepository(session).by_id(export_id)
    try:
        sig = b64decode(signature)
    except ValueError:
        sig = b""
    if (
        export is None
        or export.storage_key is None
        or not verify(settings.signing_key, _DOWNLOAD_PURPOSE, _signed(export, expires), sig)
    ):
        raise Forbidden("The download signature does not match")
    if expires < time.time():
        raise Forbidden("The download URL has expired")
    if export.file_deleted_at is not None:
        raise NotFound("The export file has expired and was deleted")
    return export


# -- expiry -----------------------------------------------------------------------------------

EXPIRY_BATCH = 200


def expire_files(sessions: sessionmaker[Session], storage: Storage, settings: Settings) -> int:
    """Delete export files older than the retention period; the resource then says so."""
    cutoff = utcnow() - timedelta(days=settings.export_retention_days)
    done = 0
    while True:
        with transaction(sessions) as session:
            due = ExportsRepository(session).files_to_expire(cutoff, EXPIRY_BATCH)
        if not due:
            return done
        for export in due:
            if export.storage_key:
                storage.delete(export.storage_key)
        with transaction(sessions, write=True) as session:
            ExportsRepository(session).mark_file_deleted([e.id for e in due], utcnow())
        done += len(due)


def page(session: Session, account_id: str, limit: int, after: Position | None) -> list[Export]:
    return ExportsRepository(session).page(account_id, limit, after)
