"""Webhook subscriptions and the deliveries of domain events to them."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped


class WebhookSubscription(OrganizationScoped):
    __tablename__ = "webhook_subscription"

    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(200))
    # Encrypted under the server's key secret: signing needs the secret itself.
    secret_encrypted: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # active, paused, failing
    failing_since: Mapped[datetime | None]


class WebhookDelivery(OrganizationScoped):
    """One domain event for one subscription: retried until delivered or given up."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_status_next_attempt_at", "status", "next_attempt_at"),
        # A subscription's deliveries, newest first, read backwards: a page without sorting
        # every delivery the subscription ever had.
        Index(
            "ix_webhook_delivery_subscription_id_created_at",
            "subscription_id",
            "created_at",
            "id",
        ),
    )

    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscription.id", ondelete="CASCADE")
    )
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("domain_event.id"))
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    # Retries stop at this time: the delivery failed, and its subscription is failing.
    give_up_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


class WebhookAttempt(OrganizationScoped):
    """What one try to deliver answered: readable through the API."""

    __tablename__ = "webhook_attempt"

    delivery_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(300))
    duration_ms: Mapped[int]
