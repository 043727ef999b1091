"""generation: the requests table, design files, what a design was asked for, system fonts

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import brandkit.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The fonts Brandkit ships (brandkit.render.system_fonts), as they were when this ran: id, name,
# style, classification and where the file is. A later change of that list adds a migration.
SYSTEM_FONTS = [
    ("gtnT7o1Zong", "Lato", "Regular", "sans-serif", "system:font_lato/files/Lato-Regular.ttf"),
    ("zObKjN-Lw5Q", "Lato Bold", "Bold", "sans-serif", "system:font_lato/files/Lato-Bold.ttf"),
    ("JaSkCROo0lc", "Lato Black", "Black", "sans-serif", "system:font_lato/files/Lato-Black.ttf"),
    ("pGpn6EP_744", "Lato Light", "Light", "sans-serif", "system:font_lato/files/Lato-Light.ttf"),
    (
        "xuUvM9H_bmg",
        "Roboto",
        "Regular",
        "sans-serif",
        "system:font_roboto/files/Roboto-Regular.ttf",
    ),
    (
        "8VrT3eo5-eM",
        "Roboto Medium",
        "Medium",
        "sans-serif",
        "system:font_roboto/files/Roboto-Medium.ttf",
    ),
    (
        "6UaWF03yEco",
        "Roboto Bold",
        "Bold",
        "sans-serif",
        "system:font_roboto/files/Roboto-Bold.ttf",
    ),
    (
        "LWxyScXSyuk",
        "Roboto Black",
        "Black",
        "sans-serif",
        "system:font_roboto/files/Roboto-Black.ttf",
    ),
    (
        "XfH5kl5YajA",
        "Roboto Light",
        "Light",
        "sans-serif",
        "system:font_roboto/files/Roboto-Light.ttf",
    ),
    (
        "RXrwoAikn90",
        "Source Sans Pro",
        "Regular",
        "sans-serif",
        "system:font_source_sans_pro/files/SourceSansPro-Regular.ttf",
    ),
    (
        "nkUNWxCHu5U",
        "Source Sans Pro Semibold",
        "Semibold",
        "sans-serif",
        "system:font_source_sans_pro/files/SourceSansPro-Semibold.ttf",
    ),
    (
        "Gglx2Dq4ciU",
        "Source Sans Pro Bold",
        "Bold",
        "sans-serif",
        "system:font_source_sans_pro/files/SourceSansPro-Bold.ttf",
    ),
    (
        "GyHLhe9YFpM",
        "Source Sans Pro Light",
        "Light",
        "sans-serif",
        "system:font_source_sans_pro/files/SourceSansPro-Light.ttf",
    ),
    (
        "RYICRE-JTZE",
        "Source Serif Pro",
        "Regular",
        "serif",
        "system:font_source_serif_pro/files/SourceSerifPro-Regular.ttf",
    ),
    (
        "d_KgXJHh3s0",
        "Source Serif Pro Semibold",
        "Semibold",
        "serif",
        "system:font_source_serif_pro/files/SourceSerifPro-Semibold.ttf",
    ),
    (
        "qx-Q-ZC2w2k",
        "Source Serif Pro Bold",
        "Bold",
        "serif",
        "system:font_source_serif_pro/files/SourceSerifPro-Bold.ttf",
    ),
    (
        "MKyWTNGl3hw",
        "Fjalla One",
        "Regular",
        "display",
        "system:font_fjallaone/files/FjallaOne-Regular.ttf",
    ),
    (
        "eEN4plUbAPw",
        "Red Hat Display",
        "Regular",
        "sans-serif",
        "system:font_rhd/files/RedHatDisplay-Regular.ttf",
    ),
    (
        "DeX5DIpvlKQ",
        "Red Hat Display Medium",
        "Medium",
        "sans-serif",
        "system:font_rhd/files/RedHatDisplay-Medium.ttf",
    ),
    (
        "odJ33BQCJrQ",
        "Red Hat Display Bold",
        "Bold",
        "sans-serif",
        "system:font_rhd/files/RedHatDisplay-Bold.ttf",
    ),
    (
        "Mm-VoMvOupE",
        "Red Hat Display Black",
        "Black",
        "sans-serif",
        "system:font_rhd/files/RedHatDisplay-Black.ttf",
    ),
    (
        "aYgvB0GL2j8",
        "DejaVu Sans",
        "Book",
        "sans-serif",
        "system:matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf",
    ),
    (
        "0kz3tDU56Ic",
        "DejaVu Sans Bold",
        "Bold",
        "sans-serif",
        "system:matplotlib/mpl-data/fonts/ttf/DejaVuSans-Bold.ttf",
    ),
    (
        "XhX1xDwlKxY",
        "DejaVu Serif",
        "Book",
        "serif",
        "system:matplotlib/mpl-data/fonts/ttf/DejaVuSerif.ttf",
    ),
    (
        "iPt-cZTM9Ug",
        "DejaVu Serif Bold",
        "Bold",
        "serif",
        "system:matplotlib/mpl-data/fonts/ttf/DejaVuSerif-Bold.ttf",
    ),
]


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("design_id", sa.String(length=36), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("writer", sa.String(length=120), nullable=True),
        sa.Column("queue_wait_ms", sa.Integer(), nullable=True),
        sa.Column("created_at", brandkit.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", brandkit.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", brandkit.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_requests_account_created", ["account_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_requests_user_id"), ["user_id"], unique=False)

    op.create_table(
        "design_files",
        sa.Column("storage_key", sa.String(length=512), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("design_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", brandkit.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["design_id"], ["designs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("storage_key"),
    )
    with op.batch_alter_table("design_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_design_files_account_id"), ["account_id"])
        batch_op.create_index(batch_op.f("ix_design_files_design_id"), ["design_id"])
        batch_op.create_index(batch_op.f("ix_design_files_user_id"), ["user_id"])

    with op.batch_alter_table("designs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("design_type", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("subtype", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("height", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("request_id", sa.String(length=16), nullable=True))

    fonts = sa.table(
        "fonts",
        sa.column("id", sa.String),
        sa.column("account_id", sa.String),
        sa.column("user_id", sa.String),
        sa.column("source", sa.String),
        sa.column("name", sa.String),
        sa.column("style", sa.String),
        sa.column("classification", sa.String),
        sa.column("storage_key", sa.String),
        sa.column("created_at", brandkit.db.UTCDateTime(timezone=True)),
    )
    now = datetime(2026, 12, 1, tzinfo=UTC)
    op.bulk_insert(
        fonts,
        [
            {
                "id": font_id,
                "account_id": None,
                "user_id": None,
                "source": "system",
                "name": name,
                "style": style,
                "classification": classification,
                "storage_key": key,
                "created_at": now,
            }
            for font_id, name, style, classification, key in SYSTEM_FONTS
        ],
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM fonts WHERE source = 'system' AND storage_key LIKE 'system:%'"))
    with op.batch_alter_table("designs", schema=None) as batch_op:
        for column in ("request_id", "height", "width", "subtype", "design_type", "name"):
            batch_op.drop_column(column)
    op.drop_table("design_files")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requests_user_id"))
        batch_op.drop_index("ix_requests_account_created")
    op.drop_table("requests")
