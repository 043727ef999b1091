"""Contacts, their activities and static segments (the marketing side, SPEC 5.1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from brandkit.db import Base, UTCDateTime, utcnow


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        # Emails are unique per account regardless of case; email_key is the lower-cased form.
        Index("uq_contacts_account_email", "account_id", "email_key", unique=True),
        Index("ix_contacts_account_created", "account_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320))
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    newsletter_status: Mapped[str] = mapped_column(String(16), default="none")
    # Compact JSON text, written by us: exports copy it out verbatim on both dialects.
    fields: Mapped[str] = mapped_column(Text, default="{}")
    origin: Mapped[str] = mapped_column(String(64), default="api")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_subscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Activity(Base):
    __tablename__ = "activities"
    # Exports read one account's time window in (occurred_at, id) order: one index range scan.
    __table_args__ = (
        Index("ix_activities_account_occurred", "account_id", "occurred_at", "id"),
        Index("ix_activities_contact", "contact_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Compact JSON text (see Contact.fields).
    payload: Mapped[str] = mapped_column(Text, default="{}")
    # The purchase columns of v2 exports, extracted once at ingestion instead of per export row.
    # Text: an export shows every value whole, however long (no column cuts one short).
    purchase_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    amount: Mapped[str | None] = mapped_column(Text, nullable=True)
    currency: Mapped[str | None] = mapped_column(Text, nullable=True)
    product_ids: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Segment(Base):
    __tablename__ = "segments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SegmentMember(Base):
    __tablename__ = "segment_members"

    segment_id: Mapped[str] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[str] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
