"""hardening: an upload URL takes one PUT ever; purchase columns hold any length

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import brandkit.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("registered_at", brandkit.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.alter_column("purchase_id", type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column("amount", type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column("currency", type_=sa.Text(), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.alter_column("currency", type_=sa.String(length=16), existing_nullable=True)
        batch_op.alter_column("amount", type_=sa.String(length=64), existing_nullable=True)
        batch_op.alter_column("purchase_id", type_=sa.String(length=200), existing_nullable=True)
    with op.batch_alter_table("uploads", schema=None) as batch_op:
        batch_op.drop_column("registered_at")
