"""The Python path: rows read through SQLAlchemy and formatted by ``formats``. The exports
themselves have the database write each line (``writer``); this is SPEC 5.4 written plainly, the
reading both database paths are held to byte for byte (tests/exports/test_paths.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import IO, Any

import orjson
from sqlalchemy import Connection, select

from brandkit.dialects import Dialect
from brandkit.exports import formats
from brandkit.exports.kinds import Column
from brandkit.exports.snapshot import (
    ExportSpec,
    ProgressFn,
    Written,
    after_batch,
    open_snapshot,
)


def write(
    conn: Connection, dialect: Dialect, spec: ExportSpec, out: IO[bytes], progress: ProgressFn
) -> Written:
    kind = spec.kind
    opened = open_snapshot(conn, dialect, spec, out)
    before, after = kind.columns_for(spec.version)
    selected = [c.value for c in before + after]
    if kind.custom_fields is not None and opened.field_names:
        selected.append(kind.custom_fields)
    stmt = (
        select(*selected)
        .select_from(kind.source)
        .where(*kind.where(spec.account_id, spec.filters))
        .order_by(*kind.order)
    )
    to_cells = _row_cells(spec, before, after, opened.field_names)
    done = 0
    result = conn.execution_options(yield_per=spec.batch_rows).execute(stmt)
    for batch in result.partitions():
        buf = io.StringIO()
        writer = csv.writer(
            buf, delimiter=spec.delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n"
        )
        writer.writerows(map(to_cells, batch))
        out.write(buf.getvalue().encode())
        done += len(batch)
        after_batch(spec, progress, done, opened.total)
    return Written(done, opened.started)


# Each cell format as a Python expression over the stored value ``{v}``: the row function is
# compiled once per export from these, so that a row costs what a hand-written one would (a
# generic loop calling a formatter per cell ran this path 20% slower).
_EXPRESSIONS = {
    "plain": "{v}",
    "text": "safe({v} or '', n)",
    "optional": "({v} or '')",
    "date": "dates({v})",
}


def _row_cells(
    spec: ExportSpec, before: list[Column], after: list[Column], field_names: list[str]
) -> Callable[[Any], list[str]]:
    """One row's cells, in header order: the selected columns (read by their position in the
    select, which follows the kind's column list), with the custom fields (from the JSON
    column selected last) between the columns before and after them."""
    cells = [_EXPRESSIONS[c.format].format(v=f"r[{i}]") for i, c in enumerate(before + after)]
    head, tail = cells[: len(before)], cells[len(before) :]
    if field_names:
        fields = "*[safe(field_text(f.get(k)), n) for k in names]"
        body = f"f = loads(r[{len(cells)}])\n    return [{', '.join([*head, fields, *tail])}]"
    else:
        body = f"return [{', '.join(cells)}]"
    namespace: dict[str, Any] = {
        "safe": formats.safe,
        "dates": formats.DateCells(spec.date_format, spec.timezone),
        "field_text": formats.field_text,
        "loads": orjson.loads,
        "n": spec.neutralise,
        "names": tuple(field_names),
    }
    # The source holds only column positions and the fixed expressions above, never data.
    exec(f"def cells(r):\n    {body}\n", namespace)  # noqa: S102
    cells_of: Callable[[Any], list[str]] = namespace["cells"]
    return cells_of
