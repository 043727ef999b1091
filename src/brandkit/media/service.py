"""Media: listing, and registering, updating and deleting what users upload."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import Principal
from brandkit.accounts.repository import AccountsRepository
from brandkit.config import Settings
from brandkit.db import after_commit, utcnow
from brandkit.kit.errors import InvalidInput, NotFound, invalid
from brandkit.kit.fetch import UrlFetcher
from brandkit.kit.ids import media_id
from brandkit.kit.mediatypes import MEDIA_KINDS, extension_fits, valid_pair
from brandkit.kit.pagination import Pager
from brandkit.kit.timeparse import to_unix
from brandkit.media.content import Checked, check_file, sniff_extension
from brandkit.media.models import Media
from brandkit.media.repository import DEFAULT_META, MEDIA, MEDIA_JSON, MediaRepository
from brandkit.media.schemas import (
    CreateMediaRequest,
    Deleted,
    DeleteMediaRequest,
    GenerateMediaRequest,
    GetMediaRequest,
    MediaMetaIn,
    MediaPage,
    MediaResource,
    OneMedia,
    UpdateMediaRequest,
)
from brandkit.storage.base import Storage
from brandkit.uploads import service as uploads

PAIR_MESSAGE = "Invalid type and subType combination"
EITHER_MESSAGE = "Either url or uploadUrl is required"


def render_media(media: Media, storage: Storage) -> MediaResource:
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
) -> MediaPage:
    if not valid_pair(request.type, request.subType):
        raise invalid("subType", "not a subType of this type", PAIR_MESSAGE)
    user = accounts.acting_user(session, principal, request.abstractUserId)
    ascending = request.sort == "ASC"
    pager = Pager.bound(
        MEDIA,
        settings.signing_key,
        "media",
        principal.account_id,
        user.id,
        request.sort,
        request.system,
        request.type,
        request.subType,
        request.mId,
        request.bId,
    )
    after = pager.after(request.cursor)
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
        presented=MEDIA_JSON.params(storage),
    )
    media, cursor = pager.json_page(
        rows, request.limit, MEDIA_JSON, storage, session.get_bind().dialect
    )
    return {"media": media, "cursor": cursor}


def create_media(
    session: Session,
    principal: Principal,
    request: CreateMediaRequest,
    storage: Storage,
    fetcher: UrlFetcher,
) -> OneMedia:
    if (request.url is None) == (request.uploadUrl is None):
        raise invalid("url", "give exactly one of url and uploadUrl", EITHER_MESSAGE)
    sub_type = request.subType or MEDIA_KINDS[request.type].sub_types[0]
    if not valid_pair(request.type, sub_type):
        raise invalid("subType", "not a subType of this type", PAIR_MESSAGE)
    user = accounts.acting_user(session, principal, request.abstractUserId)
    accounts.check_brand(session, principal.account_id, user.id, request.bId)
    mid = media_id()
    if request.uploadUrl is not None:
        checked, brand_id = _register_upload(session, principal, request, storage, mid)
    else:
        assert request.url is not None
        checked = _fetch(request.type, request.url, fetcher)
        storage.put_bytes(_media_key(mid, checked.extension), checked.data, checked.content_type)
        brand_id = request.bId
    workspace = AccountsRepository(session).personal_workspace(user.id)
    media = Media(
        id=mid,
        account_id=principal.account_id,
        user_id=user.id,
        workspace_id=workspace.id if workspace else None,
        brand_id=brand_id,
        media_type=request.type,
        sub_type=sub_type,
        system="USER",
        storage_key=_media_key(mid, checked.extension),
        file_name=f"{mid}.{checked.extension}",
        content_type=checked.content_type,
        size_bytes=len(checked.data),
        width=checked.width,
        height=checked.height,
        meta=_merged_meta(DEFAULT_META, request),
        created_at=utcnow(),
    )
    MediaRepository(session).add(media)
    return {"media": render_media(media, storage)}


def _media_key(mid: str, extension: str) -> str:
    return f"media/{mid}.{extension}"


def _register_upload(
    session: Session,
    principal: Principal,
    request: CreateMediaRequest,
    storage: Storage,
    mid: str,
) -> tuple[Checked, str | None]:
    assert request.uploadUrl is not None
    upload = uploads.claim(session, storage, principal.account_id, request.uploadUrl).upload
    if not extension_fits(request.type, upload.extension):
        raise invalid("type", f"a {upload.extension} upload cannot be {request.type} media")
    try:
        checked = check_file(storage.read_bytes(upload.key), upload.extension)
    except InvalidInput:
        # Not what it claimed to be: nothing is registered and the bytes are not kept.
        storage.delete(upload.key)
        raise
    target = _media_key(mid, checked.extension)
    if checked.extension == "svg":
        storage.put_bytes(target, checked.data, checked.content_type)
        storage.delete(upload.key)
    else:
        storage.move(upload.key, target, checked.content_type)
    uploads.registered(session, upload)
    return checked, request.bId or upload.brand_id


def _fetch(media_type: str, url: str, fetcher: UrlFetcher) -> Checked:
    data = fetcher.fetch(url).data
    extension = sniff_extension(data)
    if extension is None:
        raise invalid(
            "url", "not an image of a supported format", "The url does not serve an image"
        )
    if not extension_fits(media_type, extension):
        raise invalid("url", f"a {extension} file cannot be {media_type} media")
    return check_file(data, extension)


def _merged_meta(current: dict[str, Any], request: MediaMetaIn) -> dict[str, Any]:
    meta = {**DEFAULT_META, **current}
    if request.touchPosition is not None:
        changes = request.touchPosition.model_dump(exclude_unset=True, exclude_none=True)
        meta["touchPosition"] = {**meta["touchPosition"], **changes}
    if request.imagePreference is not None:
        changes = request.imagePreference.model_dump(exclude_unset=True)
        meta["imagePreference"] = {**meta["imagePreference"], **changes}
    if request.hueRotations is not None:
        meta["hueRotations"] = list(request.hueRotations)
    return meta


def update_media(
    session: Session, principal: Principal, request: UpdateMediaRequest, storage: Storage
) -> OneMedia:
    user = accounts.acting_user(session, principal, request.abstractUserId)
    media = MediaRepository(session).owned(principal.account_id, user.id, request.mId)
    if media is None:
        raise NotFound(f"Media not found: {request.mId}")
    # A new dict, so the JSON column sees the change.
    media.meta = _merged_meta(media.meta or {}, request)
    session.flush()
    return {"media": render_media(media, storage)}


def delete_media(
    session: Session, principal: Principal, request: DeleteMediaRequest, storage: Storage
) -> Deleted:
    """Soft-delete the media; their files are deleted once that is committed, so a deleted
    media's URL stops serving at once."""
    user = accounts.acting_user(session, principal, request.abstractUserId)
    ids = sorted(set(request.mIds))
    keys = MediaRepository(session).soft_delete(principal.account_id, user.id, ids, utcnow())

    def delete_files() -> None:
        for key in keys:
            storage.delete(key)

    after_commit(session, delete_files)
    return {"deletedCount": len(keys)}


def refuse_generation(request: GenerateMediaRequest) -> None:
    """media/generate: Brandkit renders designs, it does not paint pictures."""
    if not isinstance(request.prompt, str) or not request.prompt.strip():
        raise invalid("prompt", "a non-empty string", "Prompt is required and must be a string.")
    model = request.model or "auto"
    raise invalid(
        "model",
        "Brandkit ships no image generation model; media/generate is not available",
        f"Model '{model}' is not supported.",
    )
