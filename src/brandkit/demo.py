"""Demo data for ``make run``: one account with users, designs, real image files, media and content.

``load_demo`` runs every function in ``SEEDERS`` in turn inside one transaction, each receiving
the same ``DemoContext``; a domain that wants demo rows (contacts, activities...) appends its own
seeder.
The key's token is kept in ``<data_dir>/demo-key`` because the database holds only its hash.
"""

from __future__ import annotations

import io
import json
import random
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import SCOPES, Principal
from brandkit.accounts.models import Account, ApiKey, Brand, User, Workspace, WorkspaceMember
from brandkit.config import Settings
from brandkit.contacts.demo import seed_marketing
from brandkit.db import make_engine, make_sessionmaker, transaction, utcnow
from brandkit.designs.models import ContentSnippet, Design, Variant
from brandkit.generation import service as generation
from brandkit.generation.schemas import DesignsFromContentRequest
from brandkit.kit.ids import brand_id, media_id, new_uuid, short_id
from brandkit.kit.mediatypes import CONTENT_TYPES, MEDIA_KINDS
from brandkit.media.models import Media
from brandkit.storage.base import Storage
from brandkit.storage.factory import make_storage

ACCOUNT_NAME = "Demo"
KEY_FILE = "demo-key"
KEY_USER = "admin"
USERS = ("alice", "bob", "carol")
SPREAD = timedelta(days=120)
DESIGNS_PER_USER = 3
VARIANTS_PER_DESIGN = 4
CONTENT_PER_USER = 12
MEDIA_PER_TYPE = 2
SYSTEM_MEDIA_PER_TYPE = 2
# The design types the demo asks the engine for: square, portrait, story, wide and banner.
FORMATS = (
    ("instagram", "instagram-post-small"),
    ("instagram", "instagram-portrait-ad-small"),
    ("facebook", "facebook-ad"),
    ("email", "rectangle"),
    ("displayAds", "displayAds-leaderboard"),
    ("instagram", "instagram-story-small"),
)
PALETTE = ("#1f3a93", "#e4572e", "#17bebb", "#ffc914", "#76b041", "#2e282a", "#f2f2f2", "#9b5de5")


@dataclass
class DemoContext:
    """What every seeder gets: the open transaction, the store, and the people made so far."""

    session: Session
    storage: Storage
    settings: Settings
    account_id: str
    admin: User
    # abstractUserId -> (user, personal workspace), the admin included.
    users: dict[str, tuple[User, Workspace]]
    shared_workspace: Workspace
    rng: random.Random
    now: datetime
    # Seeders may record what they made, for the summary printed after loading.
    made: dict[str, int] = field(default_factory=dict)

    def moment(self) -> datetime:
        """A random instant in the last 120 days."""
        return self.now - self.rng.random() * SPREAD

    def count(self, kind: str, n: int) -> None:
        self.made[kind] = self.made.get(kind, 0) + n


@dataclass(frozen=True)
class DemoInfo:
    account_id: str
    token: str
    made: dict[str, int]


