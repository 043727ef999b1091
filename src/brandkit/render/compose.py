"""From a design spec to finished variants: pick a family per variant (different ones where
several fit the canvas), fit the text, resolve the palette, then settle every text colour on
the pixels actually behind it, raising an overlay or adding a panel when no colour is legible."""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from brandkit.render import raster
from brandkit.render.color import contrast_with_range, from_hex
from brandkit.render.document import SCHEMA, AssetRef, Document, ImageLayer, Layer, TextLayer
from brandkit.render.fit import DoesNotFit, Placed, Type, fit, pieces_of
from brandkit.render.fonts import FontBook
from brandkit.render.geometry import Rect
from brandkit.render.inputs import DesignSpec, IconInput, ImageInput, LogoInput
from brandkit.render.layers import image_layer, rect
from brandkit.render.layouts import FAMILIES, Ctx, Frame, preferred_order, shape_of
from brandkit.render.palette import Palette, choose
from brandkit.render.system_fonts import PAIRINGS

NORMAL_CONTRAST = 4.5
LARGE_CONTRAST = 3.0
# WCAG "large text": 18pt (24 px), or 14pt (18.66 px) when bold.
LARGE_PX, LARGE_BOLD_PX, BOLD = 24, 19, 700
_LINEAR = np.arange(256, dtype=np.float64) / 255.0
_LINEAR = np.where(_LINEAR <= 0.04045, _LINEAR / 12.92, ((_LINEAR + 0.055) / 1.055) ** 2.4)


@dataclass
class Composition:
    document: Document
    image: Image.Image


def required_contrast(size: int, weight: int) -> float:
    large = size >= LARGE_PX or (size >= LARGE_BOLD_PX and weight >= BOLD)
    return LARGE_CONTRAST if large else NORMAL_CONTRAST


def luminance_range(pixels: np.ndarray) -> tuple[float, float]:
    """Darkest and lightest WCAG luminance among RGB pixels (an H x W x 3 uint8 array)."""
    lum = (
        0.2126 * _LINEAR[pixels[..., 0]]
        + 0.7152 * _LINEAR[pixels[..., 1]]
        + 0.0722 * _LINEAR[pixels[..., 2]]
    )
    return float(lum.min()), float(lum.max())


def _faces(spec: DesignSpec, rng: random.Random) -> tuple[str, str, str]:
    if spec.fonts is not None:
        return spec.fonts
    return PAIRINGS[rng.randrange(len(PAIRINGS))]


def legible_minimum(width: int, height: int) -> int:
    """The smallest type set: legible on the canvas it is shown at (17 px on 1080)."""
    return max(9, round(min(width, height) * 0.016))


def _type(spec: DesignSpec, faces: tuple[str, str, str]) -> Type:
    short = min(spec.width, spec.height)
    min_size = legible_minimum(spec.width, spec.height)
    shape = shape_of(spec.width, spec.height)
    max_title = round(min(short * (0.42 if shape == "banner" else 0.16), 180))
    return Type(
        faces={"heading": faces[0], "subHeading": faces[1], "body": faces[2]},
        min_size=min_size,
        max_title=max(max_title, min_size + 2),
        direction=spec.direction,
    )


def _carve_marks(c: Ctx, frame: Frame, layers: list[Layer]) -> Rect:
    """Room for the logo and icons at the start of the text area; returns what is left."""
    spec = c.spec
    area = frame.area
    if not spec.logos and not spec.icons:
        return area
    gap = round(min(c.w, c.h) * 0.03)
    if frame.banner:
        mark_h = area.h
        x = area.x
        row: list[tuple[str, float]] = []
        if spec.logos:
            logo = spec.logos[0]
            row.append(("logo", min(mark_h * logo.width / logo.height, area.w * 0.22)))
        row += [(f"icon-{i}", mark_h * 0.8) for i, _ in enumerate(spec.icons[:2])]
        total = sum(w for _, w in row) + gap * len(row)
        start = area.right - total + gap if c.rtl else x
        for name, width in row:
            _mark(
                c,
                layers,
                name,
                Rect(
                    start,
                    area.y + (area.h - (mark_h if name == "logo" else mark_h * 0.8)) / 2,
                    width,
                    mark_h if name == "logo" else mark_h * 0.8,
                ),
            )
            start += width + gap
        return (
            Rect(area.x, area.y, area.w - total, area.h)
            if c.rtl
            else Rect(area.x + total, area.y, area.w - total, area.h)
        )
    mark_h = max(12.0, round(min(c.w, c.h) * 0.085))
    mark_h = min(mark_h, area.h * 0.2)
    top, rest = area.take_top(mark_h)
    if spec.logos:
        logo = spec.logos[0]
        lw = min(mark_h * logo.width / logo.height, top.w * (0.6 if spec.icons else 1.0))
        lh = lw * logo.height / logo.width
        if frame.align == "center" and not spec.icons:
            lx = top.x + (top.w - lw) / 2
        elif frame.align == "right":
            lx = top.right - lw
        else:
            lx = top.x
        _mark(c, layers, "logo", Rect(lx, top.y + (mark_h - lh) / 2, lw, lh))
    icon = mark_h * 0.8
    for i, _ in enumerate(spec.icons[:3]):
        offset = (icon + gap * 0.5) * i
        ix = top.x + offset if c.rtl or frame.align == "right" else top.right - icon - offset
        if spec.logos and frame.align == "right":
            ix = top.x + offset
        _mark(c, layers, f"icon-{i}", Rect(ix, top.y + (mark_h - icon) / 2, icon, icon))
    return Rect(rest.x, rest.y + gap, rest.w, rest.h - gap)


