"""Every query of the media domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select, tuple_
from sqlalchemy.orm import Session

from brandkit.media.models import Media


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
        after: tuple[datetime, str] | None,
        ascending: bool,
        limit: int,
    ) -> Sequence[Media]:
        query = select(Media).where(Media.deleted_at.is_(None), Media.system == system)
        if system == "SYSTEM":
            # Built-in stock is shared (account null); an account may also carry its own.
            query = query.where(or_(Media.account_id.is_(None), Media.account_id == account_id))
        else:
            query = query.where(and_(Media.account_id == account_id, Media.user_id == user_id))
        if media_type is not None:
            query = query.where(Media.media_type == media_type)
        if sub_type is not None:
            query = query.where(Media.sub_type == sub_type)
        if media_id is not None:
            query = query.where(Media.id == media_id)
        if brand_id is not None:
            query = query.where(Media.brand_id == brand_id)
        key = tuple_(Media.created_at, Media.id)
        if after is not None:
            query = query.where(key > tuple_(*after) if ascending else key < tuple_(*after))
        order = (
            (Media.created_at.asc(), Media.id.asc())
            if ascending
            else (Media.created_at.desc(), Media.id.desc())
        )
        return self.session.scalars(query.order_by(*order).limit(limit)).all()
