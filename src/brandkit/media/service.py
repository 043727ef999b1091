"""Media: listing (this issue) and, with the uploads issue, create/update/delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import Principal
from brandkit.config import Settings
from brandkit.kit.cursors import decode_cursor, encode_cursor, time_from_position, time_position
from brandkit.kit.errors import invalid
from brandkit.kit.timeparse import to_unix
from brandkit.media.models import Media
from brandkit.media.repository import MediaRepository
from brandkit.media.schemas import GetMediaRequest
from brandkit.media.types import valid_pair
from brandkit.storage.base import Storage

PAIR_MESSAGE = "Invalid type and subType combination"

DEFAULT_META: dict[str, Any] = {
    "touchPosition": {
        "left": False,
        "right": False,
        "bottom": False,
        "top": False,
        "center": False,
    },
    "imagePreference": {"crop": None, "removeBg": None, "enhancement": None},
    "hueRotations": [],
    "logoStyle": [],
}


def render_media(media: Media, storage: Storage) -> dict[str, Any]:
    meta = {**DEFAULT_META, **(media.meta or {})}
    return {
        "mId": media.id,
        "bId": media.brand_id,
        "type": media.media_type,
        "subType": media.sub_type,
        "system": media.system,
        "url": storage.public_url(media.storage_key),
        "createdOn": to_unix(media.created_at),
        "meta": meta,
    }


def list_media(
    session: Session,
    principal: Principal,
    request: GetMediaRequest,
    settings: Settings,
    storage: Storage,
) -> dict[str, Any]:
    if not valid_pair(request.type, request.subType):
        raise invalid("subType", "not a subType of this type", PAIR_MESSAGE)
    user = accounts.acting_user(session, principal, request.abstractUserId)
    ascending = request.sort == "ASC"
    context = f"media:{principal.account_id}:{request.sort}:{request.system}"
    after = None
    if request.cursor is not None:
        after = time_from_position(decode_cursor(settings.signing_key, context, request.cursor))
    rows = MediaRepository(session).page(
        account_id=principal.account_id,
        user_id=user.id,
        system=request.system,
        media_type=request.type,
        sub_type=request.subType,
        media_id=request.mId,
        brand_id=request.bId,
        after=after,
        ascending=ascending,
        limit=request.limit + 1,
    )
    page = rows[: request.limit]
    cursor = None
    if len(rows) > request.limit:
        last = page[-1]
        cursor = encode_cursor(
            settings.signing_key, context, time_position(last.created_at, last.id)
        )
    return {"media": [render_media(m, storage) for m in page], "cursor": cursor}
