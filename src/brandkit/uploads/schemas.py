from __future__ import annotations

from typing import Annotated, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, Strict

from brandkit.kit.params import RequestModel, Str
from brandkit.kit.schemas import envelope_errors

PresignType = Literal["photo", "logo", "illustration", "screenshot", "backdrop", "font"]
Extension = Literal["jpg", "jpeg", "png", "svg", "webp", "gif", "bmp", "tiff", "ttf"]


class PresignRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"type": "photo", "extension": "png", "expiresIn": 300}]}
    )

    type: PresignType
    extension: Extension = "jpeg"
    contentType: Annotated[str, Strict(), Field(max_length=100)] | None = None  # noqa: N815
    bId: Annotated[str, Strict(), Field(max_length=16)] | None = None  # noqa: N815
    expiresIn: Annotated[int, Strict(), Field(ge=60, le=3600)] = 300  # noqa: N815
    abstractUserId: Str | None = None  # noqa: N815
    # Our extension (SPEC 4.1): the upload's exact size, signed into the URL, so the store
    # itself refuses a body of another size.
    contentLength: Annotated[int, Strict(), Field(ge=1)] | None = None  # noqa: N815


class UploadHeaders(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    content_type: str = Field(alias="Content-Type")
    content_length: str | None = Field(None, alias="Content-Length")


class PresignBody(BaseModel):
    uploadUrl: str  # noqa: N815
    method: Literal["PUT"]
    headers: UploadHeaders
    expiresIn: int  # noqa: N815
    fileName: str  # noqa: N815


# Registering an upload: what can go wrong with the uploaded file.
REGISTRATION_ERRORS = envelope_errors(
    e400="Uploaded file not found in S3. Ensure the upload to the presigned URL completed "
    "successfully.",
    e413="The uploaded file is larger than its limit (it is deleted)",
    e422="Invalid input, or a file that is not what its type and extension claim",
)


# What the service returns, serialised as it is (orjson) under PresignBody.
class Presigned(TypedDict):
    uploadUrl: str
    method: Literal["PUT"]
    headers: dict[str, str]
    expiresIn: int
    fileName: str
