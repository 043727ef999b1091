"""Writing an export's CSV: one consistent snapshot, streamed, whatever the row count.

Snapshot: the rows are read in one transaction that sees the database as of its first read
(``Dialect.snapshot``: REPEATABLE READ on PostgreSQL; on SQLite a read transaction in WAL mode).
A high-water mark captured at creation (max id or created_at) was rejected: ids are uuids, and
even a sequence is not a snapshot on PostgreSQL, where a transaction holding a lower id can
commit after the mark is read; and contacts are updated in place, which no mark can undo. The
count (``total``), the custom field names and the rows all come from that one snapshot, so the
file has no row twice and none missing, and rows written meanwhile (back-dated activities
included) are not in it.

Two paths write the rows, both from the export's ``ExportKind``: where the database writes CSV
itself (PostgreSQL's COPY, ``copy_path``) it does, else Python formats each row (``row_path``).
Both write the same bytes (tests/exports/test_paths.py).
"""

from __future__ import annotations

from typing import IO

from sqlalchemy import Engine

from brandkit.dialects import dialect_of
from brandkit.exports import copy_path, row_path
from brandkit.exports.snapshot import ExportSpec, ProgressFn, Written


def write_csv(engine: Engine, spec: ExportSpec, out: IO[bytes], progress: ProgressFn) -> Written:
    """Write header and rows to ``out``; ``progress(done, total)`` is called after each batch
    (it may raise to stop the export)."""
    dialect = dialect_of(engine)
    with dialect.snapshot(engine) as conn:
        if dialect.copies_csv:
            return copy_path.write(conn, spec, out, progress)
        return row_path.write(conn, dialect, spec, out, progress)
