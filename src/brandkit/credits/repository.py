"""Every query of credits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from brandkit.accounts.models import User
from brandkit.credits.models import CreditCycle, CreditEntry
from brandkit.dialects import dialect_of


class CreditsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def current_cycle(self, account_id: str, now: datetime, *, lock: bool) -> CreditCycle | None:
        query = (
            select(CreditCycle)
            .where(
                CreditCycle.account_id == account_id,
                CreditCycle.starts_at <= now,
                CreditCycle.ends_at > now,
            )
            .order_by(CreditCycle.starts_at.desc())
            .limit(1)
        )
        if lock:
            dialect_of(self.session).lock(self.session, query)
        return self.session.scalars(query).first()

    def lock_user(self, user_id: str) -> None:
        dialect_of(self.session).lock(self.session, select(User.id).where(User.id == user_id))

    def user_used(self, user_id: str, since: datetime) -> int:
        total = self.session.scalar(
            select(func.coalesce(func.sum(CreditEntry.amount), 0)).where(
                CreditEntry.user_id == user_id, CreditEntry.created_at >= since
            )
        )
        return int(total or 0)

    def request_balance(self, request_id: str) -> tuple[int, str | None, str | None, str | None]:
        """What a request holds (reserved less refunded), its account, user and cycle."""
        row = self.session.execute(
            select(
                func.coalesce(func.sum(CreditEntry.amount), 0),
                func.max(CreditEntry.account_id),
                func.max(CreditEntry.user_id),
                func.max(CreditEntry.cycle_id),
            ).where(CreditEntry.request_id == request_id)
        ).one()
        return int(row[0] or 0), row[1], row[2], row[3]

    def add(self, entry: CreditEntry) -> None:
        self.session.add(entry)
        self.session.flush()

    def use(self, cycle_id: str, amount: int) -> None:
        self.session.execute(
            update(CreditCycle)
            .where(CreditCycle.id == cycle_id)
            .values(used=CreditCycle.used + amount)
        )

    def add_cycle(self, cycle: CreditCycle) -> None:
        self.session.add(cycle)
        self.session.flush()

    def end_cycles(self, account_id: str, now: datetime) -> None:
        self.session.execute(
            update(CreditCycle)
            .where(CreditCycle.account_id == account_id, CreditCycle.ends_at > now)
            .values(ends_at=now)
        )
