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
