"""Reading a TrueType font: its family and style from the name table, a classification from OS/2."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from fontTools.ttLib import TTFont

CLASSIFICATIONS = ("serif", "sans-serif", "monospace", "display", "handwriting")

_TRUETYPE_VERSIONS = (b"\x00\x01\x00\x00", b"true")
# OS/2 sFamilyClass high byte (the IBM font classes).
_IBM_SERIF = frozenset({1, 2, 3, 4, 5, 7})
_IBM_SANS = 8
_IBM_DISPLAY = frozenset({9, 12})
_IBM_SCRIPT = 10
# PANOSE bFamilyType and, for Latin Text, bSerifStyle and bProportion.
_PANOSE_TEXT, _PANOSE_HAND, _PANOSE_DECORATIVE, _PANOSE_SYMBOL = 2, 3, 4, 5
_PANOSE_MONOSPACED = 9
_PANOSE_SANS_STYLES = frozenset({11, 12, 13, 14, 15})


class FontError(ValueError):
    pass


@dataclass(frozen=True)
class ParsedFont:
    family: str
    style: str
    classification: str


def parse_font(data: bytes) -> ParsedFont:
    if data[:4] not in _TRUETYPE_VERSIONS:
        raise FontError("not a TrueType font")
    try:
        font = TTFont(io.BytesIO(data), lazy=False)
        # Decode every table now: a file that only fails deep inside is still a broken font.
        font.ensureDecompiled()
        if "glyf" not in font:
            raise FontError("a TrueType font needs glyph outlines")
        names = font["name"]
        family = names.getBestFamilyName()
        style = names.getBestSubFamilyName() or "Regular"
        classification = classify(font)
    except FontError:
        raise
    # fontTools raises about anything (struct, key, assertion errors) on hostile input.
    except Exception as exc:
        raise FontError("the font does not parse") from exc
    if not family:
        raise FontError("the font has no family name")
    return ParsedFont(str(family)[:255], str(style)[:100], classification)


def classify(font: Any) -> str:
    post = font.get("post")
    if post is not None and bool(getattr(post, "isFixedPitch", False)):
        return "monospace"
    os2 = font.get("OS/2")
    if os2 is None:
        return "sans-serif"
    panose = getattr(os2, "panose", None)
    family_type = getattr(panose, "bFamilyType", 0)
    if family_type == _PANOSE_TEXT:
        if getattr(panose, "bProportion", 0) == _PANOSE_MONOSPACED:
            return "monospace"
        serif_style = getattr(panose, "bSerifStyle", 0)
        if serif_style in _PANOSE_SANS_STYLES:
            return "sans-serif"
        if serif_style >= 2:
            return "serif"
    if family_type == _PANOSE_HAND:
        return "handwriting"
    if family_type in (_PANOSE_DECORATIVE, _PANOSE_SYMBOL):
        return "display"
    ibm_class = int(getattr(os2, "sFamilyClass", 0)) >> 8
    if ibm_class in _IBM_SERIF:
        return "serif"
    if ibm_class == _IBM_SCRIPT:
        return "handwriting"
    if ibm_class in _IBM_DISPLAY:
        return "display"
    return "sans-serif"
