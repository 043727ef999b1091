"""Every query of the media domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, select, update
from sqlalchemy.orm import Session

from brandkit.db import AnyRow
from brandkit.kit.json_rows import RowJson, public_url, unix_seconds, with_defaults
from brandkit.kit.pagination import Keyset, Position
from brandkit.media.models import Media

MEDIA = Keyset(Media.created_at, Media.id)

# What a media resource's meta holds where the stored meta says nothing.
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

# A media resource as media/get writes it (``service.render_media`` in SQL).
MEDIA_JSON = RowJson(
    mId=Media.id,
    bId=Media.brand_id,
    type=Media.media_type,
    subType=Media.sub_type,
    system=Media.system,
    url=public_url(Media.storage_key),
    createdOn=unix_seconds(Media.created_at),
    meta=with_defaults(Media.meta, DEFAULT_META),
)


@cache
def _media_page_query(
    system: bool,
    by_type: bool,
    by_sub_type: bool,
    by_id: bool,
    by_brand: bool,
    seeking: bool,
    ascending: bool,
) -> Select[*tuple[Any, ...]]:
    """One prebuilt statement per shape of media/get, values bound at execution (as
    ``designs.repository`` does for variants: building it costs more than running it)."""
    query = select(*MEDIA_JSON.columns(), *MEDIA.position_columns()).where(
        Media.deleted_at.is_(None), Media.system == bindparam("system")
    )
    if system:
        # Built-in stock is shared (account null); an account may also carry its own.
        query = query.where(
            or_(Media.account_id.is_(None), Media.account_id == bindparam("account_id"))
        )
    else:
        query = query.where(
            Media.account_id == bindparam("account_id"), Media.user_id == bindparam("user_id")
        )
    for wanted, column, name in (
        (by_type, Media.media_type, "media_type"),
        (by_sub_type, Media.sub_type, "sub_type"),
        (by_id, Media.id, "media_id"),
        (by_brand, Media.brand_id, "brand_id"),
    ):
        if wanted:
            query = query.where(column == bindparam(name))
    return MEDIA.seek_bound(query, seeking=seeking, descending=not ascending)


class MediaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self,
        *,
        account_id: str,
        user_id: str,
        system: str,
        media_type: str | None,
        sub_type: str | None,
        media_id: str | None,
        brand_id: str | None,
        after: Position | None,
        ascending: bool,
        limit: int,
        presented: dict[str, object],
    ) -> Sequence[AnyRow]:
        """Rows of ``MEDIA_JSON`` and the keyset position; ``presented`` binds the JSON's
        parameters (``RowJson.params``)."""
        query = _media_page_query(
            system == "SYSTEM",
            media_type is not None,
            sub_type is not None,
            media_id is not None,
            brand_id is not None,
            after is not None,
            ascending,
        )
        values = {
            "account_id": account_id,
            "user_id": user_id,
            "system": system,
            "media_type": media_type,
            "sub_type": sub_type,
            "media_id": media_id,
            "brand_id": brand_id,
            **presented,
        }
        return self.session.connection().execute(query, MEDIA.bind(after, limit, values)).all()

    def latest_uploads(self, account_id: str, user_id: str, limit: int) -> Sequence[Media]:
        """A user's live uploaded media, newest first (the editor's image choices)."""
        query = select(Media).where(*self._owned(account_id, user_id))
        return self.session.scalars(MEDIA.seek(query, None, descending=True).limit(limit)).all()

    def add(self, media: Media) -> None:
        self.session.add(media)
        self.session.flush()

    def owned(self, account_id: str, user_id: str, media_id: str) -> Media | None:
        """The user's live uploaded media with this id, the scope update and delete act in."""
        return self.session.scalars(
            select(Media).where(*self._owned(account_id, user_id), Media.id == media_id)
        ).first()

    def recent(
        self, account_id: str, user_id: str, media_types: Sequence[str], limit: int
    ) -> Sequence[Media]:
        """The user's newest live uploads of these types."""
        return self.session.scalars(
            select(Media)
            .where(*self._owned(account_id, user_id), Media.media_type.in_(media_types))
            .order_by(Media.created_at.desc(), Media.id.desc())
            .limit(limit)
        ).all()

    def usable(self, account_id: str, user_id: str, media_id: str) -> Media | None:
        """Media a user may put in a design: its own uploads, or the built-in stock."""
        return self.session.scalars(
            select(Media).where(
                Media.id == media_id,
                Media.deleted_at.is_(None),
                or_(
                    and_(*self._owned(account_id, user_id)),
                    and_(Media.system == "SYSTEM", Media.account_id.is_(None)),
                ),
            )
        ).first()

    def soft_delete(
        self, account_id: str, user_id: str, media_ids: Sequence[str], now: datetime
    ) -> list[str]:
        """Mark the user's live media among ``media_ids`` deleted; returns their storage keys."""
        return list(
            self.session.scalars(
                update(Media)
                .where(*self._owned(account_id, user_id), Media.id.in_(media_ids))
                .values(deleted_at=now)
                .returning(Media.storage_key)
            )
        )

    @staticmethod
    def _owned(account_id: str, user_id: str) -> tuple[ColumnElement[bool], ...]:
        return (
            Media.account_id == account_id,
            Media.user_id == user_id,
            Media.system == "USER",
            Media.deleted_at.is_(None),
        )
