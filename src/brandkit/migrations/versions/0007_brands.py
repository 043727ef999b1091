"""brands: description, url, persona, the workspace's default, archiving

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import brandkit.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("brands", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("url", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("persona", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("is_default", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("archived_at", brandkit.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_brands_workspace_created", ["workspace_id", "created_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("brands", schema=None) as batch_op:
        batch_op.drop_index("ix_brands_workspace_created")
        for column in ("archived_at", "is_default", "persona", "url", "description"):
            batch_op.drop_column(column)
