"""Every query of the contacts domain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from brandkit.contacts.models import Activity, Contact, Segment, SegmentMember


class ContactsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_email_keys(self, account_id: str, keys: Sequence[str]) -> dict[str, Contact]:
        rows = self.session.scalars(
            select(Contact).where(Contact.account_id == account_id, Contact.email_key.in_(keys))
        )
        return {c.email_key: c for c in rows}

    def ids_by_email_keys(self, account_id: str, keys: Sequence[str]) -> dict[str, str]:
        rows = self.session.execute(
            select(Contact.email_key, Contact.id).where(
                Contact.account_id == account_id, Contact.email_key.in_(keys)
            )
        )
        return {key: cid for key, cid in rows}

    def existing_ids(self, account_id: str, ids: Iterable[str]) -> set[str]:
        wanted = list(set(ids))
        if not wanted:
            return set()
        return set(
            self.session.scalars(
                select(Contact.id).where(Contact.account_id == account_id, Contact.id.in_(wanted))
            )
        )

    def add_all(self, rows: Iterable[object]) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def insert_activities(self, rows: list[dict[str, Any]]) -> None:
        # Core executemany: no ORM identity map for thousands of write-only rows.
        self.session.execute(insert(cast(Table, Activity.__table__)), rows)

    def segment(self, account_id: str, segment_id: str) -> Segment | None:
        return self.session.scalar(
            select(Segment).where(Segment.id == segment_id, Segment.account_id == account_id)
        )

    def segment_size(self, segment_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(SegmentMember)
                .where(SegmentMember.segment_id == segment_id)
            )
            or 0
        )

    def members_among(self, segment_id: str, contact_ids: Sequence[str]) -> set[str]:
        return set(
            self.session.scalars(
                select(SegmentMember.contact_id).where(
                    SegmentMember.segment_id == segment_id,
                    SegmentMember.contact_id.in_(contact_ids),
                )
            )
        )

    def add_members(self, segment_id: str, contact_ids: Iterable[str]) -> None:
        rows = [{"segment_id": segment_id, "contact_id": c} for c in contact_ids]
        if rows:
            self.session.execute(insert(cast(Table, SegmentMember.__table__)), rows)

    def remove_members(self, segment_id: str, contact_ids: Sequence[str]) -> None:
        if contact_ids:
            self.session.execute(
                delete(SegmentMember).where(
                    SegmentMember.segment_id == segment_id,
                    SegmentMember.contact_id.in_(contact_ids),
                )
            )
