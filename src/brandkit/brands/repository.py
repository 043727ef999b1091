"""Every query of brands: a user's brands are those of the workspaces it owns or belongs to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from brandkit.accounts.models import Brand, Workspace, WorkspaceMember
from brandkit.kit.pagination import Keyset, Position
from brandkit.media.models import Media

BRANDS = Keyset(Brand.created_at, Brand.id)


def _workspaces(user_id: str) -> Select[tuple[str]]:
    own = select(Workspace.id).where(Workspace.owner_user_id == user_id)
    member = select(WorkspaceMember.workspace_id).where(WorkspaceMember.user_id == user_id)
    return own.union(member)  # type: ignore[return-value]


class BrandsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, brand: Brand) -> None:
        self.session.add(brand)
        self.session.flush()

    def of_user(self, account_id: str, user_id: str, brand_id: str) -> Brand | None:
        """A live (not archived) brand of the user's workspaces."""
        return self.session.scalar(
            select(Brand).where(
                Brand.id == brand_id,
                Brand.account_id == account_id,
                Brand.archived_at.is_(None),
                Brand.workspace_id.in_(_workspaces(user_id)),
            )
        )

    def default_of(self, workspace_id: str) -> Brand | None:
        return self.session.scalar(
            select(Brand).where(
                Brand.workspace_id == workspace_id,
                Brand.is_default.is_(True),
                Brand.archived_at.is_(None),
            )
        )

    def page(
        self, account_id: str, user_id: str, after: Position | None, limit: int
    ) -> Sequence[Brand]:
        query = select(Brand).where(
            Brand.account_id == account_id,
            Brand.archived_at.is_(None),
            Brand.workspace_id.in_(_workspaces(user_id)),
        )
        query = BRANDS.seek(query, after, descending=True)
        return self.session.scalars(query.limit(limit)).all()

    def clear_default(self, workspace_id: str) -> None:
        self.session.execute(
            update(Brand).where(Brand.workspace_id == workspace_id).values(is_default=False)
        )

    def archive_default(self, workspace_id: str, now: datetime) -> None:
        self.session.execute(
            update(Brand)
            .where(
                Brand.workspace_id == workspace_id,
                Brand.is_default.is_(True),
                Brand.archived_at.is_(None),
            )
            .values(is_default=False, archived_at=now)
        )

    def media_urls(self, brand_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """(media type, storage key) of each brand's live media, oldest first."""
        out: dict[str, list[tuple[str, str]]] = {b: [] for b in brand_ids}
        if not brand_ids:
            return out
        rows = self.session.execute(
            select(Media.brand_id, Media.media_type, Media.storage_key)
            .where(Media.brand_id.in_(brand_ids), Media.deleted_at.is_(None))
            .order_by(Media.created_at, Media.id)
        ).all()
        for brand_id, media_type, key in rows:
            out.setdefault(str(brand_id), []).append((media_type, key))
        return out
