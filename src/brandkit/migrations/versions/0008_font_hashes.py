"""fonts: the file's hash, so the same file uploaded twice is one font

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fonts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_fonts_account_hash", ["account_id", "content_hash"])


def downgrade() -> None:
    with op.batch_alter_table("fonts", schema=None) as batch_op:
        batch_op.drop_index("ix_fonts_account_hash")
        batch_op.drop_column("content_hash")
