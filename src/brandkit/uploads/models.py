from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from brandkit.db import Base, UTCDateTime, utcnow


class Upload(Base):
    """A presigned upload not yet registered by media/create or font/create.

    The row ties the object key to the account that asked for it, so nobody else can register it,
    and lets the orphan purge find objects that were uploaded and never registered.
    """

    __tablename__ = "uploads"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    media_type: Mapped[str] = mapped_column(String(32))
    extension: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(100))
    max_bytes: Mapped[int] = mapped_column(BigInteger)
    brand_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Set when media/create or font/create registers it. The row stays until the purge, so a
    # second PUT to the URL is refused however late it comes, and an object such a PUT left on
    # a store that cannot refuse it (S3) is deleted with the row.
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
