from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

from brandkit.kit.params import NonEmptyStr, RequestModel, Str


class LoginUserRequest(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"abstractUserId": "alice"}]})

    abstractUserId: NonEmptyStr  # noqa: N815
    brand: Str | None = None


class DeleteUserRequest(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"abstractUserId": "carol"}]})

    abstractUserId: NonEmptyStr  # noqa: N815


class ReactivateUserRequest(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"abstractUserId": "carol"}]})

    abstractUserId: NonEmptyStr  # noqa: N815


class CreditLimitRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"abstractUserId": "alice", "creditLimit": 100}]}
    )

    abstractUserId: NonEmptyStr  # noqa: N815
    # -1 is no limit; any other value must be a whole number of credits, 0 and up.
    creditLimit: Annotated[int, Strict(), Field(ge=-1, le=10**9)]  # noqa: N815


class UserPlanRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"abstractUserId": "alice", "planId": "ent-01"}]}
    )

    abstractUserId: NonEmptyStr  # noqa: N815
    planId: Annotated[Str, Field(min_length=1, max_length=64)]  # noqa: N815


class MessageBody(BaseModel):
    message: str


class LoginUserBody(BaseModel):
    userId: str  # noqa: N815
    workspaceId: str  # noqa: N815
    accessToken: str  # noqa: N815
    refreshToken: str  # noqa: N815


class DeleteUserBody(BaseModel):
    message: str
    userId: str  # noqa: N815
    deleted: bool
