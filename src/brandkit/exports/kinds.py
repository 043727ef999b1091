"""Each export type once: its columns (header, value, format, first version), its rows and
filters, and the dates in its file name. The CSV writers (PostgreSQL's and SQLite's lines, and
the Python row path) and the creation rules read only this, so a new column is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Column as SqlColumn
from sqlalchemy import ColumnElement, FromClause, select
from sqlalchemy.orm import InstrumentedAttribute

from brandkit.contacts.models import Activity, Contact, SegmentMember
from brandkit.exports.formats import safe
from brandkit.exports.types import ExportType, Version

T = TypeVar("T")
# How a stored value becomes a cell: ``plain`` as stored (never null, never data a person
# typed), ``text`` null as empty and neutralised against formulas, ``optional`` null as empty,
# ``date`` by the export's date format in the account's time zone.
CellFormat = Literal["plain", "text", "optional", "date"]


@dataclass(frozen=True)
class Column:
    header: str
    value: SqlColumn[Any]
    format: CellFormat
    since: Version = "v1"


@dataclass(frozen=True)
class ExportKind:
    name: ExportType
    columns: tuple[Column, ...]
    # The rows: the table(s) read, the account and contact columns filters apply to, the order.
    source: FromClause
    # The same for COPY, with each table under its alias in ``SQL_ALIASES``.
    source_sql: str
    # The table whose rows are counted: the kind's own, without the tables joined to it for a
    # column (a foreign key holds every joined row there, and the join cost the count as much as
    # the rows' read, a quarter of an export on SQLite). Filters name only its columns.
    counted: FromClause
    account: SqlColumn[str]
    contact: SqlColumn[str]
    order: tuple[SqlColumn[Any], ...]
    # Activities are exported for a window of this column (fromDate..toDate, both required);
    # kinds without one refuse the window and activity-type filters.
    window: SqlColumn[datetime] | None = None
    type_column: SqlColumn[str] | None = None
    # Contacts: a JSON column whose keys become one column each, sorted, after the v1 columns.
    custom_fields: SqlColumn[str] | None = None

    def columns_for(self, version: Version) -> tuple[list[Column], list[Column]]:
        """(columns before the custom fields, columns after them) in this version."""
        before = [c for c in self.columns if c.since == "v1"]
        after = [c for c in self.columns if c.since == "v2" and version == "v2"]
        return before, after

    def header(self, version: Version, field_names: list[str], neutralise: bool) -> list[str]:
        before, after = self.columns_for(version)
        # Custom field names come from the data, so they are neutralised like values.
        fields = [safe(name, neutralise) for name in field_names]
        return [c.header for c in before] + fields + [c.header for c in after]

    def where(self, account_id: str, filters: dict[str, Any]) -> list[ColumnElement[bool]]:
        """The rows of this export (filters as stored by creation), for the Python path."""
        clauses: list[ColumnElement[bool]] = [self.account == account_id]
        if self.window is not None:
            clauses.append(self.window >= datetime.fromisoformat(filters["fromDate"]))
            clauses.append(self.window <= datetime.fromisoformat(filters["toDate"]))
        if self.type_column is not None and filters.get("activityTypes"):
            clauses.append(self.type_column.in_(filters["activityTypes"]))
        if filters.get("segmentId"):
            members = select(SegmentMember.contact_id).where(
                SegmentMember.segment_id == filters["segmentId"]
            )
            clauses.append(self.contact.in_(members))
        return clauses

    def file_dates(
        self, filters: dict[str, Any], created: datetime, tz: ZoneInfo
    ) -> tuple[datetime, datetime]:
        """The two dates of the file name: the window, or the creation date twice."""
        if self.window is not None:
            first = datetime.fromisoformat(filters["fromDate"]).astimezone(tz)
            last = datetime.fromisoformat(filters["toDate"]).astimezone(tz)
            return first, last
        local = created.astimezone(tz)
        return local, local


def _sql(attr: InstrumentedAttribute[T]) -> SqlColumn[T]:
    """The table column behind a mapped attribute: a plain SQL column, typed, for both paths."""
    return cast(SqlColumn[T], attr.property.columns[0])


def _col(
    header: str,
    value: InstrumentedAttribute[Any],
    format: CellFormat,
    since: Version = "v1",
) -> Column:
    return Column(header, _sql(value), format, since)


CONTACTS = ExportKind(
    name="contacts",
    columns=(
        _col("Contact ID", Contact.id, "plain"),
        _col("Email", Contact.email, "text"),
        _col("First name", Contact.first_name, "text"),
        _col("Last name", Contact.last_name, "text"),
        _col("Newsletter status", Contact.newsletter_status, "plain"),
        _col("Created at", Contact.created_at, "date"),
        _col("Updated at", Contact.updated_at, "date"),
        _col("Last subscription date", Contact.last_subscribed_at, "date", "v2"),
        _col(
            "Last unsubscription date",
            Contact.last_unsubscribed_at,
            "date",
            "v2",
        ),
        _col("Origin", Contact.origin, "text", "v2"),
    ),
    source=Contact.__table__,
    source_sql="contacts c",
    counted=Contact.__table__,
    account=_sql(Contact.account_id),
    contact=_sql(Contact.id),
    order=(_sql(Contact.created_at), _sql(Contact.id)),
    custom_fields=_sql(Contact.fields),
)

ACTIVITIES = ExportKind(
    name="activities",
    columns=(
        _col("Activity ID", Activity.id, "plain"),
        _col("Contact ID", Activity.contact_id, "plain"),
        _col("Contact email", Contact.email, "text"),
        _col("Activity type", Activity.type, "plain"),
        _col("Date", Activity.occurred_at, "date"),
        _col("Details", Activity.payload, "plain"),
        _col("Purchase ID", Activity.purchase_id, "text", "v2"),
        _col("Amount", Activity.amount, "optional", "v2"),
        _col("Currency", Activity.currency, "text", "v2"),
        _col("Products", Activity.product_ids, "text", "v2"),
    ),
    source=Activity.__table__.join(Contact.__table__, Contact.id == Activity.contact_id),
    source_sql="activities a JOIN contacts c ON c.id = a.contact_id",
    counted=Activity.__table__,
    account=_sql(Activity.account_id),
    contact=_sql(Activity.contact_id),
    order=(_sql(Activity.occurred_at), _sql(Activity.id)),
    window=_sql(Activity.occurred_at),
    type_column=_sql(Activity.type),
)

# How COPY's SQL names each table (``ExportKind.source_sql``).
SQL_ALIASES = {"contacts": "c", "activities": "a"}

KINDS: dict[ExportType, ExportKind] = {k.name: k for k in (CONTACTS, ACTIVITIES)}
