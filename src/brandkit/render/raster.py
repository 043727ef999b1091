"""Drawing a document with Pillow: the images Brandkit serves. Shapes with curves are drawn at
twice the size and reduced, so their edges are smooth like the SVG renderer's; fitted images are
kept per render so a redraw (a contrast retry) does not resample a photo again."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from PIL import Image, ImageDraw

from brandkit.render.color import from_hex
from brandkit.render.document import (
    Document,
    EllipseLayer,
    GradientLayer,
    ImageLayer,
    Layer,
    RectLayer,
    TextLayer,
)
from brandkit.render.fonts import FontBook

_SS = 2
_SMOOTH_MAX_PIXELS = 250_000
FitCache = dict[tuple[str, int, int, str, str], Image.Image]


def _box(layer: RectLayer | EllipseLayer | GradientLayer | ImageLayer) -> tuple[int, int, int, int]:
    x, y = round(layer["x"]), round(layer["y"])
    return x, y, max(1, round(layer["w"])), max(1, round(layer["h"]))


def _smooth_mask(w: int, h: int, draw: Callable[[ImageDraw.ImageDraw, int], None]) -> Image.Image:
    # Large shapes are drawn at their size: their curves are a small share of their edge, and
    # supersampling a canvas-sized mask costs more than the rest of the render.
    scale = _SS if w * h <= _SMOOTH_MAX_PIXELS else 1
    big = Image.new("L", (w * scale, h * scale), 0)
    draw(ImageDraw.Draw(big), scale)
    return big if scale == 1 else big.resize((w, h), Image.Resampling.BOX)


def _paint(
    base: Image.Image, color: str, x: int, y: int, mask: Image.Image, opacity: float
) -> None:
    if opacity < 1:
        mask = mask.point(lambda v: round(v * opacity))
    base.paste(Image.new("RGB", mask.size, from_hex(color)), (x, y), mask)


def _rect(base: Image.Image, layer: RectLayer) -> None:
    x, y, w, h = _box(layer)
    radius = layer["radius"]
    stroke = layer["stroke"]
    sw = layer["strokeWidth"]
    if layer["fill"] is not None:
        if radius <= 0 and layer["opacity"] >= 1:
            ImageDraw.Draw(base).rectangle((x, y, x + w - 1, y + h - 1), fill=layer["fill"])
        else:
            mask = _smooth_mask(
                w,
                h,
                lambda d, s: d.rounded_rectangle(
                    (0, 0, w * s - 1, h * s - 1), radius=radius * s, fill=255
                ),
            )
            _paint(base, layer["fill"], x, y, mask, layer["opacity"])
    if stroke is not None and sw > 0:
        # The stroke lies inside the box (the SVG insets its path by half the width to match).
        mask = _smooth_mask(
            w,
            h,
            lambda d, s: d.rounded_rectangle(
                (0, 0, w * s - 1, h * s - 1), radius=radius * s, outline=255, width=round(sw * s)
            ),
        )
        _paint(base, stroke, x, y, mask, layer["opacity"])


def _ellipse(base: Image.Image, layer: EllipseLayer) -> None:
    x, y, w, h = _box(layer)
    mask = _smooth_mask(w, h, lambda d, s: d.ellipse((0, 0, w * s - 1, h * s - 1), fill=255))
    _paint(base, layer["fill"], x, y, mask, layer["opacity"])


def _gradient(base: Image.Image, layer: GradientLayer) -> None:
    x, y, w, h = _box(layer)
    a, b = layer["fromOpacity"], layer["toOpacity"]
    direction = layer["direction"]
    length = h if direction in ("down", "up") else w
    # Pixel centres, as an SVG gradient is sampled.
    ramp = a + (b - a) * ((np.arange(length) + 0.5) / length)
    if direction in ("up", "left"):
        ramp = ramp[::-1]
    values = np.clip(np.round(ramp * 255), 0, 255).astype(np.uint8)
    grid = (
        np.repeat(values[:, None], w, 1)
        if direction in ("down", "up")
        else np.repeat(values[None, :], h, 0)
    )
    _paint(base, layer["color"], x, y, Image.fromarray(grid, "L"), 1.0)


def _align_offset(align: str, free_x: float, free_y: float) -> tuple[float, float]:
    ax = 0.0 if "xMin" in align else free_x if "xMax" in align else free_x / 2
    ay = 0.0 if "YMin" in align else free_y if "YMax" in align else free_y / 2
    return ax, ay


def fitted(
    source: Image.Image, layer: ImageLayer, cache: FitCache | None
) -> tuple[Image.Image, int, int]:
    """The image as it appears in its frame, with its offset inside the frame."""
    _, _, w, h = _box(layer)
    key = (layer["asset"], w, h, layer["fit"], layer["align"])
    iw, ih = source.size
    if layer["fit"] == "cover":
        scale = max(w / iw, h / ih)
        vw, vh = w / scale, h / scale
        ox, oy = _align_offset(layer["align"], max(0.0, iw - vw), max(0.0, ih - vh))
        out = cache.get(key) if cache is not None else None
        if out is None:
            out = source.resize(
                (w, h), Image.Resampling.BICUBIC, box=(ox, oy, ox + vw, oy + vh), reducing_gap=2.0
            )
        dx, dy = 0, 0
    else:
        scale = min(w / iw, h / ih)
        dw, dh = max(1, round(iw * scale)), max(1, round(ih * scale))
        fx, fy = _align_offset(layer["align"], w - dw, h - dh)
        out = cache.get(key) if cache is not None else None
        if out is None:
            out = source.resize((dw, dh), Image.Resampling.BICUBIC, reducing_gap=2.0)
        dx, dy = round(fx), round(fy)
    if cache is not None:
        cache[key] = out
    return out, dx, dy


def _image(
    base: Image.Image, layer: ImageLayer, images: Mapping[str, Image.Image], cache: FitCache | None
) -> None:
    x, y, w, h = _box(layer)
    picture, dx, dy = fitted(images[layer["asset"]], layer, cache)
    pw, ph = picture.size
    alpha = picture.getchannel("A") if picture.mode == "RGBA" else None
    if layer["shape"] == "circle" or layer["radius"] > 0:
        frame = _smooth_mask(
            w,
            h,
            lambda d, s: (
                d.ellipse((0, 0, w * s - 1, h * s - 1), fill=255)
                if layer["shape"] == "circle"
                else d.rounded_rectangle(
                    (0, 0, w * s - 1, h * s - 1), radius=layer["radius"] * s, fill=255
                )
            ),
        )
        clip = frame.crop((dx, dy, dx + pw, dy + ph))
        if alpha is None:
            alpha = clip
        else:
            alpha = Image.fromarray(
                (
                    np.asarray(alpha, dtype=np.uint16) * np.asarray(clip, dtype=np.uint16) // 255
                ).astype(np.uint8),
                "L",
            )
    if layer["tint"] is not None:
        base.paste(Image.new("RGB", (pw, ph), from_hex(layer["tint"])), (x + dx, y + dy), alpha)
    else:
        rgb = picture if picture.mode == "RGB" else picture.convert("RGB")
        base.paste(rgb, (x + dx, y + dy), alpha)


def draw_text(
    base: Image.Image, layer: TextLayer, book: FontBook, color: str | None = None
) -> None:
    draw = ImageDraw.Draw(base)
    font = book.font(layer["font"], layer["size"])
    for line in layer["lines"]:
        draw.text(
            (line["cx"], line["baseline"]),
            line["text"],
            font=font,
            fill=color or layer["color"],
            anchor="ms",
            direction=layer["direction"],
        )


def draw_layer(
    base: Image.Image,
    layer: Layer,
    images: Mapping[str, Image.Image],
    book: FontBook,
    cache: FitCache | None = None,
) -> None:
    if layer["kind"] == "rect":
        _rect(base, layer)
    elif layer["kind"] == "ellipse":
        _ellipse(base, layer)
    elif layer["kind"] == "gradient":
        _gradient(base, layer)
    elif layer["kind"] == "image":
        _image(base, layer, images, cache)
    else:
        draw_text(base, layer, book)


def render(
    doc: Document,
    images: Mapping[str, Image.Image],
    book: FontBook,
    *,
    include: Callable[[Layer], bool] | None = None,
    cache: FitCache | None = None,
) -> Image.Image:
    canvas = doc["canvas"]
    base = Image.new("RGB", (canvas["width"], canvas["height"]), canvas["background"])
    for layer in doc["layers"]:
        if include is None or include(layer):
            draw_layer(base, layer, images, book, cache)
    return base
