"""Palettes: the curated ones the auto mode picks from, and palettes made from a caller's or a
brand's colours. Roles, not colours, are what layouts use; contrast is settled later, on the
rendered background."""

from __future__ import annotations

import random
from dataclasses import dataclass

from brandkit.render.color import INK, RGB, WHITE, contrast, from_hex, luminance, mix, to_hex


@dataclass(frozen=True)
class Palette:
    name: str
    background: str
    surface: str
    accent: str
    accent2: str
    ink: str
    paper: str

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "background": self.background,
            "surface": self.surface,
            "accent": self.accent,
            "accent2": self.accent2,
            "ink": self.ink,
            "paper": self.paper,
        }

    @property
    def dark(self) -> bool:
        return luminance(from_hex(self.background)) < 0.2


CURATED: tuple[Palette, ...] = (
    Palette("ocean", "#f4f7fb", "#ffffff", "#1f4fd1", "#ffb703", "#14213d", "#ffffff"),
    Palette("coral", "#fff4ee", "#ffffff", "#e4572e", "#17bebb", "#2b2d42", "#ffffff"),
    Palette("forest", "#0f2e24", "#173d31", "#9ad27a", "#f2c14e", "#0b1f18", "#f5f3ea"),
    Palette("midnight", "#14142b", "#1f1f3d", "#ff5c8a", "#7bdff2", "#0d0d1a", "#f7f7ff"),
    Palette("sunny", "#ffd23f", "#fff3c4", "#3a0ca3", "#ee4266", "#1b1b1e", "#ffffff"),
    Palette("plum", "#f7f0fa", "#ffffff", "#7b2cbf", "#ff9e00", "#240046", "#ffffff"),
    Palette("sand", "#f3ede2", "#fffaf2", "#b5542c", "#2d6a4f", "#2a2118", "#fffaf2"),
    Palette("teal", "#006d77", "#0b7a85", "#ffddd2", "#e29578", "#04363b", "#f8fdfd"),
)


def _readable_on(rgb: RGB) -> RGB:
    return INK if contrast(INK, rgb) >= contrast(WHITE, rgb) else WHITE


def from_colors(colors: list[str], theme: str | None, name: str) -> Palette:
    """A palette around a caller's colours: the first is the accent; the theme decides the
    background (light: a pale tint of it, dark: a deep shade, colorful: the colour itself)."""
    first = from_hex(colors[0])
    second = from_hex(colors[1]) if len(colors) > 1 else mix(first, (255, 183, 3), 0.6)
    if theme == "dark":
        background = mix(first, (8, 10, 18), 0.82)
        surface = mix(first, (8, 10, 18), 0.7)
    elif theme == "colorful":
        background = first
        surface = mix(first, WHITE, 0.2)
        first, second = second, mix(second, WHITE, 0.5)
    else:
        background = mix(first, WHITE, 0.9)
        surface = WHITE
    ink = mix(first, (5, 6, 10), 0.85)
    return Palette(
        name,
        to_hex(background),
        to_hex(surface),
        to_hex(first),
        to_hex(second),
        to_hex(ink if luminance(ink) < 0.05 else INK),
        to_hex(mix(background, WHITE, 0.92) if luminance(background) > 0.5 else WHITE),
    )


def choose(rng: random.Random, colors: list[str], theme: str | None, count: int) -> list[Palette]:
    """``count`` palettes for a request's variants and their options, different where the
    input allows."""
    if colors:
        themes = [theme] if theme else ["light", "dark", "colorful"]
        out = [from_colors(colors, t, f"custom-{t}") for t in themes]
        rotated = colors[1:] + colors[:1]
        if len(colors) > 1:
            out += [from_colors(rotated, t, f"custom-alt-{t}") for t in themes]
        return [out[i % len(out)] for i in range(count)]
    pool = list(CURATED)
    if theme == "dark":
        pool = [p for p in pool if p.dark] or pool
    elif theme == "light":
        pool = [p for p in pool if not p.dark and luminance(from_hex(p.background)) > 0.6] or pool
    elif theme == "colorful":
        pool = [p for p in pool if 0.05 < luminance(from_hex(p.background)) < 0.7] or pool
    rng.shuffle(pool)
    return [pool[i % len(pool)] for i in range(count)]


def readable_on(color: str) -> str:
    return to_hex(_readable_on(from_hex(color)))
