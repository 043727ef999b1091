"""Saving an edit made in the editor (SPEC 10): the variant's layered document with the new texts
and colours makes a new EDITED variant of the same design, rendered by the engine on a worker.
Like a generation it is a request (get-request-status), so the editor follows it the same way."""

from __future__ import annotations

import io
from dataclasses import asdict
from typing import Any

import orjson
from PIL import Image
from sqlalchemy.orm import Session

from brandkit.accounts.auth import Principal
from brandkit.db import utcnow
from brandkit.designs.models import Variant
from brandkit.designs.repository import DesignsRepository
from brandkit.fonts.repository import FontsRepository
from brandkit.generation.book import BOOK, ensure_faces, load_faces
from brandkit.jobs.repository import JobsRepository
from brandkit.kit.errors import NotFound, invalid
from brandkit.media.repository import MediaRepository
from brandkit.render.document import AssetRef, Document
from brandkit.render.edit import Edit, EditRefused, apply
from brandkit.render.raster import render
from brandkit.requests import service as requests
from brandkit.storage.base import Storage

EDIT_JOB = "design.edit"
MAX_EDITS = 200
KINDS = ("texts", "colors", "boxes", "fonts", "images")
IMAGE_KINDS = ("photo", "logo", "illustration", "backdrop", "icon", "screenshot")


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


def resolve(
    session: Session,
    principal: Principal,
    user_id: str,
    changes: dict[str, Any],
    storage: Storage,
) -> Edit:
    """The editor's changes as an ``Edit``: fonts must be ones the variant's user can use (a
    shipped face or its own), images its own media or the stock (by mId); the faces are loaded
    into the font book."""
    fonts = dict(changes.get("fonts") or {})
    if fonts:
        usable = {
            f.id
            for f in FontsRepository(session).visible(
                principal.account_id, user_id, list(fonts.values())
            )
        }
        for layer_id, font_id in fonts.items():
            if font_id not in usable:
                raise invalid("edits", f"{layer_id}: {font_id!r} is not a font you can use")
        load_faces(session, storage, list(fonts.values()))
    images: dict[str, AssetRef] = {}
    media = MediaRepository(session)
    for layer_id, media_id in dict(changes.get("images") or {}).items():
        found = media.usable(principal.account_id, user_id, str(media_id))
        if found is None or found.media_type not in IMAGE_KINDS or not found.width:
            raise invalid("edits", f"{layer_id}: no image of your library has the id {media_id}")
        alpha = found.content_type in ("image/png", "image/webp", "image/gif")
        images[layer_id] = {
            "key": found.storage_key,
            "width": int(found.width),
            "height": int(found.height or 0),
            "alpha": alpha,
        }
    return Edit(
        texts=dict(changes.get("texts") or {}),
        colors=dict(changes.get("colors") or {}),
        boxes=dict(changes.get("boxes") or {}),
        fonts=fonts,
        images=images,
    )


def _applied(
    session: Session,
    principal: Principal,
    variant: Variant,
    doc: Document,
    changes: dict[str, Any],
    storage: Storage,
) -> tuple[Edit, Document]:
    """The edit, and ``doc`` with it applied; a refused edit is a 422 naming the layer."""
    if sum(len(changes.get(k) or {}) for k in KINDS) > MAX_EDITS:
        raise invalid("edits", f"at most {MAX_EDITS} changes at once")
    edit = resolve(session, principal, variant.user_id, changes, storage)
    try:
        edited = apply(doc, edit, ensure_faces(session, storage, doc))
    except EditRefused as exc:
        raise invalid("edits", str(exc)) from None
    return edit, edited


def picture(doc: Document, storage: Storage) -> Image.Image:
    """``doc`` drawn by the engine (its faces already in the book, as ``apply`` left them)."""
    images = {}
    for key in doc["assets"]:
        image = Image.open(io.BytesIO(storage.read_bytes(key)))
        image.load()
        images[key] = image
    return render(doc, images, BOOK)


def preview(
    session: Session,
    principal: Principal,
    variant: Variant,
    doc: Document,
    changes: dict[str, Any],
    storage: Storage,
) -> Image.Image:
    """What Save would make of these changes, drawn now and stored nowhere: the editor's live
    preview, through the same checks, fitting and drawing as the saved edit. ``variant`` is
    one ``editable`` answered, ``doc`` its document."""
    _, edited = _applied(session, principal, variant, doc, changes, storage)
    return picture(edited, storage)


def start_edit(
    session: Session,
    principal: Principal,
    variant: Variant,
    doc: Document,
    changes: dict[str, Any],
    storage: Storage,
    editor_base_url: str,
) -> str:
    """Check the edit against the document now (a refused edit is a 422 naming the layer), then
    queue its rendering; the request's id. ``variant`` is one ``editable`` answered, ``doc`` its
    document; ``changes``: texts, colors, boxes, fonts (font ids) and images (mIds), each by
    layer id."""
    edit, _ = _applied(session, principal, variant, doc, changes, storage)
    now = utcnow()
    params: dict[str, Any] = {"variantId": variant.id, "edit": asdict(edit)}
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


def edit_of(params: dict[str, Any]) -> Edit:
    """The ``Edit`` a request stored (its fonts and images already checked when it was made)."""
    return Edit(**params["edit"])
