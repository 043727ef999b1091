from __future__ import annotations

from typing import Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict

from brandkit.kit.params import NonEmptyStr, RequestModel


class RequestStatusRequest(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"requestId": "sbhMkIZKCPp"}]})

    requestId: NonEmptyStr  # noqa: N815


class RequestStatus(TypedDict, total=False):
    queueWaitTime: int
    status: str
    requestId: str
    designId: str
    link: str
    shareLink: str
    progress: int
    reason: str | None
    result: dict[str, Any] | None


class RequestStatusBody(BaseModel):
    queueWaitTime: int  # noqa: N815
    status: Literal["pending", "processing", "completed", "failed"]
    requestId: str  # noqa: N815
    designId: str | None = None  # noqa: N815
    link: str | None = None
    shareLink: str | None = None  # noqa: N815
    progress: int
    reason: str | None = None
    result: dict[str, Any] | None = None
