"""The bulk-export routes (SPEC 5.2-5.3) and the signed download of local export files."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import ValidationError
from starlette.responses import Response

from brandkit.accounts.auth import Principal, require
from brandkit.exports import service
from brandkit.exports.repository import EXPORTS
from brandkit.exports.schemas import ExportCreate, ExportList, ExportOut
from brandkit.kit.deps import (
    ReadSession,
    SettingsDep,
    TransactionalRoute,
    WriteSession,
    json_object,
)
from brandkit.kit.errors import InvalidInput, NotFound
from brandkit.kit.files import file_response
from brandkit.kit.handlers import field_errors
from brandkit.kit.pagination import Pager
from brandkit.kit.responses import JSONBytes
from brandkit.kit.schemas import PROBLEM_ERRORS, problem_errors
from brandkit.storage.base import Storage

router = APIRouter(route_class=TransactionalRoute, tags=["bulk exports"], responses=PROBLEM_ERRORS)

ExportWriter = Annotated[Principal, Depends(require(scope="export:write"))]
ExportReader = Annotated[Principal, Depends(require(scope="export:read"))]


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON schema with its $defs inlined, as an OpenAPI request body needs."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(defs[ref.rsplit("/", 1)[-1]])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    result: dict[str, Any] = walk(schema)
    return result


_CREATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _inline(ExportCreate.model_json_schema())}},
    }
}


@router.post(
    "/exports/",
    status_code=201,
    response_model=ExportOut,
    openapi_extra=_CREATE_BODY,
    responses=problem_errors(
        e400="Request body is not valid JSON",
        e403="The key lacks the export:write scope",
        e422="The export request has validation errors (each listed in validationErrors), or an "
        "Idempotency-Key reused with another body",
        e429="Too many requests, or too many exports in progress for the account",
    ),
)
def create_export(
    request: Request,
    principal: ExportWriter,
    raw: Annotated[dict[str, Any], Depends(json_object)],
    session: WriteSession,
    settings: SettingsDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Retrying with the same key returns the same export; reusing a key "
            "with a different body is a 422.",
        ),
    ] = None,
) -> JSONBytes:
    """Start an export; it runs in the background (poll `GET /exports/{id}`)."""
    try:
        body = ExportCreate.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInput(
            "The export request has validation errors", errors=field_errors(exc.errors())
        ) from None
    export, replayed = service.create(
        session, settings, principal.account_id, body, raw, idempotency_key
    )
    headers = {"Location": f"/exports/{export.id}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    storage = request.app.state.storage
    return JSONBytes(service.resource(export, settings, storage), status_code=201, headers=headers)


@router.get("/exports/", response_model=ExportList)
def list_exports(
    request: Request,
    principal: ExportReader,
    session: ReadSession,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query()] = None,
) -> JSONBytes:
    """The account's exports, newest first; follow `links.next` until it is null."""
    pager = Pager.bound(EXPORTS, settings.signing_key, "exports", principal.account_id)
    rows, token = pager.page(
        service.page(session, principal.account_id, limit + 1, pager.after(cursor or None)), limit
    )
    next_link = None
    if token is not None:
        base = settings.public_base_url.rstrip("/")
        next_link = f"{base}/exports/?limit={limit}&cursor={token}"
    storage = request.app.state.storage
    return JSONBytes(
        {
            "results": [service.resource(e, settings, storage) for e in rows],
            "links": {"next": next_link},
        }
    )


@router.get(
    "/exports/{export_id}",
    response_model=ExportOut,
    responses=problem_errors(e404="Export not found: <id> (also another account's)"),
)
def get_export(
    export_id: str,
    request: Request,
    principal: ExportReader,
    session: ReadSession,
    settings: SettingsDep,
) -> JSONBytes:
    """One export; `fileUrl` is a fresh signed URL on every read once it has finished."""
    export = service.get(session, principal.account_id, export_id)
    return JSONBytes(service.resource(export, settings, request.app.state.storage))


@router.api_route("/exports/{export_id}/file", methods=["GET", "HEAD"], include_in_schema=False)
def download_export(
    export_id: str,
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    expires: Annotated[int, Query()],
    signature: Annotated[str, Query()],
) -> Response:
    export = service.check_download(session, settings, export_id, expires, signature)
    storage: Storage = request.app.state.storage
    path = storage.local_path(export.storage_key) if export.storage_key else None
    if path is None:
        raise NotFound("File not found")
    return file_response(
        request,
        path,
        media_type="application/zip",
        filename=f"{export.file_name}.zip",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
