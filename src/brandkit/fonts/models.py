from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from brandkit.db import Base, UTCDateTime, utcnow


class Font(Base):
    __tablename__ = "fonts"
    __table_args__ = (
        Index("ix_fonts_account_created", "account_id", "created_at", "id"),
        # font/get pages through fonts by name.
        Index("ix_fonts_account_name", "account_id", "name", "id"),
        Index("ix_fonts_account_hash", "account_id", "content_hash"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Null for built-in system fonts.
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True
    )
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True
    )
    source: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(255))
    style: Mapped[str] = mapped_column(String(100), default="Regular")
    classification: Mapped[str] = mapped_column(String(32))
    storage_key: Mapped[str] = mapped_column(String(512))
    # SHA-256 of the file: the same file uploaded twice is one font.
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
