from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, Strict

from brandkit.kit.json_rows import JsonArray
from brandkit.kit.params import RequestModel, Str

MediaType = Literal[
    "photo", "logo", "illustration", "screenshot", "backdrop", "icon", "inspiration"
]


class GetMediaRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"type": "screenshot", "subType": "iphone", "limit": 5, "sort": "DESC"}]
        }
    )

    type: MediaType | None = None
    subType: Str | None = None  # noqa: N815
    mId: Str | None = None  # noqa: N815
    bId: Str | None = None  # noqa: N815
    limit: Annotated[int, Strict(), Field(ge=1, le=50)] = 10
    cursor: Annotated[
        Str | None, Field(default=None, validation_alias=AliasChoices("cursor", "nextCursor"))
    ] = None
    sort: Literal["ASC", "DESC"] = "DESC"
    system: Literal["USER", "SYSTEM"] = "USER"
    abstractUserId: Str | None = None  # noqa: N815


class TouchPosition(BaseModel):
    left: bool
    right: bool
    bottom: bool
    top: bool
    center: bool


class ImagePreference(BaseModel):
    crop: Any
    removeBg: Any  # noqa: N815
    enhancement: Any


class MediaMeta(BaseModel):
    touchPosition: TouchPosition  # noqa: N815
    imagePreference: ImagePreference  # noqa: N815
    hueRotations: list[Any]  # noqa: N815
    logoStyle: list[Any]  # noqa: N815


class MediaOut(BaseModel):
    mId: str  # noqa: N815
    bId: str | None  # noqa: N815
    type: str
    subType: str  # noqa: N815
    system: Literal["USER", "SYSTEM"]
    url: str
    createdOn: int  # noqa: N815
    meta: MediaMeta


class MediaListBody(BaseModel):
    media: list[MediaOut]
    cursor: str | None


StrictBool = Annotated[bool, Strict()]
HueRotation = Annotated[float, Strict(), Field(ge=-360, le=360)]
UrlStr = Annotated[str, Strict(), Field(min_length=1, max_length=4096)]
BrandId = Annotated[str, Strict(), Field(max_length=16)]


class TouchPositionIn(RequestModel):
    left: StrictBool | None = None
    right: StrictBool | None = None
    bottom: StrictBool | None = None
    top: StrictBool | None = None
    center: StrictBool | None = None


class ImagePreferenceIn(RequestModel):
    crop: Any = None
    removeBg: Any = None  # noqa: N815
    enhancement: Any = None


class MediaMetaIn(RequestModel):
    touchPosition: TouchPositionIn | None = None  # noqa: N815
    imagePreference: ImagePreferenceIn | None = None  # noqa: N815
    hueRotations: Annotated[list[HueRotation], Field(max_length=360)] | None = None  # noqa: N815


class CreateMediaRequest(MediaMetaIn):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "photo",
                    "uploadUrl": "http://127.0.0.1:8000/files/uploads/Xq3pZ8cXJ2bJ9l8YH6t2QA.png?ct=image%2Fpng&max=26214400&exp=1735689600&sig=...",
                }
            ]
        }
    )

    type: MediaType
    subType: Str | None = None  # noqa: N815
    url: UrlStr | None = None
    uploadUrl: UrlStr | None = None  # noqa: N815
    bId: BrandId | None = None  # noqa: N815
    abstractUserId: Str | None = None  # noqa: N815


class UpdateMediaRequest(MediaMetaIn):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"mId": "m_8hZ2kQ0pL4x", "touchPosition": {"left": True}, "hueRotations": [90]}
            ]
        }
    )

    mId: Annotated[str, Strict(), Field(min_length=1, max_length=64)]  # noqa: N815
    abstractUserId: Str | None = None  # noqa: N815


class DeleteMediaRequest(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"mIds": ["m_8hZ2kQ0pL4x"]}]})

    mIds: Annotated[  # noqa: N815
        list[Annotated[str, Strict(), Field(min_length=1, max_length=64)]],
        Field(min_length=1, max_length=20),
    ]
    abstractUserId: Str | None = None  # noqa: N815


class MediaBody(BaseModel):
    media: MediaOut


class DeletedBody(BaseModel):
    deletedCount: int  # noqa: N815


# What the services return, serialised as they are (orjson) under the response models above.
class MediaResource(TypedDict):
    mId: str
    bId: str | None
    type: str
    subType: str
    system: str
    url: str
    createdOn: int
    meta: dict[str, Any]


class MediaPage(TypedDict):
    media: JsonArray[MediaResource]
    cursor: str | None


class OneMedia(TypedDict):
    media: MediaResource


class Deleted(TypedDict):
    deletedCount: int


class GenerateMediaRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"prompt": "A minimalist coffee shop logo"}]}
    )

    prompt: Any = None
    model: Str | None = None


class GenerationQueuedBody(BaseModel):
    """The documented success of media/generate, which Brandkit never answers (no model)."""

    requestId: str  # noqa: N815
