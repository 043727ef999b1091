"""Keyset pages, the one way every list pages (designs, media, fonts, exports, and those to come).

A list names its sort key once, as a ``Keyset`` (sort column, id column as tie-breaker) in its
repository; the repository seeks with it, and the service pages with a ``Pager``, which reads the
caller's cursor and makes the next one (``kit.cursors`` signs them with the one cursor key).
The position is the last row served, never an offset, so page 10,000 costs what page 1 costs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

import orjson
from sqlalchemy import Dialect, Integer, bindparam, tuple_, type_coerce
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement
from sqlalchemy.types import NullType

from brandkit.db import AnySelect
from brandkit.kit.cursors import decode_cursor, encode_cursor, time_from_position, time_position
from brandkit.kit.errors import invalid
from brandkit.kit.json_rows import JsonArray, PublicUrls, RowJson

T = TypeVar("T")
# The sort value and id of the last row served.
Position = tuple[Any, str]


@dataclass(frozen=True)
class Keyset:
    """A list's order: ``sort`` then ``id``, both ascending or both descending. ``kind`` says how
    the sort value travels in a cursor (times as integer microseconds, text as it is)."""

    sort: InstrumentedAttribute[Any]
    id: InstrumentedAttribute[str]
    kind: Literal["time", "text"] = "time"

    def seek(self, query: AnySelect, after: Position | None, *, descending: bool) -> AnySelect:
        """Rows strictly past ``after`` in this order, ordered."""
        if after is not None:
            position = tuple_(
                bindparam(None, after[0], type_=self.sort.type),
                bindparam(None, after[1], type_=self.id.type),
            )
            key = tuple_(self.sort, self.id)
            query = query.where(key < position if descending else key > position)
        return self.order(query, descending=descending)

    def seek_bound(self, query: AnySelect, *, seeking: bool, descending: bool) -> AnySelect:
        """``seek`` for a statement built once and run many times: the position (when
        ``seeking``) is left to the parameters ``bind(after)`` gives, the page size to
        ``limit``."""
        if seeking:
            position = tuple_(
                bindparam("after_sort", type_=self.sort.type),
                bindparam("after_id", type_=self.id.type),
            )
            key = tuple_(self.sort, self.id)
            query = query.where(key < position if descending else key > position)
        return self.order(query, descending=descending).limit(bindparam("limit", type_=Integer()))

    @staticmethod
    def bind(after: Position | None, limit: int, values: Mapping[str, object]) -> dict[str, Any]:
        """The parameters of a ``seek_bound`` statement: ``values``, the page size and, when
        seeking, the position."""
        params: dict[str, Any] = {**values, "limit": limit}
        if after is not None:
            params.update(after_sort=after[0], after_id=after[1])
        return params

    def order(self, query: AnySelect, *, descending: bool) -> AnySelect:
        if descending:
            return query.order_by(self.sort.desc(), self.id.desc())
        return query.order_by(self.sort.asc(), self.id.asc())

    def position_columns(self) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
        """The sort value and id as the driver reads them, for rows whose other columns are
        JSON (``RowJson``): only the last row of a page is ever converted (``position_of_raw``)."""
        return (
            type_coerce(self.sort, NullType()).label("position_sort"),
            type_coerce(self.id, NullType()).label("position_id"),
        )

    def position_of_raw(self, row: Any, dialect: Dialect) -> list[Any]:
        convert = self.sort.type.dialect_impl(dialect).result_processor(dialect, None)
        value = row.position_sort if convert is None else convert(row.position_sort)
        if self.kind == "time":
            return time_position(value, row.position_id)
        return [value, row.position_id]

    def position_of(self, row: Any) -> list[Any]:
        """The cursor position of a row (an ORM object or a row of columns, read by name)."""
        value, row_id = getattr(row, self.sort.key), getattr(row, self.id.key)
        if self.kind == "time":
            return time_position(value, row_id)
        return [value, row_id]

    def position_from(self, position: list[Any]) -> Position:
        """A decoded cursor position, checked to be of this keyset's shape."""
        if self.kind == "time":
            created: datetime
            created, row_id = time_from_position(position)
            return created, row_id
        if len(position) != 2 or not all(isinstance(p, str) for p in position):
            raise invalid("cursor", "malformed cursor")
        return position[0], position[1]


@dataclass(frozen=True)
class Pager:
    """One list's cursors, bound to ``context``: the list's name and everything that decides
    which rows it holds (account, owner, filters, sort). A cursor of another account or list,
    or made under other filters, is a 422: it would otherwise skip or repeat rows."""

    keyset: Keyset
    key: bytes
    context: str

    @classmethod
    def bound(cls, keyset: Keyset, key: bytes, name: str, *scope: object) -> Pager:
        """A pager whose cursors are bound to ``name`` and the ``scope`` values (JSON-encoded,
        so that no two different scopes read the same)."""
        return cls(keyset, key, name + ":" + orjson.dumps(scope, default=str).decode())

    def after(self, cursor: str | None) -> Position | None:
        if cursor is None:
            return None
        return self.keyset.position_from(decode_cursor(self.key, self.context, cursor))

    def page(self, rows: Sequence[T], limit: int) -> tuple[Sequence[T], str | None]:
        """The page out of ``rows`` fetched with ``limit + 1``, and the cursor of the next page
        (None on the last)."""
        if len(rows) <= limit:
            return rows, None
        page = rows[:limit]
        return page, self.cursor_after(page[-1])

    def json_page(
        self, rows: Sequence[Any], limit: int, shape: RowJson, storage: PublicUrls, dialect: Dialect
    ) -> tuple[JsonArray[Any], str | None]:
        """``page`` of rows selected as ``shape.columns()`` and the keyset's
        ``position_columns()``: the page as JSON, and the next page's cursor."""
        page = rows[:limit]
        cursor = None
        if len(rows) > limit:
            position = self.keyset.position_of_raw(page[-1], dialect)
            cursor = encode_cursor(self.key, self.context, position)
        return shape.items(page, storage), cursor

    def cursor_after(self, row: Any) -> str:
        return encode_cursor(self.key, self.context, self.keyset.position_of(row))
