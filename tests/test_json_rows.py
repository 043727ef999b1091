"""Lists whose rows the database writes in JSON (kit.json_rows) say exactly what the Python
renderers of the same rows say, on both databases: odd text, keys a URL must escape, stores that
sign each URL, meta merged over its defaults, times at second boundaries, and cursors that walk
every row once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from brandkit.config import Settings
from brandkit.db import make_sessionmaker, transaction
from brandkit.designs.models import ContentSnippet, Variant
from brandkit.designs.repository import (
    EXPORTED_CONTENT_JSON,
    EXPORTED_MEDIA_JSON,
    VARIANT_JSON,
    VARIANTS,
    DesignsRepository,
)
from brandkit.designs.service import VariantLinks
from brandkit.kit.pagination import Pager
from brandkit.media.models import Media
from brandkit.media.repository import MEDIA, MEDIA_JSON, MediaRepository
from brandkit.media.service import render_media
from brandkit.storage.base import Storage
from brandkit.storage.local import LocalStorage
from tests.factories import Factory, Tenant

ODD_TEXT = 'quote " backslash \\ tab \t newline \n nul-free \u0001 é 漢字 🎨 \u2028'
# Keys a URL path must escape, beside ones it keeps as they are.
ODD_KEYS = ["variants/a b/c%d.jpg", "variants/ü/é.jpg", "variants/x?y#z.jpg", "variants/ok-_.~.jpg"]


class SigningStorage(LocalStorage):
    """A store that signs each public URL, as S3 without a public base does: SQL cannot write
    its URLs, so every row goes through ``public_url``."""

    def public_url(self, key: str) -> str:
        return super().public_url(key) + "?sig=" + str(len(key))

    def public_url_prefix(self) -> str | None:
        return None


def _stores(settings: Settings) -> list[Storage]:
    root = settings.data_dir / "files"
    key = settings.signing_key
    return [LocalStorage(root, "http://testserver", key), SigningStorage(root, "http://x", key)]


def _variants(session: Session, links: VariantLinks, design_id: str, account_id: str) -> Any:
    repo = DesignsRepository(session)
    return repo.variant_page(
        account_id,
        "design",
        design_id,
        user_id=None,
        variant_type=None,
        after=None,
        limit=1000,
        presented=links.params(),
    )


def _media_page(
    session: Session, tenant: Tenant, storage: Storage, after: Any, *, ascending: bool, limit: int
) -> Any:
    return MediaRepository(session).page(
        account_id=tenant.account_id,
        user_id=tenant.user.id,
        system="USER",
        media_type=None,
        sub_type=None,
        media_id=None,
        brand_id=None,
        after=after,
        ascending=ascending,
        limit=limit,
        presented=MEDIA_JSON.params(storage),
    )


@pytest.fixture
def stores(settings: Settings) -> list[Storage]:
    return _stores(settings)


def test_variants_read_as_the_python_renderer_writes_them(
    factory: Factory, engine: Engine, stores: list[Storage]
) -> None:
    tenant = factory.tenant()
    design = factory.design(tenant.user)
    made = factory.variants(design, len(ODD_KEYS) + 3)
    sessions = make_sessionmaker(engine)
    with transaction(sessions, write=True) as s:
        for variant, key in zip(made, ODD_KEYS, strict=False):
            s.execute(update(Variant).where(Variant.id == variant.id).values(storage_key=key))
    for storage in stores:
        links = VariantLinks(storage, "https://editor.example/app/")
        with transaction(sessions) as s:
            rows = _variants(s, links, design.id, tenant.account_id)
            written = VARIANT_JSON.items(rows, storage)
            expected = [
                links.render(v)
                for v in s.query(Variant)
                .where(Variant.design_id == design.id)
                .order_by(Variant.created_at.desc(), Variant.id.desc())
            ]
        assert orjson.loads(written.text) == expected
        assert list(written) == expected
        assert len(written) == len(expected)
        # The stores' own URLs for the keys a URL must escape, not SQL's guess at them.
        urls = {v["variantImageUrl"] for v in expected}
        assert {storage.public_url(k) for k in ODD_KEYS} <= urls


def test_media_meta_merges_over_its_defaults_as_a_dict_merge_does(
    factory: Factory, engine: Engine, stores: list[Storage]
) -> None:
    tenant = factory.tenant()
    metas: list[Any] = [
        None,
        {},
        {"touchPosition": {"left": True}},  # replaces the whole default, never merged into it
        {"imagePreference": None, "extra": [1, "two", {"three": 3}], "note": ODD_TEXT},
        ["not", "an", "object"],
    ]
    # Times on and just beside a second boundary, and before the epoch's second 10**9.
    base = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    times = [base, base - timedelta(microseconds=1), base + timedelta(microseconds=999_999)]
    made = factory.media(tenant.user, len(metas), brand_id=None)
    sessions = make_sessionmaker(engine)
    with transaction(sessions, write=True) as s:
        for i, (row, meta) in enumerate(zip(made, metas, strict=True)):
            s.execute(
                update(Media)
                .where(Media.id == row.id)
                .values(
                    meta=meta,
                    created_at=times[i % len(times)] + timedelta(minutes=i),
                    sub_type='q" \\ \t\n é漢🎨' if i == 1 else row.sub_type,
                    storage_key=ODD_KEYS[i % len(ODD_KEYS)],
                )
            )
    for storage in stores:
        with transaction(sessions) as s:
            rows = _media_page(s, tenant, storage, None, ascending=True, limit=100)
            written = orjson.loads(MEDIA_JSON.items(rows, storage).text)
            objects = s.query(Media).where(Media.user_id == tenant.user.id)
            by_time = sorted(objects, key=lambda m: (m.created_at, m.id))
            expected = [
                render_media(m, storage) for m in by_time if isinstance(m.meta, dict | None)
            ]
        listed = [w for w in written if w["mId"] != made[-1].id]
        assert listed == expected
        # A meta that is not an object reads as the defaults alone.
        odd = next(w for w in written if w["mId"] == made[-1].id)
        assert odd["meta"] == render_media(_with_meta(made[-1], None), storage)["meta"]


def _with_meta(media: Media, meta: Any) -> Media:
    media.meta = meta
    return media


def test_export_data_rows_read_as_their_python_forms(
    factory: Factory, engine: Engine, stores: list[Storage]
) -> None:
    tenant = factory.tenant()
    factory.media(tenant.user, 3)
    snippets = factory.content(tenant.user, 3)
    sessions = make_sessionmaker(engine)
    with transaction(sessions, write=True) as s:
        s.execute(
            update(ContentSnippet)
            .where(ContentSnippet.id == snippets[0].id)
            .values(title=ODD_TEXT, subtitle="", bulletlist=[ODD_TEXT, "", "3"])
        )
    start, end = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    for storage in stores:
        links = VariantLinks(storage, "https://editor.example")
        with transaction(sessions) as s:
            repo = DesignsRepository(s)
            media = orjson.loads(
                EXPORTED_MEDIA_JSON.items(
                    repo.exported("media", tenant.user.id, start, end, None, 10, links.params()),
                    storage,
                ).text
            )
            content = orjson.loads(
                EXPORTED_CONTENT_JSON.items(
                    repo.exported("content", tenant.user.id, start, end, None, 10, links.params()),
                    storage,
                ).text
            )
            media_rows = s.query(Media).where(Media.user_id == tenant.user.id)
            media_expected = [
                {"url": storage.public_url(m.storage_key), "type": m.media_type}
                for m in sorted(media_rows, key=lambda m: (m.created_at, m.id), reverse=True)
            ]
            content_rows = s.query(ContentSnippet).where(ContentSnippet.user_id == tenant.user.id)
            content_expected = [
                {"title": c.title, "subtitle": c.subtitle, "bulletlist": c.bulletlist}
                for c in sorted(content_rows, key=lambda c: (c.created_at, c.id), reverse=True)
            ]
        assert media == media_expected
        assert content == content_expected


def test_cursors_from_json_pages_walk_every_row_once(
    factory: Factory, engine: Engine, settings: Settings
) -> None:
    tenant = factory.tenant()
    design = factory.design(tenant.user)
    # Rows sharing a time, so the id breaks the ties, and times with microseconds.
    when = datetime(2026, 5, 5, 5, 5, 5, 123_456, tzinfo=UTC)
    made = factory.variants(design, 12, start=when, step=timedelta(0))
    made += factory.variants(design, 9, start=when, step=timedelta(microseconds=7))
    storage = _stores(settings)[0]
    links = VariantLinks(storage, "https://editor.example")
    pager = Pager.bound(VARIANTS, b"k" * 32, "test")
    sessions = make_sessionmaker(engine)
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(30):
        with transaction(sessions) as s:
            rows = DesignsRepository(s).variant_page(
                tenant.account_id,
                "design",
                design.id,
                user_id=None,
                variant_type=None,
                after=pager.after(cursor),
                limit=5,
                presented=links.params(),
            )
            page, cursor = pager.json_page(rows, 4, VARIANT_JSON, storage, s.get_bind().dialect)
        seen += [v["variantId"] for v in page]
        if cursor is None:
            break
    assert sorted(seen) == sorted(v.id for v in made)
    assert len(seen) == len(set(seen))


def test_media_pages_walk_in_both_orders(
    factory: Factory, engine: Engine, settings: Settings
) -> None:
    tenant = factory.tenant()
    made = factory.media(tenant.user, 7, step=timedelta(microseconds=3))
    storage = _stores(settings)[0]
    pager = Pager.bound(MEDIA, b"k" * 32, "test")
    sessions = make_sessionmaker(engine)
    for ascending in (True, False):
        seen: list[str] = []
        cursor: str | None = None
        for _ in range(10):
            with transaction(sessions) as s:
                after = pager.after(cursor)
                rows = _media_page(s, tenant, storage, after, ascending=ascending, limit=3)
                page, cursor = pager.json_page(rows, 2, MEDIA_JSON, storage, s.get_bind().dialect)
            seen += [m["mId"] for m in page]
            if cursor is None:
                break
        ordered = [m.id for m in made] if ascending else [m.id for m in reversed(made)]
        assert seen == ordered
