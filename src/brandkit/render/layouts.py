"""Layout families: each turns a canvas, a palette and the assets into background layers and
the area the text is fitted into. Every family adapts to the aspect ratio, from 12:1 bars to
1:5 skyscrapers, and says which image placements (touchPosition edges) it can honour."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from brandkit.render.document import Align, Layer
from brandkit.render.geometry import Rect
from brandkit.render.inputs import DesignSpec, ImageInput
from brandkit.render.layers import ellipse, image_layer, rect
from brandkit.render.palette import Palette

Shape = Literal["banner", "wide", "square", "tall", "skinny"]
VAlign = Literal["top", "center", "bottom"]


def shape_of(width: int, height: int) -> Shape:
    ratio = width / height
    if ratio >= 2.6:
        return "banner"
    if ratio >= 1.25:
        return "wide"
    if ratio >= 0.8:
        return "square"
    if ratio >= 0.5:
        return "tall"
    return "skinny"


@dataclass
class Ctx:
    spec: DesignSpec
    palette: Palette
    rng: random.Random

    @property
    def w(self) -> int:
        return self.spec.width

    @property
    def h(self) -> int:
        return self.spec.height

    @property
    def shape(self) -> Shape:
        return shape_of(self.w, self.h)

    @property
    def rtl(self) -> bool:
        return self.spec.direction == "rtl"

    @property
    def image(self) -> ImageInput | None:
        return self.spec.images[0] if self.spec.images else None

    @property
    def margin(self) -> tuple[float, float]:
        if self.shape == "banner":
            return max(6.0, round(self.h * 0.2)), max(4.0, round(self.h * 0.14))
        m = max(8.0, round(min(self.w, self.h) * 0.075))
        return m, m

    @property
    def canvas(self) -> Rect:
        return Rect(0, 0, self.w, self.h)

    @property
    def start(self) -> Align:
        return "right" if self.rtl else "left"


@dataclass
class Frame:
    family: str
    layers: list[Layer]
    area: Rect
    align: Align
    valign: VAlign
    banner: bool
    # The overlay whose opacity may rise when text over a photo lacks contrast.
    overlay: str | None = None
    image_rect: Rect | None = None
    extras: dict[str, object] = field(default_factory=dict)


# -- which side an image section can go --------------------------------------------------------

_TOUCHES = {
    "left": {"left", "top", "bottom"},
    "right": {"right", "top", "bottom"},
    "top": {"top", "left", "right"},
    "bottom": {"bottom", "left", "right"},
}


def _split_side(c: Ctx) -> str | None:
    image = c.image
    wanted = set(image.touch) - {"center"} if image else set()
    if c.shape in ("banner", "wide"):
        sides = ["left", "right"]
    elif c.shape == "square":
        sides = ["left", "right", "top"]
    else:
        sides = ["top", "bottom"]
    if c.rtl and "left" in sides and not wanted:
        sides = ["right", "left", *sides[2:]]
    if wanted:
        fitting = [s for s in (*sides, "left", "right", "top", "bottom") if wanted <= _TOUCHES[s]]
        return fitting[0] if fitting else None
    return sides[c.rng.randrange(len(sides))]


def _decor_dots(c: Ctx, corner: Rect, color: str, prefix: str) -> list[Layer]:
    n = 3
    step = corner.w / n
    dot = max(2.0, step * 0.36)
    return [
        ellipse(
            f"{prefix}-{i}-{j}",
            Rect(
                corner.x + i * step + (step - dot) / 2,
                corner.y + j * step + (step - dot) / 2,
                dot,
                dot,
            ),
            color,
            0.8,
        )
        for i in range(n)
        for j in range(n)
    ]


# -- the families ----------------------------------------------------------------------------


def split(c: Ctx) -> Frame | None:
    side = _split_side(c)
    if side is None:
        return None
    p = c.palette
    frac = {
        "banner": 0.26 if c.w / c.h > 5 else 0.32,
        "wide": 0.46,
        "square": 0.5,
        "tall": 0.46,
        "skinny": 0.4,
    }[c.shape]
    length = (c.w if side in ("left", "right") else c.h) * frac
    section, rest = getattr(c.canvas, f"take_{side}")(round(length))
    layers: list[Layer] = [rect("panel", rest, p.background, role="background")]
    image = c.image
    if image is None:
        layers.append(rect("section", section, p.accent, role="section"))
        size = min(section.w, section.h)
        layers.append(
            ellipse(
                "section-disc",
                Rect(
                    section.x + section.w / 2 - size * 0.35,
                    section.y + section.h / 2 - size * 0.35,
                    size * 0.7,
                    size * 0.7,
                ),
                p.accent2,
                0.55,
            )
        )
    elif image.contain:
        layers.append(rect("section", section, p.surface, role="section"))
        pad = 0 if image.touch else round(min(section.w, section.h) * 0.06)
        layers.append(image_layer("image", image, section.inset(pad), side=side))
    else:
        layers.append(image_layer("image", image, section))
    mx, my = c.margin
    area = rest.inset(mx, my)
    align: Align = c.start if c.shape in ("banner", "wide", "square") else "center"
    return Frame("split", layers, area, align, "center", c.shape == "banner", image_rect=section)


def cover(c: Ctx) -> Frame | None:
    image = c.image
    p = c.palette
    mx, my = c.margin
    if image is not None and image.contain:
        return None
    layers: list[Layer] = []
    if image is None:
        layers.append(rect("backdrop", c.canvas, p.accent, role="background"))
        big = max(c.w, c.h)
        layers.append(
            ellipse("glow-1", Rect(-big * 0.25, -big * 0.3, big * 0.7, big * 0.7), p.accent2, 0.35)
        )
        layers.append(
            ellipse(
                "glow-2",
                Rect(c.w - big * 0.35, c.h - big * 0.35, big * 0.6, big * 0.6),
                p.background,
                0.18,
            )
        )
        area = c.canvas.inset(mx, my)
        return Frame(
            "cover",
            layers,
            area,
            "center" if c.shape != "banner" else c.start,
            "center",
            c.shape == "banner",
        )
    layers.append(image_layer("image", image, c.canvas))
    styles = c.spec.preferences.image_style
    gradient = "cover-with-overlay" not in styles and (
        "cover-with-linear-gradient" in styles or c.rng.random() < 0.6
    )
    direction: Literal["down", "up", "left", "right"]
    if c.shape in ("banner", "wide"):
        direction = "left" if not c.rtl else "right"
        area = c.canvas.inset(mx, my)
        area = (
            Rect(area.right - area.w * 0.62, area.y, area.w * 0.62, area.h)
            if c.rtl
            else Rect(area.x, area.y, area.w * 0.62, area.h)
        )
        align: Align = c.start
        valign: VAlign = "center"
    else:
        direction = "down"
        inner = c.canvas.inset(mx, my)
        area = Rect(inner.x, inner.y + inner.h * 0.38, inner.w, inner.h * 0.62)
        align, valign = "center", "bottom"
    if gradient:
        layers.append(
            {
                "id": "overlay",
                "kind": "gradient",
                "role": "overlay",
                "x": 0,
                "y": 0,
                "w": c.w,
                "h": c.h,
                "color": p.ink,
                "fromOpacity": 0.05,
                "toOpacity": 0.82,
                "direction": direction,
            }
        )
    else:
        layers.append(rect("overlay", c.canvas, p.ink, opacity=0.55, role="overlay"))
    return Frame(
        "cover",
        layers,
        area,
        align,
        valign,
        c.shape == "banner",
        overlay="overlay",
        image_rect=c.canvas,
    )


def box(c: Ctx) -> Frame | None:
    image = c.image
    if image is not None and image.touch:
        return None
    p = c.palette
    mx, my = c.margin
    sw = max(2.0, round(min(c.w, c.h) * 0.008))
    layers: list[Layer] = [rect("backdrop", c.canvas, p.background, role="background")]
    frame_r = c.canvas.inset(mx * 0.45, my * 0.45)
    layers.append(
        rect(
            "frame",
            frame_r,
            p.surface,
            stroke=p.accent,
            stroke_width=sw,
            radius=round(min(c.w, c.h) * 0.02),
            role="frame",
        )
    )
    inner = frame_r.inset(mx * 0.7 + sw, my * 0.7 + sw)
    area = inner
    image_rect = None
    if image is not None:
        gap = round(min(c.w, c.h) * 0.04)
        radius = round(min(c.w, c.h) * 0.025)
        if c.shape in ("banner", "wide"):
            image_rect, area = inner.take_right(
                round(inner.w * (0.3 if c.shape == "banner" else 0.42))
            )
            if c.rtl:
                image_rect, area = inner.take_left(image_rect.w)
                area = Rect(area.x + gap, area.y, area.w - gap, area.h)
            else:
                area = Rect(area.x, area.y, area.w - gap, area.h)
        else:
            image_rect, area = inner.take_top(
                round(inner.h * (0.42 if c.shape == "square" else 0.45))
            )
            area = Rect(area.x, area.y + gap, area.w, area.h - gap)
        layers.append(image_layer("image", image, image_rect, radius=radius))
    align: Align = "center" if c.shape in ("square", "tall", "skinny") else c.start
    return Frame("box", layers, area, align, "center", c.shape == "banner", image_rect=image_rect)


def bar(c: Ctx) -> Frame | None:
    image = c.image
    if c.shape == "skinny" or (image is not None and image.touch):
        return None
    p = c.palette
    mx, my = c.margin
    layers: list[Layer] = [rect("backdrop", c.canvas, p.background, role="background")]
    inner = c.canvas.inset(mx, my)
    horizontal = c.shape in ("banner", "wide", "square")
    image_rect = None
    if image is not None:
        if horizontal:
            d = min(inner.h, inner.w * 0.4)
            x = inner.x if c.rtl else inner.right - d
            image_rect = Rect(x, inner.y + (inner.h - d) / 2, d, d)
            inner = (
                Rect(inner.x + d + mx * 0.6, inner.y, inner.w - d - mx * 0.6, inner.h)
                if c.rtl
                else Rect(inner.x, inner.y, inner.w - d - mx * 0.6, inner.h)
            )
        else:
            d = min(inner.w * 0.8, inner.h * 0.42)
            image_rect = Rect(inner.x + (inner.w - d) / 2, inner.bottom - d, d, d)
            inner = Rect(inner.x, inner.y, inner.w, inner.h - d - my * 0.6)
        big = min(c.w, c.h) * 0.9
        corner = (
            Rect(c.w - big * 0.6, -big * 0.4, big, big)
            if not c.rtl
            else Rect(-big * 0.4, -big * 0.4, big, big)
        )
        if not corner.intersects(inner):
            layers.append(ellipse("disc", corner, p.accent2, 0.22))
        if image.cutout or image.contain:
            layers.append(ellipse("image-disc", image_rect, p.accent2, 0.35))
            layers.append(image_layer("image", image, image_rect.inset(image_rect.w * 0.08)))
        else:
            layers.append(image_layer("image", image, image_rect, shape="circle"))
    bar_w = max(3.0, round(min(c.w, c.h) * 0.018))
    gap = bar_w * 2.5
    if c.rtl:
        bar_r = Rect(inner.right - bar_w, inner.y, bar_w, inner.h)
        area = Rect(inner.x, inner.y, inner.w - bar_w - gap, inner.h)
    else:
        bar_r = Rect(inner.x, inner.y, bar_w, inner.h)
        area = Rect(inner.x + bar_w + gap, inner.y, inner.w - bar_w - gap, inner.h)
    frame = Frame(
        "bar", layers, area, c.start, "center", c.shape == "banner", image_rect=image_rect
    )
    frame.extras["bar"] = bar_r
    return frame


def poster(c: Ctx) -> Frame | None:
    image = c.image
    if image is not None and image.touch:
        return None
    p = c.palette
    mx, my = c.margin
    layers: list[Layer] = [
        rect("backdrop", c.canvas, p.surface if p.dark else p.background, role="background")
    ]
    if c.shape != "banner":
        band = round(c.h * 0.025)
        layers.append(rect("band-top", Rect(0, 0, c.w, band), p.accent, role="decoration"))
        layers.append(
            rect("band-bottom", Rect(0, c.h - band, c.w, band), p.accent, role="decoration")
        )
        corner = min(mx, my) * 0.8
        layers += _decor_dots(
            c, Rect(c.w - corner - mx * 0.1, band + my * 0.1, corner, corner), p.accent2, "dots"
        )
    area = c.canvas.inset(mx, my * (1.3 if c.shape != "banner" else 1))
    image_rect = None
    if image is not None:
        if c.shape in ("banner", "wide"):
            d = min(area.h, area.w * 0.34)
            image_rect = Rect(area.right - d if c.rtl else area.x, area.y + (area.h - d) / 2, d, d)
            area = (
                Rect(area.x, area.y, area.w - d - mx * 0.6, area.h)
                if c.rtl
                else Rect(area.x + d + mx * 0.6, area.y, area.w - d - mx * 0.6, area.h)
            )
        else:
            d = min(area.w * 0.62, area.h * 0.36)
            image_rect = Rect(area.x + (area.w - d) / 2, area.y, d, d)
            area = Rect(area.x, area.y + d + my * 0.5, area.w, area.h - d - my * 0.5)
        if image.contain:
            layers.append(image_layer("image", image, image_rect))
        else:
            layers.append(ellipse("ring", image_rect.inset(-max(2.0, d * 0.03)), p.accent, 1.0))
            layers.append(image_layer("image", image, image_rect, shape="circle"))
    align: Align = "center" if c.shape != "banner" else c.start
    return Frame(
        "poster", layers, area, align, "center", c.shape == "banner", image_rect=image_rect
    )


FAMILIES: dict[str, Callable[[Ctx], Frame | None]] = {
    "split": split,
    "cover": cover,
    "box": box,
    "bar": bar,
    "poster": poster,
}


def preferred_order(spec: DesignSpec) -> list[str]:
    """Families in the order the request's preferences favour (settings.frameStyle,
    imageStyle, backdropStyle); the rest follow."""
    prefs = spec.preferences
    score = dict.fromkeys(FAMILIES, 0)
    for frame in prefs.frame_style:
        if frame == "box":
            score["box"] += 3
        elif frame == "bar-accent":
            score["bar"] += 3
        elif frame == "plain":
            score["poster"] += 1
            score["split"] += 1
    for style in prefs.image_style:
        if style.startswith("cover"):
            score["cover"] += 3
        elif style in ("section", "section-with-container"):
            score["split"] += 3
        elif style == "container":
            score["box"] += 3
        elif style in ("mask", "cutout", "cutout-with-vectors"):
            score["bar"] += 2
            score["poster"] += 2
    for backdrop in prefs.backdrop_style:
        if backdrop == "imagery":
            score["cover"] += 2
        elif backdrop == "minimalist":
            score["poster"] += 1
        elif backdrop == "artistic":
            score["bar"] += 1
    names = list(FAMILIES)
    return sorted(names, key=lambda n: (-score[n], names.index(n)))
