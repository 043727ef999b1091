"""Generation requests: every rule a request must pass, then the design, the request and its
job, made in the caller's transaction (nothing is rendered here: workers render)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import Principal
from brandkit.accounts.repository import AccountsRepository
from brandkit.brands.repository import BrandsRepository
from brandkit.config import Settings
from brandkit.credits import service as credits
from brandkit.db import utcnow
from brandkit.designs.models import Design
from brandkit.fonts.repository import FontsRepository
from brandkit.generation.catalogue import catalogue
from brandkit.generation.schemas import (
    ContentFromPromptRequest,
    DesignsFromContentRequest,
    DesignsFromPromptRequest,
    FontGroup,
    GenerationCreated,
)
from brandkit.jobs.repository import JobsRepository
from brandkit.kit.errors import FieldError, InvalidInput, RateLimited, invalid
from brandkit.kit.ids import new_uuid
from brandkit.media.repository import MediaRepository
from brandkit.render.color import parse_color, to_hex
from brandkit.requests import service as requests
from brandkit.requests.repository import RequestsRepository

TYPE_MESSAGE = "Invalid type and subType combination"
GENERATE_JOB = "design.generate"
FONT_ORDER = ("heading", "subHeading", "body")


@dataclass(frozen=True)
class Links:
    editor_base_url: str


@dataclass(frozen=True)
class Quota:
    credits_per_variant: int = 1
    in_flight_general: int = 14
    in_flight_end_user: int = 8
    in_flight_super: int = 25
    in_flight_enterprise: int = 250

    @classmethod
    def of(cls, settings: Settings) -> Quota:
        return cls(
            settings.credits_per_variant,
            settings.generation_in_flight_general,
            settings.generation_in_flight_end_user,
            settings.generation_in_flight_super,
            settings.generation_in_flight_enterprise,
        )


RETRY_AFTER_SECONDS = 5


def _check_queue(session: Session, principal: Principal, user_id: str, quota: Quota) -> None:
    """quota-and-limits' queue and concurrency, as requests in flight: per user for a general
    key and for the end users a super key acts for, per account for the key's own."""
    repo = RequestsRepository(session)
    if principal.tier == "general":
        count, cap = (
            repo.in_flight(principal.account_id, user_id, "designs"),
            quota.in_flight_general,
        )
    elif principal.tier == "super" and user_id != principal.user_id:
        count, cap = (
            repo.in_flight(principal.account_id, user_id, "designs"),
            quota.in_flight_end_user,
        )
    elif principal.tier == "super":
        count, cap = repo.in_flight(principal.account_id, None, "designs"), quota.in_flight_super
    else:
        count = repo.in_flight(principal.account_id, None, "designs")
        cap = quota.in_flight_enterprise
    if count >= cap:
        raise RateLimited(headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def canvas_size(design_type: str, subtype: str, dimension: Any) -> tuple[int, int]:
    cat = catalogue()
    if not cat.knows(design_type, subtype):
        raise invalid("subtype", f"{design_type}/{subtype} is not in the catalogue", TYPE_MESSAGE)
    size = cat.size_of(design_type, subtype)
    if size is not None:
        return size
    if dimension is None:
        raise invalid("dimension", "a custom design needs its width and height")
    low, high = cat.custom_min, cat.custom_max
    errors = [
        FieldError(f"dimension.{side}", f"must be between {low} and {high}")
        for side, value in (("width", dimension.width), ("height", dimension.height))
        if not low <= value <= high
    ]
    if errors:
        raise InvalidInput(errors=errors)
    return int(dimension.width), int(dimension.height)


def language_of(value: str) -> str:
    language = value.strip().lower()
    if language not in catalogue().languages:
        raise invalid("language", "not a supported language (see supported-languages)")
    return language


def _colors(values: list[str], field: str) -> list[str]:
    out = []
    for i, value in enumerate(values):
        rgb = parse_color(value)
        if rgb is None:
            raise invalid(f"{field}.{i}", "not a hex colour or an rgb()/rgba() css colour")
        out.append(to_hex(rgb))
    return out


def _fonts(
    session: Session, principal: Principal, user_id: str, groups: list[FontGroup], field: str
) -> dict[str, Any] | None:
    if not groups:
        return None
    kinds = [g.type for g in groups]
    if len(groups) != 3 or sorted(kinds) != sorted(FONT_ORDER):
        raise invalid(field, "needs exactly three fonts: one heading, one subHeading, one body")
    scope_user = None if principal.at_least("super") else user_id
    found = {
        f.id: f
        for f in FontsRepository(session).visible(
            principal.account_id, scope_user if scope_user else None, [g.id for g in groups]
        )
    }
    for i, group in enumerate(groups):
        if group.id not in found:
            raise invalid(f"{field}.{i}.id", f"no font with id {group.id} (see font/get)")
    by_kind = {g.type: g.id for g in groups}
    files = {
        f.id: {"key": f.storage_key, "classification": f.classification}
        for f in found.values()
        if f.source == "user"
    }
    return {"faces": [by_kind[k] for k in FONT_ORDER], "files": files}


def _assets(
    session: Session, principal: Principal, user_id: str, body: Any
) -> dict[str, list[dict[str, Any]]]:
    """The assets as the worker reads them: each a URL to fetch or a stored media key."""
    out: dict[str, list[dict[str, Any]]] = {"images": [], "logos": [], "icons": []}
    assets = body.assets
    if assets is None:
        return out
    for item in assets.images:
        out["images"].append(
            {
                "url": item.url,
                "crop": item.imagePreference.crop if item.imagePreference else None,
                "removeBg": item.imagePreference.removeBg if item.imagePreference else None,
                "touch": item.touchPosition.edges() if item.touchPosition else [],
            }
        )
    for item in assets.logos:
        out["logos"].append(
            {
                "url": item.url,
                "styles": list(item.logoStyles or catalogue().default_logo_styles),
                "touch": item.touchPosition.edges() if item.touchPosition else [],
            }
        )
    for item in assets.icons:
        out["icons"].append({"url": item.url})
    media = MediaRepository(session)
    for i, sivi in enumerate(assets.siviAssets):
        row = media.usable(principal.account_id, user_id, sivi.mId)
        if row is None:
            raise invalid(f"assets.siviAssets.{i}.mId", f"Media not found: {sivi.mId}")
        source = {"key": row.storage_key, "mId": row.id}
        if row.media_type == "logo":
            out["logos"].append(
                {
                    **source,
                    "styles": list(sivi.logoStyles or catalogue().default_logo_styles),
                    "touch": [],
                }
            )
        elif row.media_type == "icon":
            out["icons"].append(source)
        else:
            pref = sivi.imagePreference
            meta_pref = row.meta.get("imagePreference", {}) if isinstance(row.meta, dict) else {}
            meta_touch = row.meta.get("touchPosition", {}) if isinstance(row.meta, dict) else {}
            touch = (
                sivi.touchPosition.edges()
                if sivi.touchPosition
                else [k for k, v in meta_touch.items() if v is True]
            )
            out["images"].append(
                {
                    **source,
                    "crop": pref.crop
                    if pref and pref.crop is not None
                    else _bool(meta_pref.get("crop")),
                    "removeBg": pref.removeBg
                    if pref and pref.removeBg is not None
                    else _bool(meta_pref.get("removeBg")),
                    "touch": touch,
                }
            )
    for kind in ("images", "logos", "icons"):
        if len(out[kind]) > 4:
            raise invalid(f"assets.{kind}", "at most 4 of each kind, siviAssets included")
    return out


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _style(session: Session, principal: Principal, user_id: str, body: Any) -> dict[str, Any]:
    settings = body.settings
    mode = settings.mode if settings else "auto"
    colors = _colors(list(body.colors), "colors")
    groups = list(body.fontGroups)
    prefs: dict[str, list[str]] = {}
    brand_id = None
    logos: list[str] = []
    if settings is not None:
        colors = _colors(list(settings.colors), "settings.colors") or colors
        groups = list(settings.fontGroups) or groups
        if (
            settings.designModel is not None
            and settings.designModel not in catalogue().design_models
        ):
            raise invalid("settings.designModel", "not a supported model (see supported-models)")
        prefs = {
            "theme": list(settings.theme),
            "frameStyle": list(settings.frameStyle),
            "backdropStyle": list(settings.backdropStyle),
            "focus": list(settings.focus),
            "imageStyle": list(settings.imageStyle),
        }
        if mode == "brand":
            if not settings.currentbId:
                raise invalid("settings.currentbId", "brand mode needs the brand's id")
            brand = BrandsRepository(session).of_user(
                principal.account_id, user_id, settings.currentbId
            )
            if brand is None:
                raise invalid("settings.currentbId", f"no brand {settings.currentbId} of this user")
            brand_id = brand.id
            colors = colors or [c for c in (_safe_color(v) for v in brand.colors) if c]
            logos = [
                key
                for kind, key in BrandsRepository(session).media_urls([brand.id])[brand.id]
                if kind == "logo"
            ][:1]
            if not groups and brand.fonts:
                # The brand's fonts: heading, subHeading and body, the last repeated if fewer.
                ids = (
                    (list(brand.fonts) * 3)[:3]
                    if len(brand.fonts) == 1
                    else (list(brand.fonts) + [brand.fonts[-1]] * 2)[:3]
                )
                groups = [FontGroup(id=i, type=k) for i, k in zip(ids, FONT_ORDER, strict=True)]
    fonts = _fonts(
        session,
        principal,
        user_id,
        groups,
        "settings.fontGroups" if settings and settings.fontGroups else "fontGroups",
    )
    return {
        "mode": mode,
        "colors": colors,
        "fonts": fonts,
        "preferences": prefs,
        "brandId": brand_id,
        "brandLogos": logos,
    }


def _safe_color(value: object) -> str | None:
    rgb = parse_color(str(value))
    return to_hex(rgb) if rgb else None


def create_generation(
    session: Session,
    principal: Principal,
    body: DesignsFromContentRequest | DesignsFromPromptRequest,
    links: Links,
    quota: Quota | None = None,
) -> GenerationCreated:
    quota = quota or Quota()
    width, height = canvas_size(body.type, body.subtype, body.dimension)
    language = language_of(body.language)
    user = accounts.acting_user(session, principal, body.abstractUserId)
    workspace = AccountsRepository(session).personal_workspace(user.id)
    assert workspace is not None
    style = _style(session, principal, user.id, body)
    assets = _assets(session, principal, user.id, body)
    if not assets["logos"] and style["brandLogos"]:
        # Brand mode with no logo given: the brand's own.
        assets["logos"].append({"key": style["brandLogos"][0], "styles": ["direct"], "touch": []})
    _check_queue(session, principal, user.id, quota)
    now = utcnow()
    seed = body.seed if body.seed is not None else random.SystemRandom().randrange(2**31)
    if isinstance(body, DesignsFromPromptRequest):
        name = body.name or body.prompt[:200]
        source: dict[str, Any] = {"prompt": body.prompt}
    else:
        name = body.name
        source = {"content": body.content}
    design = Design(
        id=new_uuid(),
        account_id=principal.account_id,
        user_id=user.id,
        workspace_id=workspace.id,
        brand_id=style["brandId"],
        name=name,
        design_type=body.type,
        subtype=body.subtype,
        width=width,
        height=height,
        created_at=now,
    )
    session.add(design)
    session.flush()
    params: dict[str, Any] = {
        "creditsPerVariant": quota.credits_per_variant,
        "width": width,
        "height": height,
        "variants": body.numOfVariants,
        "outputFormat": list(dict.fromkeys(body.outputFormat)),
        "language": language,
        "direction": "rtl" if language in catalogue().right_to_left else "ltr",
        "instructions": list(body.designInstructions),
        "seed": seed,
        "assets": assets,
        "workspaceId": workspace.id,
        **style,
        **source,
    }
    request = requests.create(
        session,
        account_id=principal.account_id,
        user_id=user.id,
        kind="designs",
        params=params,
        design_id=design.id,
        now=now,
        editor_base_url=links.editor_base_url,
    )
    design.request_id = request.id
    # Refused for want of credits, the request's rows go with the transaction: nothing is made.
    credits.reserve(
        session,
        principal.account_id,
        user,
        body.numOfVariants * quota.credits_per_variant,
        request.id,
        now,
    )
    JobsRepository(session).enqueue(
        GENERATE_JOB,
        {"requestId": request.id},
        account_id=principal.account_id,
        max_attempts=3,
        now=now,
    )
    return {
        "queueWaitTime": 0,
        "requestId": request.id,
        "designId": design.id,
        "link": requests.design_link(links.editor_base_url, design.id),
        "shareLink": requests.share_link(links.editor_base_url, design.id),
    }


def check_prompt_request(body: ContentFromPromptRequest) -> str:
    canvas_size(body.type, body.subtype, body.dimension)
    return language_of(body.language)
