"""What a variant leaves in storage: its document (JSON), its SVG and one raster per output
format, under keys made from the request, so a retried job writes the same files again."""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass

import orjson
from PIL import Image

from brandkit.render.document import Document

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
JPEG_QUALITY = 90


def variant_id(request_id: str, index: int) -> str:
    """The id of a request's ``index``-th variant: the same on every attempt."""
    digest = hashlib.sha256(f"brandkit-variant:{request_id}:{index}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:8]).decode().rstrip("=")


def encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "jpg":
        image.save(out, "JPEG", quality=JPEG_QUALITY)
    else:
        image.save(out, "PNG", compress_level=3)
    return out.getvalue()


def document_bytes(doc: Document) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True)
class VariantFiles:
    prefix: str

    def raster(self, name: str, fmt: str) -> str:
        return f"{self.prefix}/{name}.{fmt}"

    def svg(self, name: str) -> str:
        return f"{self.prefix}/{name}.svg"

    def document(self, name: str) -> str:
        return f"{self.prefix}/{name}.json"


def files_of(account_id: str, design_id: str) -> VariantFiles:
    return VariantFiles(f"designs/{account_id}/{design_id}")
