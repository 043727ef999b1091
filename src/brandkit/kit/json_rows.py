"""A list's rows written in JSON by the database, so a page reaches the response without a row
object, a converted value or a dict being made in Python for each of its items.

A list declares once, as a ``RowJson``, how one of its rows reads in JSON: each field's name and
the SQL that gives its value, with the few conversions JSON needs spelled out (``embedded``,
``unix_seconds``, ``with_defaults``, ``public_url``). Its repository selects
``RowJson.columns()`` beside the keyset's raw position (``Keyset.position_columns``) and the pager
joins the page with ``Pager.json_page``. PostgreSQL and SQLite write the same JSON (the object's
key order aside); the tests compare both with what the Python renderers of the same rows give.

A storage URL is the one value SQL cannot always make: when the store signs each URL, or a key
holds a character a URL must escape, the row carries the bare key and is marked, and
``RowJson.items`` asks the store for that row's URLs. Every other row is passed through as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, Protocol, TypeVar

import orjson
from sqlalchemy import String, and_, bindparam, case, cast, literal_column, null, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Boolean, Integer


class PublicUrls(Protocol):
    """The part of ``storage.base.Storage`` that writes public URLs."""

    def public_url(self, key: str) -> str: ...

    def public_url_prefix(self) -> str | None: ...


T = TypeVar("T")
# A column of a model, or any SQL expression.
Sql = ColumnElement[Any] | InstrumentedAttribute[Any]

# The bound parameter carrying the store's public URL base (``Storage.public_url_prefix``).
URL_PREFIX = "json_url_prefix"
# Characters ``urllib.parse.quote`` leaves alone (with "/" safe): a key made only of them is its
# own URL path. SQL tests for any other character instead of escaping it.
_URL_SAFE_PATTERN = "[^A-Za-z0-9/._~-]"


def _compiled(postgresql: str, sqlite: str) -> Any:
    """A class decorator: the construct compiles to these templates, ``{0}`` its arguments."""

    def register(cls: type[FunctionElement[Any]]) -> type[FunctionElement[Any]]:
        for dialect, template in (("postgresql", postgresql), ("sqlite", sqlite)):

            def compile_with(
                element: FunctionElement[Any],
                compiler: SQLCompiler,
                template: str = template,
                **kw: Any,
            ) -> str:
                return template.format(compiler.process(element.clauses, **kw))

            compiles(cls, dialect)(compile_with)
        return cls

    return register


# ``{"name": value, ...}`` as JSON text; arguments alternate name literal and value. Cast to text
# on PostgreSQL: psycopg would otherwise parse the json into Python objects.
@_compiled("json_build_object({0})::text", "json_object({0})")
class _JsonObject(FunctionElement[str]):
    type = String()
    inherit_cache = True
    name = "json_object"


# A JSON column's value placed as JSON, not as a string holding JSON.
@_compiled("CAST({0} AS json)", "json({0})")
class _Embedded(FunctionElement[Any]):
    inherit_cache = True
    name = "embedded_json"


# UTC times are stored naive on SQLite, as 'YYYY-MM-DD HH:MM:SS.ffffff'. The fraction is cut off
# before SQLite reads the time, which it would round to milliseconds (…:59.9999 would become the
# next second); int(datetime.timestamp()) drops it too.
@_compiled(
    "CAST(floor(extract(epoch FROM {0})) AS bigint)",
    "CAST(strftime('%s', substr({0}, 1, 19)) AS INTEGER)",
)
class _UnixSeconds(FunctionElement[int]):
    type = Integer()
    inherit_cache = True
    name = "unix_seconds"


# Whether a key holds a character its URL would escape.
@_compiled(f"({{0}} ~ '{_URL_SAFE_PATTERN}')", f"({{0}} GLOB '*{_URL_SAFE_PATTERN}*')")
class _UrlUnsafe(FunctionElement[bool]):
    type = Boolean()
    inherit_cache = True
    name = "url_unsafe"


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_text(value: Any) -> str:
    """A value's JSON as an SQL string literal."""
    return _sql_string(orjson.dumps(value).decode())


class _WithDefaults(FunctionElement[Any]):
    """``{**defaults, **value}`` of a JSON column (the defaults alone when it holds no object).
    Arguments: the value, the defaults' JSON, then each default's JSON path and JSON. All are
    SQL literals, so the statement stays in SQLAlchemy's compiled cache."""

    inherit_cache = True
    name = "json_with_defaults"


def _arguments(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(clause, **kw) for clause in element.clauses.clauses]


