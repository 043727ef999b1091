"""Brand request bodies (brand/*, set-brand-manual, enterprise set-brand) and answers."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Annotated, Any, TypedDict

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, StrictBool

from brandkit.designs.schemas import Cursor
from brandkit.kit.params import RequestModel, Str

BRAND_EXAMPLE: dict[str, Any] = {
    "brandName": "Sivi",
    "brandDescription": "AI design generator for brands",
    "brandUrl": "https://sivi.ai",
    "brandColors": ["#5662EC", "#EF9AB2"],
    "brandFonts": [],
    "brandPersona": {"emotions": ["happy"], "industry": "games", "audience": ["working mom"]},
}


@cache
def persona_vocabulary() -> dict[str, list[str]]:
    text = resources.files("brandkit.brands").joinpath("persona.json").read_text("utf-8")
    data: dict[str, list[str]] = json.loads(text)
    return data


def _one_of(kind: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in persona_vocabulary()[kind]:
            raise ValueError(f"not one of the documented {kind} (see brand-persona-details)")
        return value

    return AfterValidator(check)


def _http(value: str) -> str:
    if not value.lower().startswith(("http://", "https://")):
        raise ValueError("must be an http or https URL")
    return value


def _hex(value: str) -> str:
    text = value.strip()
    digits = text[1:] if text.startswith("#") else ""
    if len(digits) not in (3, 6) or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise ValueError("must be a hex colour such as #5662EC")
    return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits)).upper()


Url = Annotated[Str, Field(min_length=1, max_length=2048), AfterValidator(_http)]
Hex = Annotated[Str, AfterValidator(_hex)]
Words = Annotated[list[Annotated[Str, Field(min_length=1, max_length=100)]], Field(max_length=20)]


class Persona(RequestModel):
    emotions: Annotated[list[Annotated[Str, _one_of("emotions")]], Field(max_length=10)] = []
    industry: Annotated[Str, _one_of("industries")] | None = None
    audience: Words = []
    designTags: Words = []  # noqa: N815


class BrandFields(RequestModel):
    brandUrl: Url | None = None  # noqa: N815
    brandLogo: Url | None = None  # noqa: N815
    brandColors: Annotated[list[Hex], Field(max_length=20)] | None = None  # noqa: N815
    brandFonts: Annotated[list[Str], Field(max_length=10)] | None = None  # noqa: N815
    brandPersona: Persona | None = None  # noqa: N815


class CreateBrandRequest(BrandFields):
    model_config = ConfigDict(json_schema_extra={"examples": [BRAND_EXAMPLE]})

    brandName: Annotated[Str, Field(min_length=1, max_length=200)]  # noqa: N815
    brandDescription: Annotated[Str, Field(min_length=1, max_length=2000)]  # noqa: N815
    abstractUserId: Str | None = None  # noqa: N815


class SetBrandRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"abstractUserId": "alice", "brand": BRAND_EXAMPLE}]}
    )

    abstractUserId: Annotated[Str, Field(min_length=1)]  # noqa: N815
    brand: CreateBrandRequest


class UpdateBrandRequest(BrandFields):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"bId": "b_s87vFxpfM0R", "brandName": "Sivi AI"}]}
    )

    bId: Annotated[Str, Field(min_length=1, max_length=16)]  # noqa: N815
    brandName: Annotated[Str, Field(min_length=1, max_length=200)] | None = None  # noqa: N815
    brandDescription: Annotated[Str, Field(min_length=1, max_length=2000)] | None = None  # noqa: N815
    imageGenPreference: dict[str, Any] | None = None  # noqa: N815
    textGenPreference: dict[str, Any] | None = None  # noqa: N815
    abstractUserId: Str | None = None  # noqa: N815


class BrandIdRequest(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"bId": "b_s87vFxpfM0R"}]})

    bId: Annotated[Str, Field(min_length=1, max_length=16)]  # noqa: N815
    abstractUserId: Str | None = None  # noqa: N815


class GetBrandsRequest(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"isDefault": True, "limit": 10}]})

    bId: Str | None = None  # noqa: N815
    isDefault: StrictBool | None = None  # noqa: N815
    limit: Annotated[int, Field(ge=1, le=50, strict=True)] = 10
    cursor: Cursor = None
    abstractUserId: Str | None = None  # noqa: N815


class ExtractBrandRequest(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"brandUrl": "https://sivi.ai"}]})

    # The pages name it brandUrl; the enterprise OpenAPI document, url.
    brandUrl: Url = Field(validation_alias=AliasChoices("brandUrl", "url"))  # noqa: N815
    abstractUserId: Str | None = None  # noqa: N815


class RequestIdBody(BaseModel):
    requestId: str  # noqa: N815


class BrandColor(TypedDict):
    color: str
    addedBy: str
    primary: bool


class BrandFont(TypedDict):
    id: str
    name: str
    classification: str


class BrandDetail(TypedDict):
    bId: str
    brandName: str
    brandDescription: str
    brandUrl: str | None
    brandColors: list[BrandColor]
    brandFonts: list[BrandFont]
    brandPersona: dict[str, Any]
    brandLogos: list[str]
    brandImages: list[str]
    isDefault: bool


class BrandColorOut(BaseModel):
    color: str
    addedBy: str  # noqa: N815
    primary: bool


class BrandFontOut(BaseModel):
    id: str
    name: str
    classification: str


class BrandOut(BaseModel):
    bId: str  # noqa: N815
    brandName: str  # noqa: N815
    brandDescription: str  # noqa: N815
    brandUrl: str | None  # noqa: N815
    brandColors: list[BrandColorOut]  # noqa: N815
    brandFonts: list[BrandFontOut]  # noqa: N815
    brandPersona: dict[str, Any]  # noqa: N815
    brandLogos: list[str]  # noqa: N815
    brandImages: list[str]  # noqa: N815
    isDefault: bool  # noqa: N815


class BrandCreatedBody(BaseModel):
    message: str
    brandDetails: list[BrandOut]  # noqa: N815


class BrandUpdatedBody(BaseModel):
    message: str
    bId: str  # noqa: N815
    brandDetail: BrandOut  # noqa: N815


class BrandIdBody(BaseModel):
    message: str
    bId: str  # noqa: N815


class MessageBody(BaseModel):
    message: str


class BrandsBody(BaseModel):
    brands: list[BrandOut]
    cursor: str | None
