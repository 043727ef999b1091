"""The variant editor (SPEC 10): a variant's layered document as a form of its texts and colours;
saving makes a new EDITED variant of the design, rendered by the engine on a worker (followed on
the request page like a generation)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from brandkit.console import calls
from brandkit.console.auth import Caller, Form, SignedIn
from brandkit.console.pages import SECURITY_HEADERS, page, redirect
from brandkit.console.views import context, form_refused, signed_out
from brandkit.designs.models import Variant
from brandkit.fonts.repository import FontsRepository
from brandkit.generation import edits
from brandkit.generation.output import encode
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.errors import BrandkitError, InvalidInput, NotFound
from brandkit.media.repository import MediaRepository
from brandkit.render.color import parse_color, to_hex
from brandkit.render.document import Document

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

_SHAPES = {"rect": "fill", "ellipse": "fill", "gradient": "color"}


def _hex(value: object) -> str | None:
    rgb = parse_color(value) if isinstance(value, str) else None
    return to_hex(rgb) if rgb is not None else None


def _label(layer: Any) -> str:
    block = str(layer.get("block") or layer["role"])
    item = layer.get("item")
    return f"{block} {item + 1}" if isinstance(item, int) else block


def _box(raw: Any) -> dict[str, int]:
    return {k: round(float(raw[k])) for k in ("x", "y", "w", "h")}


def _form_of(doc: Document) -> dict[str, Any]:
    texts, shapes, images = [], [], []
    for layer in doc["layers"]:
        raw: Any = layer
        if raw["kind"] == "text" and raw["role"] != "marker":
            texts.append(
                {
                    "id": raw["id"],
                    "label": _label(raw),
                    "text": raw["text"],
                    "color": _hex(raw["color"]) or "#000000",
                    "font": raw["font"],
                    "box": _box(raw),
                    "kind": "text",
                }
            )
        elif raw["kind"] == "image":
            images.append(
                {
                    "id": raw["id"],
                    "label": f"{raw['role']} ({raw['id']})",
                    "box": _box(raw),
                    "kind": "image",
                }
            )
        elif raw["kind"] in _SHAPES and _hex(raw.get(_SHAPES[raw["kind"]])):
            shapes.append(
                {
                    "id": raw["id"],
                    "label": f"{raw['role']} shape ({raw['id']})",
                    "color": _hex(raw[_SHAPES[raw["kind"]]]),
                    "box": _box(raw),
                    "kind": "shape",
                }
            )
    background = _hex(doc["canvas"]["background"]) or "#ffffff"
    # The smaller a layer, the later its handle, so it sits above the larger ones it lies on.
    handles = sorted([*images, *shapes, *texts], key=lambda i: -i["box"]["w"] * i["box"]["h"])
    return {
        "texts": texts,
        "shapes": shapes,
        "images": images,
        "background": background,
        "handles": handles,
    }


def _changes(doc: Document, fields: dict[str, str]) -> dict[str, Any]:
    """What the form changed, by kind: only those go into the edit."""
    form = _form_of(doc)
    texts = {
        t["id"]: fields[f"text:{t['id']}"]
        for t in form["texts"]
        if " ".join(fields.get(f"text:{t['id']}", t["text"]).split()) != t["text"]
    }
    current = {t["id"]: t["color"] for t in [*form["texts"], *form["shapes"]]}
    current["canvas"] = form["background"]
    colors = {
        layer_id: fields[f"color:{layer_id}"]
        for layer_id, was in current.items()
        if fields.get(f"color:{layer_id}", was).lower() != was.lower()
    }
    fonts = {
        t["id"]: fields[f"font:{t['id']}"]
        for t in form["texts"]
        if fields.get(f"font:{t['id']}", t["font"]) != t["font"]
    }
    images = {
        i["id"]: fields[f"image:{i['id']}"]
        for i in form["images"]
        if fields.get(f"image:{i['id']}")
    }
    boxes: dict[str, dict[str, float]] = {}
    for item in [*form["texts"], *form["shapes"], *form["images"]]:
        box = dict(item["box"])
        for k in box:
            value = fields.get(f"{k}:{item['id']}", "").strip()
            try:
                box[k] = int(value) if value else box[k]
            except ValueError:
                raise InvalidInput(f"{item['label']}: {k} must be a whole number") from None
        if box != item["box"]:
            boxes[item["id"]] = box
    return {"texts": texts, "colors": colors, "fonts": fonts, "images": images, "boxes": boxes}


def _editor(
    session: Session,
    caller: Caller,
    request: Request,
    variant: Variant,
    doc: Document,
    *,
    status: int = 200,
    failure: BrandkitError | None = None,
) -> Response:
    return page(
        "editor.html",
        status,
        **context(session, caller, "designs", f"Edit {variant.id}"),
        **_form_of(doc),
        variant_id=variant.id,
        variant_type=variant.variant_type,
        width=variant.width,
        height=variant.height,
        image_url=request.app.state.storage.public_url(variant.storage_key),
        failure=failure,
        font_options=_font_options(session, caller, variant),
        media_options=_media_options(session, caller, variant),
    )


def _font_options(session: Session, caller: Caller, variant: Variant) -> list[tuple[str, str]]:
    usable = FontsRepository(session).page(
        account_id=caller.principal.account_id,
        user_id=variant.user_id,
        source=None,
        classifications=None,
        name=None,
        after=None,
        limit=200,
    )
    return [(f.id, _font_label(f.name, f.style)) for f in usable]


def _font_label(name: str, style: str) -> str:
    # "Roboto Black" in style "Black" is named once.
    return name if not style or style.lower() in name.lower() else f"{name} {style}"


def _media_options(session: Session, caller: Caller, variant: Variant) -> list[tuple[str, str]]:
    rows = MediaRepository(session).latest_uploads(
        caller.principal.account_id, variant.user_id, limit=100
    )
    return [(m.id, f"{m.media_type} {m.id}") for m in rows if m.width]


def _open(
    session: Session, caller: Caller, request: Request, variant_id: str
) -> tuple[Variant, Document] | Response:
    try:
        variant = edits.editable(session, caller.principal, variant_id)
        return variant, edits.document_of(variant, request.app.state.storage)
    except NotFound:
        return page("refused.html", 404, title="Not found", message="No such variant.")
    except InvalidInput:
        message = "This variant has no layered document (it was not made by Brandkit's engine)."
        return page("refused.html", 422, title="Not editable", message=message)


@router.get("/console/variants/{variant_id}/edit")
def editor(variant_id: str, caller: SignedIn, request: Request, session: ReadSession) -> Response:
    if caller is None:
        return signed_out(request)
    opened = _open(session, caller, request, variant_id)
    if isinstance(opened, Response):
        return opened
    return _editor(session, caller, request, *opened)


@router.post("/console/variants/{variant_id}/save")
def save(
    variant_id: str,
    caller: SignedIn,
    fields: Form,
    request: Request,
    session: WriteSession,
    settings: SettingsDep,
) -> Response:
    refused = form_refused(caller, request, settings, fields)
    if refused is not None or caller is None:
        return refused or signed_out(request)
    opened = _open(session, caller, request, variant_id)
    if isinstance(opened, Response):
        return opened
    variant, doc = opened
    try:
        changes = _changes(doc, fields)
        if not any(changes.values()):
            raise InvalidInput("Nothing was changed")
        storage = request.app.state.storage
        editor = settings.editor_base_url
        request_id = edits.start_edit(
            session, caller.principal, variant, doc, changes, storage, editor
        )
    except BrandkitError as exc:
        return _editor(session, caller, request, variant, doc, status=exc.status, failure=exc)
    return redirect(f"/console/requests/{request_id}")


@router.post("/console/variants/{variant_id}/preview")
def preview(
    variant_id: str,
    caller: SignedIn,
    fields: Form,
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
) -> Response:
    """The editor's live preview: the form as it stands, drawn by the engine as Save would draw
    it (a JPEG, stored nowhere), or the refusal Save would meet, as JSON."""
    checked = calls.checked(caller, request, settings)
    if isinstance(checked, Response):
        return checked
    storage = request.app.state.storage
    try:
        variant = edits.editable(session, checked.principal, variant_id)
        doc = edits.document_of(variant, storage)
        changes = _changes(doc, fields)
        picture = edits.preview(session, checked.principal, variant, doc, changes, storage)
    except BrandkitError as exc:
        return calls.failure(exc)
    return Response(encode(picture, "jpg"), media_type="image/jpeg", headers=SECURITY_HEADERS)
