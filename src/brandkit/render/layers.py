"""Building the layers layouts are made of: rectangles, ellipses, and image frames fitted and
aligned by the request's image preferences."""

from __future__ import annotations

from typing import Literal

from brandkit.render.document import ImageLayer, Layer, RectLayer
from brandkit.render.geometry import Rect
from brandkit.render.inputs import ImageInput


def rect(
    layer_id: str,
    r: Rect,
    fill: str | None,
    *,
    opacity: float = 1.0,
    radius: float = 0,
    stroke: str | None = None,
    stroke_width: float = 0,
    role: str = "shape",
) -> RectLayer:
    r = r.rounded()
    return {
        "id": layer_id,
        "kind": "rect",
        "role": role,
        "x": r.x,
        "y": r.y,
        "w": r.w,
        "h": r.h,
        "fill": fill,
        "opacity": opacity,
        "radius": radius,
        "stroke": stroke,
        "strokeWidth": stroke_width,
    }


def ellipse(layer_id: str, r: Rect, fill: str, opacity: float = 1.0) -> Layer:
    r = r.rounded()
    return {
        "id": layer_id,
        "kind": "ellipse",
        "role": "decoration",
        "x": r.x,
        "y": r.y,
        "w": r.w,
        "h": r.h,
        "fill": fill,
        "opacity": opacity,
    }


def _align_for(image: ImageInput, touch_side: str | None) -> str:
    edges = set(image.touch)
    if touch_side:
        edges.add(touch_side)
    x = "xMin" if "left" in edges else "xMax" if "right" in edges else "xMid"
    y = "YMin" if "top" in edges else "YMax" if "bottom" in edges else "YMid"
    return x + y


def image_layer(
    layer_id: str,
    image: ImageInput,
    r: Rect,
    *,
    shape: str = "rect",
    radius: float = 0,
    side: str | None = None,
) -> ImageLayer:
    r = r.rounded()
    fit: Literal["cover", "contain"] = "contain" if image.contain else "cover"
    return {
        "id": layer_id,
        "kind": "image",
        "role": "image",
        "asset": image.asset,
        "x": r.x,
        "y": r.y,
        "w": r.w,
        "h": r.h,
        "fit": fit,
        "align": _align_for(image, side) if fit == "contain" else "xMidYMid",
        "shape": "circle" if shape == "circle" and fit == "cover" else "rect",
        "radius": radius if fit == "cover" else 0,
        "tint": None,
    }
