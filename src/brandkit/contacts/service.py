"""Ingestion (SPEC 5.1): each batch is checked whole before anything of it is written."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from brandkit.contacts.models import Contact, Segment
from brandkit.contacts.repository import ContactsRepository
from brandkit.contacts.schemas import ActivityIn, ContactIn, MembersChange
from brandkit.db import utcnow
from brandkit.kit.errors import Conflict, FieldError, InvalidInput, NotFound
from brandkit.kit.ids import new_uuid

BATCH_INVALID = "The batch has validation errors; nothing of it was stored"


def _compact(value: Any) -> str:
    return orjson.dumps(value).decode()


def _storable(value: Any) -> bool:
    """JSON can carry any integer, the stored form (and every reader of it) only 64-bit ones."""
    try:
        orjson.dumps(value)
    except TypeError:
        return False
    return True


_TOO_BIG = "integers must fit in 64 bits"


def upsert_contacts(
    session: Session, account_id: str, batch: list[ContactIn]
) -> list[tuple[Contact, bool]]:
    """Create or update each contact by email (case-insensitive); (contact, created) per row."""
    seen: dict[str, int] = {}
    errors: list[FieldError] = []
    for i, row in enumerate(batch):
        key = row.email.lower()
        if key in seen:
            errors.append(
                FieldError(f"contacts.{i}.email", f"repeats the email of row {seen[key]}")
            )
        seen.setdefault(key, i)
        if row.fields and not _storable(row.fields):
            errors.append(FieldError(f"contacts.{i}.fields", _TOO_BIG))
    if errors:
        raise InvalidInput(BATCH_INVALID, errors=errors)
    repo = ContactsRepository(session)
    existing = repo.by_email_keys(account_id, list(seen))
    now = utcnow()
    out: list[tuple[Contact, bool]] = []
    new: list[Contact] = []
    for row in batch:
        key = row.email.lower()
        contact = existing.get(key)
        created = contact is None
        if contact is None:
            contact = Contact(
                id=new_uuid(),
                account_id=account_id,
                email_key=key,
                newsletter_status="none",
                fields="{}",
                origin=row.origin or "api",
                created_at=now,
                first_name="",
                last_name="",
            )
            new.append(contact)
        _apply(contact, row, now)
        out.append((contact, created))
    try:
        with session.begin_nested():
            repo.add_all(new)
    except IntegrityError:
        raise Conflict("A concurrent request created one of these contacts; retry") from None
    session.flush()
    return out


def _apply(contact: Contact, row: ContactIn, now: datetime) -> None:
    contact.email = row.email
    contact.updated_at = now
    if row.firstName is not None:
        contact.first_name = row.firstName
    if row.lastName is not None:
        contact.last_name = row.lastName
    if row.origin is not None:
        contact.origin = row.origin
    if row.fields is not None:
        merged = {**orjson.loads(contact.fields or "{}"), **row.fields}
        contact.fields = _compact({k: v for k, v in merged.items() if v is not None})
    status = row.newsletterStatus
    if status is not None and status != contact.newsletter_status:
        contact.newsletter_status = status
        if status == "subscribed":
            contact.last_subscribed_at = now
        elif status == "unsubscribed":
            contact.last_unsubscribed_at = now


def purchase_columns(payload: dict[str, Any]) -> dict[str, str | None]:
    """The v2 export columns of a purchase payload, read once at ingestion."""
    amount = payload.get("amount")
    products = payload.get("products")
    ids: list[str] = []
    if isinstance(products, list):
        for p in products:
            pid = p.get("id", p.get("productId")) if isinstance(p, dict) else p
            if pid is not None:
                ids.append(pid if isinstance(pid, str) else _compact(pid))
    purchase_id = payload.get("purchaseId")
    currency = payload.get("currency")
    return {
        "purchase_id": None if purchase_id is None else str(purchase_id),
        "amount": _amount(amount),
        "currency": None if currency is None else str(currency),
        "product_ids": "|".join(ids) if ids else None,
    }


def _amount(value: Any) -> str | None:
    """The amount as a number's text: a string is kept only when it reads as a number, so that
    the column can never carry a spreadsheet formula."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _compact(value)
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return None
        return value.strip()[:64]
    return None


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def append_activities(session: Session, account_id: str, batch: list[ActivityIn]) -> list[str]:
    errors: list[FieldError] = []
    repo = ContactsRepository(session)
    emails = [a.email.lower() for a in batch if a.contactId is None and a.email is not None]
    by_email = repo.ids_by_email_keys(account_id, emails) if emails else {}
    known = repo.existing_ids(account_id, (a.contactId for a in batch if a.contactId))
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for i, a in enumerate(batch):
        contact_id = a.contactId
        if contact_id is None:
            if a.email is None:
                errors.append(
                    FieldError(f"activities.{i}.contactId", "contactId or email is required")
                )
                continue
            contact_id = by_email.get(a.email.lower())
            if contact_id is None:
                errors.append(FieldError(f"activities.{i}.email", "no contact has this email"))
                continue
        elif contact_id not in known:
            errors.append(FieldError(f"activities.{i}.contactId", "no such contact"))
            continue
        occurred = _parse_time(a.occurredAt)
        if occurred is None:
            errors.append(FieldError(f"activities.{i}.occurredAt", "must be an ISO 8601 date-time"))
            continue
        if not _storable(a.payload):
            errors.append(FieldError(f"activities.{i}.payload", _TOO_BIG))
            continue
        rows.append(
            {
                "id": new_uuid(),
                "account_id": account_id,
                "contact_id": contact_id,
                "type": a.type,
                "occurred_at": occurred,
                "payload": _compact(a.payload),
                "created_at": now,
                **purchase_columns(a.payload),
            }
        )
    if errors:
        raise InvalidInput(BATCH_INVALID, errors=errors)
    repo.insert_activities(rows)
    return [r["id"] for r in rows]


def create_segment(session: Session, account_id: str, name: str) -> Segment:
    segment = Segment(id=new_uuid(), account_id=account_id, name=name, created_at=utcnow())
    ContactsRepository(session).add_all([segment])
    return segment


def get_segment(session: Session, account_id: str, segment_id: str) -> Segment:
    segment = ContactsRepository(session).segment(account_id, segment_id)
    if segment is None:
        raise NotFound(f"Segment not found: {segment_id}")
    return segment


def change_members(
    session: Session, account_id: str, segment_id: str, change: MembersChange
) -> Segment:
    segment = get_segment(session, account_id, segment_id)
    repo = ContactsRepository(session)
    known = repo.existing_ids(account_id, [*change.add, *change.remove])
    errors = [
        FieldError(f"{name}.{i}", "no such contact")
        for name, ids in (("add", change.add), ("remove", change.remove))
        for i, cid in enumerate(ids)
        if cid not in known
    ]
    if errors:
        raise InvalidInput(BATCH_INVALID, errors=errors)
    wanted = list(dict.fromkeys(change.add))
    present = repo.members_among(segment.id, wanted) if wanted else set()
    repo.add_members(segment.id, [c for c in wanted if c not in present])
    repo.remove_members(segment.id, list(set(change.remove)))
    return segment


def segment_size(session: Session, segment_id: str) -> int:
    return ContactsRepository(session).segment_size(segment_id)
