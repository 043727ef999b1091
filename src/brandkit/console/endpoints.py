"""The console's pages (SPEC 10), served by the API process itself: sign-in and sign-out, and the
designs gallery. Pages talk to the same services as the API, as the signed-in key."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from brandkit.accounts.auth import authenticate
from brandkit.config import Settings
from brandkit.console import generate
from brandkit.console import session as cookies
from brandkit.console.auth import Caller, Form, SignedIn, csrf_holds
from brandkit.console.pages import SECURITY_HEADERS, page, redirect, static_file
from brandkit.console.views import REFUSED_CSRF, context, form_refused, set_cookie, signed_out
from brandkit.designs import service as designs
from brandkit.designs.schemas import GetDesignVariantsRequest
from brandkit.generation import service as generation
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.errors import BrandkitError, FieldError, NotFound, Unauthenticated
from brandkit.kit.responses import JSONBytes
from brandkit.requests import service as requests

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

NEXT = re.compile(r"#/variant/[A-Za-z0-9_-]{1,40}/independent-design-editor(\?type=edited)?")

PAGE_SIZE = 24


@router.get("/console")
def console_home(caller: SignedIn, session: ReadSession, request: Request) -> Response:
    """Where the API's links land (`<editor base>/#/variant/<id>/...`): the page's script reads
    the fragment, which only the browser knows, and opens the editor or the designs."""
    if caller is None:
        return signed_out(request)
    return page("home.html", **context(session, caller, "", "Console"))


@router.get("/console/sign-in")
def sign_in_form(settings: SettingsDep) -> Response:
    nonce = cookies.new_nonce()
    response = page(
        "sign_in.html", title="Sign in", csrf=cookies.csrf_token(settings.signing_key, nonce)
    )
    set_cookie(response, settings, cookies.PRE_COOKIE, nonce, 3600)
    return response


@router.post("/console/sign-in")
def sign_in(
    fields: Form, request: Request, session: ReadSession, settings: SettingsDep
) -> Response:
    nonce = request.cookies.get(cookies.PRE_COOKIE, "")
    if not nonce or not csrf_holds(settings, nonce, fields):
        return page("refused.html", 403, title="Refused", message=REFUSED_CSRF)
    try:
        principal = authenticate(session, settings, fields.get("token", "").strip())
    except Unauthenticated:
        retry = cookies.new_nonce()
        response = page(
            "sign_in.html",
            401,
            title="Sign in",
            csrf=cookies.csrf_token(settings.signing_key, retry),
            error="That API key or access token is not valid.",
        )
        set_cookie(response, settings, cookies.PRE_COOKIE, retry, 3600)
        return response
    ttl = int(settings.console_session_hours * 3600)
    value = cookies.open_session(
        settings.signing_key,
        principal.key_id,
        principal.user_id,
        principal.via_access_token,
        ttl,
    )
    # Back to the link the sign-in interrupted (an editor link), or to the designs.
    after = fields.get("next", "")
    signed_in = redirect("/console" + after if NEXT.fullmatch(after) else "/console/designs")
    set_cookie(signed_in, settings, cookies.COOKIE, value, ttl)
    signed_in.delete_cookie(cookies.PRE_COOKIE, path="/console")
    return signed_in


@router.post("/console/sign-out")
def sign_out(
    caller: SignedIn, fields: Form, request: Request, session: ReadSession, settings: SettingsDep
) -> Response:
    refused = form_refused(caller, request, settings, fields)
    if refused is not None or caller is None:
        return refused or signed_out(request)
    response = redirect("/console/sign-in")
    response.delete_cookie(cookies.COOKIE, path="/console")
    return response


@router.get("/console/designs")
def designs_page(
    caller: SignedIn,
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    type: Annotated[str, Query(max_length=16)] = "all",
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """The signed-in user's variants, newest first, filtered by type, a page at a time."""
    if caller is None:
        return signed_out(request)
    kind = type if type in ("all", "generated", "edited") else "all"
    try:
        return _designs(session, caller, request, settings, kind, cursor)
    except BrandkitError:
        if cursor:
            # A cursor from another filter or a tampered link: start again at the first page.
            return redirect(f"/console/designs?type={kind}")
        raise


