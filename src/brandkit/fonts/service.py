"""Fonts: registering uploaded TrueType files, listing them, and the status of a request."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import Principal
from brandkit.config import Settings
from brandkit.db import utcnow
from brandkit.fonts.models import Font
from brandkit.fonts.parse import FontError, parse_font
from brandkit.fonts.repository import FONTS, FontsRepository
from brandkit.fonts.schemas import (
    CreateFontsRequest,
    FontResource,
    FontsPage,
    GetFontsRequest,
    RequestCreated,
)
from brandkit.kit.errors import invalid
from brandkit.kit.ids import new_uuid
from brandkit.kit.pagination import Pager
from brandkit.requests import service as requests
from brandkit.storage.base import Storage
from brandkit.uploads import service as uploads

INVALID_URL = "Invalid uploadedURL format"
REQUEST_KIND = "font"


def create_fonts(
    session: Session,
    principal: Principal,
    request: CreateFontsRequest,
    storage: Storage,
    editor_base_url: str,
) -> RequestCreated:
    """Parse each uploaded font and register them all, or none when one is not a font.

    The work is done inside the request; its outcome is recorded as a job so clients written for
    asynchronous processing poll get-request-status as they would anyway.
    """
    urls = [request.uploadedURL] if isinstance(request.uploadedURL, str) else request.uploadedURL
    for url in urls:
        if storage.key_from_upload_url(url) is None:
            raise invalid("uploadedURL", "not an upload URL of this server", INVALID_URL)
    claims = {}
    for url in urls:
        claimed = uploads.claim(session, storage, principal.account_id, url)
        if claimed.upload.media_type != "font":
            raise invalid("uploadedURL", "not a font upload", INVALID_URL)
        claims[claimed.upload.key] = claimed.upload
    user = accounts.acting_user(session, principal, None)
    now = utcnow()
    job = requests.create(
        session,
        account_id=principal.account_id,
        user_id=user.id,
        kind=REQUEST_KIND,
        params={"keys": list(claims)},
        now=now,
        editor_base_url=editor_base_url,
        announced=False,
    )
    job.started_at, job.queue_wait_ms, job.progress = now, 0, 100
    parsed = []
    failure = None
    for key, upload in claims.items():
        try:
            data = storage.read_bytes(key)
            parsed.append((upload, parse_font(data), hashlib.sha256(data).hexdigest()))
        except FontError as exc:
            failure = f"{key.rsplit('/', 1)[-1]}: {exc}"
            break
    repo = FontsRepository(session)
    made: list[FontResource] = []
    if failure is not None:
        # All or nothing, and a file that is not a font is not kept.
        for key, upload in claims.items():
            storage.delete(key)
            uploads.registered(session, upload)
        job.status, job.reason, job.finished_at = "failed", failure, now
    else:
        for upload, font, digest in parsed:
            # The same file uploaded again is the font already registered, not a second one.
            known = repo.same_file(principal.account_id, user.id, digest)
            if known is not None:
                storage.delete(upload.key)
                uploads.registered(session, upload)
                if render_font(known) not in made:
                    made.append(render_font(known))
                continue
            row = Font(
                id=new_uuid(),
                account_id=principal.account_id,
                user_id=user.id,
                source="user",
                name=font.family,
                style=font.style,
                classification=font.classification,
                storage_key="",
                content_hash=digest,
                created_at=now,
            )
            row.storage_key = f"fonts/{row.id}.ttf"
            storage.move(upload.key, row.storage_key, "font/ttf")
            uploads.registered(session, upload)
            repo.add(row)
            made.append(render_font(row))
        job.status, job.finished_at = "completed", now
        job.result = {"fonts": made}
    requests.announce(session, job, editor_base_url)
    return {"requestId": job.id}


def render_font(font: Font) -> FontResource:
    return {
        "id": font.id,
        "name": font.name,
        "style": font.style,
        "classification": font.classification,
    }


def list_fonts(
    session: Session, principal: Principal, request: GetFontsRequest, settings: Settings
) -> FontsPage:
    # A general key or login token sees its own user's fonts (and the system ones); a super or
    # enterprise key, the account's.
    only_user = None if principal.at_least("super") else principal.user_id
    pager = Pager.bound(
        FONTS,
        settings.signing_key,
        "fonts",
        principal.account_id,
        only_user,
        request.source,
        request.name,
        sorted(request.classification or []),
    )
    after = pager.after(request.cursor)
    rows = FontsRepository(session).page(
        account_id=principal.account_id,
        user_id=only_user,
        source=request.source,
        classifications=request.classification,
        name=request.name,
        after=after,
        limit=request.limit + 1,
    )
    page, cursor = pager.page(rows, request.limit)
    return {"data": [render_font(f) for f in page], "meta": {"cursor": cursor}}
