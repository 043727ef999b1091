"""Writing an export's CSV: one consistent snapshot, streamed, whatever the row count.

Snapshot: the rows are read in one transaction that sees the database as of its first read
(``Dialect.snapshot``: REPEATABLE READ on PostgreSQL; on SQLite a read transaction in WAL mode).
A high-water mark captured at creation (max id or created_at) was rejected: ids are uuids, and
even a sequence is not a snapshot on PostgreSQL, where a transaction holding a lower id can
commit after the mark is read; and contacts are updated in place, which no mark can undo. The
count (``total``), the custom field names and the rows all come from that one snapshot, so the
file has no row twice and none missing, and rows written meanwhile (back-dated activities
included) are not in it.

The database writes each CSV line, from the export's ``ExportKind``: PostgreSQL in SQL
(``copy_path``), SQLite with one ``printf`` a line (``sqlite_lines``). ``row_path``, Python
formatting each row, is SPEC 5.4 written plainly: the tests hold both database paths to it, byte
for byte, for every kind, version, delimiter, date format and filter (tests/exports/test_paths.py).
"""

from __future__ import annotations

from typing import IO

from sqlalchemy import Engine

from brandkit.dialects import dialect_of
from brandkit.exports import copy_path, sqlite_lines
from brandkit.exports.snapshot import ExportSpec, ProgressFn, Written


def write_csv(engine: Engine, spec: ExportSpec, out: IO[bytes], progress: ProgressFn) -> Written:
    """Write header and rows to ``out``; ``progress(done, total)`` is called after each batch
    (it may raise to stop the export)."""
    dialect = dialect_of(engine)
    with dialect.snapshot(engine) as conn:
        if dialect.export_lines == "sql":
            return copy_path.write(conn, spec, out, progress)
        return sqlite_lines.write(conn, spec, out, progress)
