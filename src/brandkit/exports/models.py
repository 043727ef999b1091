from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from brandkit.db import Base, UTCDateTime, utcnow
from brandkit.exports.types import DateFormat, Delimiter, ExportStatus, ExportType, Version


class Export(Base):
    __tablename__ = "exports"
    __table_args__ = (
        Index("ix_exports_account_created", "account_id", "created_at", "id"),
        # NULL keys never collide, on both dialects, so keyless creates are unconstrained.
        Index("uq_exports_account_idempotency", "account_id", "idempotency_key", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    job_id: Mapped[str] = mapped_column(String(36))
    export_type: Mapped[ExportType] = mapped_column(String(16))
    # inProgress -> finished | error
    status: Mapped[ExportStatus] = mapped_column(String(16), default="inProgress")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    delimiter: Mapped[Delimiter] = mapped_column(String(1))
    date_format: Mapped[DateFormat] = mapped_column(String(8))
    version: Mapped[Version] = mapped_column(String(4))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    file_name: Mapped[str] = mapped_column(String(255))
    # Set when the file is published; each attempt writes its own key, so a worker that lost
    # its lease can never overwrite the file of the attempt that finished.
    storage_key: Mapped[str | None] = mapped_column(String(512), nullable=True)
    origin: Mapped[str] = mapped_column(String(32), default="api")
    idempotency_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the attempt that published the file took its snapshot.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    file_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