@compiles(_WithDefaults, "postgresql")
def _with_defaults_pg(element: _WithDefaults, compiler: SQLCompiler, **kw: Any) -> str:
    value, defaults, *_ = _arguments(element, compiler, **kw)
    value = f"CAST({value} AS jsonb)"
    defaults = f"CAST({defaults} AS jsonb)"
    # jsonb's || is a shallow merge where the right side wins, as a dict merge is.
    return (
        f"CAST(CASE WHEN jsonb_typeof({value}) = 'object' THEN {defaults} || {value} "
        f"ELSE {defaults} END AS json)"
    )


@compiles(_WithDefaults, "sqlite")
def _with_defaults_sqlite(element: _WithDefaults, compiler: SQLCompiler, **kw: Any) -> str:
    value, _, *pairs = _arguments(element, compiler, **kw)
    # json_insert adds a key only where it is missing: a shallow merge where the value wins
    # (json_patch would merge nested objects too, which a dict merge does not).
    paths, defaults = pairs[::2], pairs[1::2]
    inserts = "".join(f", {p}, json({d})" for p, d in zip(paths, defaults, strict=True))
    return (
        f"json(json_insert(CASE WHEN json_type({value}) = 'object' THEN {value} ELSE '{{}}' END"
        f"{inserts}))"
    )


def embedded(value: Sql) -> ColumnElement[Any]:
    return _Embedded(value)


def unix_seconds(value: Sql) -> ColumnElement[Any]:
    return _UnixSeconds(value)


def with_defaults(value: Sql, defaults: Mapping[str, Any]) -> ColumnElement[Any]:
    pairs: list[ColumnElement[Any]] = []
    for name, default in defaults.items():
        pairs += [literal_column(_sql_string(f'$."{name}"')), literal_column(_sql_text(default))]
    return _WithDefaults(value, literal_column(_sql_text(dict(defaults))), *pairs)


@dataclass(frozen=True)
class PublicUrl:
    """A field holding ``Storage.public_url`` of the key in this column."""

    key: Sql


def public_url(key: Sql) -> PublicUrl:
    return PublicUrl(key)


def _prefix() -> ColumnElement[str]:
    return cast(bindparam(URL_PREFIX, type_=String()), String())


class RowJson:
    """How one row of a list reads in JSON, field by field, in the order given."""

    def __init__(self, **fields: Sql | PublicUrl) -> None:
        self.fields = fields
        self.urls = tuple(name for name, v in fields.items() if isinstance(v, PublicUrl))

    def columns(self) -> tuple[ColumnElement[Any], ...]:
        """The row's JSON text, and whether Python must still make its URLs (``items``). The
        statement takes the store's URL base as the parameter ``URL_PREFIX`` (``params``)."""
        arguments: list[Sql] = []
        needs_store: list[ColumnElement[bool]] = []
        for name, value in self.fields.items():
            arguments.append(literal_column(_sql_string(name)))
            if isinstance(value, PublicUrl):
                made_here = and_(_prefix().is_not(None), ~_UrlUnsafe(value.key))
                # Where SQL cannot make the URL the field holds the key, for ``items``.
                arguments.append(case((made_here, _prefix().concat(value.key)), else_=value.key))
                needs_store.append(~made_here)
            else:
                arguments.append(value)
        fix = or_(*needs_store) if needs_store else null()
        return (
            _JsonObject(*arguments).label("row_json"),
            cast(fix, Boolean()).label("row_needs_store"),
        )

    @staticmethod
    def params(storage: PublicUrls) -> dict[str, Any]:
        return {URL_PREFIX: storage.public_url_prefix()}

    def items(self, rows: Iterable[Any], storage: PublicUrls) -> JsonArray[Any]:
        """The JSON array of these rows (selected with ``columns()``, in order)."""
        parts: list[str] = []
        for row in rows:
            text: str = row.row_json
            if row.row_needs_store:
                item = orjson.loads(text)
                for name in self.urls:
                    if item[name] is not None:
                        item[name] = storage.public_url(item[name])
                text = orjson.dumps(item).decode()
            parts.append(text)
        return JsonArray("[" + ",".join(parts) + "]", len(parts))


class JsonArray(Generic[T]):
    """A JSON array already written: the response writes its text as it is (``kit.responses``);
    code that reads the items (the console's pages) iterates them, parsed once."""

    def __init__(self, text: str, length: int) -> None:
        self.text = text
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[T]:
        return iter(self.parsed)

    def __getitem__(self, index: int) -> T:
        return self.parsed[index]

    @cached_property
    def parsed(self) -> list[T]:
        items: list[T] = orjson.loads(self.text)
        return items

    def fragment(self) -> orjson.Fragment:
        return orjson.Fragment(self.text)


def json_default(value: Any) -> Any:
    """orjson's ``default``: a written array goes in as it is."""
    if isinstance(value, JsonArray):
        return value.fragment()
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")
