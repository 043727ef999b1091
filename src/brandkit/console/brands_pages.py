"""The console's brands: the user's brands with their colours and logo, create, edit, make
default, archive, and read a brand off a website (brand/extract, followed on the request page),
through the brand service the API uses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from brandkit.brands import service as brands
from brandkit.brands.schemas import (
    CreateBrandRequest,
    ExtractBrandRequest,
    GetBrandsRequest,
    UpdateBrandRequest,
)
from brandkit.config import Settings
from brandkit.console.auth import Caller, Form, SignedIn
from brandkit.console.pages import page, redirect
from brandkit.console.views import context, form_refused, signed_out
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.errors import BrandkitError, InvalidInput
from brandkit.kit.handlers import field_errors

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)


def _page(
    session: Session,
    caller: Caller,
    request: Request,
    settings: Settings,
    cursor: str | None,
    *,
    status: int = 200,
    form: dict[str, str] | None = None,
    notice: str = "",
    failure: BrandkitError | None = None,
) -> Response:
    rows, token = brands.list_brands(
        session, caller.principal, GetBrandsRequest(limit=24, cursor=cursor), settings
    )
    return page(
        "brands.html",
        status,
        **context(session, caller, "brands", "Brands"),
        brands=brands.render(session, rows, request.app.state.storage),
        next_cursor=token,
        form=form or {},
        notice=notice,
        failure=failure,
    )


@router.get("/console/brands")
def brands_page(
    caller: SignedIn,
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    brand_name: Annotated[str, Query(alias="brandName", max_length=200)] = "",
    brand_description: Annotated[str, Query(alias="brandDescription", max_length=2000)] = "",
    brand_colors: Annotated[str, Query(alias="brandColors", max_length=400)] = "",
    brand_url: Annotated[str, Query(alias="brandUrl", max_length=2048)] = "",
    brand_logo: Annotated[str, Query(alias="brandLogo", max_length=2048)] = "",
) -> Response:
    """The query fields prefill the new-brand form (an extraction's result links here)."""
    if caller is None:
        return signed_out(request)
    form = {
        "brandName": brand_name,
        "brandDescription": brand_description,
        "brandColors": brand_colors,
        "brandUrl": brand_url,
        "brandLogo": brand_logo,
    }
    try:
        return _page(session, caller, request, settings, cursor or None, form=form)
    except BrandkitError:
        if cursor:
            return redirect("/console/brands")
        raise


def _colors(text: str) -> list[str] | None:
    parts = [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]
    return parts or None


def _model(model: Any, raw: dict[str, Any]) -> Any:
    try:
        return model.model_validate({k: v for k, v in raw.items() if v not in (None, "")})
    except ValidationError as exc:
        raise InvalidInput(errors=field_errors(exc.errors())) from None


@router.post("/console/brands/action")
def brand_action(
    caller: SignedIn, fields: Form, request: Request, session: WriteSession, settings: SettingsDep
) -> Response:
    refused = form_refused(caller, request, settings, fields)
    if refused is not None or caller is None:
        return refused or signed_out(request)
    principal, state = caller.principal, request.app.state
    action, bid = fields.get("action"), fields.get("bId", "")
    try:
        with session.begin_nested():
            if action == "extract":
                body = _model(ExtractBrandRequest, {"brandUrl": fields.get("brandUrl")})
                request_id = brands.start_extraction(
                    session, principal, body.brandUrl, None, settings.editor_base_url
                )
                return redirect(f"/console/requests/{request_id}")
            if action == "create":
                raw: dict[str, Any] = {
                    k: fields.get(k) for k in ("brandName", "brandDescription", "brandUrl")
                }
                raw |= {"brandLogo": fields.get("brandLogo")}
                raw["brandColors"] = _colors(fields.get("brandColors", ""))
                made = _model(CreateBrandRequest, raw)
                brands.create_brand(session, principal, made, state.storage, state.url_fetcher)
                notice = f"{made.brandName} was created and is now the default brand."
            elif action == "update":
                raw = {"bId": bid, "brandName": fields.get("brandName")}
                raw["brandColors"] = _colors(fields.get("brandColors", ""))
                changed = _model(UpdateBrandRequest, raw)
                brands.update_brand(session, principal, changed, state.storage, state.url_fetcher)
                notice = "The brand was saved."
            elif action == "default":
                brands.set_default(session, principal, bid, None)
                notice = "The default brand was changed."
            elif action == "archive":
                brands.archive_brand(session, principal, bid, None)
                notice = "The brand was archived."
            else:
                raise InvalidInput("Unknown action")
    except BrandkitError as exc:
        return _page(
            session, caller, request, settings, None, status=exc.status, form=fields, failure=exc
        )
    return _page(session, caller, request, settings, None, notice=notice)
