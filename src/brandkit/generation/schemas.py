"""Request bodies of designs-from-content, designs-from-prompt and content-from-prompt, and
what they answer. Shapes and types are checked here; what needs the catalogue, the database or
the caller's rights (type and subtype, fonts, brands, media) is checked by the service."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, field_validator

from brandkit.generation.catalogue import catalogue
from brandkit.kit.params import Int, NonEmptyStr, RequestModel, Str

MAX_ASSETS = 4
MAX_BLOCK_CHARS = 500
MAX_ITEM_CHARS = 200


def _one_of(setting: str) -> AfterValidator:
    allowed = catalogue().settings[setting]

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return AfterValidator(check)


Url = Annotated[str, Field(min_length=1, max_length=2048), AfterValidator(lambda v: _http(v))]


def _http(value: str) -> str:
    if not value.lower().startswith(("http://", "https://")):
        raise ValueError("must be an http or https URL")
    return value


class Dimension(RequestModel):
    width: Int
    height: Int


class ImagePreference(RequestModel):
    crop: StrictBool | None = None
    removeBg: StrictBool | None = None  # noqa: N815


class TouchPosition(RequestModel):
    left: StrictBool | None = None
    right: StrictBool | None = None
    top: StrictBool | None = None
    bottom: StrictBool | None = None
    center: StrictBool | None = None

    def edges(self) -> list[str]:
        return [name for name, on in self.model_dump().items() if on]


LogoStyle = Annotated[Str, AfterValidator(lambda v: _logo_style(v))]


def _logo_style(value: str) -> str:
    if value not in catalogue().logo_styles:
        raise ValueError(f"must be one of {', '.join(catalogue().logo_styles)}")
    return value


class ImageAsset(RequestModel):
    url: Url
    imagePreference: ImagePreference | None = None  # noqa: N815
    touchPosition: TouchPosition | None = None  # noqa: N815


class LogoAsset(RequestModel):
    url: Url
    logoStyles: Annotated[list[LogoStyle], Field(max_length=4)] | None = None  # noqa: N815
    touchPosition: TouchPosition | None = None  # noqa: N815


class IconAsset(RequestModel):
    url: Url
    touchPosition: TouchPosition | None = None  # noqa: N815


class InspirationAsset(RequestModel):
    url: Url


class SiviAsset(RequestModel):
    mId: NonEmptyStr  # noqa: N815
    imagePreference: ImagePreference | None = None  # noqa: N815
    touchPosition: TouchPosition | None = None  # noqa: N815
    logoStyles: Annotated[list[LogoStyle], Field(max_length=4)] | None = None  # noqa: N815


def _capped(item: Any) -> Any:
    return Annotated[list[item], Field(max_length=MAX_ASSETS)]


class Assets(RequestModel):
    images: _capped(ImageAsset) = []  # type: ignore[valid-type]
    logos: _capped(LogoAsset) = []  # type: ignore[valid-type]
    icons: _capped(IconAsset) = []  # type: ignore[valid-type]
    inspiration: _capped(InspirationAsset) = []  # type: ignore[valid-type]
    siviAssets: _capped(SiviAsset) = []  # type: ignore[valid-type]  # noqa: N815


class FontGroup(RequestModel):
    id: NonEmptyStr
    name: Str | None = None
    type: Annotated[Str, _one_of("fontTypes")]
    status: Annotated[Str, _one_of("fontStatus")] = "enabled"
    addedBy: Annotated[Str, _one_of("fontAddedBy")] | None = None  # noqa: N815


def _choices(setting: str) -> Any:
    return Annotated[list[Annotated[Str, _one_of(setting)]], Field(max_length=10)]


Colors = Annotated[list[Annotated[Str, Field(max_length=64)]], Field(max_length=10)]


class GenerationSettings(RequestModel):
    mode: Annotated[Str, _one_of("mode")] = "auto"
    currentbId: Str | None = None  # noqa: N815
    colors: Colors = []
    fontGroups: Annotated[list[FontGroup], Field(max_length=3)] = []  # noqa: N815
    theme: _choices("theme") = []  # type: ignore[valid-type]
    frameStyle: _choices("frameStyle") = []  # type: ignore[valid-type]  # noqa: N815
    backdropStyle: _choices("backdropStyle") = []  # type: ignore[valid-type]  # noqa: N815
    focus: _choices("focus") = []  # type: ignore[valid-type]
    imageStyle: _choices("imageStyle") = []  # type: ignore[valid-type]  # noqa: N815
    designModel: Str | None = None  # noqa: N815


Variants = Annotated[int, Field(ge=1, le=4, strict=True)]
OutputFormat = Literal["jpg", "png"]


class _Generation(RequestModel):
    type: NonEmptyStr
    subtype: NonEmptyStr
    dimension: Dimension | None = None
    assets: Assets | None = None
    language: Annotated[Str, Field(max_length=40)] = "english"
    colors: Colors = []
    fontGroups: Annotated[list[FontGroup], Field(max_length=3)] = []  # noqa: N815
    outputFormat: Annotated[list[OutputFormat], Field(min_length=1, max_length=2)] = ["jpg"]  # noqa: N815
    designInstructions: Annotated[  # noqa: N815
        list[Annotated[Str, Field(max_length=2000)]], Field(max_length=10)
    ] = []
    settings: GenerationSettings | None = None
    abstractUserId: Str | None = None  # noqa: N815
    # Our extension: the same request and seed make byte-identical documents.
    seed: Annotated[int, Field(ge=0, le=2**31 - 1, strict=True)] | None = None


def _check_content(value: Any) -> dict[str, str | list[str]]:
    cat = catalogue()
    if not isinstance(value, dict):
        raise ValueError("must be an object of content blocks")
    out: dict[str, str | list[str]] = {}
    for key, item in value.items():
        block = cat.block_key(str(key))
        if block is None:
            raise ValueError(f"unknown content block {key!r}")
        if block in out:
            raise ValueError(f"content block {block!r} is given twice")
        if block in cat.list_blocks:
            if not isinstance(item, list) or not (cat.list_min <= len(item) <= cat.list_max):
                raise ValueError(
                    f"{block} must be a list of {cat.list_min} to {cat.list_max} strings"
                )
            items = []
            for entry in item:
                if not isinstance(entry, str) or not entry.strip():
                    raise ValueError(f"every {block} item must be a non-empty string")
                if len(entry) > MAX_ITEM_CHARS:
                    raise ValueError(f"a {block} item is over {MAX_ITEM_CHARS} characters")
                items.append(" ".join(entry.split()))
            out[block] = items
        else:
            if not isinstance(item, str) or not item.strip():
                raise ValueError(f"{block} must be a non-empty string")
            if len(item) > MAX_BLOCK_CHARS:
                raise ValueError(f"{block} is over {MAX_BLOCK_CHARS} characters")
            out[block] = " ".join(item.split())
    if not any(block in cat.text_blocks for block in out):
        raise ValueError(
            "needs at least one text block (" + ", ".join(sorted(cat.text_blocks)) + ")"
        )
    return out


class DesignsFromContentRequest(_Generation):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Summer campaign 2025",
                    "type": "instagram",
                    "subtype": "instagram-post",
                    "numOfVariants": 2,
                    "content": {
                        "title": "T-shirts for summer",
                        "offer": "Limited Time: Up to 20% Off",
                        "bulletlist": ["100% cotton", "Easy wash", "Double stitch"],
                        "button": "Shop now",
                    },
                }
            ]
        }
    )

    name: Annotated[Str, Field(min_length=1, max_length=200)]
    numOfVariants: Variants  # noqa: N815
    content: dict[str, Any]

    @field_validator("content", mode="before")
    @classmethod
    def _content(cls, value: Any) -> dict[str, str | list[str]]:
        return _check_content(value)


class DesignsFromPromptRequest(_Generation):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "instagram",
                    "subtype": "instagram-post",
                    "prompt": "a design for my t-shirt shop for summer with 20% off, shop now",
                    "numOfVariants": 2,
                }
            ]
        }
    )

    name: Annotated[Str, Field(max_length=200)] | None = None
    prompt: Annotated[Str, Field(min_length=1, max_length=4000)]
    numOfVariants: Variants = 4  # noqa: N815


class ContentFromPromptRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "displayAds",
                    "subtype": "displayAds-half-page-ad",
                    "prompt": "a design for my t-shirt shop for summer campaign with 20% off",
                    "language": "english",
                }
            ]
        }
    )

    prompt: Annotated[Str, Field(min_length=1, max_length=4000)]
    type: NonEmptyStr
    subtype: NonEmptyStr
    dimension: Dimension | None = None
    language: Annotated[Str, Field(max_length=40)] = "english"
    abstractUserId: Str | None = None  # noqa: N815


def check_content(value: Any) -> dict[str, str | list[str]]:
    """The content rules of designs-from-content, for content a copywriter wrote."""
    return _check_content(value)


# -- answers -----------------------------------------------------------------------------------


class GenerationCreated(TypedDict):
    queueWaitTime: int
    requestId: str
    designId: str
    link: str
    shareLink: str


class GenerationCreatedBody(BaseModel):
    queueWaitTime: int  # noqa: N815
    requestId: str  # noqa: N815
    designId: str  # noqa: N815
    link: str
    shareLink: str  # noqa: N815


class SuggestedImage(TypedDict):
    url: str
    mId: str


class ContentSuggestions(TypedDict):
    contentSuggestions: list[dict[str, str | list[str]]]
    assetSuggestions: dict[str, list[SuggestedImage]]


class SuggestedImageOut(BaseModel):
    url: str
    mId: str  # noqa: N815


class ContentSuggestionsBody(BaseModel):
    contentSuggestions: list[dict[str, str | list[str]]]  # noqa: N815
    assetSuggestions: dict[str, list[SuggestedImageOut]]  # noqa: N815
