"""Measuring a render the way a reader sees it: each text layer's real ink (its glyphs drawn
from the document's font file, size and line positions), the pixels behind it (the document
rendered without its text), and what the final image actually changed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from brandkit.render import raster
from brandkit.render.color import from_hex
from brandkit.render.compose import Composition, luminance_range, required_contrast
from brandkit.render.document import Document, TextLayer
from brandkit.render.fonts import FontBook

Box = tuple[int, int, int, int]


def text_layers(doc: Document) -> Iterator[TextLayer]:
    for layer in doc["layers"]:
        if layer["kind"] == "text":
            yield layer


@dataclass(frozen=True)
class Ink:
    """A text layer's glyphs drawn alone: the mask of a window around its box (a font size
    wider on every side, far past any ink a box could miss; anything drawn further out still
    shows in ``changed_outside_text``), and where that window sits on the canvas."""

    mask: Image.Image
    left: int
    top: int

    def bbox(self) -> Box | None:
        box = self.mask.getbbox()
        if box is None:
            return None
        return (box[0] + self.left, box[1] + self.top, box[2] + self.left, box[3] + self.top)


def ink_mask(doc: Document, layer: TextLayer, book: FontBook) -> Ink:
    pad = layer["size"]
    left, top = int(layer["x"]) - pad, int(layer["y"]) - pad
    width, height = int(layer["w"]) + 2 * pad, int(layer["h"]) + 2 * pad
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    font = book.font(layer["font"], layer["size"])
    for line in layer["lines"]:
        draw.text(
            (line["cx"] - left, line["baseline"] - top),
            line["text"],
            font=font,
            fill=255,
            anchor="ms",
            direction=layer["direction"],
        )
    return Ink(mask, left, top)


def layer_box(layer: TextLayer) -> Box:
    return (
        int(layer["x"]),
        int(layer["y"]),
        int(layer["x"] + layer["w"]),
        int(layer["y"] + layer["h"]),
    )


def inside(inner: Box, outer: Box, slack: int = 1) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def background(c: Composition, images: dict[str, Image.Image], book: FontBook) -> Image.Image:
    return raster.render(c.document, images, book, include=lambda layer: layer["kind"] != "text")


def contrast_on_ink(
    layer: TextLayer, ink: Ink, behind: np.ndarray, book: FontBook
) -> tuple[float, float]:
    """(worst contrast of the layer's colour against the pixels under its glyphs, required)."""
    from brandkit.render.color import contrast_with_range

    rows, cols = int(behind.shape[0]), int(behind.shape[1])
    mask = np.asarray(ink.mask) >= 128
    # The window's part that lies on the canvas.
    y0, x0 = max(0, ink.top), max(0, ink.left)
    y1 = min(rows, ink.top + int(mask.shape[0]))
    x1 = min(cols, ink.left + int(mask.shape[1]))
    if y1 <= y0 or x1 <= x0:
        return 0.0, 1.0
    window = mask[y0 - ink.top : y1 - ink.top, x0 - ink.left : x1 - ink.left]
    if not window.any():
        return 0.0, 1.0
    lo, hi = luminance_range(behind[y0:y1, x0:x1][window])
    need = required_contrast(layer["size"], book.face(layer["font"]).weight)
    return contrast_with_range(from_hex(layer["color"]), lo, hi), need


def changed_outside_text(c: Composition, behind: Image.Image) -> int:
    """Pixels the text drawing changed outside every text layer's box (should be none)."""
    diff = np.abs(np.asarray(c.image, dtype=np.int16) - np.asarray(behind, dtype=np.int16))
    changed = diff.max(axis=2) > 8
    allowed = np.zeros(changed.shape, dtype=bool)
    for layer in text_layers(c.document):
        x0, y0, x1, y1 = layer_box(layer)
        allowed[max(0, y0 - 1) : y1 + 1, max(0, x0 - 1) : x1 + 1] = True
    return int((changed & ~allowed).sum())
