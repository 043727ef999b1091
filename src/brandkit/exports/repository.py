"""Every query of the exports domain (the file's own rows are read in ``exports.writer``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from brandkit.accounts.models import Account
from brandkit.contacts.models import Segment
from brandkit.dialects import dialect_of
from brandkit.exports.models import Export
from brandkit.kit.pagination import Keyset, Position

EXPORTS = Keyset(Export.created_at, Export.id)


class ExportsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, export: Export) -> None:
        self.session.add(export)
        self.session.flush()

    def get(self, account_id: str, export_id: str) -> Export | None:
        return self.session.scalar(
            select(Export).where(Export.id == export_id, Export.account_id == account_id)
        )

    def by_id(self, export_id: str) -> Export | None:
        return self.session.get(Export, export_id)

    def by_idempotency_key(self, account_id: str, key: str) -> Export | None:
        return self.session.scalar(
            select(Export).where(Export.account_id == account_id, Export.idempotency_key == key)
        )

    def running_count(self, account_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(Export)
                .where(Export.account_id == account_id, Export.status == "inProgress")
            )
            or 0
        )

    def lock_account(self, account_id: str) -> None:
        """Serialise export creation per account, so that concurrent creates cannot all pass
        the running-exports limit."""
        dialect_of(self.session).lock(
            self.session, select(Account.id).where(Account.id == account_id)
        )

    def account_timezone(self, account_id: str) -> str:
        return (
            self.session.scalar(select(Account.timezone).where(Account.id == account_id)) or "UTC"
        )

    def segment_exists(self, account_id: str, segment_id: str) -> bool:
        found = self.session.scalar(
            select(Segment.id).where(Segment.id == segment_id, Segment.account_id == account_id)
        )
        return found is not None

    def page(self, account_id: str, limit: int, after: Position | None) -> list[Export]:
        query = EXPORTS.seek(
            select(Export).where(Export.account_id == account_id), after, descending=True
        )
        return list(self.session.scalars(query.limit(limit)))

    def set_progress(self, export_id: str, progress: int, total: int | None) -> None:
        self.session.execute(
            update(Export)
            .where(Export.id == export_id, Export.status == "inProgress")
            .values(progress=progress, total=total)
        )

    def mark_finished(
        self, export_id: str, storage_key: str, rows: int, started: datetime, now: datetime
    ) -> bool:
        return self._changed(
            update(Export)
            .where(Export.id == export_id, Export.status == "inProgress")
            .values(
                status="finished",
                storage_key=storage_key,
                progress=rows,
                total=rows,
                started_at=started,
                finished_at=now,
            )
        )

    def mark_error(self, export_id: str, error: str, now: datetime) -> bool:
        return self._changed(
            update(Export)
            .where(Export.id == export_id, Export.status == "inProgress")
            .values(status="error", error=error[:500], finished_at=now)
        )

    def files_to_expire(self, cutoff: datetime, limit: int) -> list[Export]:
        return list(
            self.session.scalars(
                select(Export)
                .where(
                    Export.status == "finished",
                    Export.finished_at < cutoff,
                    Export.file_deleted_at.is_(None),
                )
                .limit(limit)
            )
        )

    def mark_file_deleted(self, export_ids: list[str], now: datetime) -> None:
        self.session.execute(
            update(Export).where(Export.id.in_(export_ids)).values(file_deleted_at=now)
        )

    def _changed(self, statement: Any) -> bool:
        result = self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0) == 1
