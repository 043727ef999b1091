"""Every query of the designs domain. Lists are keyset pages, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, Literal

from sqlalchemy import Integer, Select, bindparam, select, tuple_
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


OwnerKind = Literal["design", "user", "workspace"]
_OWNER_COLUMNS = {
    "design": Variant.design_id,
    "user": Variant.user_id,
    "workspace": Variant.workspace_id,
}


@cache
def _variant_page_query(
    owner: OwnerKind, by_user: bool, by_type: bool, keyset: bool
) -> Select[*tuple[Any, ...]]:
    """One prebuilt statement per shape, values bound at execution: building the expression
    and adapting a cached compilation to a new one cost more than the query itself."""
    query = select(*VARIANT_COLUMNS).where(
        _OWNER_COLUMNS[owner] == bindparam("owner_id"),
        Variant.account_id == bindparam("account_id"),
    )
    if by_user:
        query = query.where(Variant.user_id == bindparam("user_id"))
    if by_type:
        query = query.where(Variant.variant_type == bindparam("variant_type"))
    if keyset:
        position = (
            bindparam("after_created", type_=Variant.created_at.type),
            bindparam("after_id", type_=Variant.id.type),
        )
        query = query.where(tuple_(Variant.created_at, Variant.id) < tuple_(*position))
    order = (Variant.created_at.desc(), Variant.id.desc())
    return query.order_by(*order).limit(bindparam("limit", type_=Integer()))


class DesignsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def design(self, account_id: str, design_id: str) -> Design | None:
        return self.session.scalar(
            select(Design).where(Design.id == design_id, Design.account_id == account_id)
        )

    def variant_page(
        self,
        account_id: str,
        owner: OwnerKind,
        owner_id: str,
        *,
        user_id: str | None,
        variant_type: str | None,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> Sequence[AnyRow]:
        query = _variant_page_query(
            owner, user_id is not None, variant_type is not None, after is not None
        )
        params: dict[str, object] = {
            "account_id": account_id,
            "owner_id": owner_id,
            "user_id": user_id,
            "variant_type": variant_type,
            "limit": limit,
        }
        if after is not None:
            params["after_created"], params["after_id"] = after
        # Plain rows through the Core connection: the ORM's result machinery costs more than
        # the query on this hot path and adds nothing to tuples of columns.
        return self.session.connection().execute(query, params).all()

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
