from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.schemas import InputModel
from app.events.enums import DeliveryStatus, EventType

_SUBSCRIPTION: dict[str, Any] = {
    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e01",
    "local_authority_id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e02",
    "partner_organisation_id": None,
    "url": "https://finance.example.gov.uk/hooks/local-offer",
    "event_types": ["claim.submitted"],
    "description": "Finance approvals queue",
    "created_at": "2026-12-04T10:15:00Z",
    "secret_rotated_at": None,
}
_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1q0ZJ5o7nI8="
_DELIVERY: dict[str, Any] = {
    "id": "0193a1c2-7d4e-7f00-9c1b-2a3b4c5d6e10",
    "event_id": "6f1d2e3c-4b5a-4978-8c6d-5e4f3a2b1c0d",
    "event_type": "claim.submitted",
    "subscription_id": _SUBSCRIPTION["id"],
    "status": "dead_letter",
    "attempts": 32,
    "next_attempt_at": "2026-12-05T10:14:00Z",
    "last_attempt_at": "2026-12-05T10:14:00Z",
    "last_status_code": 503,
    "last_error": "HTTP 503",
    "delivered_at": None,
    "created_at": "2026-12-04T10:15:00Z",
}


class WebhookSubscriptionCreate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"url": _SUBSCRIPTION["url"], "event_types": ["claim.submitted"], "description": "Finance"}
            ]
        }
    )

    url: str = Field(
        max_length=2048, description="Where events are POSTed: https (plain http only in development)"
    )
    event_types: list[EventType] = Field(min_length=1, max_length=len(EventType))
    partner_organisation_id: uuid.UUID | None = Field(
        default=None,
        description="A council admin making a subscription for one of its partners; leave out for the council's "
        "own (a partner's subscriptions are always its own)",
    )
    description: str | None = Field(default=None, max_length=200)


class WebhookSubscriptionRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_SUBSCRIPTION]})

    id: uuid.UUID
    local_authority_id: uuid.UUID
    partner_organisation_id: uuid.UUID | None = Field(description="Null for the council's own subscription")
    url: str
    event_types: list[EventType]
    description: str | None
    created_at: datetime
    secret_rotated_at: datetime | None


class WebhookSubscriptionCreated(WebhookSubscriptionRead):
    """A subscription just made or a secret just rotated: the only time its secret is shown."""

    model_config = ConfigDict(json_schema_extra={"examples": [{**_SUBSCRIPTION, "secret": _SECRET}]})

    secret: str = Field(description="Signs every delivery (Standard Webhooks `whsec_` form); shown only now")


class WebhookDeliveryRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_DELIVERY]})

    id: uuid.UUID
    event_id: uuid.UUID = Field(description="The `webhook-id` header: the same on every attempt and replay")
    event_type: EventType
    subscription_id: uuid.UUID
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None = Field(description="Why the last attempt failed (never the receiver's body)")
    delivered_at: datetime | None
    created_at: datetime
