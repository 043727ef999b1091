"""The queries of account analysis: what a user made, edited, downloaded and stored, by month."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from brandkit.designs.models import Variant, VariantDownload
from brandkit.media.models import Media
from brandkit.requests.models import Request


def _month(column: object, session: Session) -> object:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


class AnalysisRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def variants_by_month(self, user_id: str, since: datetime) -> dict[tuple[str, str], int]:
        month = _month(Variant.created_at, self.session)
        rows = self.session.execute(
            select(month, Variant.variant_type, func.count())  # type: ignore[call-overload]
            .where(Variant.user_id == user_id, Variant.created_at >= since)
            .group_by(month, Variant.variant_type)
        ).all()
        return {(str(m), str(kind)): int(n) for m, kind, n in rows}

    def downloads_by_month(self, user_id: str, since: str) -> dict[str, int]:
        month = func.substr(VariantDownload.day, 1, 7)
        rows = self.session.execute(
            select(month, func.count(func.distinct(VariantDownload.variant_id)))
            .where(VariantDownload.user_id == user_id, VariantDownload.day >= since)
            .group_by(month)
        ).all()
        return {str(m): int(n) for m, n in rows}

    def media_by_month(self, user_id: str, since: datetime) -> dict[str, tuple[int, int]]:
        month = _month(Media.created_at, self.session)
        rows = self.session.execute(
            select(month, func.count(), func.coalesce(func.sum(Media.size_bytes), 0))  # type: ignore[call-overload]
            .where(Media.user_id == user_id, Media.deleted_at.is_(None), Media.created_at >= since)
            .group_by(month)
        ).all()
        return {str(m): (int(n), int(b)) for m, n, b in rows}

    def last_activity(self, user_id: str) -> datetime | None:
        latest = [
            self.session.scalar(
                select(func.max(Request.created_at)).where(Request.user_id == user_id)
            ),
            self.session.scalar(
                select(func.max(Variant.created_at)).where(Variant.user_id == user_id)
            ),
            self.session.scalar(select(func.max(Media.created_at)).where(Media.user_id == user_id)),
        ]
        found = [t for t in latest if t is not None]
        return max(found) if found else None