def load_demo(
    settings: Settings, *, seed: int = 7, progress: Callable[[str], None] | None = None
) -> DemoInfo:
    """Create the demo account, its enterprise key and every seeder's rows; keep the token.
    ``progress`` is told each seeder's name as it starts (the CLI's progress bar)."""
    engine = make_engine(settings.effective_database_url)
    try:
        with transaction(make_sessionmaker(engine), write=True) as session:
            account = accounts.create_account(session, ACCOUNT_NAME)
            issued = accounts.create_key(
                session,
                account.id,
                "enterprise",
                list(SCOPES),
                name="demo",
                abstract_user_id=KEY_USER,
            )
            admin, admin_ws = accounts.ensure_user(session, account.id, KEY_USER)
            people = {KEY_USER: (admin, admin_ws)}
            for name in USERS:
                people[name] = accounts.ensure_user(session, account.id, name)
            shared = Workspace(
                id=new_uuid(), account_id=account.id, name="Marketing team", personal=False
            )
            session.add(shared)
            session.flush()
            session.add_all(
                WorkspaceMember(workspace_id=shared.id, user_id=user.id)
                for user, _ in people.values()
            )
            ctx = DemoContext(
                session=session,
                storage=make_storage(settings),
                settings=settings,
                account_id=account.id,
                admin=admin,
                users=people,
                shared_workspace=shared,
                rng=random.Random(seed),
                now=utcnow(),
            )
            for seeder in SEEDERS:
                if progress is not None:
                    progress(seeder.__name__.removeprefix("seed_").replace("_", " "))
                seeder(ctx)
                session.flush()
        # The design requests are made; the engine renders them as a worker would.
        if progress is not None:
            progress("rendering designs")
        rendered = render_requests(settings, engine, ctx.storage, progress)
        ctx.made["variants"] = spread_designs(engine, ctx, ctx.made.get("designs", 0))
        ctx.made["renders"] = rendered
        write_token(settings, issued.token)
        return DemoInfo(account.id, issued.token, ctx.made)
    finally:
        engine.dispose()


def render_requests(
    settings: Settings, engine: Engine, storage: Storage, progress: Callable[[str], None] | None
) -> int:
    """Run the queued generation jobs in this process, through the job runner."""
    import brandkit.tasks  # noqa: F401  (the job handlers, as an entry point loads them)
    from brandkit.jobs.runner import Worker

    worker = Worker(
        engine, settings.model_copy(update={"render_variant_sleep_seconds": 0}), storage
    )
    done = 0
    while worker.run_once():
        done += 1
        if progress is not None:
            progress(f"rendering designs ({done} done)")
    return done


def spread_designs(engine: Engine, ctx: DemoContext, count: int) -> int:
    """Date the rendered designs over the last 120 days (the lists and export-data then have
    history to page through), and save one option of every design as an EDITED variant,
    as a person who picked another palette in the editor would."""
    rng = random.Random(11)
    made = 0
    with transaction(make_sessionmaker(engine), write=True) as session:
        designs = session.scalars(
            select(Design).where(Design.account_id == ctx.account_id).order_by(Design.id)
        ).all()
        for design in designs:
            created = ctx.now - rng.random() * SPREAD
            design.created_at = created
            variants = session.scalars(
                select(Variant).where(Variant.design_id == design.id).order_by(Variant.id)
            ).all()
            for j, variant in enumerate(variants):
                variant.created_at = created + timedelta(seconds=j)
                made += 1
            if variants and variants[0].meta.get("options"):
                first = variants[0]
                option_key = first.storage_key.rsplit(".", 1)[0] + "_1.jpg"
                session.add(
                    Variant(
                        id=short_id(),
                        account_id=first.account_id,
                        design_id=design.id,
                        user_id=first.user_id,
                        workspace_id=first.workspace_id,
                        variant_type="EDITED",
                        storage_key=option_key,
                        width=first.width,
                        height=first.height,
                        meta={**first.meta, "editedFrom": first.id},
                        created_at=min(ctx.now, created + rng.random() * timedelta(days=5)),
                    )
                )
                made += 1
    return made


