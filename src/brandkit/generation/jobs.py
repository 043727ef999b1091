"""The generation domain's job: a designs request, rendered on a worker. The long work runs
outside any transaction; the variants, their files' rows and the request's result are published
in the runner's finishing transaction, under its lease check, so a request taken over from a dead
worker is published exactly once. Files are written under the same keys by every attempt."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from PIL import Image
from sqlalchemy.orm import Session

from brandkit.credits import service as credits
from brandkit.db import transaction, utcnow
from brandkit.designs.models import DesignFile, Variant
from brandkit.designs.repository import DesignsRepository
from brandkit.generation import assets as asset_files
from brandkit.generation import llm
from brandkit.generation.book import BOOK
from brandkit.generation.output import (
    CONTENT_TYPES,
    document_bytes,
    encode,
    files_of,
    variant_id,
)
from brandkit.generation.service import GENERATE_JOB
from brandkit.jobs.context import JobContext
from brandkit.jobs.registry import Finish, handler
from brandkit.kit.fetch import UrlFetcher
from brandkit.render.compose import compose
from brandkit.render.fit import DoesNotFit
from brandkit.render.fonts import MissingGlyphs, face_from_file
from brandkit.render.inputs import DesignSpec, IconInput, ImageInput, LogoInput, Preferences
from brandkit.render.svg import to_svg
from brandkit.requests import service as requests
from brandkit.requests.models import Request
from brandkit.requests.repository import RequestsRepository

log = logging.getLogger("brandkit.generation")

# One per worker process: faces and their fonts are loaded once and kept.


class RequestFailed(Exception):
    """The request cannot be made; ``reason`` is what get-request-status shows."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass
class Made:
    variants: list[Variant] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    variations: list[dict[str, Any]] = field(default_factory=list)


def _mark_failed(session: Session, ctx: JobContext, error: str) -> None:
    request_id = ctx.job.payload["requestId"]
    log.error("design request %s failed: %s", request_id, error)
    editor = ctx.settings.editor_base_url
    requests.fail(session, request_id, "Server internal error", utcnow(), editor)
    credits.settle(session, request_id, 0, utcnow())


def _fail(request_id: str, reason: str, editor_base_url: str) -> Finish:
    def finish(session: Session) -> None:
        requests.fail(session, request_id, reason, utcnow(), editor_base_url)
        # A failed request refunds everything it reserved.
        credits.settle(session, request_id, 0, utcnow())

    return finish


@handler(GENERATE_JOB, on_failure=_mark_failed, max_attempts=3)
def generate(ctx: JobContext) -> Finish | None:
    request_id: str = ctx.job.payload["requestId"]
    now = utcnow()
    with transaction(ctx.sessions, write=True) as session:
        request = requests.begin(session, request_id, now, ctx.settings.editor_base_url)
        if request is None:
            return None
        snapshot = _Snapshot.of(request)
    try:
        made = _make(ctx, snapshot)
    except RequestFailed as exc:
        return _fail(request_id, exc.reason, ctx.settings.editor_base_url)

    def finish(session: Session) -> None:
        designs = DesignsRepository(session)
        designs.add_generated(
            made.variants,
            [
                DesignFile(
                    storage_key=key,
                    account_id=snapshot.account_id,
                    user_id=snapshot.user_id,
                    design_id=snapshot.design_id,
                    created_at=now,
                )
                for key in made.files
            ],
        )
        if snapshot.writer:
            RequestsRepository(session).set_writer(request_id, snapshot.writer)
        result = {"variations": made.variations}
        requests.complete(session, request_id, result, utcnow(), ctx.settings.editor_base_url)
        cost = int(snapshot.params.get("creditsPerVariant", 1))
        credits.settle(session, request_id, cost * len(made.variants), utcnow())

    return finish


@dataclass
class _Snapshot:
    id: str
    account_id: str
    user_id: str
    design_id: str
    params: dict[str, Any]
    writer: str | None = None

    @classmethod
    def of(cls, request: Request) -> _Snapshot:
        assert request.design_id is not None
        return cls(
            request.id, request.account_id, request.user_id, request.design_id, dict(request.params)
        )


def _content(ctx: JobContext, snap: _Snapshot) -> dict[str, str | list[str]]:
    params = snap.params
    if "content" in params:
        return dict(params["content"])
    design = f"{params['width']}x{params['height']}"
    suggestions, writer = llm.write(params["prompt"], design, params["language"], ctx.settings)
    snap.writer = writer
    return suggestions[0]


