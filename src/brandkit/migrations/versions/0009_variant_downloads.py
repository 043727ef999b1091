"""variant downloads: the images Brandkit served, per variant and day (account analysis)

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "variant_downloads",
        sa.Column("variant_id", sa.String(length=11), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["variant_id"], ["variants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("variant_id", "day"),
    )
    with op.batch_alter_table("variant_downloads", schema=None) as batch_op:
        batch_op.create_index("ix_variant_downloads_user_day", ["user_id", "day"])


def downgrade() -> None:
    op.drop_table("variant_downloads")
