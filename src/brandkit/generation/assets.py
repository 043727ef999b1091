"""Assets for a render: fetched through the guarded fetcher or read from storage, checked like
uploads, decoded once at the size the canvas needs (JPEG draft mode), SVGs rasterised, and plain
backgrounds removed where the request asks. A bad or unreachable asset is an AssetError with the
reason the request fails with."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import numpy as np
import resvg_py
from PIL import Image, ImageDraw

from brandkit.kit.errors import BrandkitError
from brandkit.kit.fetch import UrlFetcher
from brandkit.media.content import check_file, sniff_extension
from brandkit.storage.base import Storage

_PLAIN_TOLERANCE = 24
_SVG_SIDE = 1024


class AssetError(Exception):
    pass


@dataclass(frozen=True)
class Prepared:
    key: str
    data: bytes
    content_type: str
    image: Image.Image
    alpha: bool


def load(source: dict[str, object], fetcher: UrlFetcher, storage: Storage) -> tuple[bytes, str]:
    """The asset's bytes and a name for reasons: from its URL, or its stored media file."""
    url = source.get("url")
    if isinstance(url, str):
        try:
            return fetcher.fetch(url).data, url
        except BrandkitError as exc:
            raise AssetError(f"Image url invalid: {url} ({_reason(exc)})") from None
    key = str(source["key"])
    try:
        return storage.read_bytes(key), str(source.get("mId", key))
    except (FileNotFoundError, KeyError, OSError):
        raise AssetError(f"Media file missing: {source.get('mId', key)}") from None


def _reason(exc: BrandkitError) -> str:
    return exc.errors[0].reason if exc.errors else exc.message


def decode(data: bytes, name: str, longest: int) -> tuple[Image.Image, str, bytes]:
    """The image at no more than ``longest`` pixels on its longer side, its content type, and
    the bytes to store (SVGs cleaned)."""
    extension = sniff_extension(data)
    if extension is None:
        raise AssetError(f"Image url invalid: {name} (not an image of a supported format)")
    try:
        checked = check_file(data, extension)
    except BrandkitError as exc:
        raise AssetError(f"Image url invalid: {name} ({_reason(exc)})") from None
    if extension == "svg":
        side = min(_SVG_SIDE, max(64, longest))
        try:
            png = resvg_py.svg_to_bytes(svg_string=checked.data.decode("utf-8"), width=side)
            image: Image.Image = Image.open(io.BytesIO(bytes(png)))
            image.load()
        except Exception:
            raise AssetError(f"Image url invalid: {name} (the SVG does not render)") from None
    else:
        image = Image.open(io.BytesIO(checked.data))
        # Draft mode decodes a JPEG at a reduced scale directly: far cheaper than decoding the
        # whole photo and shrinking it.
        image.draft("RGB", (longest, longest))
        image.load()
    if max(image.size) > longest:
        image.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    return image, checked.content_type, checked.data


def transparent(image: Image.Image) -> bool:
    if image.mode != "RGBA":
        return False
    low = image.getchannel("A").getextrema()[0]
    return isinstance(low, int) and low < 250


def remove_plain_background(image: Image.Image) -> Image.Image | None:
    """The image with its plain background made transparent, or None when its corners do not
    share one colour (a photo with a scene behind the subject)."""
    rgb = image.convert("RGB")
    w, h = rgb.size
    corners = [
        rgb.getpixel((0, 0)),
        rgb.getpixel((w - 1, 0)),
        rgb.getpixel((0, h - 1)),
        rgb.getpixel((w - 1, h - 1)),
    ]
    base = np.array(corners[0], dtype=np.int16)
    if any(np.abs(np.array(c, dtype=np.int16) - base).max() > _PLAIN_TOLERANCE for c in corners):
        return None
    # Flood from the corners over pixels near the background colour: only the connected
    # background goes, so a subject of the same colour inside keeps its pixels.
    marker = (255, 0, 255)
    flooded = rgb.copy()
    for corner in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)):
        ImageDraw.floodfill(flooded, corner, marker, thresh=_PLAIN_TOLERANCE)
    mask = np.all(np.asarray(flooded) == marker, axis=2)
    if mask.mean() > 0.97:
        return None
    alpha = np.where(mask, 0, 255).astype(np.uint8)
    out = rgb.convert("RGBA")
    out.putalpha(Image.fromarray(alpha, "L"))
    return out


def asset_key(account_id: str, user_id: str, data: bytes, content_type: str) -> str:
    """Where a design's asset is kept: by its content, so the same file is stored once per
    user and documents that name it are the same for the same input."""
    digest = hashlib.sha256(data).hexdigest()[:32]
    extension = {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/svg+xml": "svg",
        "image/webp": "webp",
        "image/gif": "gif",
    }.get(content_type, "bin")
    return f"designs/{account_id}/{user_id}/assets/{digest}.{extension}"
