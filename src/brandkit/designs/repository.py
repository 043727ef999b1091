"""Every query of the designs domain. Lists are keyset pages, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from brandkit.db import AnyRow, AnySelect
from brandkit.designs.models import ContentSnippet, Design, Variant
from brandkit.media.models import Media

VARIANT_COLUMNS = (
    Variant.id,
    Variant.variant_type,
    Variant.storage_key,
    Variant.width,
    Variant.height,
    Variant.created_at,
)


def _before(
    query: AnySelect,
    created: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[str],
    after: tuple[datetime, str] | None,
) -> AnySelect:
    """Rows strictly after ``after`` in (created desc, id desc) order."""
    if after is not None:
        query = query.where(tuple_(created, row_id) < tuple_(*after))
    return query.order_by(created.desc(), row_id.desc())


class DesignsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def design(self, account_id: str, design_id: str) -> Design | None:
        return self.session.scalar(
            select(Design).where(Design.id == design_id, Design.account_id == account_id)
        )

    def variant_page(
        self,
        owner: ColumnElement[bool],
        *,
        user_id: str | None,
        variant_type: str | None,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> Sequence[AnyRow]:
        query = select(*VARIANT_COLUMNS).where(owner)
        if user_id is not None:
            query = query.where(Variant.user_id == user_id)
        if variant_type is not None:
            query = query.where(Variant.variant_type == variant_type)
        return self.session.execute(
            _before(query, Variant.created_at, Variant.id, after).limit(limit)
        ).all()

    def user_variants(
        self,
        user_id: str,
        start: datetime,
        end: datetime,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> Sequence[AnyRow]:
        query = select(*VARIANT_COLUMNS).where(
            Variant.user_id == user_id, Variant.created_at.between(start, end)
        )
        return self.session.execute(
            _before(query, Variant.created_at, Variant.id, after).limit(limit)
        ).all()

    def user_media(
        self,
        user_id: str,
        start: datetime,
        end: datetime,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> Sequence[AnyRow]:
        query = select(Media.id, Media.storage_key, Media.media_type, Media.created_at).where(
            Media.user_id == user_id,
            Media.system == "USER",
            Media.deleted_at.is_(None),
            Media.created_at.between(start, end),
        )
        return self.session.execute(
            _before(query, Media.created_at, Media.id, after).limit(limit)
        ).all()

    def user_content(
        self,
        user_id: str,
        start: datetime,
        end: datetime,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> Sequence[AnyRow]:
        query = select(
            ContentSnippet.id,
            ContentSnippet.title,
            ContentSnippet.subtitle,
            ContentSnippet.bulletlist,
            ContentSnippet.created_at,
        ).where(ContentSnippet.user_id == user_id, ContentSnippet.created_at.between(start, end))
        return self.session.execute(
            _before(query, ContentSnippet.created_at, ContentSnippet.id, after).limit(limit)
        ).all()
