"""Organizations (clinic operators) and the API keys their clients authenticate with."""

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Entity, OrganizationScoped


class Organization(Entity):
    __tablename__ = "organization"

    name: Mapped[str] = mapped_column(String(200))
    # How long the website's insurance inquiries (personal data of people who are not yet
    # patients) are kept before the daily sweep deletes them.
    inquiry_retention_days: Mapped[int] = mapped_column(default=30, server_default="30")


class ApiKey(OrganizationScoped):
    __tablename__ = "api_key"

    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    payer_id: Mapped[str | None] = mapped_column(String(100))
    # HMAC-SHA256 of the key under the server secret: a leaked table does not leak keys.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the key, enough for an admin to tell keys apart.
    key_prefix: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    created_by_key_id: Mapped[uuid.UUID | None]
    # A clinician key acts for one staff member (`staff_member.id`): the licensed person whose
    # approvals it records. No foreign key: `access` sits below `programs`.
    staff_id: Mapped[uuid.UUID | None]