def _designs(
    session: Session,
    caller: Caller,
    request: Request,
    settings: Settings,
    kind: str,
    cursor: str | None,
    *,
    status: int = 200,
    form: dict[str, str] | None = None,
    failure: BrandkitError | None = None,
) -> Response:
    state = request.app.state
    out = designs.Presentation(
        designs.VariantLinks(state.storage, settings.editor_base_url), settings.signing_key
    )
    query = GetDesignVariantsRequest(
        userId=caller.principal.user_id, type=kind, cursor=cursor or None, limit=PAGE_SIZE
    )
    found = designs.get_design_variants(session, caller.principal, query, out)
    return page(
        "designs.html",
        status,
        **context(session, caller, "designs", "Designs"),
        type=kind,
        variants=found["variations"],
        next_cursor=found["cursor"],
        first_page=bool(cursor),
        formats=generate.formats(),
        form=form or {},
        form_message=failure.message if failure else "",
        form_errors=(failure.errors or [FieldError("request", failure.message)]) if failure else [],
    )


@router.post("/console/designs/new")
def new_design(
    caller: SignedIn, fields: Form, request: Request, session: WriteSession, settings: SettingsDep
) -> Response:
    """Run designs-from-content (or designs-from-prompt when a prompt is given) as the signed-in
    key, then follow the request on its own page."""
    refused = form_refused(caller, request, settings, fields)
    if refused is not None or caller is None:
        return refused or signed_out(request)
    try:
        body = generate.request_of(fields)
        # A savepoint: a refusal midway (credits, say) takes back what it had written, and the
        # page that explains it is still answered in this transaction.
        with session.begin_nested():
            created = generation.create_generation(
                session,
                caller.principal,
                body,
                generation.Links(settings.editor_base_url),
                generation.Quota.of(settings),
            )
    except BrandkitError as exc:
        return _designs(
            session,
            caller,
            request,
            settings,
            "all",
            None,
            status=exc.status,
            form=fields,
            failure=exc,
        )
    return redirect(f"/console/requests/{created['requestId']}")


@router.get("/console/requests/{request_id}")
def request_page(
    request_id: str, caller: SignedIn, request: Request, session: ReadSession, settings: SettingsDep
) -> Response:
    if caller is None:
        return signed_out(request)
    try:
        found = requests.status(session, caller.principal, request_id, settings.editor_base_url)
    except NotFound:
        return page("refused.html", 404, title="Not found", message="No such request.")
    done = found["status"] in ("completed", "failed")
    result = found.get("result") or {}
    text = {"pending": "Waiting for a worker", "processing": "Rendering", "completed": "Completed"}
    return page(
        "request.html",
        **context(session, caller, "designs", f"Request {request_id}"),
        request_id=request_id,
        done=done,
        progress=found.get("progress", 0),
        status_text=text.get(found["status"], f"Failed: {found.get('reason')}"),
        variants=result.get("variations", []),
        brand=result.get("brandDetails"),
        brand_query=_brand_query(result.get("brandDetails")),
    )


def _brand_query(details: Any) -> str:
    """The new-brand form's fields, prefilled from an extraction's brandDetails."""
    if not isinstance(details, dict):
        return ""
    fields = {
        "brandName": details.get("brandName") or "",
        "brandDescription": details.get("brandDescription") or "",
        "brandColors": ", ".join(details.get("brandColors") or []),
        "brandUrl": details.get("brandUrl") or "",
        "brandLogo": details.get("brandLogo") or "",
    }
    return urlencode({k: v for k, v in fields.items() if v})


@router.get("/console/requests/{request_id}/status")
def request_status(
    request_id: str, caller: SignedIn, session: ReadSession, settings: SettingsDep
) -> Response:
    """What the request page's script polls: get-request-status's body, for the session's key."""
    if caller is None:
        return JSONBytes({"message": "Signed out"}, status_code=401, headers=SECURITY_HEADERS)
    try:
        found = requests.status(session, caller.principal, request_id, settings.editor_base_url)
    except NotFound as exc:
        return JSONBytes({"message": exc.message}, status_code=404, headers=SECURITY_HEADERS)
    return JSONBytes(dict(found), headers=SECURITY_HEADERS)


@router.get("/console/static/{name}")
def static(name: str) -> Response:
    found = static_file(name)
    if found is None:
        raise NotFound("File not found")
    return found
