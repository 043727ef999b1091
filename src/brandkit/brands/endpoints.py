from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from brandkit.accounts.auth import EnterpriseKey, GeneralKey
from brandkit.brands import service
from brandkit.brands.schemas import (
    BrandCreatedBody,
    BrandIdBody,
    BrandIdRequest,
    BrandsBody,
    BrandUpdatedBody,
    CreateBrandRequest,
    ExtractBrandRequest,
    GetBrandsRequest,
    MessageBody,
    RequestIdBody,
    SetBrandRequest,
    UpdateBrandRequest,
)
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.fetch import UrlFetcher
from brandkit.kit.params import query_params
from brandkit.kit.responses import JSONBytes, envelope
from brandkit.kit.schemas import ENVELOPE_ERRORS, Envelope, envelope_errors
from brandkit.storage.base import Storage

router = APIRouter(route_class=TransactionalRoute, tags=["brands"], responses=ENVELOPE_ERRORS)

CREATE_ERRORS = envelope_errors(
    e400="User does not exist",
    e422="Invalid input: a colour not in hex, a font the caller cannot see, a persona value not "
    "documented, a logo URL that does not serve an image",
)
OWNED_ERRORS = envelope_errors(
    e404="Brand not found in workspace (also another user's or account's brand)"
)


def _storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


def _fetcher(request: Request) -> UrlFetcher:
    fetcher: UrlFetcher = request.app.state.url_fetcher
    return fetcher


StorageDep = Annotated[Storage, Depends(_storage)]
FetcherDep = Annotated[UrlFetcher, Depends(_fetcher)]


@router.post("/brand/create", response_model=Envelope[BrandCreatedBody], responses=CREATE_ERRORS)
def create_brand(
    body: CreateBrandRequest,
    principal: GeneralKey,
    session: WriteSession,
    storage: StorageDep,
    fetcher: FetcherDep,
) -> JSONBytes:
    """A brand in the acting user's workspace: it becomes the default, and the previous default
    is archived. ``brandLogo`` is fetched into the brand's logo media."""
    brand = service.create_brand(session, principal, body, storage, fetcher)
    details = service.render(session, [brand], storage)
    return envelope({"message": service.SET, "brandDetails": details})


@router.post("/set-brand-manual", response_model=Envelope[MessageBody], responses=CREATE_ERRORS)
def set_brand_manual(
    body: CreateBrandRequest,
    principal: GeneralKey,
    session: WriteSession,
    storage: StorageDep,
    fetcher: FetcherDep,
) -> JSONBytes:
    """Set the acting user's brand by hand (as brand/create)."""
    service.create_brand(session, principal, body, storage, fetcher)
    return envelope({"message": service.SET})


@router.post("/enterprise/set-brand", response_model=Envelope[MessageBody], responses=CREATE_ERRORS)
def set_brand(
    body: SetBrandRequest,
    principal: EnterpriseKey,
    session: WriteSession,
    storage: StorageDep,
    fetcher: FetcherDep,
) -> JSONBytes:
    """Set an end user's brand (``abstractUserId``, ``brand``)."""
    service.create_brand(session, principal, body.brand, storage, fetcher, body.abstractUserId)
    return envelope({"message": service.SET})


def _list(
    body: GetBrandsRequest,
    principal: GeneralKey,
    session: ReadSession,
    settings: SettingsDep,
    storage: Storage,
) -> JSONBytes:
    brands, cursor = service.list_brands(session, principal, body, settings)
    return envelope({"brands": service.render(session, brands, storage), "cursor": cursor})


@router.post("/brand/get", response_model=Envelope[BrandsBody])
def get_brands(
    body: GetBrandsRequest,
    principal: GeneralKey,
    session: ReadSession,
    settings: SettingsDep,
    storage: StorageDep,
) -> JSONBytes:
    """The acting user's live brands, newest first (``isDefault``: the default only; ``bId``:
    that one), one keyset page at a time."""
    return _list(body, principal, session, settings, storage)


@router.post("/get-brands", response_model=Envelope[BrandsBody])
def get_brands_alias(
    body: GetBrandsRequest,
    principal: GeneralKey,
    session: ReadSession,
    settings: SettingsDep,
    storage: StorageDep,
) -> JSONBytes:
    """get-brands: the same as brand/get."""
    return _list(body, principal, session, settings, storage)


@router.get("/get-brands", response_model=Envelope[BrandsBody])
def get_brands_query(
    principal: GeneralKey,
    params: Annotated[GetBrandsRequest, Depends(query_params(GetBrandsRequest))],
    session: ReadSession,
    settings: SettingsDep,
    storage: StorageDep,
) -> JSONBytes:
    """The GET form: the same fields as URL-encoded JSON in ``queryParams``."""
    return _list(params, principal, session, settings, storage)


@router.post(
    "/brand/update",
    response_model=Envelope[BrandUpdatedBody],
    responses={**CREATE_ERRORS, **OWNED_ERRORS},
)
def update_brand(
    body: UpdateBrandRequest,
    principal: GeneralKey,
    session: WriteSession,
    storage: StorageDep,
    fetcher: FetcherDep,
) -> JSONBytes:
    """Change what is given of a brand; a new ``brandLogo`` is added to its logos."""
    brand = service.update_brand(session, principal, body, storage, fetcher)
    [detail] = service.render(session, [brand], storage)
    return envelope(
        {"message": "Brand updated successfully", "bId": brand.id, "brandDetail": detail}
    )


@router.post("/brand/archive", response_model=Envelope[BrandIdBody], responses=OWNED_ERRORS)
def archive_brand(body: BrandIdRequest, principal: GeneralKey, session: WriteSession) -> JSONBytes:
    """Archive a brand: it is no longer listed nor usable in brand mode."""
    service.archive_brand(session, principal, body.bId, body.abstractUserId)
    return envelope({"message": "Brand archived successfully", "bId": body.bId})


@router.post("/brand/set-default", response_model=Envelope[BrandIdBody], responses=OWNED_ERRORS)
def set_default_brand(
    body: BrandIdRequest, principal: GeneralKey, session: WriteSession
) -> JSONBytes:
    """Make a brand its workspace's default."""
    service.set_default(session, principal, body.bId, body.abstractUserId)
    return envelope({"message": "Default brand updated successfully", "bId": body.bId})


EXTRACT_ERRORS = envelope_errors(
    e400="User does not exist", e422="Invalid input: brandUrl is not an http(s) URL"
)


@router.post("/brand/extract", response_model=Envelope[RequestIdBody], responses=EXTRACT_ERRORS)
def brand_extract(
    body: ExtractBrandRequest,
    principal: GeneralKey,
    session: WriteSession,
    settings: SettingsDep,
) -> JSONBytes:
    """Read a brand off its website, as a request: get-request-status gives ``brandDetails``
    (name, description, logo, colours, fonts), or a reason when the page cannot be read."""
    request_id = service.start_extraction(
        session, principal, body.brandUrl, body.abstractUserId, settings.editor_base_url
    )
    return envelope({"requestId": request_id})


@router.post("/extract-brand", response_model=Envelope[RequestIdBody], responses=EXTRACT_ERRORS)
def extract_brand(
    body: ExtractBrandRequest,
    principal: GeneralKey,
    session: WriteSession,
    settings: SettingsDep,
) -> JSONBytes:
    """extract-brand: the same as brand/extract."""
    request_id = service.start_extraction(
        session, principal, body.brandUrl, body.abstractUserId, settings.editor_base_url
    )
    return envelope({"requestId": request_id})
