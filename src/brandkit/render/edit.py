"""Edits made in the editor, applied to a layered document: new texts, refitted by the engine's
own rules into the box their layer had (the same wrapping, real metrics and line placement,
a smaller size when the text is longer, never below legibility), and new colours. Pure: a
document in, a document out."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, cast

from brandkit.render.color import parse_color, to_hex
from brandkit.render.compose import legible_minimum
from brandkit.render.document import Document, TextLayer
from brandkit.render.fit import STYLES, Piece, line_layer
from brandkit.render.fonts import FontBook, MissingGlyphs
from brandkit.render.text import set_text

MAX_TEXT = 500
_COLOURED = {"text": "color", "rect": "fill", "ellipse": "fill", "gradient": "color"}


class EditRefused(ValueError):
    """An edit the document cannot take; the message says which layer and why."""


def apply(
    doc: Document, texts: Mapping[str, str], colors: Mapping[str, str], book: FontBook
) -> Document:
    out = copy.deepcopy(doc)
    layers: dict[str, Any] = {layer["id"]: layer for layer in out["layers"]}
    for layer_id, value in colors.items():
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
    for layer_id, text in texts.items():
        layer = layers.get(layer_id)
        if layer is None or layer["kind"] != "text" or layer["role"] == "marker":
            raise EditRefused(f"{layer_id}: no text layer of this document has this id")
        floor = legible_minimum(out["canvas"]["width"], out["canvas"]["height"])
        refitted = refit(cast(TextLayer, layer), text, book, floor)
        layer.clear()
        layer.update(refitted)
    return out


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
