"""Edits made in the editor, applied to a layered document: new texts, faces and boxes, every
touched text refitted by the engine's own rules into its box (the same wrapping, real metrics
and line placement, a smaller size when it no longer fits, never below legibility); new colours;
layers moved and resized; images and logos swapped. Pure: a document in, a document out."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from brandkit.render.color import parse_color, to_hex
from brandkit.render.compose import legible_minimum
from brandkit.render.document import AssetRef, Document, TextLayer
from brandkit.render.fit import STYLES, Piece, line_layer
from brandkit.render.fonts import FontBook, MissingGlyphs
from brandkit.render.text import set_text

MAX_TEXT = 500
_COLOURED = {"text": "color", "rect": "fill", "ellipse": "fill", "gradient": "color"}
_BOXED = {"text", "rect", "ellipse", "gradient", "image"}


class EditRefused(ValueError):
    """An edit the document cannot take; the message says which layer and why."""


@dataclass(frozen=True)
class Edit:
    """What the editor changed, by layer id: texts, colours (``canvas`` for the background),
    boxes (moved or resized: x, y, w, h), faces (a font id) and images (an asset)."""

    texts: Mapping[str, str] = field(default_factory=dict)
    colors: Mapping[str, str] = field(default_factory=dict)
    boxes: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    fonts: Mapping[str, str] = field(default_factory=dict)
    images: Mapping[str, AssetRef] = field(default_factory=dict)


def apply(doc: Document, edit: Edit, book: FontBook) -> Document:
    out = copy.deepcopy(doc)
    layers: dict[str, Any] = {layer["id"]: layer for layer in out["layers"]}
    width, height = out["canvas"]["width"], out["canvas"]["height"]
    for layer_id, value in edit.colors.items():
        rgb = parse_color(value) if isinstance(value, str) else None
        if rgb is None:
            raise EditRefused(f"{layer_id}: {value!r} is not a colour")
        if layer_id == "canvas":
            out["canvas"]["background"] = to_hex(rgb)
            continue
        layer = layers.get(layer_id)
        if layer is None or layer["kind"] not in _COLOURED:
            raise EditRefused(f"{layer_id}: no layer of this document takes a colour")
        layer[_COLOURED[layer["kind"]]] = to_hex(rgb)
    for layer_id, asset in edit.images.items():
        layer = layers.get(layer_id)
        if layer is None or layer["kind"] != "image":
            raise EditRefused(f"{layer_id}: no image layer of this document has this id")
        out["assets"][asset["key"]] = asset
        layer["asset"] = asset["key"]
    for layer_id, box in edit.boxes.items():
        layer = layers.get(layer_id)
        if layer is None or layer["kind"] not in _BOXED:
            raise EditRefused(f"{layer_id}: no layer of this document can be moved")
        x, y, w, h = (_number(box.get(k), f"{layer_id}.{k}") for k in ("x", "y", "w", "h"))
        if w < 1 or h < 1:
            raise EditRefused(f"{layer_id}: width and height must be at least 1 px")
        if layer["kind"] == "text" and (x < 0 or y < 0 or x + w > width or y + h > height):
            raise EditRefused(f"{layer_id}: a text box must stay on the canvas")
        if x + w <= 0 or y + h <= 0 or x >= width or y >= height:
            raise EditRefused(f"{layer_id}: the layer would leave the canvas")
        layer.update({"x": x, "y": y, "w": w, "h": h})
    for layer_id, face_id in edit.fonts.items():
        layer = layers.get(layer_id)
        if layer is None or layer["kind"] != "text":
            raise EditRefused(f"{layer_id}: no text layer of this document has this id")
        if not book.has(face_id):
            raise EditRefused(f"{layer_id}: {face_id!r} is not a font you can use")
        layer["font"] = face_id
    floor = legible_minimum(width, height)
    touched = set(edit.texts) | {i for i in (*edit.boxes, *edit.fonts) if _is_text(layers, i)}
    for layer_id in touched:
        layer = layers.get(layer_id)
        if layer is None or layer["kind"] != "text" or layer["role"] == "marker":
            raise EditRefused(f"{layer_id}: no text layer of this document has this id")
        text = edit.texts.get(layer_id, layer["text"])
        refitted = refit(cast(TextLayer, layer), text, book, floor)
        layer.clear()
        layer.update(refitted)
    used = {layer["font"] for layer in out["layers"] if layer["kind"] == "text"}
    for face_id in used - set(out["fonts"]):
        face = book.face(face_id)
        out["fonts"][face_id] = {
            "family": face.family,
            "weight": face.weight,
            "italic": face.italic,
        }
    return out


def _is_text(layers: dict[str, Any], layer_id: str) -> bool:
    return layer_id in layers and layers[layer_id]["kind"] == "text"


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EditRefused(f"{name}: must be a number")
    if not -100_000 < value < 100_000:
        raise EditRefused(f"{name}: out of range")
    return round(float(value), 2)


def refit(layer: TextLayer, text: str, book: FontBook, legible: int) -> TextLayer:
    """The layer with ``text`` set in its box: at its size if it fits, else the largest size
    down to the legible minimum that does."""
    text = " ".join(text.split())
    if not text:
        raise EditRefused(f"{layer['id']}: a text may not be empty (delete it in the API instead)")
    if len(text) > MAX_TEXT:
        raise EditRefused(f"{layer['id']}: at most {MAX_TEXT} characters")
    try:
        face = book.draws(layer["font"], text)
    except MissingGlyphs as exc:
        raise EditRefused(f"{layer['id']}: no available font draws {exc.characters!r}") from None
    style = STYLES.get(layer["role"], STYLES["text"])
    width, height = float(layer["w"]), float(layer["h"])
    floor = min(legible, layer["size"])
    for size in range(layer["size"], floor - 1, -1):
        font = book.font(face, size)
        fitted = set_text(
            font, text, size, width, layer["direction"], style.leading, balance=style.balance
        )
        if fitted is None or fitted.height > height + 1:
            continue
        # Centred vertically in the box the old text had, so the layout around it holds.
        top = layer["y"] + (height - fitted.height) / 2
        piece = Piece(layer["block"], layer["item"], text)
        made = line_layer(
            fitted,
            face,
            float(layer["x"]),
            width,
            top,
            layer["align"],
            piece,
            layer["role"],
            layer["direction"],
            layer["id"],
        )
        made["color"] = layer["color"]
        return made
    raise EditRefused(
        f"{layer['id']}: the text does not fit its box at the smallest legible size; shorten it"
    )
