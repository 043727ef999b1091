from __future__ import annotations

from typing import Annotated, Literal, TypedDict

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, Strict

from brandkit.kit.json_rows import JsonArray
from brandkit.kit.params import Number, RequestModel, Str

Cursor = Annotated[
    Str | None, Field(default=None, validation_alias=AliasChoices("cursor", "nextCursor"))
]


class ExportDataRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"abstractUserId": "alice", "startDate": 1717200000, "endDate": 1719792000}
            ]
        }
    )

    abstractUserId: Annotated[str, Strict(), Field(min_length=1)]  # noqa: N815
    startDate: Number  # noqa: N815
    endDate: Number  # noqa: N815
    exportType: Literal["all", "designs"] = "all"  # noqa: N815
    cursor: Cursor = None


class GetDesignVariantsRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"userId": "0c6b3c8e-2f1d-4d7a-9b7e-3f0e1a2b3c4d", "type": "edited", "limit": 20}
            ]
        }
    )

    designId: Str | None = None  # noqa: N815
    userId: Str | None = None  # noqa: N815
    workspaceId: Str | None = None  # noqa: N815
    abstractUserId: Str | None = None  # noqa: N815
    type: Literal["all", "generated", "edited"] = "all"
    cursor: Cursor = None
    limit: Annotated[int, Strict(), Field(ge=1, le=100)] = 100


class VariantOut(BaseModel):
    variantImageUrl: str  # noqa: N815
    variantEditLink: str  # noqa: N815
    variantId: str  # noqa: N815
    variantType: Literal["GENERATED", "EDITED"]  # noqa: N815
    variantWidth: int  # noqa: N815
    variantHeight: int  # noqa: N815


class ExportMediaOut(BaseModel):
    url: str
    type: str


class ContentOut(BaseModel):
    title: str
    subtitle: str
    bulletlist: list[str]


class ExportDataBody(BaseModel):
    variants: list[VariantOut]
    media: list[ExportMediaOut]
    content: list[ContentOut]
    next: Literal[0, 1]
    cursor: str | None = None


class DesignVariantsBody(BaseModel):
    designId: str  # noqa: N815
    variations: list[VariantOut]
    cursor: str | None
    nextPage: bool  # noqa: N815


# What the services return, serialised as they are (orjson) under the response models above.
class Variation(TypedDict):
    variantImageUrl: str
    variantEditLink: str
    variantId: str
    variantType: str
    variantWidth: int
    variantHeight: int


class VariantsPage(TypedDict):
    designId: str
    variations: JsonArray[Variation]
    cursor: str | None
    nextPage: bool


class ExportedMedia(TypedDict):
    url: str
    type: str


class ExportedContent(TypedDict):
    title: str | None
    subtitle: str | None
    bulletlist: list[str]
