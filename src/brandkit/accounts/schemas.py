from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from brandkit.kit.params import NonEmptyStr, RequestModel, Str


class LoginUserRequest(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"abstractUserId": "alice"}]})

    abstractUserId: NonEmptyStr  # noqa: N815
    brand: Str | None = None


class DeleteUserRequest(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"abstractUserId": "carol"}]})

    abstractUserId: NonEmptyStr  # noqa: N815


class LoginUserBody(BaseModel):
    userId: str  # noqa: N815
    workspaceId: str  # noqa: N815
    accessToken: str  # noqa: N815
    refreshToken: str  # noqa: N815


class DeleteUserBody(BaseModel):
    userId: str  # noqa: N815
    deleted: bool
