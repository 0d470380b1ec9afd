"""The audit trail: who read or changed which patient record, when, in which request."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow


class AuditEvent(Base):
    """Append-only: no code path updates or deletes a row, and database triggers refuse it."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_organization_id_occurred_at", "organization_id", "occurred_at"),
        Index("ix_audit_event_resource", "resource_type", "resource_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT")
    )
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None when the change came from the command line rather than an API key.
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(40))
    resource_type: Mapped[str] = mapped_column(String(60))
    resource_id: Mapped[str] = mapped_column(String(64))
    # The patient whose data was touched, so "who saw this patient" is one indexed query.
    patient_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
