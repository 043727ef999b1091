"""Setting text: wrapping at word boundaries by real advance widths, and each line's box,
which holds both the font's ascent and descent and the ink of the glyphs actually drawn."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import ImageFont


@dataclass(frozen=True)
class SetLine:
    text: str
    width: float
    # Relative to the baseline at the line's left edge: top is negative, bottom positive.
    top: float
    bottom: float
    ink_left: float
    ink_right: float


@dataclass(frozen=True)
class SetText:
    lines: tuple[SetLine, ...]
    size: int
    leading: float

    @property
    def width(self) -> float:
        return max(max(line.width, line.ink_right) - min(0.0, line.ink_left) for line in self.lines)

    @property
    def height(self) -> float:
        first, last = self.lines[0], self.lines[-1]
        return -first.top + self.leading * (len(self.lines) - 1) + last.bottom


def measure(font: ImageFont.FreeTypeFont, text: str, direction: str) -> SetLine:
    cache: dict[tuple[str, str], SetLine] | None = getattr(font, "_brandkit_lines", None)
    if cache is None or len(cache) >= _ADVANCES_MAX:
        cache = {}
        setattr(font, "_brandkit_lines", cache)  # noqa: B010
    line = cache.get((direction, text))
    if line is None:
        line = _measure(font, text, direction)
        cache[(direction, text)] = line
    return line


def _measure(font: ImageFont.FreeTypeFont, text: str, direction: str) -> SetLine:
    width = advance(font, text, direction)
    ascent, descent = font.getmetrics()
    left, top, right, bottom = font.getbbox(text, anchor="ls", direction=direction)
    return SetLine(
        text=text,
        width=width,
        top=min(-float(ascent), float(top)),
        bottom=max(float(descent), float(bottom)),
        ink_left=float(left),
        ink_right=float(right),
    )


_ADVANCES_MAX = 50_000


def advance(font: ImageFont.FreeTypeFont, text: str, direction: str) -> float:
    """The advance width of ``text``, remembered: fitting asks for the same runs at the same
    sizes many times (a binary search over sizes, balanced wrapping)."""
    # Kept on the font object, which the font book keeps per face and size.
    cache: dict[tuple[str, str], float] | None = getattr(font, "_brandkit_advances", None)
    if cache is None or len(cache) >= _ADVANCES_MAX:
        cache = {}
        setattr(font, "_brandkit_advances", cache)  # noqa: B010
    key = (direction, text)
    width = cache.get(key)
    if width is None:
        width = font.getlength(text, direction=direction)
        cache[key] = width
    return width


def wrap(
    font: ImageFont.FreeTypeFont, text: str, max_width: float, direction: str
) -> list[str] | None:
    """Greedy lines of whole words within ``max_width``; None when a word alone is wider."""
    words = text.split()
    if not words:
        return None
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if advance(font, candidate, direction) <= max_width:
            current = candidate
            continue
        if not current:
            return None
        lines.append(current)
        if advance(font, word, direction) > max_width:
            return None
        current = word
    lines.append(current)
    return lines


def balanced(
    font: ImageFont.FreeTypeFont, text: str, max_width: float, direction: str
) -> list[str] | None:
    """The same number of lines as the greedy wrap, at the narrowest width that keeps it, so a
    headline does not end on a lone word."""
    lines = wrap(font, text, max_width, direction)
    if lines is None or len(lines) < 2:
        return lines
    low, high = max_width * 0.5, max_width
    best = lines
    for _ in range(6):
        mid = (low + high) / 2
        trial = wrap(font, text, mid, direction)
        if trial is not None and len(trial) == len(lines):
            best, high = trial, mid
        else:
            low = mid
    return best


def set_text(
    font: ImageFont.FreeTypeFont,
    text: str,
    size: int,
    max_width: float,
    direction: str,
    leading: float,
    *,
    balance: bool = False,
) -> SetText | None:
    lines = (balanced if balance else wrap)(font, text, max_width, direction)
    if lines is None:
        return None
    set_lines = tuple(measure(font, line, direction) for line in lines)
    # A glyph may reach past its advance (a j's tail, an italic's overhang): the line fits when
    # its whole extent, ink included, does; placing shifts it so the ink stays inside.
    if any(
        max(line.width, line.ink_right) - min(0.0, line.ink_left) > max_width + 1
        for line in set_lines
    ):
        return None
    return SetText(set_lines, size, round(size * leading, 2))
