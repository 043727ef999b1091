"""Demo marketing data: contacts, segments and a few hundred thousand activities, loaded fast
(COPY on PostgreSQL, one executemany per table on SQLite)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

import orjson
from sqlalchemy import Table
from sqlalchemy.orm import Session

from brandkit.contacts.models import Activity, Contact, Segment, SegmentMember
from brandkit.contacts.service import purchase_columns
from brandkit.dialects import dialect_of

FIRST = ("Ana", "Ben", "Chloe", "Diego", "Emma", "Farid", "Grace", "Hugo", "Iris", "Jon")
LAST = ("Garcia", "Smith", "Muller", "Rossi", "Dubois", "Kowalski", "Silva", "Novak", "Berg")
TIERS = ("bronze", "silver", "gold")
TYPES = (
    ("web-page-visited", 40),
    ("product-visited", 20),
    ("email-sent", 10),
    ("email-opened", 8),
    ("search", 6),
    ("cart-product-added", 5),
    ("email-link-clicked", 4),
    ("login", 4),
    ("purchase", 3),
)
SEGMENTS = ("Newsletter subscribers", "High value", "Recent visitors")


def seed_marketing(
    session: Session,
    account_id: str,
    rng: random.Random,
    now: datetime,
    *,
    contacts: int = 5000,
    activities: int = 200_000,
    days: int = 60,
) -> dict[str, int]:
    """Insert the rows in the caller's transaction; returns what was made, by kind."""
    span = timedelta(days=days)
    contact_rows = [
        _contact(account_id, rng, now - rng.random() * span, i) for i in range(contacts)
    ]
    ids = [c["id"] for c in contact_rows]
    emails = [c["email"] for c in contact_rows]
    dialect_of(session).bulk_insert(session, cast(Table, Contact.__table__), contact_rows)
    segments = [
        {"id": str(uuid.uuid4()), "account_id": account_id, "name": name, "created_at": now}
        for name in SEGMENTS
    ]
    dialect_of(session).bulk_insert(session, cast(Table, Segment.__table__), segments)
    members = [
        {"segment_id": seg["id"], "contact_id": cid}
        for seg, share in zip(segments, (0.4, 0.1, 0.25), strict=True)
        for cid in rng.sample(ids, int(len(ids) * share))
    ]
    dialect_of(session).bulk_insert(session, cast(Table, SegmentMember.__table__), members)
    kinds = [k for k, _ in TYPES]
    weights = [w for _, w in TYPES]
    rows = (
        _activity(account_id, rng, ids, emails, kinds, weights, now - rng.random() * span, now)
        for _ in range(activities)
    )
    dialect_of(session).bulk_insert(session, cast(Table, Activity.__table__), rows)
    return {
        "contacts": contacts,
        "segments": len(segments),
        "segment members": len(members),
        "activities": activities,
    }


def _contact(account_id: str, rng: random.Random, created: datetime, i: int) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = f"{first}.{last}.{i}@example.com"
    status = rng.choice(("subscribed", "subscribed", "unsubscribed", "none"))
    return {
        "id": str(uuid.uuid4()),
        "account_id": account_id,
        "email": email,
        "email_key": email.lower(),
        "first_name": first,
        "last_name": last,
        "newsletter_status": status,
        "fields": orjson.dumps({"tier": rng.choice(TIERS), "city": rng.choice(LAST)}).decode(),
        "origin": rng.choice(("api", "import", "form")),
        "created_at": created,
        "updated_at": created,
        "last_subscribed_at": created if status == "subscribed" else None,
        "last_unsubscribed_at": created if status == "unsubscribed" else None,
    }


def _activity(
    account_id: str,
    rng: random.Random,
    ids: Sequence[str],
    emails: Sequence[str],
    kinds: Sequence[str],
    weights: Sequence[int],
    when: datetime,
    now: datetime,
) -> dict[str, Any]:
    kind = rng.choices(kinds, weights)[0]
    n = rng.randrange(len(ids))
    payload: dict[str, Any]
    if kind == "purchase":
        products = [{"id": f"sku-{rng.randrange(500)}"} for _ in range(rng.randint(1, 3))]
        payload = {
            "purchaseId": f"ord-{rng.randrange(10**8)}",
            "amount": round(rng.uniform(5, 300), 2),
            "currency": "EUR",
            "products": products,
        }
    elif kind.startswith("email"):
        payload = {"campaign": f"campaign-{rng.randrange(12)}", "to": emails[n]}
    else:
        payload = {"url": f"https://shop.example.com/p/{rng.randrange(2000)}"}
    return {
        "id": str(uuid.uuid4()),
        "account_id": account_id,
        "contact_id": ids[n],
        "type": kind,
        "occurred_at": when,
        "payload": orjson.dumps(payload).decode(),
        "created_at": now,
        **purchase_columns(payload),
    }
