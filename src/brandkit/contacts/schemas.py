from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    field_validator,
)

from brandkit.kit.params import RequestModel, Str

MAX_CONTACTS = 1000
MAX_ACTIVITIES = 5000
MAX_MEMBERS = 1000
MAX_FIELDS = 100

# Deliberately loose (one @, a dot in the domain, no spaces): the address is the client's data.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

NewsletterStatus = Literal["subscribed", "unsubscribed", "none"]
FieldValue = Str | StrictInt | StrictFloat | StrictBool | None
Name = Annotated[str, Field(max_length=200)]


class ContactIn(RequestModel):
    email: Annotated[Str, Field(max_length=320)]
    firstName: Annotated[Str, Field(max_length=200)] | None = None  # noqa: N815
    lastName: Annotated[Str, Field(max_length=200)] | None = None  # noqa: N815
    newsletterStatus: NewsletterStatus | None = None  # noqa: N815
    fields: (
        Annotated[
            dict[Annotated[str, Field(min_length=1, max_length=100)], FieldValue],
            Field(max_length=MAX_FIELDS),
        ]
        | None
    ) = None
    origin: Annotated[Str, Field(max_length=64)] | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL.match(value):
            raise ValueError("must be an email address")
        return value


class ContactBatch(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "contacts": [
                        {
                            "email": "ann@example.com",
                            "firstName": "Ann",
                            "newsletterStatus": "subscribed",
                            "fields": {"tier": "gold"},
                        }
                    ]
                }
            ]
        }
    )

    contacts: Annotated[list[ContactIn], Field(min_length=1, max_length=MAX_CONTACTS)]


class ActivityIn(RequestModel):
    contactId: Str | None = None  # noqa: N815
    email: Str | None = Field(None, description="Alternative to contactId")
    type: Annotated[Str, Field(max_length=64)]
    occurredAt: Str = Field(description="ISO 8601 date-time")  # noqa: N815
    payload: dict[str, Any] = Field(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        if not KEBAB.match(value):
            raise ValueError("must be a kebab-case activity type")
        return value


class ActivityBatch(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "activities": [
                        {
                            "email": "ann@example.com",
                            "type": "purchase",
                            "occurredAt": "2024-03-02T10:00:00Z",
                            "payload": {
                                "purchaseId": "o-1",
                                "amount": 19.9,
                                "currency": "EUR",
                                "products": [{"id": "sku-1"}],
                            },
                        }
                    ]
                }
            ]
        }
    )

    activities: Annotated[list[ActivityIn], Field(min_length=1, max_length=MAX_ACTIVITIES)]


class SegmentCreate(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "VIP"}]})

    name: Annotated[Str, Field(min_length=1, max_length=200)]


class MembersChange(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"add": ["0c6b3c8e-2f1d-4d7a-9b7e-3f0e1a2b3c4d"], "remove": []}]
        }
    )

    add: Annotated[list[Str], Field(max_length=MAX_MEMBERS)] = Field(default_factory=list)
    remove: Annotated[list[Str], Field(max_length=MAX_MEMBERS)] = Field(default_factory=list)


class ContactRef(BaseModel):
    id: str
    email: str
    created: bool


class ContactBatchOut(BaseModel):
    created: int
    updated: int
    contacts: list[ContactRef]


class ActivityBatchOut(BaseModel):
    inserted: int
    ids: list[str]


class SegmentOut(BaseModel):
    id: str
    name: str
    createdAt: str  # noqa: N815
    size: int