def seed_designs(ctx: DemoContext) -> None:
    """Brands, content snippets, and design requests for the engine: every user's designs are
    made from its own snippets, in its brand's colours, with one of its photos."""
    brands: dict[str, Brand] = {}
    for name, (_, workspace) in ctx.users.items():
        brands[workspace.id] = _brand(ctx, workspace, f"{name.title()} Studio")
    shared = ctx.shared_workspace
    brands[shared.id] = _brand(ctx, shared, "Demo Co.")
    ctx.session.flush()
    key = ctx.session.scalar(select(ApiKey).where(ApiKey.account_id == ctx.account_id))
    assert key is not None
    principal = Principal(
        account_id=ctx.account_id,
        key_id=key.id,
        tier="enterprise",
        scopes=frozenset(SCOPES),
        user_id=ctx.admin.id,
    )
    links = generation.Links(ctx.settings.editor_base_url)
    for name, (user, workspace) in ctx.users.items():
        snippets = [_snippet(ctx, user, workspace, i) for i in range(CONTENT_PER_USER)]
        ctx.session.add_all(snippets)
        ctx.count("content", len(snippets))
        ctx.session.flush()
        photos = [
            m.id
            for m in ctx.session.scalars(
                select(Media).where(Media.user_id == user.id, Media.media_type == "photo")
            )
        ]
        for i in range(DESIGNS_PER_USER):
            snippet = snippets[i % len(snippets)]
            design_type, subtype = FORMATS[(ctx.made.get("designs", 0) + i) % len(FORMATS)]
            content: dict[str, object] = {"title": snippet.title, "button": "Learn more"}
            if design_type != "displayAds":
                content |= {"subtext": snippet.subtitle, "bulletlist": snippet.bulletlist}
            body = DesignsFromContentRequest.model_validate(
                {
                    "name": snippet.title,
                    "type": design_type,
                    "subtype": subtype,
                    "numOfVariants": VARIANTS_PER_DESIGN,
                    "content": content,
                    "abstractUserId": name,
                    "seed": ctx.rng.randrange(2**31),
                    "assets": (
                        {"siviAssets": [{"mId": photos[i % len(photos)]}]}
                        if photos and i % 3 != 2
                        else {}
                    ),
                    "settings": {"mode": "brand", "currentbId": brands[workspace.id].id},
                }
            )
            generation.create_generation(ctx.session, principal, body, links)
            ctx.count("designs", 1)


def seed_media(ctx: DemoContext) -> None:
    """Media of every type for each user (USER) and built-in stock for everyone (SYSTEM)."""
    for user, workspace in ctx.users.values():
        for media_type in MEDIA_KINDS:
            for _ in range(MEDIA_PER_TYPE):
                ctx.session.add(_media(ctx, media_type, user, workspace))
                ctx.count("media", 1)
    # Stock media belongs to no account, so it is made once per database.
    if ctx.session.scalar(select(func.count()).select_from(Media).where(Media.system == "SYSTEM")):
        return
    for media_type in MEDIA_KINDS:
        for _ in range(SYSTEM_MEDIA_PER_TYPE):
            ctx.session.add(_media(ctx, media_type, None, None))
            ctx.count("system media", 1)


def seed_marketing_data(ctx: DemoContext) -> None:
    """5,000 contacts, 3 segments and 200,000 activities over the last 60 days."""
    ctx.made.update(seed_marketing(ctx.session, ctx.account_id, ctx.rng, ctx.now))


# Media first: the designs use the users' photos.
SEEDERS: list[Callable[[DemoContext], None]] = [seed_media, seed_designs, seed_marketing_data]


def _brand(ctx: DemoContext, workspace: Workspace, name: str) -> Brand:
    brand = Brand(
        id=brand_id(),
        account_id=ctx.account_id,
        workspace_id=workspace.id,
        name=name,
        colors=ctx.rng.sample(PALETTE, 3),
        fonts=[],
        logos=[],
        created_at=ctx.now - SPREAD,
    )
    ctx.session.add(brand)
    ctx.count("brands", 1)
    return brand


_TOPICS = ("Summer sale", "New arrivals", "Webinar", "Hiring", "Product launch", "Black Friday")


def _snippet(ctx: DemoContext, user: User, workspace: Workspace, i: int) -> ContentSnippet:
    topic = _TOPICS[i % len(_TOPICS)]
    return ContentSnippet(
        id=new_uuid(),
        account_id=ctx.account_id,
        user_id=user.id,
        workspace_id=workspace.id,
        title=f"{topic} {i + 1}",
        subtitle=f"Everything you need to know about our {topic.lower()}",
        bulletlist=["Limited time", "Free shipping", f"Code DEMO{i + 1}"],
        created_at=ctx.moment(),
    )


