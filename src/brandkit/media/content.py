"""Is a file what its extension claims? Raster images must decode; SVGs are parsed safely and
cleaned of everything that could run or fetch when the file is displayed."""

from __future__ import annotations

import io
import re
import warnings

# The stdlib tree only builds and serialises; every parse goes through defusedxml.
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from PIL import Image, UnidentifiedImageError

from brandkit.kit.errors import InvalidInput, invalid
from brandkit.kit.mediatypes import CONTENT_TYPES, PILLOW_FORMATS
from brandkit.media import svg

# Far above any real photo (a 100-megapixel camera), far below what exhausts memory on decode.
MAX_PIXELS = 120_000_000

ET.register_namespace("", svg.SVG_NS)
ET.register_namespace("xlink", svg.XLINK_NS)

_LENGTH = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(?:px)?\s*$")


@dataclass(frozen=True)
class Checked:
    data: bytes
    extension: str
    content_type: str
    width: int | None
    height: int | None


def check_file(data: bytes, extension: str) -> Checked:
    """The bytes to store for a file claimed to be ``extension``, or a 422."""
    if extension == "svg":
        cleaned, width, height = clean_svg(data)
        return Checked(cleaned, "svg", CONTENT_TYPES["svg"], width, height)
    width, height = _decode(data, PILLOW_FORMATS[extension], extension)
    return Checked(data, extension, CONTENT_TYPES[extension], width, height)


def sniff_extension(data: bytes) -> str | None:
    """The extension of a fetched file, from its bytes (servers' Content-Type lies too often)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(set(PILLOW_FORMATS.values()))) as img:
                fmt = img.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombWarning):
        fmt = None
    except Image.DecompressionBombError:
        raise _bad("the image is too large to decode") from None
    if fmt is not None:
        return {"JPEG": "jpeg"}.get(fmt, fmt.lower())
    head = data[:4096].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:65536].lower():
        return "svg"
    return None


def _bad(reason: str) -> InvalidInput:
    return invalid("file", reason, f"The file is not valid: {reason}")


def _decode(data: bytes, expected: str, extension: str) -> tuple[int, int]:
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; we refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[expected]) as img:
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise _bad("the image has too many pixels")
                img.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _bad(f"it does not decode as a {extension} image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bad("the image has too many pixels") from None
    return width, height


def clean_svg(data: bytes) -> tuple[bytes, int | None, int | None]:
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError):
        raise _bad("it is not well-formed SVG without DTDs or entities") from None
    if root.tag != f"{{{svg.SVG_NS}}}svg":
        raise _bad("its root element is not <svg> in the SVG namespace")
    svg.clean(root)
    width, height = _dimensions(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), width, height


def _dimensions(root: ET.Element) -> tuple[int | None, int | None]:
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width is None or height is None:
        parts = (root.get("viewBox") or "").replace(",", " ").split()
        if len(parts) == 4:
            try:
                width = width or round(float(parts[2]))
                height = height or round(float(parts[3]))
            except ValueError:
                pass
    return width, height


def _length(value: str | None) -> int | None:
    match = _LENGTH.match(value or "")
    return round(float(match.group(1))) if match else None