def _mark(c: Ctx, layers: list[Layer], name: str, r: Rect) -> None:
    spec = c.spec
    r = r.rounded()
    if name == "logo":
        logo = spec.logos[0]
        styles = logo.styles or ("direct",)
        style = styles[c.rng.randrange(len(styles))]
        tint = None
        if style == "neutral":
            tint = c.palette.paper if c.palette.dark else c.palette.ink
        layer: ImageLayer = {
            "id": "logo",
            "kind": "image",
            "role": "logo",
            "asset": logo.asset,
            "x": r.x,
            "y": r.y,
            "w": r.w,
            "h": r.h,
            "fit": "contain",
            "align": "xMidYMid",
            "shape": "rect",
            "radius": 0,
            "tint": tint,
        }
        if style == "outline":
            pad = max(2.0, round(r.h * 0.12))
            layers.append(
                rect(
                    "logo-outline",
                    r,
                    None,
                    stroke=c.palette.accent,
                    stroke_width=max(1.0, round(r.h * 0.04)),
                    radius=round(r.h * 0.2),
                    role="logo-outline",
                )
            )
            inner = r.inset(pad).rounded()
            layer.update({"x": inner.x, "y": inner.y, "w": inner.w, "h": inner.h})
        layers.append(layer)
        return
    index = int(name.split("-")[1])
    icon = spec.icons[index]
    layers.append(
        {
            "id": name,
            "kind": "image",
            "role": "icon",
            "asset": icon.asset,
            "x": r.x,
            "y": r.y,
            "w": r.w,
            "h": r.h,
            "fit": "contain",
            "align": "xMidYMid",
            "shape": "rect",
            "radius": 0,
            "tint": None,
        }
    )


def _resolve(layer: Layer, palette: Palette) -> Layer:
    roles = {"accent": palette.accent, "accent2": palette.accent2, "ink": palette.ink}
    if layer["kind"] == "rect":
        if layer["fill"] in roles:
            layer["fill"] = roles[layer["fill"]]
        if layer["stroke"] in roles:
            layer["stroke"] = roles[layer["stroke"]]
    elif layer["kind"] == "ellipse" and layer["fill"] in roles:
        layer["fill"] = roles[layer["fill"]]
    return layer


def _frame(
    spec: DesignSpec, family: str, palette: Palette, rng: random.Random
) -> tuple[Frame, list[Layer], Rect]:
    ctx = Ctx(spec, palette, rng)
    frame = FAMILIES[family](ctx)
    if frame is None:
        raise LookupError(family)
    layers = list(frame.layers)
    return frame, layers, _carve_marks(ctx, frame, layers)


def _accent_bar(frame: Frame, placed: Placed, palette: Palette, layers: list[Layer]) -> None:
    bar = frame.extras.get("bar")
    if isinstance(bar, Rect) and placed.bounds is not None:
        # The accent bar spans the text it accents, not the whole area.
        b = placed.bounds
        layers.append(rect("bar", Rect(bar.x, b.y, bar.w, b.h), palette.accent, role="accent-bar"))


