"""The console's exports (bulk-export family): the account's exports with live progress and
their download, and a form that creates one with the API's own validation. Shown to keys holding
export:read; the form to keys holding export:write."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from brandkit.config import Settings
from brandkit.console.auth import Caller, Form, SignedIn
from brandkit.console.pages import SECURITY_HEADERS, page, redirect
from brandkit.console.views import context, form_refused, signed_out
from brandkit.exports import service as exports
from brandkit.exports.repository import EXPORTS
from brandkit.exports.schemas import ExportCreate
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.errors import BrandkitError, InvalidInput, NotFound
from brandkit.kit.handlers import field_errors
from brandkit.kit.pagination import Pager
from brandkit.kit.responses import JSONBytes

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

NO_SCOPE = "This key cannot read exports (it lacks the export:read scope)."
PAGE_SIZE = 20


def _page(
    session: Session,
    caller: Caller,
    request: Request,
    settings: Settings,
    cursor: str | None,
    *,
    status: int = 200,
    form: dict[str, str] | None = None,
    failure: BrandkitError | None = None,
) -> Response:
    account = caller.principal.account_id
    pager = Pager.bound(EXPORTS, settings.signing_key, "exports", account)
    rows, token = pager.page(
        exports.page(session, account, PAGE_SIZE + 1, pager.after(cursor or None)), PAGE_SIZE
    )
    storage = request.app.state.storage
    return page(
        "exports.html",
        status,
        **context(session, caller, "exports", "Exports"),
        exports=[exports.resource(e, settings, storage) for e in rows],
        next_cursor=token,
        can_write="export:write" in caller.principal.scopes,
        form=form or {"delimiter": ",", "dateFormat": "ISO", "version": "v2"},
        failure=failure,
    )


@router.get("/console/exports")
def exports_page(
    caller: SignedIn,
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    if caller is None:
        return signed_out(request)
    if "export:read" not in caller.principal.scopes:
        return page("refused.html", 403, title="Exports", message=NO_SCOPE)
    try:
        return _page(session, caller, request, settings, cursor)
    except BrandkitError:
        if cursor:
            return redirect("/console/exports")
        raise


def _body(fields: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        k: fields[k] for k in ("exportType", "delimiter", "dateFormat", "version") if k in fields
    }
    filters = {k: fields[k].strip() for k in ("fromDate", "toDate") if fields.get(k, "").strip()}
    if filters:
        body["filters"] = filters
    return body


@router.post("/console/exports/new")
def new_export(
    caller: SignedIn, fields: Form, request: Request, session: WriteSession, settings: SettingsDep
) -> Response:
    refused = form_refused(caller, request, settings, fields)
    if refused is not None or caller is None:
        return refused or signed_out(request)
    if "export:write" not in caller.principal.scopes:
        message = "This key cannot create exports (it lacks the export:write scope)."
        return page("refused.html", 403, title="Exports", message=message)
    raw = _body(fields)
    try:
        try:
            body = ExportCreate.model_validate(raw)
        except ValidationError as exc:
            raise InvalidInput(
                "The export request has validation errors", errors=field_errors(exc.errors())
            ) from None
        with session.begin_nested():
            exports.create(session, settings, caller.principal.account_id, body, raw, None)
    except BrandkitError as exc:
        return _page(
            session, caller, request, settings, None, status=exc.status, form=fields, failure=exc
        )
    return redirect("/console/exports")


@router.get("/console/exports/{export_id}/status")
def export_status(
    export_id: str, caller: SignedIn, request: Request, session: ReadSession, settings: SettingsDep
) -> Response:
    """What the page's script polls: the Export resource, as GET /exports/{id} answers it."""
    if caller is None or "export:read" not in caller.principal.scopes:
        return JSONBytes({"message": "Not allowed"}, status_code=403, headers=SECURITY_HEADERS)
    try:
        found = exports.get(session, caller.principal.account_id, export_id)
    except NotFound as exc:
        return JSONBytes({"message": exc.message}, status_code=404, headers=SECURITY_HEADERS)
    resource = exports.resource(found, settings, request.app.state.storage)
    return JSONBytes(dict(resource), headers=SECURITY_HEADERS)
