"""Presigned uploads: granting them, claiming them when registered, purging the abandoned."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import Principal
from brandkit.config import Settings
from brandkit.db import transaction, utcnow
from brandkit.kit.errors import BadRequest, PayloadTooLarge, invalid
from brandkit.kit.mediatypes import CONTENT_TYPES, content_type_fits, extension_fits
from brandkit.storage.base import UPLOAD_PREFIX, Storage
from brandkit.uploads.models import Upload
from brandkit.uploads.repository import UploadsRepository
from brandkit.uploads.schemas import Presigned, PresignRequest

log = logging.getLogger(__name__)

UPLOAD_NOT_FOUND = (
    "Uploaded file not found in S3. Ensure the upload to the presigned URL completed successfully."
)
_PURGE_BATCH = 500


def max_bytes_for(settings: Settings, media_type: str) -> int:
    return settings.font_max_bytes if media_type == "font" else settings.upload_max_bytes


def presign(
    session: Session,
    principal: Principal,
    request: PresignRequest,
    settings: Settings,
    storage: Storage,
) -> Presigned:
    ext = request.extension
    if not extension_fits(request.type, ext):
        raise invalid("extension", f"{ext} is not an extension of type {request.type}")
    content_type = (request.contentType or CONTENT_TYPES[ext]).strip()
    if not content_type_fits(ext, content_type):
        raise invalid("contentType", f"{content_type} does not match the extension {ext}")
    user = accounts.acting_user(session, principal, request.abstractUserId)
    accounts.check_brand(session, principal.account_id, user.id, request.bId)
    file_name = f"{secrets.token_urlsafe(16)}.{ext}"
    key = UPLOAD_PREFIX + file_name
    max_bytes = max_bytes_for(settings, request.type)
    if request.contentLength is not None:
        if request.contentLength > max_bytes:
            raise PayloadTooLarge(f"The upload may be at most {max_bytes} bytes")
        max_bytes = request.contentLength
    now = utcnow()
    UploadsRepository(session).add(
        Upload(
            key=key,
            account_id=principal.account_id,
            user_id=user.id,
            media_type=request.type,
            extension=ext,
            content_type=content_type,
            max_bytes=max_bytes,
            brand_id=request.bId,
            expires_at=now + timedelta(seconds=request.expiresIn),
            created_at=now,
        )
    )
    headers = {"Content-Type": content_type}
    if request.contentLength is not None:
        headers["Content-Length"] = str(request.contentLength)
    url = storage.presign_put(
        key, content_type, max_bytes, request.expiresIn, content_length=request.contentLength
    )
    return {
        "uploadUrl": url,
        "method": "PUT",
        "headers": headers,
        "expiresIn": request.expiresIn,
        "fileName": file_name,
    }


@dataclass(frozen=True)
class Claimed:
    upload: Upload
    size: int


def claim(session: Session, storage: Storage, account_id: str, url: str) -> Claimed:
    """The caller's completed upload behind ``url``; 400 when it is someone else's or absent."""
    key = storage.key_from_upload_url(url)
    upload = UploadsRepository(session).pending(account_id, key) if key else None
    if upload is None:
        raise BadRequest(UPLOAD_NOT_FOUND)
    size = storage.size(upload.key)
    if size is None:
        raise BadRequest(UPLOAD_NOT_FOUND)
    if size > upload.max_bytes:
        # S3 presigned PUTs cannot bound the size, so it is enforced here, on registration.
        storage.delete(upload.key)
        raise PayloadTooLarge(f"The upload is larger than {upload.max_bytes} bytes")
    return Claimed(upload, size)


def accepts_put(sessions: sessionmaker[Session], key: str) -> bool:
    """Whether a PUT may still deliver ``key`` (granted and not yet registered), in a unit of
    work of its own: the PUT target holds no database connection while a body arrives."""
    with transaction(sessions) as session:
        return UploadsRepository(session).accepts_put(key)


def registered(session: Session, upload: Upload) -> None:
    """The upload became media or a font (or was refused and deleted): its URL is spent."""
    UploadsRepository(session).mark_registered(upload.key, utcnow())


def purge_orphan_uploads(
    session: Session, storage: Storage, settings: Settings, now: datetime
) -> int:
    """Delete uploads never registered within ``orphan_upload_hours``, and what PUTs and other
    writes that a crash cut off left behind (idle as long); returns how many."""
    cutoff = now - timedelta(hours=settings.orphan_upload_hours)
    repo = UploadsRepository(session)
    purged = 0
    while True:
        rows = repo.created_before(cutoff, _PURGE_BATCH)
        for row in rows:
            # A registered row's key holds nothing, unless a late PUT a store could not refuse
            # (S3) put something there: deleted alike.
            storage.delete(row.key)
            repo.remove(row.key)
        purged += sum(1 for row in rows if row.registered_at is None)
        if len(rows) < _PURGE_BATCH:
            break
    purged += storage.sweep_partials(UPLOAD_PREFIX, settings.orphan_upload_hours * 3600)
    if purged:
        log.info("purged %d orphan uploads", purged)
    return purged