def _build(
    spec: DesignSpec,
    family: str,
    palette: Palette,
    rng: random.Random,
    faces: tuple[str, str, str],
    book: FontBook,
) -> tuple[Frame, Placed, list[Layer]]:
    frame, layers, area = _frame(spec, family, palette, rng)
    placed = fit(
        pieces_of(spec.content),
        area,
        _type(spec, faces),
        book,
        align=frame.align,
        valign=frame.valign,
        banner=frame.banner,
        ids="text",
    )
    _accent_bar(frame, placed, palette, layers)
    return frame, placed, layers


def _document(
    spec: DesignSpec,
    family: str,
    palette: Palette,
    layers: list[Layer],
    texts: list[TextLayer],
    book: FontBook,
    option: int,
) -> Document:
    fonts = {}
    for t in texts:
        face = book.face(t["font"])
        fonts[t["font"]] = {"family": face.family, "weight": face.weight, "italic": face.italic}
    assets: dict[str, AssetRef] = {}
    items: list[ImageInput | LogoInput | IconInput] = [*spec.images, *spec.logos, *spec.icons]
    for item in items:
        assets[item.asset] = {
            "key": item.asset,
            "width": item.width,
            "height": item.height,
            "alpha": bool(getattr(item, "alpha", True)),
        }
    used = {layer["asset"] for layer in layers if layer["kind"] == "image"}
    doc: Document = {
        "schema": SCHEMA,
        "canvas": {"width": spec.width, "height": spec.height, "background": palette.background},
        "family": family,
        "seed": spec.seed,
        "option": option,
        "palette": palette.as_dict(),
        "language": spec.language,
        "direction": spec.direction,
        "layers": [*layers, *texts],
        "assets": {k: v for k, v in assets.items() if k in used},
        "fonts": fonts,  # type: ignore[typeddict-item]
    }
    if spec.instructions:
        doc["instructions"] = list(spec.instructions)
    return doc


def _candidates(layer: TextLayer, palette: Palette, mean_dark: bool) -> list[str]:
    on = palette.paper if mean_dark else palette.ink
    accented = layer["role"] in ("offer", "coupon") and not mean_dark
    first = [palette.accent, on] if accented else [on]
    return [*first, palette.ink, palette.paper, "#000000", "#ffffff"]


def settle_colors(
    doc: Document,
    palette: Palette,
    images: Mapping[str, Image.Image],
    book: FontBook,
    cache: raster.FitCache,
    overlay: str | None,
    panel_behind: Rect | None,
) -> Image.Image:
    """Give every text layer a colour legible on the rendered pixels behind it; returns the
    finished raster."""
    for attempt in range(6):
        background = raster.render(
            doc, images, book, include=lambda layer: layer["kind"] != "text", cache=cache
        )
        pixels = np.asarray(background)
        failed = False
        for layer in doc["layers"]:
            if layer["kind"] != "text":
                continue
            x0, y0 = max(0, int(layer["x"])), max(0, int(layer["y"]))
            x1 = min(pixels.shape[1], int(layer["x"] + layer["w"]))
            y1 = min(pixels.shape[0], int(layer["y"] + layer["h"]))
            lo, hi = luminance_range(pixels[y0:y1, x0:x1])
            need = required_contrast(layer["size"], book.face(layer["font"]).weight)
            options = _candidates(layer, palette, (lo + hi) / 2 < 0.3)
            scores = [contrast_with_range(from_hex(c), lo, hi) for c in options]
            ok = [c for c, s in zip(options, scores, strict=True) if s >= need]
            layer["color"] = ok[0] if ok else options[scores.index(max(scores))]
            failed = failed or not ok
        if not failed:
            break
        if overlay is not None and attempt < 3:
            _raise_overlay(doc, overlay)
            continue
        if panel_behind is not None and not any(
            item["id"] == "panel-text" for item in doc["layers"]
        ):
            _add_panel(doc, palette, panel_behind)
            continue
        break
    image = background.copy()
    for layer in doc["layers"]:
        if layer["kind"] == "text":
            raster.draw_text(image, layer, book)
    return image


def _raise_overlay(doc: Document, overlay: str) -> None:
    for layer in doc["layers"]:
        if layer["id"] != overlay:
            continue
        if layer["kind"] == "gradient":
            layer["fromOpacity"] = min(0.95, layer["fromOpacity"] + 0.25)
            layer["toOpacity"] = min(0.95, layer["toOpacity"] + 0.1)
        elif layer["kind"] == "rect":
            layer["opacity"] = min(0.95, layer["opacity"] + 0.15)


