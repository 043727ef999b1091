"""Design variants and the enterprise data export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import Principal
from brandkit.accounts.models import User
from brandkit.accounts.repository import AccountsRepository
from brandkit.db import AnyRow, utcnow
from brandkit.designs.models import Variant
from brandkit.designs.repository import (
    CONTENT,
    EDIT_LINK_BASE,
    EXPORTED_CONTENT_JSON,
    EXPORTED_MEDIA_JSON,
    MEDIA,
    VARIANT_JSON,
    VARIANTS,
    DesignsRepository,
    ExportedKind,
    OwnerKind,
)
from brandkit.designs.schemas import (
    ExportDataRequest,
    GetDesignVariantsRequest,
    VariantsPage,
    Variation,
)
from brandkit.kit.cursors import decode_cursor, encode_cursor
from brandkit.kit.errors import BadRequest, invalid
from brandkit.kit.json_rows import RowJson
from brandkit.kit.pagination import Keyset, Pager
from brandkit.kit.timeparse import from_unix
from brandkit.storage.base import Storage

MAX_EXPORT_RANGE = timedelta(days=90)
MAX_EXPORT_AGE = timedelta(days=365)
EXPORT_CAPS = {"variants": 300, "media": 300, "content": 100}


@dataclass(frozen=True)
class VariantLinks:
    storage: Storage
    editor_base_url: str

    def params(self) -> dict[str, object]:
        """The parameters of ``VARIANT_JSON``: how this server writes the same links in SQL."""
        return {
            **VARIANT_JSON.params(self.storage),
            EDIT_LINK_BASE: f"{self.editor_base_url.rstrip('/')}/#/variant/",
        }

    def render(self, row: AnyRow | Variant) -> Variation:
        return {
            "variantImageUrl": self.storage.public_url(row.storage_key),
            "variantEditLink": f"{self.editor_base_url.rstrip('/')}/#/variant/{row.id}"
            "/independent-design-editor?type=edited",
            "variantId": row.id,
            "variantType": row.variant_type,
            "variantWidth": row.width,
            "variantHeight": row.height,
        }


@dataclass(frozen=True)
class Presentation:
    """How this server writes design data out: file and editor links, and signed cursors."""

    links: VariantLinks
    cursor_key: bytes


def get_design_variants(
    session: Session,
    principal: Principal,
    request: GetDesignVariantsRequest,
    out: Presentation,
) -> VariantsPage:
    designs = DesignsRepository(session)
    users = AccountsRepository(session)
    enterprise = principal.at_least("enterprise")
    # Below the enterprise tier a key reads only for its acting user; an enterprise key acts for
    # the whole account and abstractUserId only narrows the list.
    acting = (
        None if enterprise else accounts.acting_user(session, principal, request.abstractUserId)
    )
    only_user: str | None = acting.id if acting else None
    if enterprise and request.abstractUserId is not None:
        only_user = accounts.find_user(session, principal.account_id, request.abstractUserId).id

    if request.designId is not None:
        decided = request.designId
        # An enterprise key may read every design of the account, so a page with rows proves
        # the design is there; only an empty page pays for the lookup (below) that tells "no
        # variants" from "no such design".
        if acting is not None:
            # Another user's design is answered as an unknown one: below the enterprise tier a
            # key must not learn which ids exist beyond its own user's.
            design = designs.design(principal.account_id, decided)
            if design is None or design.user_id != acting.id:
                raise BadRequest("Design does not exist")
        owner: OwnerKind = "design"
    elif request.userId is not None:
        decided = request.userId
        if acting is not None and decided != acting.id:
            raise BadRequest("User does not exist")
        if users.live_user(principal.account_id, decided) is None:
            raise BadRequest("User does not exist")
        owner = "user"
    elif request.workspaceId is not None:
        decided = request.workspaceId
        if users.workspace(principal.account_id, decided) is None or (
            acting is not None and not users.is_member(decided, acting.id)
        ):
            raise BadRequest("Workspace does not exist")
        owner = "workspace"
    else:
        raise invalid("designId", "one of designId, userId or workspaceId is required")

    variant_type = None if request.type == "all" else request.type.upper()
    pager = Pager.bound(
        VARIANTS,
        out.cursor_key,
        "variants",
        principal.account_id,
        owner,
        decided,
        only_user,
        variant_type,
    )
    after = pager.after(request.cursor)
    rows = designs.variant_page(
        principal.account_id,
        owner,
        decided,
        user_id=only_user,
        variant_type=variant_type,
        after=after,
        limit=request.limit + 1,
        presented=out.links.params(),
    )
    if (
        not rows
        and acting is None
        and request.designId is not None
        and designs.design(principal.account_id, request.designId) is None
    ):
        raise BadRequest("Design does not exist")
    variations, cursor = pager.json_page(
        rows, request.limit, VARIANT_JSON, out.links.storage, session.get_bind().dialect
    )
    return {
        "designId": decided,
        "variations": variations,
        "cursor": cursor,
        "nextPage": cursor is not None,
    }


def export_window(request: ExportDataRequest, now: datetime) -> tuple[datetime, datetime]:
    start = from_unix(request.startDate, "startDate")
    end = from_unix(request.endDate, "endDate")
    if start > end:
        raise invalid("startDate", "startDate must not be after endDate")
    if end - start > MAX_EXPORT_RANGE:
        raise invalid("endDate", "the date range may not exceed 90 days")
    if start < now - MAX_EXPORT_AGE:
        raise invalid("startDate", "data older than 365 days is not available")
    return start, end


def export_data(
    session: Session,
    principal: Principal,
    request: ExportDataRequest,
    out: Presentation,
) -> dict[str, Any]:
    start, end = export_window(request, utcnow())
    user: User = accounts.find_user(session, principal.account_id, request.abstractUserId)
    repo = DesignsRepository(session)
    kinds: dict[ExportedKind, tuple[Keyset, RowJson]] = {
        "variants": (VARIANTS, VARIANT_JSON),
        "media": (MEDIA, EXPORTED_MEDIA_JSON),
        "content": (CONTENT, EXPORTED_CONTENT_JSON),
    }
    presented = out.links.params()
    dialect = session.get_bind().dialect
    wanted: list[ExportedKind] = ["variants"] if request.exportType == "designs" else list(kinds)
    # The cursor holds, per kind, the last position served, or None once that kind is complete.
    context = f"export-data:{principal.account_id}:{user.id}:{start}:{end}:{request.exportType}"
    state: dict[str, Any] = {kind: [] for kind in wanted}
    if request.cursor is not None:
        decoded = decode_cursor(out.cursor_key, context, request.cursor)
        if len(decoded) != 1 or not isinstance(decoded[0], dict) or set(decoded[0]) != set(wanted):
            raise invalid("cursor", "malformed cursor")
        state = decoded[0]

    body: dict[str, Any] = {"variants": [], "media": [], "content": []}
    next_state: dict[str, Any] = {}
    for kind in wanted:
        position = state[kind]
        if position is None:
            next_state[kind] = None
            continue
        keyset, shape = kinds[kind]
        after = keyset.position_from(position) if position else None
        cap = EXPORT_CAPS[kind]
        rows = repo.exported(kind, user.id, start, end, after, cap + 1, presented)
        body[kind] = shape.items(rows[:cap], out.links.storage)
        next_state[kind] = (
            keyset.position_of_raw(rows[cap - 1], dialect) if len(rows) > cap else None
        )
    more = any(position is not None for position in next_state.values())
    body["next"] = 1 if more else 0
    if more:
        body["cursor"] = encode_cursor(out.cursor_key, context, [next_state])
    return body
