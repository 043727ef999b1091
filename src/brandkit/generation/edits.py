"""Saving an edit made in the editor (SPEC 10): the variant's layered document with the new texts
and colours makes a new EDITED variant of the same design, rendered by the engine on a worker.
Like a generation it is a request (get-request-status), so the editor follows it the same way."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.orm import Session

from brandkit.accounts.auth import Principal
from brandkit.db import utcnow
from brandkit.designs.models import Variant
from brandkit.designs.repository import DesignsRepository
from brandkit.generation.book import ensure_faces
from brandkit.jobs.repository import JobsRepository
from brandkit.kit.errors import NotFound, invalid
from brandkit.render.document import Document
from brandkit.render.edit import EditRefused, apply
from brandkit.requests import service as requests
from brandkit.storage.base import Storage

EDIT_JOB = "design.edit"
MAX_EDITS = 200


def editable(session: Session, principal: Principal, variant_id: str) -> Variant:
    """A variant the caller may edit: its own user's below the super tier (another user's is
    answered as an unknown one), any of the account's above."""
    variant = DesignsRepository(session).variant(principal.account_id, variant_id)
    below_super = not principal.at_least("super")
    if variant is not None and below_super and variant.user_id != principal.user_id:
        variant = None
    if variant is None:
        raise NotFound(f"Variant not found: {variant_id}")
    return variant


def document_of(variant: Variant, storage: Storage) -> Document:
    key = (variant.meta or {}).get("document")
    if not isinstance(key, str):
        raise invalid("variantId", "this variant has no layered document to edit")
    doc: Document = orjson.loads(storage.read_bytes(key))
    return doc


def start_edit(
    session: Session,
    principal: Principal,
    variant_id: str,
    texts: dict[str, str],
    colors: dict[str, str],
    storage: Storage,
    editor_base_url: str,
) -> str:
    """Check the edit against the document now (a refused edit is a 422 naming the layer), then
    queue its rendering; the request's id."""
    if len(texts) + len(colors) > MAX_EDITS:
        raise invalid("edits", f"at most {MAX_EDITS} changes at once")
    variant = editable(session, principal, variant_id)
    doc = document_of(variant, storage)
    try:
        apply(doc, texts, colors, ensure_faces(session, storage, doc))
    except EditRefused as exc:
        raise invalid("edits", str(exc)) from None
    now = utcnow()
    params: dict[str, Any] = {"variantId": variant.id, "texts": texts, "colors": colors}
    request = requests.create(
        session,
        account_id=principal.account_id,
        user_id=variant.user_id,
        kind="edit",
        params=params,
        design_id=variant.design_id,
        now=now,
        editor_base_url=editor_base_url,
    )
    JobsRepository(session).enqueue(
        EDIT_JOB,
        {"requestId": request.id},
        account_id=principal.account_id,
        max_attempts=3,
        now=now,
    )
    return request.id
