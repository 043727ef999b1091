"""The media types of SPEC 4.4: their subTypes (the first is the default) and extensions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaKind:
    sub_types: tuple[str, ...]
    extensions: tuple[str, ...]


MEDIA_KINDS: dict[str, MediaKind] = {
    "photo": MediaKind(("photograph",), ("jpg", "jpeg", "png", "webp", "gif", "bmp", "tiff")),
    "logo": MediaKind(("logo",), ("jpeg", "png", "svg", "webp")),
    "illustration": MediaKind(("illustration",), ("svg",)),
    "screenshot": MediaKind(
        ("iphone", "ipad", "macbook", "imac", "laptop", "desktop", "tablet", "smartphone"),
        ("jpg", "jpeg", "png", "webp"),
    ),
    "backdrop": MediaKind(
        ("backgroundImage", "pattern", "texture"), ("jpg", "jpeg", "png", "gif", "bmp", "tiff")
    ),
    "icon": MediaKind(("icon",), ("svg",)),
    "inspiration": MediaKind(("design",), ("jpg", "jpeg", "png", "webp")),
}

FONT_EXTENSIONS = ("ttf",)

CONTENT_TYPES: dict[str, str] = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "svg": "image/svg+xml",
    "webp": "image/webp",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tiff": "image/tiff",
    "ttf": "font/ttf",
}

ALL_SUB_TYPES = tuple(s for kind in MEDIA_KINDS.values() for s in kind.sub_types)


def valid_pair(media_type: str | None, sub_type: str | None) -> bool:
    if sub_type is None:
        return True
    if media_type is None:
        return sub_type in ALL_SUB_TYPES
    return sub_type in MEDIA_KINDS[media_type].sub_types


PRESIGN_TYPES = ("photo", "logo", "illustration", "screenshot", "backdrop", "font")

# Content-Type values a client may declare for an extension; the first is the canonical one.
CONTENT_TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "jpg": ("image/jpeg", "image/jpg", "image/pjpeg"),
    "jpeg": ("image/jpeg", "image/jpg", "image/pjpeg"),
    "png": ("image/png",),
    "svg": ("image/svg+xml",),
    "webp": ("image/webp",),
    "gif": ("image/gif",),
    "bmp": ("image/bmp", "image/x-ms-bmp"),
    "tiff": ("image/tiff",),
    "ttf": ("font/ttf", "font/sfnt", "application/x-font-ttf", "application/font-sfnt"),
}

# What Pillow calls each raster format; SVG and TTF are checked by their own parsers.
PILLOW_FORMATS: dict[str, str] = {
    "jpg": "JPEG",
    "jpeg": "JPEG",
    "png": "PNG",
    "webp": "WEBP",
    "gif": "GIF",
    "bmp": "BMP",
    "tiff": "TIFF",
}


def extension_fits(media_type: str, extension: str) -> bool:
    if media_type == "font" or extension in FONT_EXTENSIONS:
        return media_type == "font" and extension in FONT_EXTENSIONS
    return media_type in MEDIA_KINDS and extension in MEDIA_KINDS[media_type].extensions


def content_type_fits(extension: str, content_type: str) -> bool:
    return content_type.strip().lower() in CONTENT_TYPE_ALIASES.get(extension, ())
