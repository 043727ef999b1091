from __future__ import annotations

from typing import Annotated, Literal, TypedDict

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, Strict

from brandkit.kit.params import RequestModel

Classification = Literal["serif", "sans-serif", "monospace", "display", "handwriting"]
UploadedUrl = Annotated[str, Strict(), Field(min_length=1, max_length=4096)]


class CreateFontsRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "uploadedURL": [
                        "http://127.0.0.1:8000/files/uploads/Xq3pZ8cXJ2bJ9l8YH6t2QA.ttf?ct=font%2Fttf&max=10485760&exp=1735689600&sig=..."
                    ]
                }
            ]
        }
    )

    uploadedURL: UploadedUrl | Annotated[list[UploadedUrl], Field(min_length=1, max_length=20)]  # noqa: N815


class GetFontsRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "Sans", "source": "user", "limit": 20}]}
    )

    classification: list[Classification] | None = None
    name: Annotated[str, Strict(), Field(max_length=255)] | None = None
    source: Literal["system", "user"] | None = None
    limit: Annotated[int, Strict(), Field(ge=1, le=100)] = 20
    cursor: Annotated[
        str | None, Strict(), Field(validation_alias=AliasChoices("cursor", "nextCursor"))
    ] = None


class RequestIdBody(BaseModel):
    requestId: str  # noqa: N815


class FontOut(BaseModel):
    id: str
    name: str
    style: str
    classification: Classification


class FontsMeta(BaseModel):
    cursor: str | None


class FontsBody(BaseModel):
    data: list[FontOut]
    meta: FontsMeta


class GetFontsBody(BaseModel):
    fonts: list[FontOut]
    cursor: str | None


# What the services return, serialised as they are (orjson) under the response models above.
class FontResource(TypedDict):
    id: str
    name: str
    style: str
    classification: str


class FontsPage(TypedDict):
    data: list[FontResource]
    meta: dict[str, str | None]


class RequestCreated(TypedDict):
    requestId: str