def _assets(
    ctx: JobContext, snap: _Snapshot, longest: int
) -> tuple[
    dict[str, Image.Image],
    list[ImageInput],
    list[LogoInput],
    list[IconInput],
    list[tuple[str, bytes, str]],
]:
    fetcher = UrlFetcher.from_settings(ctx.settings)
    images: dict[str, Image.Image] = {}
    stored: list[tuple[str, bytes, str]] = []
    out_images: list[ImageInput] = []
    out_logos: list[LogoInput] = []
    out_icons: list[IconInput] = []
    spec = snap.params["assets"]

    def prepare(source: dict[str, Any], size: int) -> tuple[str, Image.Image]:
        ctx.check()
        data, name = asset_files.load(source, fetcher, ctx.storage)
        image, content_type, keep = asset_files.decode(data, name, size)
        key = asset_files.asset_key(snap.account_id, snap.user_id, keep, content_type)
        stored.append((key, keep, content_type))
        return key, image

    for source in spec["images"]:
        key, image = prepare(source, longest)
        if source.get("removeBg") and not asset_files.transparent(image):
            cut = asset_files.remove_plain_background(image)
            if cut is not None:
                image = cut
        images[key] = image
        out_images.append(
            ImageInput(
                key,
                image.width,
                image.height,
                asset_files.transparent(image),
                source.get("crop"),
                source.get("removeBg"),
                frozenset(source.get("touch", [])),
            )
        )
    for source in spec["logos"]:
        key, image = prepare(source, max(256, longest // 3))
        images[key] = image
        out_logos.append(
            LogoInput(key, image.width, image.height, tuple(source.get("styles") or ("direct",)))
        )
    for source in spec["icons"]:
        key, image = prepare(source, max(128, longest // 6))
        images[key] = image
        out_icons.append(IconInput(key, image.width, image.height))
    return images, out_images, out_logos, out_icons, stored


def _fonts(ctx: JobContext, params: dict[str, Any]) -> tuple[str, str, str] | None:
    fonts = params.get("fonts")
    if not fonts:
        return None
    for face_id, info in fonts["files"].items():
        if not BOOK.has(face_id):
            data = ctx.storage.read_bytes(info["key"])
            BOOK.add(face_from_file(face_id, data, info["classification"]))
    faces = fonts["faces"]
    return (faces[0], faces[1], faces[2])


def _make(ctx: JobContext, snap: _Snapshot) -> Made:
    params = snap.params
    width, height = int(params["width"]), int(params["height"])
    content = _content(ctx, snap)
    try:
        images, image_inputs, logos, icons, stored = _assets(ctx, snap, max(width, height))
    except asset_files.AssetError as exc:
        raise RequestFailed(str(exc)) from None
    prefs = params.get("preferences") or {}
    spec = DesignSpec(
        width=width,
        height=height,
        content=content,
        seed=int(params["seed"]),
        variants=int(params["variants"]),
        images=tuple(image_inputs),
        logos=tuple(logos),
        icons=tuple(icons),
        colors=tuple(params.get("colors") or ()),
        fonts=_fonts(ctx, params),
        preferences=Preferences(
            theme=tuple(prefs.get("theme", ())),
            frame_style=tuple(prefs.get("frameStyle", ())),
            backdrop_style=tuple(prefs.get("backdropStyle", ())),
            focus=tuple(prefs.get("focus", ())),
            image_style=tuple(prefs.get("imageStyle", ())),
        ),
        language=params["language"],
        direction=params["direction"],
        instructions=tuple(params.get("instructions") or ()),
    )
    formats: list[str] = params["outputFormat"]
    files = files_of(snap.account_id, snap.design_id)
    made = Made()
    for key, data, content_type in stored:
        ctx.storage.put_bytes(key, data, content_type)
        made.files.append(key)
    href = ctx.storage.public_url
    editor = ctx.settings.editor_base_url.rstrip("/") + "/#/variant"
    cache: dict[Any, Any] = {}
    for index in range(spec.variants):
        ctx.check()
        try:
            compositions = compose(
                spec, index, BOOK, images, options=ctx.settings.render_options, cache=cache
            )
        except DoesNotFit as exc:
            raise RequestFailed(
                f"Content block '{exc.block}' does not fit a {width}x{height} design at the "
                "smallest legible size; shorten it or choose a larger size"
            ) from None
        except MissingGlyphs as exc:
            block = f" of block '{exc.block}'" if exc.block else ""
            raise RequestFailed(
                f"No available font draws the characters {exc.characters!r}{block}; upload a "
                "font that has them (font/create) and pass it in fontGroups"
            ) from None
        vid = variant_id(snap.id, index)
        entries = []
        for option, composition in enumerate(compositions):
            name = vid if option == 0 else f"{vid}_{option}"
            raster_keys = []
            for fmt in formats:
                key = files.raster(name, fmt)
                ctx.storage.put_bytes(key, encode(composition.image, fmt), CONTENT_TYPES[fmt])
                raster_keys.append(key)
            svg_key, doc_key = files.svg(name), files.document(name)
            ctx.storage.put_bytes(doc_key, document_bytes(composition.document), "application/json")
            svg = to_svg(composition.document, lambda a: href(a))
            ctx.storage.put_bytes(svg_key, svg.encode("utf-8"), "image/svg+xml")
            # The variant row holds its first raster; every other file gets a row of its own.
            made.files += [*(raster_keys[1:] if option == 0 else raster_keys), svg_key, doc_key]
            entries.append(
                {
                    "variantImageUrl": href(raster_keys[0]),
                    "variantEditLink": f"{editor}/{vid}/independent-design-editor?type=edited",
                    "variantId": name,
                    "variantWidth": width,
                    "variantHeight": height,
                    "variantType": "GENERATED",
                }
            )
            if option == 0:
                made.variants.append(
                    Variant(
                        id=vid,
                        account_id=snap.account_id,
                        design_id=snap.design_id,
                        user_id=snap.user_id,
                        workspace_id=params["workspaceId"],
                        variant_type="GENERATED",
                        storage_key=raster_keys[0],
                        width=width,
                        height=height,
                        meta={
                            "document": doc_key,
                            "svg": svg_key,
                            "family": composition.document["family"],
                            "formats": dict(zip(formats, raster_keys, strict=True)),
                            "seed": spec.seed,
                            "options": len(compositions) - 1,
                        },
                        created_at=utcnow(),
                    )
                )
        made.variations.append({**entries[0], "options": entries[1:]})
        progress = round(100 * (index + 1) / spec.variants)
        ctx.progress = min(99, progress)
        with transaction(ctx.sessions, write=True) as session:
            RequestsRepository(session).set_progress(snap.id, ctx.progress)
        if ctx.settings.render_variant_sleep_seconds:
            time.sleep(ctx.settings.render_variant_sleep_seconds)
    return made
