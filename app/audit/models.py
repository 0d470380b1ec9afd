"""The audit trail: who read or changed which patient records, when, in which request.

One event per committed transaction and caller (a request), naming every record it touched;
events of an organization form a hash chain whose head is `AuditChainHead`, so an edited or
removed event is found by `app.audit.chain.verify_links`."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id, utcnow

# JSONB on PostgreSQL: the trail's filters ask "does one access match" with `@>`.
ACCESSES_TYPE = JSON().with_variant(JSONB(), "postgresql")


class AuditEvent(Base):
    """Append-only: no code path updates or deletes a row, and database triggers refuse it."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_organization_id_occurred_at", "organization_id", "occurred_at"),
        UniqueConstraint("organization_id", "sequence"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT")
    )
    # The event's place in its organization's chain: 1, 2, 3 … with no gaps.
    sequence: Mapped[int]
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None when the access came from the command line rather than an API key.
    api_key_id: Mapped[uuid.UUID | None]
    request_id: Mapped[str | None] = mapped_column(String(64))
    # Every record touched: [{"action", "resource_type", "resource_id", "patient_id"}, …].
    accesses: Mapped[list[dict[str, Any]]] = mapped_column(ACCESSES_TYPE)
    # SHA-256 (hex) of the previous event's hash, this sequence and the event's canonical form.
    hash: Mapped[str] = mapped_column(String(64))


class AuditEventPatient(Base):
    """One row per patient an event touched, so "who saw this patient" is one indexed query
    however many of the patient's records the request read. Append-only like the events."""

    __tablename__ = "audit_event_patient"

    patient_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("audit_event.id", ondelete="RESTRICT"), primary_key=True
    )


class AuditChainHead(Base):
    """The last link of an organization's chain: its sequence and hash. Updating it is the
    last statement of a transaction that audits, so its row lock lasts only for the commit;
    it also reveals events removed from the end of the chain."""

    __tablename__ = "audit_chain_head"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), primary_key=True
    )
    sequence: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))
