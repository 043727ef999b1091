"""Fitting content into text areas: the largest type scale at which every block, set by its
font's real metrics, fits its area, with nothing cut, dropped or overlapping."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Literal

from brandkit.render.document import Align, Direction, EllipseLayer, Layer, RectLayer, TextLayer
from brandkit.render.fonts import FontBook, MissingGlyphs
from brandkit.render.geometry import Rect
from brandkit.render.text import SetText, set_text

FontSlot = Literal["heading", "subHeading", "body"]


@dataclass(frozen=True)
class RoleStyle:
    font: FontSlot
    # Size relative to the title's, and line spacing relative to the size.
    ratio: float
    leading: float
    # Headline roles are set with balanced lines.
    balance: bool = False


STYLES: dict[str, RoleStyle] = {
    "title": RoleStyle("heading", 1.0, 1.08, True),
    "supertext": RoleStyle("subHeading", 0.38, 1.2),
    "subtext": RoleStyle("subHeading", 0.46, 1.22, True),
    "offer": RoleStyle("subHeading", 0.6, 1.12, True),
    "coupon": RoleStyle("subHeading", 0.44, 1.2),
    "text": RoleStyle("body", 0.38, 1.3),
    "list": RoleStyle("body", 0.38, 1.28),
    "date_time": RoleStyle("body", 0.36, 1.25),
    "contact": RoleStyle("body", 0.32, 1.25),
    "caption": RoleStyle("body", 0.3, 1.25),
    "button": RoleStyle("subHeading", 0.4, 1.15),
    "marker": RoleStyle("body", 0.38, 1.28),
}

# The order blocks are stacked in; the social and contact blocks share the contact role.
ORDER = (
    "supertext",
    "title",
    "subtext",
    "offer",
    "coupon",
    "text",
    "bulletlist",
    "numberedlist",
    "date_time",
    "phone",
    "email",
    "website",
    "address",
    "whatsapp",
    "instagram",
    "facebook",
    "linkedin",
    "twitter",
    "behance",
    "dribbble",
    "pinterest",
    "slack",
    "caption",
    "button",
)
LISTS = ("bulletlist", "numberedlist")
PRIMARY = ("supertext", "title", "subtext")


def role_of(block: str) -> str:
    if block in STYLES:
        return block
    if block in LISTS:
        return "list"
    return "contact"


@dataclass(frozen=True)
class Piece:
    block: str
    item: int | None
    text: str

    @property
    def role(self) -> str:
        return role_of(self.block)


def pieces_of(content: dict[str, str | list[str]]) -> list[Piece]:
    out: list[Piece] = []
    for block in ORDER:
        value = content.get(block)
        if value is None:
            continue
        if isinstance(value, list):
            out.extend(Piece(block, i, item) for i, item in enumerate(value))
        else:
            out.append(Piece(block, None, value))
    return out


class DoesNotFit(Exception):
    def __init__(self, block: str) -> None:
        self.block = block
        super().__init__(block)


@dataclass(frozen=True)
class Type:
    """What the fitter needs to know of the type: the faces per slot and the size floor."""

    faces: dict[FontSlot, str]
    min_size: int
    max_title: int
    direction: Direction


@dataclass
class Placed:
    texts: list[TextLayer] = field(default_factory=list)
    shapes: list[Layer] = field(default_factory=list)
    bounds: Rect | None = None


@dataclass(frozen=True)
class _Set:
    piece: Piece
    face: str
    size: int
    text: SetText
    # Extra room around the text (button pill, coupon outline) and the list marker's indent.
    pad_x: float
    pad_y: float
    indent: float
    marker: SetText | None
    marker_face: str | None

    @property
    def height(self) -> float:
        return self.text.height + 2 * self.pad_y

    @property
    def width(self) -> float:
        return self.text.width + 2 * self.pad_x + self.indent


def _size(role: str, title: int, kind: Type) -> int:
    if role == "title":
        return title
    return max(kind.min_size, min(title, round(STYLES[role].ratio * title)))


def _set_piece(piece: Piece, title: int, width: float, kind: Type, book: FontBook) -> _Set | None:
    role = piece.role
    style = STYLES[role]
    size = _size(role, title, kind)
    try:
        face = book.draws(kind.faces[style.font], piece.text)
    except MissingGlyphs as exc:
        raise MissingGlyphs(exc.characters, piece.block) from None
    font = book.font(face, size)
    pad_x = pad_y = indent = 0.0
    marker = None
    marker_face = None
    if role == "button":
        pad_x, pad_y = round(size * 1.0), round(size * 0.5)
    elif role == "coupon":
        pad_x, pad_y = round(size * 0.5), round(size * 0.3)
    elif role == "list":
        if piece.block == "numberedlist":
            number = f"{(piece.item or 0) + 1}."
            marker_face = book.draws(kind.faces["body"], number)
            marker = set_text(
                book.font(marker_face, size),
                number,
                size,
                size * 4,
                "ltr",
                style.leading,
            )
            indent = (marker.width if marker else size) + size * 0.45
        else:
            indent = round(size * 1.1)
    available = width - 2 * pad_x - indent
    if available < size:
        return None
    text = set_text(
        font, piece.text, size, available, kind.direction, style.leading, balance=style.balance
    )
    if text is None:
        return None
    return _Set(piece, face, size, text, pad_x, pad_y, indent, marker, marker_face)


def _gap(prev: _Set, nxt: _Set) -> float:
    if prev.piece.block == nxt.piece.block and nxt.piece.item is not None:
        return round(nxt.size * 0.35)
    if prev.piece.role == "supertext":
        return round(nxt.size * 0.18)
    return round(max(prev.size, nxt.size) * 0.42 if nxt.piece.role == "button" else nxt.size * 0.5)


def _stack(
    pieces: list[Piece], title: int, width: float, kind: Type, book: FontBook
) -> list[_Set] | None:
    out = []
    for piece in pieces:
        done = _set_piece(piece, title, width, kind, book)
        if done is None:
            return None
        out.append(done)
    return out


def _height(sets: list[_Set]) -> float:
    total = sum(s.height for s in sets)
    return total + sum(_gap(a, b) for a, b in itertools.pairwise(sets))


def _columns(pieces: list[Piece], banner: bool) -> list[list[Piece]]:
    if not banner:
        return [pieces]
    primary = [p for p in pieces if p.block in PRIMARY]
    button = [p for p in pieces if p.block == "button"]
    rest = [p for p in pieces if p.block not in PRIMARY and p.block != "button"]
    return [c for c in (primary or rest[:1], rest if primary else rest[1:], button) if c]


def _try(
    pieces: list[Piece], area: Rect, title: int, kind: Type, book: FontBook, banner: bool
) -> list[tuple[Rect, list[_Set]]] | None:
    columns = _columns(pieces, banner)
    if len(columns) == 1:
        sets = _stack(columns[0], title, area.w, kind, book)
        if sets is None or _height(sets) > area.h:
            return None
        return [(area, sets)]
    gutter = round(max(area.h * 0.25, kind.min_size))
    placed: list[tuple[Rect, list[_Set]]] = []
    remaining = area
    # A button column takes what its pill needs; the text columns share the rest.
    trailing: list[tuple[Rect, list[_Set]]] = []
    if columns[-1][0].block == "button":
        sets = _stack(columns[-1], title, area.w * 0.4, kind, book)
        if sets is None:
            return None
        need = max(s.width for s in sets)
        if _height(sets) > area.h:
            return None
        col, remaining = remaining.take_right(need)
        remaining = Rect(remaining.x, remaining.y, remaining.w - gutter, remaining.h)
        trailing.append((col, sets))
        columns = columns[:-1]
    shares = [0.58, 0.42][: len(columns)] if len(columns) == 2 else [1.0]
    x = remaining.x
    usable = remaining.w - gutter * (len(columns) - 1)
    for column, share in zip(columns, shares, strict=True):
        rect = Rect(x, remaining.y, usable * share, remaining.h)
        sets = _stack(column, title, rect.w, kind, book)
        if sets is None or _height(sets) > rect.h:
            return None
        placed.append((rect, sets))
        x += rect.w + gutter
    return placed + trailing


def fit(
    pieces: list[Piece],
    area: Rect,
    kind: Type,
    book: FontBook,
    *,
    align: Align,
    valign: Literal["top", "center", "bottom"],
    banner: bool,
    ids: str,
) -> Placed:
    """Place every piece in ``area`` at the largest title size that fits, or raise DoesNotFit
    naming the block that cannot be set."""
    low, high = max(kind.min_size, round(kind.min_size * 1.3)), max(kind.min_size, kind.max_title)
    best = _try(pieces, area, low, kind, book, banner)
    if best is None and banner:
        best = _try(pieces, area, low, kind, book, False)
        banner = False
    if best is None:
        raise DoesNotFit(_culprit(pieces, area, low, kind, book))
    while low < high:
        mid = (low + high + 1) // 2
        attempt = _try(pieces, area, mid, kind, book, banner)
        if attempt is not None:
            best, low = attempt, mid
        else:
            high = mid - 1
    return _place(best, kind, align, valign, ids)


def _culprit(pieces: list[Piece], area: Rect, title: int, kind: Type, book: FontBook) -> str:
    heights: dict[str, float] = {}
    for piece in pieces:
        done = _set_piece(piece, title, area.w, kind, book)
        if done is None or done.height > area.h:
            return piece.block
        heights[piece.block] = heights.get(piece.block, 0.0) + done.height
    return max(heights, key=lambda b: heights[b])


def _place(
    columns: list[tuple[Rect, list[_Set]]],
    kind: Type,
    align: Align,
    valign: Literal["top", "center", "bottom"],
    ids: str,
) -> Placed:
    placed = Placed()
    rtl = kind.direction == "rtl"
    counter = 0
    for rect, sets in columns:
        height = _height(sets)
        slack = rect.h - height
        y = rect.y + (0 if valign == "top" else slack if valign == "bottom" else slack / 2)
        prev: _Set | None = None
        for s in sets:
            if prev is not None:
                y += _gap(prev, s)
            counter += 1
            _place_one(placed, s, rect, y, align, rtl, f"{ids}-{counter}")
            y += s.height
            prev = s
    xs = [t["x"] for t in placed.texts] + [sh["x"] for sh in placed.shapes]
    ys = [t["y"] for t in placed.texts] + [sh["y"] for sh in placed.shapes]
    rights = [t["x"] + t["w"] for t in placed.texts] + [sh["x"] + sh["w"] for sh in placed.shapes]
    bottoms = [t["y"] + t["h"] for t in placed.texts] + [sh["y"] + sh["h"] for sh in placed.shapes]
    placed.bounds = Rect(min(xs), min(ys), max(rights) - min(xs), max(bottoms) - min(ys))
    return placed


def line_layer(
    text: SetText,
    face: str,
    left: float,
    width: float,
    top: float,
    align: Align,
    piece: Piece,
    role: str,
    direction: Direction,
    layer_id: str,
) -> TextLayer:
    lines = []
    baseline = top - text.lines[0].top
    box_l, box_r, box_t, box_b = float("inf"), float("-inf"), float("inf"), float("-inf")
    for line in text.lines:
        over_left = -min(0.0, line.ink_left)
        over_right = max(0.0, line.ink_right - line.width)
        if align == "left":
            start = left + over_left
        elif align == "right":
            start = left + width - line.width - over_right
        else:
            start = left + (width - line.width + over_left - over_right) / 2
        lines.append(
            {
                "text": line.text,
                "cx": round(start + line.width / 2, 2),
                "baseline": round(baseline, 2),
                "width": round(line.width, 2),
            }
        )
        box_l = min(box_l, start + min(0.0, line.ink_left))
        box_r = max(box_r, start + max(line.width, line.ink_right))
        box_t = min(box_t, baseline + line.top)
        box_b = max(box_b, baseline + line.bottom)
        baseline += text.leading
    x0, y0 = int(box_l), int(box_t)
    return {
        "id": layer_id,
        "kind": "text",
        "role": role,
        "block": piece.block,
        "item": piece.item,
        "text": piece.text if role != "marker" else " ".join(line.text for line in text.lines),
        "font": face,
        "size": text.size,
        "color": "",
        "align": align,
        "direction": direction,
        "x": x0,
        "y": y0,
        "w": int(box_r + 0.999) - x0,
        "h": int(box_b + 0.999) - y0,
        "lines": lines,  # type: ignore[typeddict-item]
    }


def _place_one(
    placed: Placed, s: _Set, rect: Rect, y: float, align: Align, rtl: bool, layer_id: str
) -> None:
    role = s.piece.role
    direction: Direction = "rtl" if rtl else "ltr"
    if role in ("button", "coupon"):
        w = s.width
        x = (
            rect.x
            if align == "left"
            else rect.right - w
            if align == "right"
            else rect.x + (rect.w - w) / 2
        )
        shape: RectLayer = {
            "id": f"{layer_id}-shape",
            "kind": "rect",
            "role": role,
            "x": round(x),
            "y": round(y),
            "w": round(w),
            "h": round(s.height),
            "fill": "accent" if role == "button" else None,
            "opacity": 1.0,
            "radius": round(s.height / 2) if role == "button" else round(s.size * 0.2),
            "stroke": None if role == "button" else "accent",
            "strokeWidth": 0.0 if role == "button" else max(1.0, round(s.size * 0.08)),
        }
        placed.shapes.append(shape)
        placed.texts.append(
            line_layer(
                s.text,
                s.face,
                x + s.pad_x,
                w - 2 * s.pad_x,
                y + s.pad_y,
                "center",
                s.piece,
                role,
                direction,
                layer_id,
            )
        )
        return
    left, width = rect.x, rect.w
    if role == "list":
        # The marker sits on the start side: the left, or the right for right-to-left text.
        text_w = s.text.width
        block_w = min(rect.w, text_w + s.indent)
        if align == "center":
            start = rect.x + (rect.w - block_w) / 2
        elif align == "right":
            start = rect.right - block_w
        else:
            start = rect.x
        first = s.text.lines[0]
        mid = y - first.top - s.size * 0.32
        marker_w = s.indent - s.size * 0.45
        marker_x = start + block_w - marker_w if rtl else start
        left = start if rtl else start + s.indent
        width = block_w - s.indent
        if s.marker is not None and s.marker_face is not None:
            placed.texts.append(
                line_layer(
                    s.marker,
                    s.marker_face,
                    marker_x,
                    marker_w,
                    y,
                    "right" if rtl else "left",
                    s.piece,
                    "marker",
                    "ltr",
                    f"{layer_id}-marker",
                )
            )
        else:
            dot = max(2, round(s.size * 0.32))
            cx = marker_x + marker_w / 2
            bullet: EllipseLayer = {
                "id": f"{layer_id}-bullet",
                "kind": "ellipse",
                "role": "bullet",
                "x": round(cx - dot / 2),
                "y": round(mid - dot / 2),
                "w": dot,
                "h": dot,
                "fill": "accent",
                "opacity": 1.0,
            }
            placed.shapes.append(bullet)
        align = "right" if rtl else "left"
    placed.texts.append(
        line_layer(s.text, s.face, left, width, y, align, s.piece, role, direction, layer_id)
    )
