"""Programs (day and evening tracks), their versioned settings, staff and rooms."""

import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import OrganizationScoped


class Program(OrganizationScoped):
    __tablename__ = "program"

    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(8), default="2.1")
    track: Mapped[str] = mapped_column(String(16))
    time_zone: Mapped[str] = mapped_column(String(64))
    # {"monday": {"opens": "09:00", "closes": "13:00"}, …}; a missing weekday is closed.
    operating_hours: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Whose public holidays close the program: the country given, or its time zone's
    # (`holiday_country_source`); null only for an old program whose time zone has no country.
    country: Mapped[str | None] = mapped_column(String(2))
    subdivision: Mapped[str | None] = mapped_column(String(10))
    holiday_country_source: Mapped[str | None] = mapped_column(String(16))
    # [{"date": "2026-12-24", "reason": "Staff training"}, …]: the program's own closures.
    closures: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    settings_version: Mapped[int] = mapped_column(default=1)
    is_active: Mapped[bool] = mapped_column(default=True)


class ProgramSettingsVersion(OrganizationScoped):
    """Every settings change is a new row: a plan or admission keeps the version it was made
    under, so tightening a threshold never silently invalidates past decisions."""

    __tablename__ = "program_settings_version"
    __table_args__ = (UniqueConstraint("program_id", "number"),)

    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"))
    number: Mapped[int]
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_by_key_id: Mapped[uuid.UUID | None]


class StaffMember(OrganizationScoped):
    __tablename__ = "staff_member"

    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(100))
    credential: Mapped[str | None] = mapped_column(String(40))
    license_number: Mapped[str | None] = mapped_column(String(60))
    # Session kinds this person may lead, and the complementary therapies trained for.
    session_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    therapies: Mapped[list[str]] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)


class Room(OrganizationScoped):
    __tablename__ = "room"

    name: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int]
    location: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
