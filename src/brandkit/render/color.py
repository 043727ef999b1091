"""Colours: parsing the forms requests use (hex, rgb()/rgba() css), and WCAG contrast."""

from __future__ import annotations

import re

RGB = tuple[int, int, int]

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_RGBA = re.compile(
    r"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*(0|1|0?\.\d+|1\.0+)\s*)?\)$"
)


def parse_color(value: str) -> RGB | None:
    """The colour a request names, or None when it is not one (alpha is dropped: a palette
    colour is painted opaque)."""
    text = value.strip()
    if _HEX.match(text):
        digits = text[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
    match = _RGBA.match(text)
    if match:
        parts = tuple(int(match.group(i)) for i in (1, 2, 3))
        if all(0 <= p <= 255 for p in parts):
            return (parts[0], parts[1], parts[2])
    return None


def to_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def from_hex(value: str) -> RGB:
    rgb = parse_color(value)
    if rgb is None:
        raise ValueError(f"not a colour: {value!r}")
    return rgb


def _channel(c: float) -> float:
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance."""
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def contrast_with_range(color: RGB, darkest: float, lightest: float) -> float:
    """The worst contrast of ``color`` against any luminance in [darkest, lightest]."""
    lc = luminance(color)
    worst = float("inf")
    for lum in (darkest, lightest):
        hi, lo = max(lc, lum), min(lc, lum)
        worst = min(worst, (hi + 0.05) / (lo + 0.05))
    # A colour whose luminance lies inside the range meets a pixel of its own luminance.
    if darkest <= lc <= lightest:
        return 1.0
    return worst


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


WHITE: RGB = (255, 255, 255)
INK: RGB = (17, 20, 28)
