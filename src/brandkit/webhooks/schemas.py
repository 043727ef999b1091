from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from brandkit.kit.params import RequestModel, Str


class UpdateWebhookRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"webhookUrl": "https://your-domain.com/webhook"}]}
    )

    webhookUrl: Str | None = Field(  # noqa: N815
        description="The URL every event of the key's requests is POSTed to; null removes it."
    )


class WebhookUpdatedBody(BaseModel):
    message: str
    secret: str | None = Field(
        None,
        description="The Standard Webhooks signing secret (whsec_...), shown once: each "
        "setting of the URL makes a new one.",
    )


class ExportWebhookIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"url": "https://your-domain.com/export-events"}]}
    )

    url: Str | None = Field(
        description="The URL every export event of the account is POSTed to; null removes it."
    )


class ExportWebhookOut(BaseModel):
    url: str | None
    secret: str | None = Field(None, description="Only in the answer to PUT, shown once.")
    createdAt: str | None = None  # noqa: N815
    updatedAt: str | None = None  # noqa: N815