_EXTENSION = {
    "photo": "jpeg",
    "logo": "png",
    "illustration": "svg",
    "screenshot": "png",
    "backdrop": "jpeg",
    "icon": "svg",
    "inspiration": "jpeg",
}


def _media(
    ctx: DemoContext, media_type: str, user: User | None, workspace: Workspace | None
) -> Media:
    kind = MEDIA_KINDS[media_type]
    sub_type = ctx.rng.choice(kind.sub_types)
    ext = _EXTENSION[media_type]
    assert ext in kind.extensions
    mid = media_id()
    owner = f"{ctx.account_id}/{user.id}" if user else "system"
    key = f"media/{owner}/{mid}.{ext}"
    color = ctx.rng.choice(PALETTE)
    if ext == "svg":
        data, width, height = _svg(media_type, color), 64, 64
    else:
        width, height = (240, 160) if media_type != "logo" else (128, 128)
        data = _raster(ctx.rng, ext, width, height, color)
    ctx.storage.put_bytes(key, data, CONTENT_TYPES[ext])
    return Media(
        id=mid,
        account_id=ctx.account_id if user else None,
        user_id=user.id if user else None,
        workspace_id=workspace.id if workspace else None,
        brand_id=None,
        media_type=media_type,
        sub_type=sub_type,
        system="USER" if user else "SYSTEM",
        storage_key=key,
        file_name=f"{media_type}-{mid[-6:]}.{ext}",
        content_type=CONTENT_TYPES[ext],
        size_bytes=len(data),
        width=width,
        height=height,
        meta={"hueRotations": [0, 90]} if media_type == "logo" else {},
        created_at=ctx.moment(),
    )


def _raster(rng: random.Random, ext: str, width: int, height: int, color: str) -> bytes:
    image = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        draw.rectangle(
            (x0, y0, x0 + rng.randrange(8, 60), y0 + rng.randrange(8, 60)),
            fill=rng.choice(PALETTE),
        )
    return _encode(image, ext)


def _svg(media_type: str, color: str) -> bytes:
    shape = (
        f'<circle cx="32" cy="32" r="24" fill="{color}"/>'
        if media_type == "icon"
        else f'<path d="M4 56 L32 8 L60 56 Z" fill="{color}"/><circle cx="46" cy="18" r="8"/>'
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
        f"{shape}</svg>"
    ).encode()


def _encode(image: Image.Image, ext: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG" if ext in ("jpg", "jpeg") else ext.upper(), quality=80)
    return buffer.getvalue()


def key_path(settings: Settings) -> Path:
    return settings.data_dir / KEY_FILE


def write_token(settings: Settings, token: str) -> None:
    path = key_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(token + "\n")


def read_token(settings: Settings) -> str | None:
    path = key_path(settings)
    return path.read_text().strip() if path.is_file() else None


def is_empty(engine: Engine) -> bool:
    with transaction(make_sessionmaker(engine)) as session:
        return not session.scalar(select(func.count()).select_from(Account))


def example_design(engine: Engine, token: str) -> str | None:
    """The newest design of the key's account, for the printed curl line."""
    key_id = token.partition(":")[0]
    with transaction(make_sessionmaker(engine)) as session:
        return session.scalar(
            select(Design.id)
            .join(ApiKey, ApiKey.account_id == Design.account_id)
            .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
            .order_by(Design.created_at.desc(), Design.id.desc())
            .limit(1)
        )


def curl_example(settings: Settings, token: str, design_id: str) -> str:
    url = settings.public_base_url.rstrip("/") + "/api/prod/v2/enterprise/get-design-variants"
    body = json.dumps({"designId": design_id, "type": "all", "limit": 3})
    return " ".join(
        [
            "curl -s -X POST",
            shlex.quote(url),
            "-H",
            shlex.quote(f"sivi-api-key: {token}"),
            "-H 'Content-Type: application/json' -d",
            shlex.quote(body),
        ]
    )
