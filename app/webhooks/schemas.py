"""Bodies of webhook subscriptions and their deliveries."""

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from app.schemas import Schema
from app.webhooks.catalog import WebhookEventType

SubscriptionStatus = Literal["active", "paused", "failing"]
DeliveryStatus = Literal["pending", "delivered", "failed"]


class SubscriptionCreate(Schema):
    url: str = Field(min_length=8, max_length=2000, examples=["https://ehr.example.org/hooks/iop"])
    event_types: list[WebhookEventType] = Field(
        min_length=1, examples=[["admission.status_changed", "group.member_enrolled"]]
    )
    description: str | None = Field(None, max_length=200, examples=["EHR census feed"])


class SubscriptionUpdate(Schema):
    url: str | None = Field(None, min_length=8, max_length=2000)
    event_types: list[WebhookEventType] | None = Field(None, min_length=1)
    description: str | None = Field(None, max_length=200)


class SubscriptionRead(Schema):
    id: uuid.UUID
    url: str = Field(examples=["https://ehr.clinic.example/iop-events"])
    event_types: list[WebhookEventType]
    description: str | None = Field(examples=["EHR sync"])
    status: SubscriptionStatus = Field(
        description="`failing`: a delivery was given up after its retries; resume to clear."
    )
    failing_since: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class SubscriptionWithSecret(SubscriptionRead):
    secret: str = Field(
        description="The signing secret (`whsec_…`). Shown once: at creation and rotation.",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )


class AttemptRead(Schema):
    attempted_at: datetime
    status_code: int | None = Field(examples=[200])
    error: str | None = Field(examples=[None])
    duration_ms: int = Field(examples=[142])


class DeliveryRead(Schema):
    id: uuid.UUID
    subscription_id: uuid.UUID
    event_id: uuid.UUID = Field(description="The `webhook-id` header: the same on every retry.")
    event_type: WebhookEventType
    payload: dict[str, Any]
    status: DeliveryStatus
    attempts: int = Field(
        description="Tries since the event was first queued or last redelivered;"
        " `attempt_log` lists every try."
    )
    next_attempt_at: datetime
    delivered_at: datetime | None
    attempt_log: list[AttemptRead]
