"""Every query on pending uploads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, inspect, select, update
from sqlalchemy.orm import Session

from brandkit.uploads.models import Upload

_INSERT = insert(Upload)
_COLUMNS = tuple(inspect(Upload).columns.keys())


class UploadsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, upload: Upload) -> None:
        """Store a new grant. Written with one plain INSERT, not through the session's unit
        of work: every presign pays for this row, and nothing reads the object back. Unset
        attributes are left out, so the columns' defaults apply as a flush would apply them."""
        values = {c: v for c in _COLUMNS if (v := getattr(upload, c)) is not None}
        self.session.connection().execute(_INSERT, values)

    def pending(self, account_id: str, key: str) -> Upload | None:
        return self.session.scalars(
            select(Upload).where(
                Upload.key == key, Upload.account_id == account_id, Upload.registered_at.is_(None)
            )
        ).first()

    def accepts_put(self, key: str) -> bool:
        """Whether a PUT may still deliver ``key``: granted, and not registered yet."""
        found = self.session.scalar(
            select(Upload.key).where(Upload.key == key, Upload.registered_at.is_(None))
        )
        return found is not None

    def mark_registered(self, key: str, now: datetime) -> None:
        self.session.execute(update(Upload).where(Upload.key == key).values(registered_at=now))

    def remove(self, key: str) -> None:
        self.session.execute(delete(Upload).where(Upload.key == key))

    def created_before(self, cutoff: datetime, limit: int) -> Sequence[Upload]:
        return self.session.scalars(
            select(Upload)
            .where(Upload.created_at < cutoff)
            .order_by(Upload.created_at)
            .limit(limit)
        ).all()
