"""Credits (SPEC 8): an account's balance per billing cycle, each end user's own limit within
it, a reservation when a request is made and a refund of what it did not make.

A request reserves what it may cost when it is made, in the caller's transaction, under a lock
on the account's cycle (and the user's row), so concurrent requests cannot overspend; the job
refunds what it did not make (all of it when it fails) in the transaction that publishes it,
under the runner's lease, so a request taken over from a dead worker settles once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from brandkit.accounts.models import User
from brandkit.credits.models import CreditCycle, CreditEntry
from brandkit.credits.repository import CreditsRepository
from brandkit.kit.errors import BrandkitError, RateLimited
from brandkit.kit.ids import new_uuid

NOT_ENOUGH = "Not enough credits to complete the transaction"
USER_LIMIT = "Insufficient credit limit"
NO_LIMIT = -1


class PaymentRequired(BrandkitError):
    status = 402
    title = "Payment Required"
    default_message = NOT_ENOUGH


def _month_start(now: datetime) -> datetime:
    return datetime(now.year, now.month, 1, tzinfo=UTC)


def reserve(
    session: Session, account_id: str, user: User, amount: int, request_id: str, now: datetime
) -> None:
    """Hold ``amount`` credits for a request, or refuse it: 429 when the user's limit for the
    cycle would be passed, 402 when the account's cycle has too few left."""
    repo = CreditsRepository(session)
    cycle = repo.current_cycle(account_id, now, lock=True)
    if user.credit_limit != NO_LIMIT:
        repo.lock_user(user.id)
        since = cycle.starts_at if cycle is not None else _month_start(now)
        if repo.user_used(user.id, since) + amount > user.credit_limit:
            raise RateLimited(USER_LIMIT)
    if cycle is not None:
        if cycle.granted - cycle.used < amount:
            raise PaymentRequired()
        repo.use(cycle.id, amount)
    repo.add(
        CreditEntry(
            id=new_uuid(),
            account_id=account_id,
            user_id=user.id,
            cycle_id=cycle.id if cycle is not None else None,
            request_id=request_id,
            amount=amount,
            kind="reserve",
            created_at=now,
        )
    )


def settle(session: Session, request_id: str, spent: int, now: datetime) -> int:
    """Refund what a request holds beyond ``spent``; returns the refund. Settling twice refunds
    nothing more."""
    repo = CreditsRepository(session)
    held, account_id, user_id, cycle_id = repo.request_balance(request_id)
    refund = held - spent
    if refund <= 0 or account_id is None or user_id is None:
        return 0
    if cycle_id is not None:
        repo.use(cycle_id, -refund)
    repo.add(
        CreditEntry(
            id=new_uuid(),
            account_id=account_id,
            user_id=user_id,
            cycle_id=cycle_id,
            request_id=request_id,
            amount=-refund,
            kind="refund",
            created_at=now,
        )
    )
    return refund


def set_cycle(
    session: Session, account_id: str, credits: int, days: float, now: datetime
) -> CreditCycle:
    """Start a new billing cycle of ``credits`` for the account now, ending the current one."""
    repo = CreditsRepository(session)
    repo.end_cycles(account_id, now)
    cycle = CreditCycle(
        id=new_uuid(),
        account_id=account_id,
        starts_at=now,
        ends_at=now + timedelta(days=days),
        granted=credits,
        used=0,
        created_at=now,
    )
    repo.add_cycle(cycle)
    return cycle


def balance(session: Session, account_id: str, now: datetime) -> CreditCycle | None:
    return CreditsRepository(session).current_cycle(account_id, now, lock=False)


def used_by(session: Session, user_id: str, since: datetime) -> int:
    """Credits a user's requests hold since ``since`` (reservations less refunds)."""
    return CreditsRepository(session).user_used(user_id, since)
