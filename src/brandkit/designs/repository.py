"""Every query of the designs domain. Lists are keyset pages, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, Literal

from sqlalchemy import Select, String, bindparam, cast, literal_column, select
from sqlalchemy.orm import Session

from brandkit.db import AnyRow, UTCDateTime
from brandkit.designs.models import ContentSnippet, Design, DesignFile, Variant, VariantDownload
from brandkit.dialects import dialect_of
from brandkit.kit.json_rows import RowJson, embedded, public_url
from brandkit.kit.pagination import Keyset, Position
from brandkit.media.models import Media

VARIANT_COLUMNS = (
    Variant.id,
    Variant.variant_type,
    Variant.storage_key,
    Variant.width,
    Variant.height,
    Variant.created_at,
)

# The parameter carrying what an editor link puts before the variant id (``VariantLinks``).
EDIT_LINK_BASE = "variant_edit_base"
# A variant as get-design-variants and export-data write it (``VariantLinks.render`` in SQL).
VARIANT_JSON = RowJson(
    variantImageUrl=public_url(Variant.storage_key),
    variantEditLink=cast(bindparam(EDIT_LINK_BASE, type_=String()), String()).concat(
        Variant.id.concat(literal_column("'/independent-design-editor?type=edited'"))
    ),
    variantId=Variant.id,
    variantType=Variant.variant_type,
    variantWidth=Variant.width,
    variantHeight=Variant.height,
)
EXPORTED_MEDIA_JSON = RowJson(url=public_url(Media.storage_key), type=Media.media_type)
EXPORTED_CONTENT_JSON = RowJson(
    title=ContentSnippet.title,
    subtitle=ContentSnippet.subtitle,
    bulletlist=embedded(ContentSnippet.bulletlist),
)

VARIANT_ID_LENGTH = 11
VARIANTS = Keyset(Variant.created_at, Variant.id)
MEDIA = Keyset(Media.created_at, Media.id)
CONTENT = Keyset(ContentSnippet.created_at, ContentSnippet.id)


OwnerKind = Literal["design", "user", "workspace"]
_OWNER_COLUMNS = {
    "design": Variant.design_id,
    "user": Variant.user_id,
    "workspace": Variant.workspace_id,
}


@cache
def _variant_page_query(
    owner: OwnerKind, by_user: bool, by_type: bool, keyset: bool
) -> Select[*tuple[Any, ...]]:
    """One prebuilt statement per shape, values bound at execution: building the expression
    and adapting a cached compilation to a new one cost more than the query itself."""
    query = select(*VARIANT_JSON.columns(), *VARIANTS.position_columns()).where(
        _OWNER_COLUMNS[owner] == bindparam("owner_id"),
        Variant.account_id == bindparam("account_id"),
    )
    if by_user:
        query = query.where(Variant.user_id == bindparam("user_id"))
    if by_type:
        query = query.where(Variant.variant_type == bindparam("variant_type"))
    return VARIANTS.seek_bound(query, seeking=keyset, descending=True)


ExportedKind = Literal["variants", "media", "content"]


@cache
def _export_query(kind: ExportedKind, seeking: bool) -> Select[*tuple[Any, ...]]:
    """export-data's three lists of a user's rows in a time window, prebuilt as get-design-
    variants' statements are; every value bound at execution."""
    start, end = bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
    if kind == "variants":
        query = select(*VARIANT_JSON.columns(), *VARIANTS.position_columns()).where(
            Variant.user_id == bindparam("user_id"), Variant.created_at.between(start, end)
        )
        return VARIANTS.seek_bound(query, seeking=seeking, descending=True)
    if kind == "media":
        query = select(*EXPORTED_MEDIA_JSON.columns(), *MEDIA.position_columns()).where(
            Media.user_id == bindparam("user_id"),
            Media.system == "USER",
            Media.deleted_at.is_(None),
            Media.created_at.between(start, end),
        )
        return MEDIA.seek_bound(query, seeking=seeking, descending=True)
    query = select(*EXPORTED_CONTENT_JSON.columns(), *CONTENT.position_columns()).where(
        ContentSnippet.user_id == bindparam("user_id"),
        ContentSnippet.created_at.between(start, end),
    )
    return CONTENT.seek_bound(query, seeking=seeking, descending=True)


class DesignsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_generated(self, variants: Sequence[Variant], files: Sequence[DesignFile]) -> None:
        """A generation's variants and the rows of its other files. An asset file a user's
        earlier design stored already keeps its first row."""
        self.session.add_all(variants)
        self.session.flush()
        keys = {f.storage_key for f in files}
        known = (
            set(
                self.session.scalars(
                    select(DesignFile.storage_key).where(DesignFile.storage_key.in_(keys))
                )
            )
            if keys
            else set()
        )
        self.session.add_all(
            f for f in {f.storage_key: f for f in files}.values() if f.storage_key not in known
        )
        self.session.flush()

    def count_download(self, key: str, name: str, day: str) -> None:
        """Count a served image of a variant (by its id, or an option's key) once for the day."""
        # An option's file is named <variantId>_<n>; ids are 11 url-safe characters, which
        # may themselves hold "_", so the id is the name's first eleven.
        variant = self.session.get(Variant, name[:VARIANT_ID_LENGTH])
        if variant is None:
            return
        ins = (
            dialect_of(self.session)
            .insert(VariantDownload)
            .values(
                variant_id=variant.id,
                day=day,
                account_id=variant.account_id,
                user_id=variant.user_id,
                count=1,
            )
        )
        self.session.execute(ins.on_conflict_do_nothing())

    def variant(self, account_id: str, variant_id: str) -> Variant | None:
        return self.session.scalar(
            select(Variant).where(Variant.id == variant_id, Variant.account_id == account_id)
        )

    def design(self, account_id: str, design_id: str) -> Design | None:
        return self.session.scalar(
            select(Design).where(Design.id == design_id, Design.account_id == account_id)
        )

    def variant_page(
        self,
        account_id: str,
        owner: OwnerKind,
        owner_id: str,
        *,
        user_id: str | None,
        variant_type: str | None,
        after: Position | None,
        limit: int,
        presented: dict[str, object],
    ) -> Sequence[AnyRow]:
        """Rows of ``VARIANT_JSON`` and the keyset position; ``presented`` binds the JSON's
        parameters (``VariantLinks.params``)."""
        query = _variant_page_query(
            owner, user_id is not None, variant_type is not None, after is not None
        )
        values = {
            "account_id": account_id,
            "owner_id": owner_id,
            "user_id": user_id,
            "variant_type": variant_type,
            **presented,
        }
        params = VARIANTS.bind(after, limit, values)
        # Plain rows through the Core connection: the ORM's result machinery costs more than
        # the query on this hot path and adds nothing to tuples of columns.
        return self.session.connection().execute(query, params).all()

    def exported(
        self,
        kind: ExportedKind,
        user_id: str,
        start: datetime,
        end: datetime,
        after: Position | None,
        limit: int,
        presented: dict[str, object],
    ) -> Sequence[AnyRow]:
        """export-data's rows of one kind: a user's, created in [start, end], newest first."""
        values = {"user_id": user_id, "start": start, "end": end, **presented}
        params = Keyset.bind(after, limit, values)
        query = _export_query(kind, after is not None)
        return self.session.connection().execute(query, params).all()
