"""Domain events, stored in the transaction of the change they describe (an outbox)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id


class DomainEventRecord(Base):
    """What happened, to which ids, when: never edited. Listeners (webhooks, alerts) read it
    after the commit, so an event exists exactly when its change does."""

    __tablename__ = "domain_event"
    __table_args__ = (
        Index("ix_domain_event_organization_id_occurred_at", "organization_id", "occurred_at"),
        Index("ix_domain_event_dispatched_at", "dispatched_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT")
    )
    type: Mapped[str] = mapped_column(String(60))
    occurred_at: Mapped[datetime]
    # Ids only, never patient data: {"admission_id": "…", "group_id": "…"}.
    subject: Mapped[dict[str, Any]] = mapped_column(JSON)
    patient_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    api_key_id: Mapped[uuid.UUID | None]
    request_id: Mapped[str | None] = mapped_column(String(64))
    # When the webhook worker turned it into deliveries (app.webhooks.worker).
    dispatched_at: Mapped[datetime | None]