def _add_panel(doc: Document, palette: Palette, behind: Rect) -> None:
    canvas = doc["canvas"]
    pad = max(4.0, round(min(canvas["width"], canvas["height"]) * 0.025))
    x0, y0 = max(0.0, behind.x - pad), max(0.0, behind.y - pad)
    x1 = min(float(canvas["width"]), behind.right + pad)
    y1 = min(float(canvas["height"]), behind.bottom + pad)
    panel = rect(
        "panel-text",
        Rect(x0, y0, x1 - x0, y1 - y0),
        palette.paper,
        radius=round(pad * 0.8),
        role="panel",
    )
    first_text = next(i for i, item in enumerate(doc["layers"]) if item["kind"] == "text")
    # Under the buttons and bullets placed with the text, above the backdrop.
    index = first_text
    while index > 0 and doc["layers"][index - 1]["role"] in ("button", "coupon", "bullet"):
        index -= 1
    doc["layers"].insert(index, panel)


def family_order(spec: DesignSpec) -> list[str]:
    order = preferred_order(spec)
    if not spec.preferences.frame_style and not spec.preferences.image_style:
        random.Random(f"{spec.seed}:families").shuffle(order)
    return order


def _fits(
    spec: DesignSpec, family: str, faces: tuple[str, str, str], book: FontBook,
    palette: Palette, cache: dict[Any, Any],
) -> bool:  # fmt: skip
    key = ("fits", family, faces)
    known = cache.get(key)
    if known is None:
        try:
            _build(spec, family, palette, random.Random(f"{spec.seed}:{family}"), faces, book)
            known = True
        except (LookupError, DoesNotFit):
            known = False
        cache[key] = known
    return bool(known)


def variant_families(
    spec: DesignSpec, index: int, faces: tuple[str, str, str], book: FontBook,
    palette: Palette, cache: dict[Any, Any],
) -> list[str]:  # fmt: skip
    """The families variant ``index`` tries, in order: the ``index``-th of those that fit the
    content first, so the variants of a request differ whenever enough families fit."""
    order = family_order(spec)
    fitting: list[str] = []
    for family in order:
        if _fits(spec, family, faces, book, palette, cache):
            fitting.append(family)
            if len(fitting) > index:
                break
    if not fitting:
        return order
    first = fitting[index % len(fitting)]
    return [first, *(f for f in order if f != first)]


def compose(
    spec: DesignSpec,
    index: int,
    book: FontBook,
    images: Mapping[str, Image.Image],
    *,
    options: int = 1,
    cache: dict[Any, Any] | None = None,
) -> list[Composition]:
    """Variant ``index`` of a request, then its ``options`` alternates (the same layout in
    another palette). Raises DoesNotFit naming a block when no family can set the content.
    ``cache`` is shared by the variants of one request (fitted images, which families fit)."""
    cache = {} if cache is None else cache
    palettes = choose(
        random.Random(f"{spec.seed}:palettes"),
        list(spec.colors),
        spec.preferences.theme[0] if spec.preferences.theme else None,
        spec.variants * (options + 1),
    )
    # One pairing per request: the variants differ in layout and palette, not in type.
    faces = _faces(spec, random.Random(f"{spec.seed}:fonts"))
    culprit: str | None = None
    palette = palettes[index % len(palettes)]
    for family in variant_families(spec, index, faces, book, palette, cache):
        # Seeded by family, as the fitting check was: the layout it found to fit is this one.
        rng = random.Random(f"{spec.seed}:{family}")
        try:
            frame, placed, layers = _build(spec, family, palette, copy.copy(rng), faces, book)
        except LookupError:
            continue
        except DoesNotFit as exc:
            culprit = culprit or exc.block
            continue
        out = []
        for option in range(options + 1):
            if option:
                # The same layout in the next palette: only the frame's colours change.
                palette = palettes[(index + option * spec.variants) % len(palettes)]
                frame, layers, _area = _frame(spec, family, palette, copy.copy(rng))
                _accent_bar(frame, placed, palette, layers)
            shapes = [_resolve(copy.deepcopy(s), palette) for s in placed.shapes]
            all_layers = [_resolve(copy.deepcopy(item), palette) for item in layers] + shapes
            texts = copy.deepcopy(placed.texts)
            doc = _document(spec, family, palette, all_layers, texts, book, option)
            image = settle_colors(doc, palette, images, book, cache, frame.overlay, placed.bounds)
            out.append(Composition(doc, image))
        return out
    raise DoesNotFit(culprit or next(iter(spec.content)))


__all__ = ["Composition", "DoesNotFit", "compose", "image_layer"]
