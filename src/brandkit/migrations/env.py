from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import brandkit.models  # noqa: F401  (registers every table on Base.metadata)
from brandkit.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("brandkit migrations run through brandkit.migrate, with a connection")
run_migrations(connection)
