"""Font faces by id (the shipped ones and a caller's own), their Pillow fonts per size, and
which face draws a text: the chosen one when it has every glyph, else the shipped fallback."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont

from brandkit.render.system_fonts import (
    BY_ID,
    FALLBACK_SANS,
    FALLBACK_SERIF,
    SYSTEM_FACES,
    face_path,
)

_BOLD = 600


class MissingGlyphs(ValueError):
    """No available face draws every character of a text."""

    def __init__(self, characters: str, block: str | None = None) -> None:
        self.characters = characters
        self.block = block
        super().__init__(f"no available font draws {characters!r}")


@dataclass(frozen=True)
class Face:
    id: str
    # The family and weight an SVG names, as a font database reads them from the file.
    family: str
    weight: int
    italic: bool
    classification: str
    path: Path | None = None
    data: bytes | None = field(default=None, repr=False)

    def source(self) -> Path | io.BytesIO:
        if self.path is not None:
            return self.path
        assert self.data is not None
        return io.BytesIO(self.data)


def face_from_file(face_id: str, data: bytes, classification: str) -> Face:
    """A caller's own TrueType file as a face (its family and weight as renderers read them)."""
    with TTFont(io.BytesIO(data), lazy=True) as font:
        names = font["name"]
        family = names.getDebugName(16) or names.getDebugName(1) or face_id
        os2 = font.get("OS/2")
        weight = int(getattr(os2, "usWeightClass", 400)) if os2 is not None else 400
        italic = bool(getattr(os2, "fsSelection", 0) & 1) if os2 is not None else False
    return Face(face_id, str(family), weight, italic, classification, data=data)


def _system_face(face_id: str) -> Face:
    face = BY_ID[face_id]
    return Face(face.id, face.family, face.weight, False, face.classification, face_path(face))


class FontBook:
    """Every face a render may use. Fonts and character sets are made once per face and size;
    a worker keeps one book per process, so they are loaded once."""

    def __init__(self) -> None:
        self._faces: dict[str, Face] = {f.id: _system_face(f.id) for f in SYSTEM_FACES}
        self._fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}
        self._cmaps: dict[str, frozenset[int]] = {}

    def add(self, face: Face) -> None:
        self._faces[face.id] = face

    def has(self, face_id: str) -> bool:
        return face_id in self._faces

    def face(self, face_id: str) -> Face:
        return self._faces[face_id]

    def font(self, face_id: str, size: int) -> ImageFont.FreeTypeFont:
        key = (face_id, size)
        font = self._fonts.get(key)
        if font is None:
            face = self._faces[face_id]
            font = ImageFont.truetype(face.source(), size, layout_engine=ImageFont.Layout.RAQM)
            self._fonts[key] = font
        return font

    def charset(self, face_id: str) -> frozenset[int]:
        cmap = self._cmaps.get(face_id)
        if cmap is None:
            face = self._faces[face_id]
            with TTFont(face.source(), lazy=True) as font:
                cmap = frozenset(font.getBestCmap() or {})
            self._cmaps[face_id] = cmap
        return cmap

    def missing(self, face_id: str, text: str) -> str:
        cmap = self.charset(face_id)
        return "".join(
            sorted({c for c in text if not c.isspace() and ord(c) >= 0x20 and ord(c) not in cmap})
        )

    def draws(self, face_id: str, text: str) -> str:
        """The face that draws ``text``: the one asked for, else the shipped fallback of its
        kind and weight. Raises MissingGlyphs when neither has every character."""
        if not self.missing(face_id, text):
            return face_id
        face = self._faces[face_id]
        bold = face.weight >= _BOLD
        kinds = (
            (FALLBACK_SERIF, FALLBACK_SANS)
            if face.classification == "serif"
            else (FALLBACK_SANS, FALLBACK_SERIF)
        )
        # The fallback of the face's kind and weight first; DejaVu Serif lacks Arabic and Hebrew,
        # so serif text in those scripts falls through to the sans.
        for regular, heavy in kinds:
            for candidate in (heavy, regular) if bold else (regular, heavy):
                if not self.missing(candidate, text):
                    return candidate
        raise MissingGlyphs(self.missing(FALLBACK_SANS[0], text))
