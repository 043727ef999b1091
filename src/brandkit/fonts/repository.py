"""Every query of the fonts domain, and the lookup of a request's job by its public id."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from brandkit.fonts.models import Font
from brandkit.kit.pagination import Keyset, Position

FONTS = Keyset(Font.name, Font.id, kind="text")


class FontsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, *rows: object) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def visible(
        self, account_id: str, user_id: str | None, font_ids: Sequence[str]
    ) -> Sequence[Font]:
        """The live fonts among ``font_ids`` that font/get would list to this caller."""
        system = and_(Font.account_id.is_(None), Font.source == "system")
        mine = and_(Font.account_id == account_id, Font.source == "user")
        if user_id is not None:
            mine = and_(mine, Font.user_id == user_id)
        return self.session.scalars(
            select(Font).where(or_(system, mine), Font.deleted_at.is_(None), Font.id.in_(font_ids))
        ).all()

    def named(self, account_id: str, user_id: str | None, name: str) -> Font | None:
        """The font font/get lists to this caller under this name (any case), if one."""
        system = and_(Font.account_id.is_(None), Font.source == "system")
        mine = and_(Font.account_id == account_id, Font.source == "user")
        if user_id is not None:
            mine = and_(mine, Font.user_id == user_id)
        return self.session.scalars(
            select(Font)
            .where(
                or_(system, mine), Font.deleted_at.is_(None), func.lower(Font.name) == name.lower()
            )
            .order_by(Font.source.desc(), Font.id)
            .limit(1)
        ).first()

    def same_file(self, account_id: str, user_id: str, digest: str) -> Font | None:
        return self.session.scalars(
            select(Font).where(
                Font.account_id == account_id,
                Font.user_id == user_id,
                Font.content_hash == digest,
                Font.deleted_at.is_(None),
            )
        ).first()

    def by_ids(self, font_ids: Sequence[str]) -> Sequence[Font]:
        return self.session.scalars(select(Font).where(Font.id.in_(font_ids))).all()

    def page(
        self,
        *,
        account_id: str,
        user_id: str | None,
        source: str | None,
        classifications: Sequence[str] | None,
        name: str | None,
        after: Position | None,
        limit: int,
    ) -> Sequence[Font]:
        system = and_(Font.account_id.is_(None), Font.source == "system")
        mine = and_(Font.account_id == account_id, Font.source == "user")
        if user_id is not None:
            mine = and_(mine, Font.user_id == user_id)
        scope: ColumnElement[bool] = {"system": system, "user": mine}.get(
            source or "", or_(system, mine)
        )
        query = select(Font).where(scope, Font.deleted_at.is_(None))
        if classifications:
            query = query.where(Font.classification.in_(classifications))
        if name:
            query = query.where(func.lower(Font.name).contains(name.lower(), autoescape=True))
        query = FONTS.seek(query, after, descending=False)
        return self.session.scalars(query.limit(limit)).all()
