"""The job that renders a saved edit: the variant's document with the edit applied, drawn as the
engine draws every variant (its rasters and SVG), stored as a new EDITED variant of the design."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from brandkit.db import transaction, utcnow
from brandkit.designs.models import DesignFile, Variant
from brandkit.designs.repository import DesignsRepository
from brandkit.generation import edits
from brandkit.generation.book import ensure_faces, load_faces
from brandkit.generation.edits import EDIT_JOB, document_of, edit_of
from brandkit.generation.output import (
    CONTENT_TYPES,
    document_bytes,
    encode,
    files_of,
    variant_id,
)
from brandkit.jobs.context import JobContext
from brandkit.jobs.registry import Finish, handler
from brandkit.render.edit import EditRefused, apply
from brandkit.render.svg import to_svg
from brandkit.requests import service as requests


def _failed(session: Session, ctx: JobContext, error: str) -> None:
    editor = ctx.settings.editor_base_url
    requests.fail(session, ctx.job.payload["requestId"], "Server internal error", utcnow(), editor)


@handler(EDIT_JOB, on_failure=_failed, max_attempts=3)
def render_edit(ctx: JobContext) -> Finish | None:
    request_id: str = ctx.job.payload["requestId"]
    editor = ctx.settings.editor_base_url
    with transaction(ctx.sessions, write=True) as session:
        request = requests.begin(session, request_id, utcnow(), editor)
        if request is None:
            return None
        params: dict[str, Any] = dict(request.params)
        source = DesignsRepository(session).variant(request.account_id, params["variantId"])
        if source is None:
            reason = "The variant was deleted before its edit was saved"
            return lambda s: requests.fail(s, request_id, reason, utcnow(), editor)
        doc = document_of(source, ctx.storage)
        edit = edit_of(params)
        book = ensure_faces(session, ctx.storage, doc)
        load_faces(session, ctx.storage, list(edit.fonts.values()))
        stored = (source.meta or {}).get("formats")
        formats = [str(f) for f in stored] if isinstance(stored, dict) and stored else ["jpg"]
        base = {
            "account_id": source.account_id,
            "design_id": source.design_id,
            "user_id": source.user_id,
            "workspace_id": source.workspace_id,
        }
    try:
        edited = apply(doc, edit, book)
    except EditRefused as exc:
        reason = str(exc)
        return lambda s: requests.fail(s, request_id, reason, utcnow(), editor)
    ctx.check()
    picture = edits.picture(edited, ctx.storage)
    vid = variant_id(request_id, 0)
    files = files_of(base["account_id"], base["design_id"])
    keys = {fmt: files.raster(vid, fmt) for fmt in formats}
    for fmt, key in keys.items():
        ctx.storage.put_bytes(key, encode(picture, fmt), CONTENT_TYPES[fmt])
    doc_key, svg_key = files.document(vid), files.svg(vid)
    ctx.storage.put_bytes(doc_key, document_bytes(edited), "application/json")
    svg = to_svg(edited, ctx.storage.public_url)
    ctx.storage.put_bytes(svg_key, svg.encode("utf-8"), "image/svg+xml")
    width, height = edited["canvas"]["width"], edited["canvas"]["height"]
    first = keys[formats[0]]
    entry = {
        "variantImageUrl": ctx.storage.public_url(first),
        "variantEditLink": f"{editor.rstrip('/')}/#/variant/{vid}/independent-design-editor"
        "?type=edited",
        "variantId": vid,
        "variantWidth": width,
        "variantHeight": height,
        "variantType": "EDITED",
    }

    def finish(session: Session) -> None:
        now = utcnow()
        variant = Variant(
            id=vid,
            variant_type="EDITED",
            storage_key=first,
            width=width,
            height=height,
            meta={"document": doc_key, "svg": svg_key, "formats": keys, "editedFrom": source.id},
            created_at=now,
            **base,
        )
        others = [k for k in keys.values() if k != first] + [doc_key, svg_key]
        DesignsRepository(session).add_generated(
            [variant],
            [
                DesignFile(
                    storage_key=k,
                    account_id=base["account_id"],
                    user_id=base["user_id"],
                    design_id=base["design_id"],
                    created_at=now,
                )
                for k in others
            ],
        )
        requests.complete(session, request_id, {"variations": [entry]}, now, editor)

    return finish
