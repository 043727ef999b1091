"""The console's media library: the signed-in user's media a page at a time, delete, and the
browser's presigned upload (presign, PUT straight to storage, register), through the same
services as media/get, files/get-presigned-url, media/create and media/delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from starlette.responses import Response

from brandkit.console import calls
from brandkit.console.auth import Form, SignedIn
from brandkit.console.calls import Json
from brandkit.console.pages import SECURITY_HEADERS, page, redirect
from brandkit.console.views import context, form_refused, signed_out
from brandkit.fonts import service as fonts
from brandkit.fonts.schemas import CreateFontsRequest, GetFontsRequest
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.errors import BrandkitError
from brandkit.kit.fetch import UrlFetcher
from brandkit.kit.responses import JSONBytes
from brandkit.media import service as media
from brandkit.media.schemas import CreateMediaRequest, DeleteMediaRequest, GetMediaRequest
from brandkit.uploads import service as uploads
from brandkit.uploads.schemas import PresignRequest

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

UPLOAD_KINDS = ("photo", "logo", "illustration", "screenshot", "backdrop")


@router.get("/console/media")
def media_page(
    caller: SignedIn,
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    if caller is None:
        return signed_out(request)
    try:
        found = media.list_media(
            session,
            caller.principal,
            GetMediaRequest(limit=24, cursor=cursor or None),
            settings,
            request.app.state.storage,
        )
    except BrandkitError:
        if cursor:
            return redirect("/console/media")
        raise
    return page(
        "media.html",
        **context(session, caller, "media", "Media library"),
        media=found["media"],
        next_cursor=found["cursor"],
        first_page=bool(cursor),
        kinds=UPLOAD_KINDS,
    )


@router.post("/console/media/delete")
def delete(
    caller: SignedIn, fields: Form, request: Request, session: WriteSession, settings: SettingsDep
) -> Response:
    refused = form_refused(caller, request, settings, fields)
    if refused is not None or caller is None:
        return refused or signed_out(request)
    body = DeleteMediaRequest(mIds=[fields.get("mId", "")])
    media.delete_media(session, caller.principal, body, request.app.state.storage)
    return redirect("/console/media")


@router.post("/console/media/presign")
def presign(
    caller: SignedIn, body: Json, request: Request, session: WriteSession, settings: SettingsDep
) -> Response:
    checked = calls.checked(caller, request, settings)
    if isinstance(checked, Response):
        return checked
    try:
        asked = PresignRequest.model_validate(
            {k: body.get(k) for k in ("type", "extension", "contentLength") if k in body}
        )
        storage = request.app.state.storage
        grant = uploads.presign(session, checked.principal, asked, settings, storage)
    except (ValidationError, BrandkitError) as exc:
        return calls.failure(exc)
    return JSONBytes(dict(grant), headers=SECURITY_HEADERS)


@router.post("/console/media/register")
def register(
    caller: SignedIn, body: Json, request: Request, session: WriteSession, settings: SettingsDep
) -> Response:
    checked = calls.checked(caller, request, settings)
    if isinstance(checked, Response):
        return checked
    state = request.app.state
    fetcher: UrlFetcher = state.url_fetcher
    try:
        asked = CreateMediaRequest.model_validate(
            {"type": body.get("type"), "uploadUrl": body.get("uploadUrl")}
        )
        made = media.create_media(session, checked.principal, asked, state.storage, fetcher)
    except (ValidationError, BrandkitError) as exc:
        return calls.failure(exc)
    return JSONBytes(dict(made), headers=SECURITY_HEADERS)


# -- fonts -------------------------------------------------------------------------------------


@router.get("/console/fonts")
def fonts_page(
    caller: SignedIn,
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    source: Annotated[str, Query(max_length=16)] = "user",
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """The fonts the caller can use: its own uploads, or the faces shipped with Brandkit."""
    if caller is None:
        return signed_out(request)
    kind = source if source in ("user", "system") else "user"
    try:
        query = GetFontsRequest(source=kind, limit=50, cursor=cursor or None)
        found = fonts.list_fonts(session, caller.principal, query, settings)
    except BrandkitError:
        if cursor:
            return redirect(f"/console/fonts?source={kind}")
        raise
    return page(
        "fonts.html",
        **context(session, caller, "fonts", "Fonts"),
        fonts=found["data"],
        next_cursor=found["meta"]["cursor"],
        source=kind,
    )


@router.post("/console/fonts/register")
def register_font(
    caller: SignedIn, body: Json, request: Request, session: WriteSession, settings: SettingsDep
) -> Response:
    """font/create for an uploaded file; the answer names the request page to follow."""
    checked = calls.checked(caller, request, settings)
    if isinstance(checked, Response):
        return checked
    storage = request.app.state.storage
    try:
        asked = CreateFontsRequest.model_validate({"uploadedURL": body.get("uploadUrl")})
        with session.begin_nested():
            made = fonts.create_fonts(
                session, checked.principal, asked, storage, settings.editor_base_url
            )
    except (ValidationError, BrandkitError) as exc:
        return calls.failure(exc)
    return JSONBytes(
        {**made, "next": f"/console/requests/{made['requestId']}"}, headers=SECURITY_HEADERS
    )
