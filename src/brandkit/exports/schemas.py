from __future__ import annotations

from typing import Annotated, Any, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from brandkit.exports.types import DateFormat, Delimiter, ExportStatus, ExportType, Version
from brandkit.kit.params import RequestModel, Str

MAX_ACTIVITY_TYPES = 100


class ExportFiltersIn(RequestModel):
    activityTypes: Annotated[list[Str], Field(max_length=MAX_ACTIVITY_TYPES)] | None = None  # noqa: N815
    fromDate: Str | None = None  # noqa: N815
    toDate: Str | None = None  # noqa: N815
    segmentId: Str | None = None  # noqa: N815


class ExportCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "exportType": "activities",
                    "delimiter": ";",
                    "dateFormat": "LLL",
                    "version": "v2",
                    "filters": {
                        "fromDate": "2024-03-01T00:00:00Z",
                        "toDate": "2024-03-31T23:59:59Z",
                        "activityTypes": ["purchase"],
                    },
                }
            ]
        }
    )

    exportType: ExportType  # noqa: N815
    delimiter: Delimiter
    dateFormat: DateFormat  # noqa: N815
    version: Version = "v1"
    filters: ExportFiltersIn | None = None


class ExportFiltersOut(BaseModel):
    activityTypes: list[str] | None = None  # noqa: N815
    fromDate: str | None = None  # noqa: N815
    toDate: str | None = None  # noqa: N815
    segmentId: str | None = None  # noqa: N815


class ExportOut(BaseModel):
    id: str
    exportType: ExportType  # noqa: N815
    status: ExportStatus
    progress: int
    total: int | None
    createdAt: str  # noqa: N815
    finishedAt: str | None  # noqa: N815
    dateFormat: DateFormat  # noqa: N815
    delimiter: Delimiter
    version: Version
    filters: ExportFiltersOut
    fileName: str  # noqa: N815
    fileExtension: str  # noqa: N815
    fileUrl: str | None = Field(  # noqa: N815
        description="Signed download URL, made anew on each read and valid for 100 minutes; "
        "null unless finished, and null again once the file has expired."
    )
    fileExpiresAt: str | None = Field(  # noqa: N815
        description="When the file is (or was) deleted; null until finished."
    )
    expired: bool = Field(description="True once the file has been deleted after retention.")
    origin: str


class ExportLinks(BaseModel):
    next: str | None


class ExportList(BaseModel):
    results: list[ExportOut]
    links: ExportLinks


# What the service returns, serialised as it is (orjson) under ExportOut.
class ExportResource(TypedDict):
    id: str
    exportType: ExportType
    status: ExportStatus
    progress: int
    total: int | None
    createdAt: str | None
    finishedAt: str | None
    dateFormat: DateFormat
    delimiter: Delimiter
    version: Version
    filters: dict[str, Any]
    fileName: str
    fileExtension: str
    fileUrl: str | None
    fileExpiresAt: str | None
    expired: bool
    origin: str
