"""Tiny valid files of every uploadable kind, made in memory."""

from __future__ import annotations

import io
from functools import cache

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from PIL import Image

PILLOW_NAMES = {
    "jpg": "JPEG",
    "jpeg": "JPEG",
    "png": "PNG",
    "webp": "WEBP",
    "gif": "GIF",
    "bmp": "BMP",
    "tiff": "TIFF",
}

SVG_WITH_SCRIPT = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="40" height="20" onload="alert(1)">
  <script>alert(document.cookie)</script>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
  <a xlink:href="javascript:alert(2)"><rect width="10" height="10" onclick="steal()"/></a>
  <image href="https://evil.example/track.png" width="1" height="1"/>
  <use href="#dot"/>
  <circle id="dot" r="4" style="fill: url(https://evil.example/x); stroke: red"/>
</svg>
"""

PLAIN_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 16"><rect width="8"/></svg>'


@cache
def image_bytes(ext: str, size: tuple[int, int] = (3, 2)) -> bytes:
    if ext == "svg":
        return PLAIN_SVG
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(buf, format=PILLOW_NAMES[ext])
    return buf.getvalue()


@cache
def ttf_bytes(family: str = "Brandkit Test", style: str = "Regular", mono: bool = False) -> bytes:
    fb = FontBuilder(1000, isTTF=True)
    glyphs = [".notdef", "A"]
    fb.setupGlyphOrder(glyphs)
    fb.setupCharacterMap({ord("A"): "A"})
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    pen.lineTo((500, 700))
    pen.lineTo((1000, 0))
    pen.closePath()
    outline = pen.glyph()
    fb.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "A": outline})
    fb.setupHorizontalMetrics({".notdef": (600, 0), "A": (600, 0)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": family, "styleName": style})
    fb.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    fb.setupPost(isFixedPitch=1 if mono else 0)
    buf = io.BytesIO()
    fb.save(buf)
    return buf.getvalue()
