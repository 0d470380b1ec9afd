"""The record of one idempotency key: who sent it, for which request, and what was answered."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, new_id


class IdempotencyRecord(Base):
    """One key of one API key. `running` while the first request is carried out (its lock
    ends at `locked_until`, so a crashed server never holds a key for good), `committed` once
    its change committed (in the same transaction as the change), `completed` with the answer
    that every retry gets back."""

    __tablename__ = "idempotency_record"
    __table_args__ = (
        UniqueConstraint("api_key_id", "idempotency_key"),
        Index("ix_idempotency_record_expires_at", "expires_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    api_key_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("api_key.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the method, path, query and body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    # Which attempt holds the lock: one that took over an expired lock has a new one, and the
    # attempt it replaced can no longer commit (app.idempotency.store.mark_committed).
    attempt: Mapped[uuid.UUID]
    locked_until: Mapped[datetime]
    response_status: Mapped[int | None]
    response_headers: Mapped[list[Any] | None] = mapped_column(JSON)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    # What the first request's audit events named ([organization, type, id, patient]): a
    # replay shows that data again, so it is audited as a read of each.
    audited: Mapped[list[Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
