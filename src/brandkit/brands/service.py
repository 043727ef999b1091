"""Brands (SPEC 7): a brand belongs to the acting user's personal workspace; creating one
archives the workspace's default and becomes the default. Its logo URL is fetched through the
guarded fetcher into the brand's logo media; its fonts must be fonts the caller can see."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import Principal
from brandkit.accounts.models import Brand, User
from brandkit.accounts.repository import AccountsRepository
from brandkit.brands.repository import BRANDS, BrandsRepository
from brandkit.brands.schemas import (
    BrandDetail,
    BrandFields,
    CreateBrandRequest,
    GetBrandsRequest,
    UpdateBrandRequest,
)
from brandkit.config import Settings
from brandkit.db import utcnow
from brandkit.fonts.models import Font
from brandkit.fonts.repository import FontsRepository
from brandkit.jobs.repository import JobsRepository
from brandkit.kit.errors import NotFound, invalid
from brandkit.kit.fetch import UrlFetcher
from brandkit.kit.ids import brand_id
from brandkit.kit.pagination import Pager
from brandkit.media import service as media
from brandkit.media.schemas import CreateMediaRequest
from brandkit.requests import service as requests
from brandkit.storage.base import Storage

NOT_IN_WORKSPACE = "Brand not found in workspace"
EXTRACT_JOB = "brand.extract"
SET = "Successfully set the brand details"


def _fonts(session: Session, principal: Principal, user: User, names: Sequence[str]) -> list[str]:
    """Font ids for what the request names: ids, or names, of fonts font/get lists to it."""
    if not names:
        return []
    scope = None if principal.at_least("super") else user.id
    repo = FontsRepository(session)
    out = []
    for i, wanted in enumerate(names):
        found = repo.visible(principal.account_id, scope, [wanted])
        font: Font | None = found[0] if found else repo.named(principal.account_id, scope, wanted)
        if font is None:
            raise invalid(f"brandFonts.{i}", f"no font {wanted!r} (see font/get)")
        out.append(font.id)
    return out


def _logo(
    session: Session,
    principal: Principal,
    user: User,
    brand: Brand,
    url: str,
    storage: Storage,
    fetcher: UrlFetcher,
) -> None:
    request = CreateMediaRequest(
        type="logo", url=url, bId=brand.id, abstractUserId=user.abstract_user_id
    )
    try:
        media.create_media(session, principal, request, storage, fetcher)
    except Exception as exc:
        errors = getattr(exc, "errors", None)
        if errors:
            raise invalid("brandLogo", errors[0].reason) from None
        raise


def _apply(
    session: Session, principal: Principal, user: User, brand: Brand, fields: BrandFields
) -> None:
    if fields.brandUrl is not None:
        brand.url = fields.brandUrl
    if fields.brandColors is not None:
        brand.colors = list(fields.brandColors)
    if fields.brandFonts is not None:
        brand.fonts = _fonts(session, principal, user, fields.brandFonts)
    if fields.brandPersona is not None:
        brand.persona = fields.brandPersona.model_dump()


def create_brand(
    session: Session,
    principal: Principal,
    request: CreateBrandRequest,
    storage: Storage,
    fetcher: UrlFetcher,
    abstract_user_id: str | None = None,
) -> Brand:
    user = accounts.acting_user(session, principal, abstract_user_id or request.abstractUserId)
    workspace = AccountsRepository(session).personal_workspace(user.id)
    assert workspace is not None
    repo = BrandsRepository(session)
    now = utcnow()
    # As documented: the workspace's default brand is archived and the new one is the default.
    repo.archive_default(workspace.id, now)
    brand = Brand(
        id=brand_id(),
        account_id=principal.account_id,
        workspace_id=workspace.id,
        name=request.brandName,
        description=request.brandDescription,
        colors=[],
        fonts=[],
        logos=[],
        persona={},
        is_default=True,
        created_at=now,
    )
    _apply(session, principal, user, brand, request)
    repo.add(brand)
    if request.brandLogo is not None:
        _logo(session, principal, user, brand, request.brandLogo, storage, fetcher)
    return brand


def _owned(
    session: Session, principal: Principal, bid: str, abstract_user_id: str | None
) -> tuple[User, Brand]:
    user = accounts.acting_user(session, principal, abstract_user_id)
    brand = BrandsRepository(session).of_user(principal.account_id, user.id, bid)
    if brand is None:
        raise NotFound(NOT_IN_WORKSPACE)
    return user, brand


def update_brand(
    session: Session,
    principal: Principal,
    request: UpdateBrandRequest,
    storage: Storage,
    fetcher: UrlFetcher,
) -> Brand:
    user, brand = _owned(session, principal, request.bId, request.abstractUserId)
    if request.brandName is not None:
        brand.name = request.brandName
    if request.brandDescription is not None:
        brand.description = request.brandDescription
    _apply(session, principal, user, brand, request)
    session.flush()
    if request.brandLogo is not None:
        _logo(session, principal, user, brand, request.brandLogo, storage, fetcher)
    return brand


def archive_brand(
    session: Session, principal: Principal, bid: str, abstract_user_id: str | None
) -> None:
    _, brand = _owned(session, principal, bid, abstract_user_id)
    brand.archived_at = utcnow()
    brand.is_default = False
    session.flush()


def set_default(
    session: Session, principal: Principal, bid: str, abstract_user_id: str | None
) -> None:
    _, brand = _owned(session, principal, bid, abstract_user_id)
    BrandsRepository(session).clear_default(brand.workspace_id)
    brand.is_default = True
    session.flush()


def list_brands(
    session: Session, principal: Principal, request: GetBrandsRequest, settings: Settings
) -> tuple[list[Brand], str | None]:
    user = accounts.acting_user(session, principal, request.abstractUserId)
    repo = BrandsRepository(session)
    if request.isDefault:
        workspace = AccountsRepository(session).personal_workspace(user.id)
        default = repo.default_of(workspace.id) if workspace else None
        return ([default] if default else []), None
    if request.bId is not None:
        one = repo.of_user(principal.account_id, user.id, request.bId)
        return ([one] if one else []), None
    pager = Pager.bound(BRANDS, settings.signing_key, "brands", principal.account_id, user.id)
    rows = repo.page(principal.account_id, user.id, pager.after(request.cursor), request.limit + 1)
    page, cursor = pager.page(rows, request.limit)
    return list(page), cursor


def render(session: Session, brands: Sequence[Brand], storage: Storage) -> list[BrandDetail]:
    repo = BrandsRepository(session)
    files = repo.media_urls([b.id for b in brands])
    font_ids = sorted({f for b in brands for f in b.fonts})
    fonts = {f.id: f for f in FontsRepository(session).by_ids(font_ids)} if font_ids else {}
    out: list[BrandDetail] = []
    for b in brands:
        media_rows = files.get(b.id, [])
        persona: dict[str, Any] = {
            "emotions": [],
            "industry": None,
            "audience": [],
            "designTags": [],
        }
        persona.update(b.persona or {})
        out.append(
            {
                "bId": b.id,
                "brandName": b.name,
                "brandDescription": b.description,
                "brandUrl": b.url,
                "brandColors": [
                    {"color": c, "addedBy": "user", "primary": False} for c in b.colors
                ],
                "brandFonts": [
                    {"id": f, "name": fonts[f].name, "classification": fonts[f].classification}
                    for f in b.fonts
                    if f in fonts
                ],
                "brandPersona": persona,
                "brandLogos": [storage.public_url(k) for t, k in media_rows if t == "logo"],
                "brandImages": [storage.public_url(k) for t, k in media_rows if t == "photo"],
                "isDefault": b.is_default,
            }
        )
    return out


def start_extraction(
    session: Session,
    principal: Principal,
    url: str,
    abstract_user_id: str | None,
    editor_base_url: str,
) -> str:
    """brand/extract: a request (get-request-status) whose job reads the site."""
    user = accounts.acting_user(session, principal, abstract_user_id)
    now = utcnow()
    request = requests.create(
        session,
        account_id=principal.account_id,
        user_id=user.id,
        kind="brand",
        params={"url": url},
        now=now,
        editor_base_url=editor_base_url,
    )
    JobsRepository(session).enqueue(
        EXTRACT_JOB,
        {"requestId": request.id},
        account_id=principal.account_id,
        max_attempts=3,
        now=now,
    )
    return request.id
